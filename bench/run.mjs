// `npm run bench`: measures, in one run on this machine, a bare http-proxy forwarder (the
// baseline) and Gatehouse in front of the same upstream, and prints throughput, latency and the
// ratios to the baseline. Targets run as separate processes; rounds alternate between targets so
// that a noisy neighbour hurts all of them alike. Load: wrk when installed, else autocannon.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { targets } from './targets.mjs';

const DURATION = Number(process.env.BENCH_DURATION ?? 6);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const AUTH = `Basic ${Buffer.from('bench:bench-secret').toString('base64')}`;
const useWrk = spawnSync('wrk', ['--version']).error === undefined;

const children = [];
process.on('exit', () => children.forEach((child) => child.kill('SIGTERM')));
process.on('SIGINT', () => process.exit(130));

export function freePort() {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

export function startProcess(args, env = {}) {
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  child.on('exit', (code) => {
    if (code && code !== 0 && !child.expectedExit) console.error(`bench: ${args.join(' ')} exited ${code}\n${output}`);
  });
  children.push(child);
  child.output = () => output;
  return child;
}

export async function waitForHttp(url, timeoutMs = 15_000) {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    try {
      const res = await fetch(url, { headers: { authorization: AUTH } });
      await res.arrayBuffer();
      if (res.status < 500) return;
    } catch {}
    await sleep(100);
  }
  throw new Error(`bench: ${url} did not answer within ${timeoutMs} ms`);
}

function loadWithWrk(url) {
  const result = spawnSync('wrk', ['-t', '2', '-c', String(CONNECTIONS), '-d', `${DURATION}s`, '--latency', '-H', `Authorization: ${AUTH}`, url], { encoding: 'utf8' });
  const text = result.stdout;
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(text)?.[1]);
  const toMs = (value, unit) => Number(value) * ({ us: 0.001, ms: 1, s: 1000 }[unit] ?? 1);
  const pct = (p) => {
    const match = new RegExp(`\\s${p}%\\s+([\\d.]+)(us|ms|s)`).exec(text);
    return match ? toMs(match[1], match[2]) : NaN;
  };
  const non2xx = Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(text)?.[1] ?? 0);
  const errors = /Socket errors:.*/.exec(text)?.[0];
  return { rps, p50: pct(50), p99: pct(99), non2xx, errors };
}

async function loadWithAutocannon(url) {
  const { default: autocannon } = await import('autocannon');
  const result = await autocannon({ url, connections: CONNECTIONS, duration: DURATION, headers: { authorization: AUTH } });
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, non2xx: result.non2xx, errors: result.errors ? `${result.errors} errors` : undefined };
}

const load = (url) => (useWrk ? loadWithWrk(url) : loadWithAutocannon(url));

async function main() {
  const workDir = mkdtempSync(path.join(tmpdir(), 'gatehouse-bench-'));
  console.log(`Gatehouse benchmark — ${useWrk ? 'wrk' : 'autocannon'}, ${CONNECTIONS} connections, ${DURATION}s per run, ${ROUNDS} rounds, node ${process.version}`);
  const upstreamPort = await freePort();
  startProcess(['bin/gatehouse.cjs', 'demo-upstream', '--port', String(upstreamPort)]);
  const upstream = `http://127.0.0.1:${upstreamPort}`;
  await waitForHttp(`${upstream}/users/1`);

  const ready = [];
  for (const target of targets) {
    const started = await target.start({ upstream, workDir, freePort, startProcess, waitForHttp, writeFileSync });
    ready.push({ ...target, url: started.url });
  }
  // Warm up every target (JIT, keep-alive pools) before measuring.
  for (const target of ready) await (useWrk ? loadWithWrkShort(target.url) : load(target.url));

  const results = new Map(ready.map((t) => [t.name, []]));
  for (let round = 0; round < ROUNDS; round++) {
    for (const target of ready) {
      const r = await load(target.url);
      results.get(target.name).push(r);
      console.log(`  round ${round + 1} ${target.name.padEnd(34)} ${r.rps.toFixed(0).padStart(7)} req/s  p50 ${r.p50.toFixed(2)} ms  p99 ${r.p99.toFixed(2)} ms${r.non2xx ? `  non-2xx ${r.non2xx}` : ''}${r.errors ? `  ${r.errors}` : ''}`);
    }
  }
  const summary = ready.map((t) => {
    const runs = results.get(t.name);
    const best = runs.reduce((a, b) => (b.rps > a.rps ? b : a));
    return { ...t, rps: median(runs.map((r) => r.rps)), p50: median(runs.map((r) => r.p50)), p99: median(runs.map((r) => r.p99)), best };
  });
  const byName = new Map(summary.map((s) => [s.name, s]));
  console.log('\nresults (median of rounds)');
  console.log('target'.padEnd(36) + 'req/s'.padStart(9) + 'p50 ms'.padStart(9) + 'p99 ms'.padStart(9) + '  vs ' + 'throughput'.padStart(11) + '  p99'.padStart(7) + '  target');
  let failed = false;
  for (const s of summary) {
    const base = byName.get(s.baseline ?? '') ;
    const tput = base ? s.rps / base.rps : undefined;
    const p99 = base ? s.p99 / base.p99 : undefined;
    const goals = [];
    if (tput !== undefined && s.minThroughput) goals.push(tput >= s.minThroughput ? `≥${s.minThroughput}× ok` : `≥${s.minThroughput}× MISSED`);
    if (p99 !== undefined && s.maxP99) goals.push(p99 <= s.maxP99 ? `p99≤${s.maxP99}× ok` : `p99≤${s.maxP99}× MISSED`);
    if (goals.some((g) => g.includes('MISSED'))) failed = true;
    console.log(
      s.name.padEnd(36) + s.rps.toFixed(0).padStart(9) + s.p50.toFixed(2).padStart(9) + s.p99.toFixed(2).padStart(9) + '  ' +
        (base ? `${(s.baseline).slice(0, 10).padEnd(10)} ${tput.toFixed(3).padStart(6)}× ${p99.toFixed(2).padStart(5)}×` : ' '.repeat(24)) + '  ' + goals.join(', '),
    );
  }
  console.log(failed ? '\nsome targets were missed on this run (shared machine: rerun to confirm)' : '\nall targets met');
}

function loadWithWrkShort(url) {
  spawnSync('wrk', ['-t', '2', '-c', String(CONNECTIONS), '-d', '2s', '-H', `Authorization: ${AUTH}`, url]);
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

await main();
process.exit(0);
