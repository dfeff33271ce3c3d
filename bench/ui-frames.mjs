// `npm run bench:ui`: how smooth the Traffic screen stays while ~1,000 requests/s go through the
// gateway for four seconds: frame times of the open page (headless Chromium, as the browser
// tests run it) with the live log open, and the same page idle as the baseline measured in
// the same run. Goal: p95 frame time under 100 ms under load. A timing on a shared machine, so
// it lives here and not in `npm test` (which checks that every request appears and that
// renders are batched).
//
// Environment: CHROMIUM (default /usr/bin/chromium).
import http from 'node:http';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { chromium } from '@playwright/test';
import { freePort, startProcess, waitForHttp } from './processes.mjs';

const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const SECONDS = 4;

async function admin(base, token, method, route, body) {
  const res = await fetch(`${base}/api/v1${route}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`bench:ui: ${method} ${route} answered ${res.status}: ${await res.text()}`);
  return res.json();
}

/** Frame times (ms) of the page over `seconds`, while `during()` runs. */
async function frames(page, during) {
  await page.evaluate(() => {
    window.__frames = [];
    if (window.__looping) return;
    window.__looping = true;
    let last = performance.now();
    const loop = (t) => {
      window.__frames.push(t - last);
      last = t;
      requestAnimationFrame(loop);
    };
    requestAnimationFrame(loop);
  });
  await during();
  return page.evaluate(() => window.__frames.slice(3));
}

function summary(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))] ?? NaN;
  return { frames: values.length, p50: at(0.5), p95: at(0.95), max: sorted.at(-1) ?? NaN };
}

function load(port, seconds) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
  return new Promise((resolve) => {
    let sent = 0;
    const pending = [];
    const started = Date.now();
    const tick = () => {
      const due = Math.min(Date.now() - started, seconds * 1000);
      while (sent < due) {
        sent++;
        pending.push(new Promise((done) => http.get({ host: '127.0.0.1', port, path: `/load/posts/${(sent % 100) + 1}`, agent }, (res) => res.resume().on('end', done)).on('error', done)));
      }
      if (Date.now() - started < seconds * 1000) setTimeout(tick, 5);
      else Promise.all(pending).then(() => (agent.destroy(), resolve(sent)));
    };
    tick();
  });
}

const dataDir = mkdtempSync(path.join(tmpdir(), 'gatehouse-bench-ui-'));
const browser = await chromium.launch({
  executablePath: CHROMIUM,
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
try {
  const upstreamPort = await freePort();
  startProcess(['bin/gatehouse.cjs', 'demo-upstream', '--port', String(upstreamPort)]);
  const [port, gatewayPort] = [await freePort(), await freePort()];
  startProcess(['bin/gatehouse.cjs', 'serve', '--data-dir', dataDir, '--port', String(port), '--gateway-port', String(gatewayPort)], { GATEHOUSE_ADMIN_TOKEN: '' });
  const base = `http://127.0.0.1:${port}`;
  await waitForHttp(`${base}/api/v1/health`);
  const token = readFileSync(path.join(dataDir, 'admin-token'), 'utf8').trim();
  await admin(base, token, 'POST', '/apis', { name: 'Load', implementationUrl: `http://127.0.0.1:${upstreamPort}`, basePath: '/load' });
  const { url } = await admin(base, token, 'POST', '/session/login-link');
  const page = await browser.newPage();
  await page.goto(url);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Traffic' }).click();
  await page.getByText('Live', { exact: true }).waitFor();

  const idle = summary(await frames(page, () => sleep(SECONDS * 1000)));
  let sent = 0;
  const loaded = summary(await frames(page, async () => (sent = await load(gatewayPort, SECONDS))));
  const fmt = (s) => `${s.frames} frames, p50 ${s.p50.toFixed(1)} ms, p95 ${s.p95.toFixed(1)} ms, longest ${s.max.toFixed(0)} ms`;
  console.log(`Traffic screen, idle:               ${fmt(idle)}`);
  console.log(`Traffic screen, ${Math.round(sent / SECONDS)} requests/s: ${fmt(loaded)}`);
  console.log(`p95 frame time under load: ${loaded.p95.toFixed(1)} ms (goal < 100 ms; ${(loaded.p95 / idle.p95).toFixed(2)}x idle)`);
} finally {
  await browser.close();
  rmSync(dataDir, { recursive: true, force: true });
  process.exit(process.exitCode ?? 0);
}
