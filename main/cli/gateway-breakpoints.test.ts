/**
 * Breakpoints in local mode with the built CLI on real sockets: `gatehouse gateway --config DIR
 * --breakpoints` serves a conf.d folder, `gatehouse breakpoints add` sets a rule, a request
 * through the gateway pauses, `gatehouse breakpoints resume ID --header …` lets it go edited
 * (the real upstream sees the edit) and `drop` closes a connection. The endpoint refuses web
 * pages (Origin) and other Host names.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BreakpointState } from '../../shared/contract/breakpoints';
import { freePort, request, startEchoUpstream, type TestServer } from '../testing/net';

const root = fileURLToPath(new URL('../..', import.meta.url));
const bin = path.join(root, 'bin', 'gatehouse.cjs');
const work = mkdtempSync(path.join(tmpdir(), 'gatehouse-breakpoints-'));

let upstream: TestServer;
let gateway: ChildProcess;
let gatewayPort: number;
let endpointPort: number;
let output = '';

function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) =>
    execFile(process.execPath, [bin, 'breakpoints', '--port', String(endpointPort), ...args], (error, stdout, stderr) =>
      resolve({ code: error ? Number((error as { code?: number }).code) : 0, stdout, stderr }),
    ),
  );
}

async function until<T>(check: () => Promise<T | undefined>): Promise<T> {
  for (;;) {
    if (gateway.exitCode !== null) throw new Error(`gateway exited ${gateway.exitCode}\n${output}`);
    const value = await check();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function nextPausedId(): Promise<string> {
  return until(async () => {
    const state = JSON.parse((await cli('list', '--json')).stdout) as BreakpointState;
    return state.paused[0]?.id;
  });
}

beforeAll(async () => {
  await new Promise<void>((resolve, reject) =>
    execFile(process.execPath, ['scripts/build.mjs'], { cwd: root }, (error, _out, err) => (error ? reject(new Error(err)) : resolve())),
  );
  upstream = await startEchoUpstream();
  [gatewayPort, endpointPort] = [await freePort(), await freePort()];
  writeFileSync(
    path.join(work, 'orders.yaml'),
    `apiVersion: gateway.mulesoft.com/v1alpha1
kind: ApiInstance
metadata:
  name: orders
spec:
  address: http://127.0.0.1:${gatewayPort}/orders
  services:
    upstream:
      address: ${upstream.url}/
      routes:
        - config:
            destinationPath: /
`,
  );
  gateway = spawn(process.execPath, [bin, 'gateway', '--config', work, '--quiet', '--breakpoints', '--breakpoints-port', String(endpointPort)]);
  gateway.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  gateway.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  await until(async () => (output.includes(`breakpoints on http://127.0.0.1:${endpointPort}/breakpoints`) ? true : undefined));
}, 120_000);

afterAll(async () => {
  if (gateway && gateway.exitCode === null) {
    const exited = new Promise((resolve) => gateway.once('exit', resolve));
    gateway.kill('SIGTERM');
    await exited;
  }
  await upstream?.close();
  rmSync(work, { recursive: true, force: true });
});

// Each step spawns the CLI (a second or more on a loaded machine): a bound for a stuck test, not a speed goal.
describe('gatehouse gateway --breakpoints and gatehouse breakpoints', { timeout: 120_000 }, () => {
  it('a rule added from the CLI pauses a request; resume with an edited header reaches the upstream', async () => {
    const added = await cli('add', '--method', 'POST', '--path', '^/orders/', '--header', 'x-debug');
    expect(added.code).toBe(0);
    expect(added.stdout).toContain('POST · path ~ ^/orders/ · header x-debug · request');

    const answer = request(`http://127.0.0.1:${gatewayPort}/orders/items?page=2`, { method: 'POST', headers: { 'x-debug': '1', 'x-team': 'red' }, body: '{"qty":1}' });
    const id = await nextPausedId();
    const listed = await cli('list');
    expect(listed.stdout).toMatch(new RegExp(`${id}\\s+request\\s+POST /orders/items\\?page=2`));
    const shown = JSON.parse((await cli('show', id)).stdout);
    expect(shown.request).toMatchObject({ method: 'POST', url: '/items?page=2', body: { text: '{"qty":1}' } });

    const resumed = await cli('resume', id, '--header', 'x-team: blue', '--body', '{"qty":2}');
    expect(resumed.code).toBe(0);
    const echoed = (await answer).json();
    expect(echoed).toMatchObject({ method: 'POST', url: '/items?page=2', body: '{"qty":2}' });
    expect(echoed.headers['x-team']).toBe('blue');
    expect(echoed.headers['x-debug']).toBe('1');
  });

  it('drop closes the connection; a message no longer paused is an error naming it', async () => {
    await cli('clear');
    await cli('add', '--path', '^/orders/');
    // Settled at once: the connection closes while the CLI is still running.
    const answer = request(`http://127.0.0.1:${gatewayPort}/orders/gone`).then(
      () => 'answered',
      (error: Error) => error.message,
    );
    const id = await nextPausedId();
    expect((await cli('drop', id)).code).toBe(0);
    expect(await answer).toMatch(/socket hang up|ECONNRESET/);
    const again = await cli('resume', id);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(`no paused message ${id}`);
    const cleared = await cli('clear');
    expect(cleared.stdout).toContain('no rules: nothing is paused');
  });

  it('a bad rule is refused naming the field (exit 2)', async () => {
    const bad = await cli('add', '--path', '^/orders(');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/rules\[0\]\.path: not a valid regular expression/);
  });

  it('the endpoint refuses web pages and other Host names', async () => {
    const fromPage = await request(`http://127.0.0.1:${endpointPort}/breakpoints`, { method: 'PUT', headers: { origin: 'http://evil.example', 'content-type': 'application/json' }, body: '{"rules":[{}]}' });
    expect(fromPage.status).toBe(403);
    const rebound = await request(`http://127.0.0.1:${endpointPort}/breakpoints`, { headers: { host: `evil.example:${endpointPort}` } });
    expect(rebound.status).toBe(403);
    expect(JSON.parse((await cli('list', '--json')).stdout).rules).toEqual([]);
  });
});
