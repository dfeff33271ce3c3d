/**
 * End to end: the built CLI's `gatehouse serve` as a child process, configured only through
 * its admin API, serving real traffic to a real upstream, stopped with SIGTERM.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, request, startEchoUpstream, type TestServer } from '../testing/net';

const root = path.resolve(__dirname, '..', '..');

interface Serve {
  child: ChildProcess;
  output: () => string;
  /** Resolves with the exit code. */
  exited: Promise<number | null>;
}

/** Every child started, killed after the tests: a test that fails midway must not leave a serve holding the ports. */
const children: ChildProcess[] = [];

/**
 * Resolves once serve says it is ready, rejects if it exits first. No deadline of its own: on a
 * loaded machine a cold start can take many seconds, and the test's timeout is the bound.
 */
function startServe(args: string[]): Promise<Serve> {
  const child = spawn(process.execPath, [path.join(root, 'bin', 'gatehouse.cjs'), 'serve', ...args], {
    cwd: root,
    env: { ...process.env, GATEHOUSE_ADMIN_TOKEN: '', GATEHOUSE_DATA_DIR: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  children.push(child);
  return new Promise((resolve, reject) => {
    const check = () => {
      if (/Press Ctrl\+C to stop/.test(output)) {
        child.stdout!.off('data', check);
        resolve({ child, output: () => output, exited });
      }
    };
    child.stdout!.on('data', check);
    void exited.then((code) => reject(new Error(`serve exited with ${code} before starting:\n${output}`)));
  });
}

async function eventually<T>(probe: () => Promise<T>, ok: (value: T) => boolean, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (ok(value) || Date.now() > deadline) return value;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Collects the raw text of the SSE stream until `stop()`. */
function listenEvents(url: string, token: string): { text: () => string; stop: () => void } {
  let text = '';
  const req = http.get(url, { headers: { authorization: `Bearer ${token}` }, agent: false }, (res) => res.on('data', (chunk: Buffer) => (text += chunk.toString())));
  req.on('error', () => undefined);
  return { text: () => text, stop: () => req.destroy() };
}

describe('gatehouse serve', () => {
  let dataDir: string;
  let upstream: TestServer;
  let adminPort: number;
  let gatewayPort: number;

  beforeAll(async () => {
    execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: root, stdio: 'pipe' });
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'gatehouse-serve-'));
    upstream = await startEchoUpstream();
    adminPort = await freePort();
    gatewayPort = await freePort();
  }, 60_000);
  afterAll(async () => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await upstream?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('is configured through the admin API, rate-limits live traffic, and stops on SIGTERM', async () => {
    const serve = await startServe(['--data-dir', dataDir, '--port', String(adminPort), '--gateway-port', String(gatewayPort)]);
    try {
      const out = serve.output();
      const tokenFile = path.join(dataDir, 'admin-token');
      expect(out).toContain(`http://127.0.0.1:${adminPort}/?token=`);
      expect(out).toContain(tokenFile);
      expect(statSync(tokenFile).mode & 0o777).toBe(0o600);
      const token = readFileSync(tokenFile, 'utf8').trim();
      const admin = `http://127.0.0.1:${adminPort}/api/v1`;
      const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };

      expect((await request(`${admin}/health`)).status).toBe(200);
      expect((await request(`${admin}/apis`)).status).toBe(401);
      const events = listenEvents(`${admin}/events`, token);
      await eventually(async () => events.text(), (text) => text.includes('retry:'));

      const created = await request(`${admin}/apis`, { method: 'POST', headers: auth, body: JSON.stringify({ name: 'Echo', implementationUrl: upstream.url }) });
      expect(created.status, created.body).toBe(201);
      const api = created.json();
      expect(api).toMatchObject({ name: 'Echo', version: 'v1', type: 'http', basePath: '/echo', enabled: true });

      const binding = await request(`${admin}/apis/${api.id}/policies`, {
        method: 'POST',
        headers: auth,
        body: JSON.stringify({ policyRef: 'rate-limiting-flex', config: { rateLimits: [{ maximumRequests: 2, timePeriodInMilliseconds: 60_000 }] } }),
      });
      expect(binding.status, binding.body).toBe(201);
      expect(binding.json()).toMatchObject({ apiId: api.id, policyRef: 'rate-limiting-flex', order: 50, enabled: true });

      const bad = await request(`${admin}/apis/${api.id}/policies`, { method: 'POST', headers: auth, body: JSON.stringify({ policyRef: 'rate-limiting-flex', config: { rateLimits: 'lots' } }) });
      expect(bad.status).toBe(400);
      expect(bad.json().error.details[0].path).toMatch(/^config\.rateLimits/);

      const gateway = `http://127.0.0.1:${gatewayPort}/echo/hello`;
      const statuses: number[] = [];
      for (let i = 0; i < 3; i++) statuses.push((await request(gateway)).status);
      expect(statuses).toEqual([200, 200, 429]);
      const limited = await request(gateway);
      expect(limited.headers['x-gatehouse-source']).toBe('gateway');
      expect(limited.json().error.policy).toBe('rate-limiting-flex');

      // Telemetry: every request counted, the newest in the request log.
      const metrics = await eventually(
        () => request(`${admin}/apis/${api.id}/metrics?window=300`, { headers: auth }).then((r) => r.json()),
        (m) => m.requests === 4,
      );
      expect(metrics).toMatchObject({ requests: 4, status: { '2xx': 2, '4xx': 2 } });
      const traffic = await request(`${admin}/traffic?apiId=${api.id}&limit=10`, { headers: auth });
      expect(traffic.json().map((entry: { status: number }) => entry.status)).toEqual([429, 429, 200, 200]);

      // The UI refreshes from events: the change, the new snapshot and the live traffic all arrived.
      const streamed = await eventually(async () => events.text(), (text) => text.includes('event: traffic.tick') && text.includes('event: traffic.request'));
      events.stop();
      expect(streamed).toContain(`event: resource.changed\ndata: {"kind":"api","id":"${api.id}","action":"created"`);
      expect(streamed).toContain('event: snapshot.applied');
      expect(streamed).toContain('event: traffic.request');
      expect(streamed).toContain('event: traffic.tick');

      // Pause and resume both reach the log serve prints by default (no --verbose).
      expect((await request(`${admin}/traffic/pause`, { method: 'POST', headers: auth, body: '{}' })).status).toBe(200);
      expect((await request(gateway)).status).toBe(503);
      expect((await request(`${admin}/traffic/resume`, { method: 'POST', headers: auth, body: '{}' })).status).toBe(200);
      const log = await eventually(async () => serve.output(), (text) => /traffic resumed/.test(text));
      expect(log).toContain('gatehouse warn: all traffic paused: gateways answer 503 TRAFFIC_PAUSED until resumed');
      expect(log).toMatch(/gatehouse warn: traffic resumed after \d+ s: gateways serve requests again/);
    } finally {
      serve.child.kill('SIGTERM');
    }
    expect(await serve.exited).toBe(0);
    expect(serve.output()).toContain('stopped');
  }, 90_000); // a child's cold start and shutdown take many seconds on a loaded 2-core machine

  it('keeps everything across a restart', async () => {
    const serve = await startServe(['--data-dir', dataDir, '--port', String(adminPort), '--gateway-port', String(gatewayPort)]);
    try {
      const token = readFileSync(path.join(dataDir, 'admin-token'), 'utf8').trim();
      const apis = await request(`http://127.0.0.1:${adminPort}/api/v1/apis`, { headers: { authorization: `Bearer ${token}` } });
      expect(apis.json().map((api: { name: string }) => api.name)).toEqual(['Echo']);
      const through = await request(`http://127.0.0.1:${gatewayPort}/echo/again`);
      expect([200, 429]).toContain(through.status);
      expect(through.headers['x-gatehouse-source']).toBeDefined();
    } finally {
      serve.child.kill('SIGTERM');
    }
    expect(await serve.exited).toBe(0);
  }, 90_000);

  it('refuses a taken port with a clear message', async () => {
    const blocker = await startEchoUpstream();
    try {
      const child = spawn(process.execPath, [path.join(root, 'bin', 'gatehouse.cjs'), 'serve', '--data-dir', dataDir, '--port', String(blocker.port), '--gateway-port', String(gatewayPort)], {
        cwd: root,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
      const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
      expect(code).toBe(1);
      expect(output).toContain(`port ${blocker.port}`);
      expect(output).toContain('--port');
    } finally {
      await blocker.close();
    }
   }, 90_000);
});
