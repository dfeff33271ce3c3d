/**
 * Local mode's Configuration kinds and its empty start, with the built CLI on real sockets:
 * an empty conf.d waits (health answers) and serves a file dropped in later; the fixtures of
 * examples/flex-fixtures/configuration write logs to a file, time out a silent upstream and
 * answer a readiness probe. Everything is polled for, never timed.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { freePort, request, type SimpleResponse } from '../testing/net';
import { startRecordingUpstream, type RecordingUpstream } from '../testing/raw-http';

const root = fileURLToPath(new URL('../..', import.meta.url));
const bin = path.join(root, 'bin', 'gatehouse.cjs');
const fixtures = path.join(root, 'examples', 'flex-fixtures', 'configuration');
const work = mkdtempSync(path.join(tmpdir(), 'gatehouse-configuration-'));
let upstream: RecordingUpstream;

beforeAll(async () => {
  await new Promise<void>((resolve, reject) =>
    execFile(process.execPath, ['scripts/build.mjs'], { cwd: root }, (error, _out, err) => (error ? reject(new Error(err)) : resolve())),
  );
  upstream = await startRecordingUpstream();
}, 60_000);

afterAll(async () => {
  await upstream?.close();
  rmSync(work, { recursive: true, force: true });
});

interface Gateway {
  process: ChildProcess;
  output: () => string;
}

/** Starts `gatehouse gateway --config dir …` and waits for its "watching" line. */
async function startGateway(dir: string, extra: string[] = []): Promise<Gateway> {
  let output = '';
  const child = spawn(process.execPath, [bin, 'gateway', '--config', dir, '--host-override', '127.0.0.1', ...extra], { cwd: dir });
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  onTestFinished(async () => {
    if (child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGINT');
    await exited;
  });
  await until(() => output.includes('watching') || child.exitCode !== null);
  if (child.exitCode !== null) throw new Error(`gateway exited ${child.exitCode}\n${output}`);
  return { process: child, output: () => output };
}

async function until(condition: () => boolean | Promise<boolean>, what = 'condition'): Promise<void> {
  for (let i = 0; i < 400; i++) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** A request that may fail while a listener is not up yet. */
async function tryGet(url: string): Promise<SimpleResponse | undefined> {
  return request(url).catch(() => undefined);
}

/** A fixture as written, on this test's ports and in front of this test's upstream. */
function fixture(name: string, replace: Record<string, string>): string {
  let text = readFileSync(path.join(fixtures, name), 'utf8');
  for (const [from, to] of Object.entries(replace)) text = text.replaceAll(from, to);
  return text;
}

function freshDir(name: string): string {
  return mkdtempSync(path.join(work, `${name}-`));
}

describe('gatehouse gateway with an empty conf.d', () => {
  it('stays up, answers health on the health port, then serves a file dropped in later', async () => {
    const dir = freshDir('empty');
    const gateway = await startGateway(dir, ['--health-port', '0']);
    const healthUrl = /health on (http:\/\/\S+)/.exec(gateway.output())?.[1];
    expect(healthUrl, gateway.output()).toMatch(/\/\.gatehouse\/health$/);
    const empty = (await request(healthUrl!)).json();
    expect(empty).toMatchObject({ status: 'ok', apis: [], ready: false });

    const port = await freePort();
    writeFileSync(path.join(dir, 'api.yaml'), fixture('api.yaml', { ':8092/': `:${port}/`, '127.0.0.1:3000': `127.0.0.1:${upstream.port}` }));
    await until(async () => (await tryGet(`http://127.0.0.1:${port}/orders/items/7`))?.status === 200, 'the dropped-in API to answer');
    const seen = upstream.seen.at(-1)!;
    expect(seen.url).toBe('/items/7');
    expect(seen.headers['x-via']).toBe('gatehouse');
    // The health port stays, now with the API; the API's own listener answers health too.
    expect((await request(healthUrl!)).json()).toMatchObject({ status: 'ok', apis: [{ name: 'orders' }], ready: true });
    expect((await request(`http://127.0.0.1:${port}/.gatehouse/health`)).status).toBe(200);
  });
});

describe('examples/flex-fixtures/configuration', () => {
  it('logging: runtime and access lines appended to the file output, in its template, at logLevel debug', async () => {
    const dir = freshDir('logging');
    const logFile = path.join(dir, 'logs', 'gateway.txt');
    const port = await freePort();
    writeFileSync(path.join(dir, 'api.yaml'), fixture('api.yaml', { ':8092/': `:${port}/`, '127.0.0.1:3000': `127.0.0.1:${upstream.port}` }));
    writeFileSync(path.join(dir, 'logging.yaml'), fixture('logging-file.yaml', { '/var/log/gatehouse/log.txt': logFile }));
    await startGateway(dir, ['--quiet']);

    expect((await request(`http://127.0.0.1:${port}/orders/logged`)).status).toBe(200);
    const log = () => (existsSync(logFile) ? readFileSync(logFile, 'utf8') : '');
    await until(() => log().includes('GET /orders/logged 200'), 'the access line in the log file');
    const lines = log().trim().split('\n');
    const stamp = String.raw`\[\d{4}-\d\d-\d\dT[\d:.]+Z\]\[gatehouse\]`;
    expect(lines.some((line) => new RegExp(`^${stamp}\\[info\\]\\[runtime\\] listening on http://127.0.0.1:${port} — orders`).test(line))).toBe(true);
    expect(lines.some((line) => new RegExp(`^${stamp}\\[info\\]\\[access\\] \\S+ GET /orders/logged 200 `).test(line))).toBe(true);
    // debug: the request's policy decisions, as a runtime line.
    await until(() => log().includes('[debug][runtime] GET /orders/logged policies: header-injection-flex='), 'the debug line');
  });

  it('logging: logLevel filters runtime lines; access lines are written whatever the level', async () => {
    const dir = freshDir('level');
    const logFile = path.join(dir, 'gateway.txt');
    const port = await freePort();
    writeFileSync(path.join(dir, 'api.yaml'), fixture('api.yaml', { ':8092/': `:${port}/`, '127.0.0.1:3000': `127.0.0.1:${upstream.port}` }));
    writeFileSync(path.join(dir, 'logging.yaml'), fixture('logging-file.yaml', { '/var/log/gatehouse/log.txt': logFile, 'logLevel: debug': 'logLevel: error' }));
    await startGateway(dir, ['--quiet']);
    expect((await request(`http://127.0.0.1:${port}/orders/quiet`)).status).toBe(200);
    await until(() => existsSync(logFile) && readFileSync(logFile, 'utf8').includes('GET /orders/quiet 200'), 'the access line');
    const text = readFileSync(logFile, 'utf8');
    expect(text).not.toContain('[runtime]');
  });

  it('timeouts: added at reload, upstreamResponseSeconds gives an upstream silent for longer a 504 from the gateway', async () => {
    const silent = http.createServer(() => {}); // never answers
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    onTestFinished(() => new Promise<void>((resolve) => {
      silent.closeAllConnections();
      silent.close(() => resolve());
    }));
    const silentPort = (silent.address() as { port: number }).port;
    const dir = freshDir('timeouts');
    const port = await freePort();
    writeFileSync(path.join(dir, 'api.yaml'), fixture('api.yaml', { ':8092/': `:${port}/`, '127.0.0.1:3000': `127.0.0.1:${silentPort}` }));
    const gateway = await startGateway(dir, ['--quiet']);
    // The runtime's timeouts are set at construction; this one follows the Configuration on reload.
    writeFileSync(path.join(dir, 'timeouts.yaml'), fixture('timeouts.yaml', {}));
    await until(() => gateway.output().includes('Configuration applied: upstream timeout 1 s'), 'the reload');
    expect(gateway.output()).toContain('spec.timeouts.streamIdleSeconds: not acted on');
    // Without the Configuration the gateway's default (30 s) would outlast this test's timeout.
    const response = await request(`http://127.0.0.1:${port}/orders/slow`);
    expect(response.status).toBe(504);
    expect(response.headers['x-gatehouse-source']).toBe('gateway');
    expect(response.json().error.code).toBe('UPSTREAM_TIMEOUT');
  });

  it('probe: 503 until an API is deployed, then 200, and still 200 after an invalid change', async () => {
    const dir = freshDir('probe');
    const probePort = await freePort();
    writeFileSync(path.join(dir, 'probe.yaml'), fixture('probe.yaml', { 'port: 8093': `port: ${probePort}` }));
    const gateway = await startGateway(dir);
    expect(gateway.output()).toContain(`readiness probe on http://127.0.0.1:${probePort}/ready`);
    const probe = `http://127.0.0.1:${probePort}/ready`;
    const notReady = await request(probe);
    expect(notReady.status).toBe(503);
    expect(notReady.json()).toEqual({ ready: false, reason: 'no API deployed yet' });

    const port = await freePort();
    writeFileSync(path.join(dir, 'api.yaml'), fixture('api.yaml', { ':8092/': `:${port}/`, '127.0.0.1:3000': `127.0.0.1:${upstream.port}` }));
    await until(async () => (await request(probe)).status === 200, 'readiness');
    expect((await request(probe)).json()).toEqual({ ready: true });
    expect((await request(`http://127.0.0.1:${probePort}/.gatehouse/health`)).json()).toMatchObject({ ready: true, apis: [{ name: 'orders' }] });

    // A broken file is rejected (the last good config keeps serving) and readiness stays.
    writeFileSync(path.join(dir, 'broken.yaml'), 'apiVersion: gateway.mulesoft.com/v1alpha1\nkind: ApiInstance\nmetadata: {name: broken}\nspec: {}\n');
    await until(() => gateway.output().includes('config change rejected'), 'the rejection');
    expect((await request(probe)).status).toBe(200);
    unlinkSync(path.join(dir, 'broken.yaml'));
  });
});
