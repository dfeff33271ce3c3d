/**
 * examples/flex-fixtures/tolerance, Flex-style files each exercising one documented behaviour:
 * `gatehouse validate` accepts the folder with warnings (exit 0), and `gatehouse gateway` runs
 * it in front of an echo upstream that records what reached it. Built CLI, real sockets.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { freePort, request, startServer, type TestServer } from '../testing/net';

const root = fileURLToPath(new URL('../..', import.meta.url));
const bin = path.join(root, 'bin', 'gatehouse.cjs');
const fixtures = path.join(root, 'examples', 'flex-fixtures', 'tolerance');
const dir = mkdtempSync(path.join(tmpdir(), 'gatehouse-flex-fixtures-'));

interface Seen {
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
}

let upstream: TestServer;
const seen: Seen[] = [];
let gateway: ChildProcess | undefined;
let port = 0;
let stdout = '';
let stderr = '';

beforeAll(async () => {
  await new Promise<void>((resolve, reject) =>
    execFile(process.execPath, ['scripts/build.mjs'], { cwd: root }, (error, _out, err) => (error ? reject(new Error(err)) : resolve())),
  );
  // Echoes what it received and records it; sends a header of its own for the outbound removal.
  upstream = await startServer((req, res) => {
    const entry = { method: req.method ?? '', url: req.url ?? '', headers: req.headers };
    seen.push(entry);
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json', 'x-upstream': 'echo' });
      res.end(JSON.stringify(entry));
    });
  });
  // The fixtures as written, on a free port and in front of this upstream.
  port = await freePort();
  for (const file of readdirSync(fixtures).filter((name) => name.endsWith('.yaml'))) {
    const text = readFileSync(path.join(fixtures, file), 'utf8').replaceAll(':8091/', `:${port}/`).replaceAll('127.0.0.1:3000', `127.0.0.1:${upstream.port}`);
    writeFileSync(path.join(dir, file), text);
  }
  gateway = spawn(process.execPath, [bin, 'gateway', '--config', dir, '--host-override', '127.0.0.1', '--quiet'], { cwd: dir });
  gateway.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  gateway.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const deadline = Date.now() + 15_000;
  while (!stdout.includes('watching')) {
    if (Date.now() > deadline || gateway.exitCode !== null) throw new Error(`gateway did not start\n${stdout}\n${stderr}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}, 60_000);

afterAll(async () => {
  if (gateway && gateway.exitCode === null) {
    const exited = new Promise((resolve) => gateway!.once('exit', resolve));
    gateway.kill('SIGINT');
    await exited;
  }
  await upstream?.close();
  rmSync(dir, { recursive: true, force: true });
});

const url = (pathname: string) => `http://127.0.0.1:${port}${pathname}`;
const lastSeen = () => seen[seen.length - 1]!;

describe('examples/flex-fixtures/tolerance', () => {
  it('validates with warnings, not errors: exit 0 and one line per field accepted but not acted on', async () => {
    const result = await new Promise<{ code: number; out: string }>((resolve) =>
      execFile(process.execPath, [bin, 'validate', 'examples/flex-fixtures/tolerance'], { cwd: root }, (error, out) => resolve({ code: error ? Number(error.code) : 0, out })),
    );
    expect(result.code).toBe(0);
    const lines = result.out.trim().split('\n');
    expect(lines.at(-1)).toMatch(/^examples\/flex-fixtures\/tolerance: valid \(8 APIs on 1 listener, 8 policies, 6 files; version \w+\), 11 warnings$/);
    const where = (file: string, line: number, field: string) => `warning: examples/flex-fixtures/tolerance/${file}:${line}: ${field}: `;
    for (const prefix of [
      where('rate-limit-tolerated-fields.yaml', 20, 'spec.policies[0].config.rateLimits[0].keySelector'),
      where('rate-limit-tolerated-fields.yaml', 21, 'spec.policies[0].config.rateLimits[0].exposeHeaders'),
      where('rate-limit-tolerated-fields.yaml', 22, 'spec.policies[0].config.rateLimits[0].clusterizable'),
      where('rate-limit-tolerated-fields.yaml', 24, 'spec.policies[0].config.blockOnUnknownQuota'),
      where('configuration-v1beta1.yaml', 23, 'spec.tracing'),
      where('ip-prefixes.yaml', 17, 'spec.policies[0].config'),
      where('unknown-fields.yaml', 20, 'spec.policies[0].config.outboundHeader'),
      where('unknown-fields.yaml', 23, 'status'),
    ]) {
      expect(lines.filter((line) => line.startsWith(prefix))).toHaveLength(1);
    }
    expect(lines.filter((line) => line.startsWith('warning: '))).toHaveLength(11);
  });

  it('gatehouse import takes a fixture with the same warnings, and exits 0', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'gatehouse-flex-import-'));
    onTestFinished(() => rmSync(dataDir, { recursive: true, force: true }));
    const result = await new Promise<{ code: number; err: string }>((resolve) =>
      execFile(
        process.execPath,
        [bin, 'import', 'examples/flex-fixtures/tolerance/rate-limit-tolerated-fields.yaml', '--data-dir', dataDir],
        { cwd: root, timeout: 30_000 },
        (error, _out, err) => resolve({ code: error ? Number(error.code) : 0, err }),
      ),
    );
    expect(result.code).toBe(0);
    expect(result.err).toContain('warning: examples/flex-fixtures/tolerance/rate-limit-tolerated-fields.yaml:20: spec.policies[0].config.rateLimits[0].keySelector: Flex documents keySelector');
    expect(result.err).toContain('rate-limit-tolerated-fields.yaml:24: spec.policies[0].config.blockOnUnknownQuota: not acted on');
  });

  it('the gateway prints the same warnings at load and serves every fixture', () => {
    expect(stderr).toContain('gatehouse warn: ');
    expect(stderr).toContain('rate-limit-tolerated-fields.yaml:20: spec.policies[0].config.rateLimits[0].keySelector: Flex documents keySelector');
    expect(stderr.split('\n').filter((line) => line.startsWith('gatehouse warn: ') && line.includes('.yaml:'))).toHaveLength(11);
  });

  it('rate limit: the tolerated entry fields change nothing; the config-level exposeHeaders does', async () => {
    const first = await request(url('/limited/orders/1'), { headers: { 'x-client': 'a' } });
    expect(first.status).toBe(200);
    expect(first.headers['x-ratelimit-limit']).toBe('2');
    expect(lastSeen()).toMatchObject({ method: 'GET', url: '/orders/1' });
    expect((await request(url('/limited/orders/2'), { headers: { 'x-client': 'b' } })).status).toBe(200);
    // One counter for both clients: keySelector inside the entry is ignored, as the warning said.
    expect((await request(url('/limited/orders/3'), { headers: { 'x-client': 'c' } })).status).toBe(429);
  });

  it('IP prefixes: 127.0 covers the client; 192.168.2 and 192.160 cover forwarded addresses only with ipExpression', async () => {
    expect((await request(url('/ip-local/x'))).status).toBe(200);
    expect((await request(url('/ip-blocked/x'))).status).toBe(403);
    // Without ipExpression a forged X-Forwarded-For does not get a client in.
    expect((await request(url('/ip-elsewhere/x'), { headers: { 'x-forwarded-for': '192.168.2.5' } })).status).toBe(403);
    const forwarded = async (address: string) => (await request(url('/ip-forwarded/x'), { headers: { 'x-forwarded-for': address } })).status;
    expect(await forwarded('192.168.2.77')).toBe(200);
    expect(await forwarded('192.160.9.9')).toBe(200);
    expect(await forwarded('192.168.3.2')).toBe(200);
    expect(await forwarded('192.168.1.1')).toBe(200);
    expect(await forwarded('192.161.0.1')).toBe(403);
    expect(await forwarded('192.168.4.1')).toBe(403);
  });

  it('header removal: the regular expressions remove what they match, the upstream and the client see the rest', async () => {
    const res = await request(url('/headers/h?q=1'), {
      method: 'POST',
      headers: { 'cache-control': 'no-cache', 'access-control-request-method': 'PUT', 'x-debug-trace': '1', 'x-keep': 'yes', 'content-type': 'text/plain' },
      body: 'hi',
    });
    expect(res.status).toBe(200);
    const received = lastSeen();
    expect(received).toMatchObject({ method: 'POST', url: '/h?q=1' });
    expect(Object.keys(received.headers).filter((name) => /^(cache-control|access-control-|x-debug-)/.test(name))).toEqual([]);
    expect(received.headers).toMatchObject({ 'x-keep': 'yes', 'content-type': 'text/plain', 'content-length': '2' });
    expect(res.headers['x-upstream']).toBeUndefined();
    expect(res.headers['content-type']).toBe('application/json');
  });

  it('CORS: a preflight from a disallowed origin gets 200 without CORS headers and never reaches the upstream', async () => {
    const before = seen.length;
    const refused = await request(url('/cors/items'), { method: 'OPTIONS', headers: { origin: 'http://evil.example', 'access-control-request-method': 'GET' } });
    expect(refused.status).toBe(200);
    expect(refused.body).toBe('');
    expect(Object.keys(refused.headers).filter((name) => name.startsWith('access-control-'))).toEqual([]);
    const allowed = await request(url('/cors/items'), { method: 'OPTIONS', headers: { origin: 'http://app.example.com', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' } });
    expect(allowed.status).toBe(204);
    expect(allowed.headers['access-control-allow-origin']).toBe('http://app.example.com');
    expect(seen.length).toBe(before);
  });

  it('unknown fields: the API runs with what it understood', async () => {
    const res = await request(url('/extras/x'));
    expect(res.status).toBe(200);
    expect(lastSeen().headers['x-fixture']).toBe('unknown-fields');
    expect(res.headers['x-misspelt']).toBeUndefined();
  });
});
