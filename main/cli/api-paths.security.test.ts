/**
 * conf.d entry points for API base paths: `gatehouse validate` and `gatehouse gateway --config`
 * (the built CLI, real sockets) refuse the same base paths as the admin API, with file:line.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, request, startEchoUpstream, type TestServer } from '../testing/net';

const root = fileURLToPath(new URL('../..', import.meta.url));
const bin = path.join(root, 'bin', 'gatehouse.cjs');
const dir = mkdtempSync(path.join(tmpdir(), 'gatehouse-cli-paths-'));

const BAD_BASE_PATHS = ['/a/../b', '/a//b', '/a\\b', '/a/%2e%2e/b', '/a/..;/b', '/.gatehouse', '/.gatehouse/x', '/a\u0000b', '/a\nb'];

let upstream: TestServer;
beforeAll(async () => {
  await new Promise<void>((resolve, reject) =>
    execFile(process.execPath, ['scripts/build.mjs'], { cwd: root }, (error, _out, stderr) => (error ? reject(new Error(stderr)) : resolve())),
  );
  upstream = await startEchoUpstream();
}, 60_000);
afterAll(async () => {
  await upstream?.close();
  rmSync(dir, { recursive: true, force: true });
});

function gatehouse(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [bin, ...args], { cwd: dir, timeout: 15_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? ((error as { code?: number }).code ?? null) : 0, stdout, stderr });
    });
  });
}

/** `spec.address` is on line 6; JSON strings are YAML double-quoted scalars (escapes for control characters). */
function apiYaml(name: string, port: number, basePath: string): string {
  return `apiVersion: gateway.mulesoft.com/v1alpha1
kind: ApiInstance
metadata:
  name: ${JSON.stringify(name)}
spec:
  address: ${JSON.stringify(`http://127.0.0.1:${port}${basePath}`)}
  services:
    upstream:
      address: ${upstream.url}/
`;
}

async function until<T>(check: () => T | Promise<T>, ms: number, describe: () => string): Promise<NonNullable<T>> {
  const deadline = Date.now() + ms;
  for (;;) {
    try {
      const value = await check();
      if (value) return value as NonNullable<T>;
    } catch {
      // not ready yet
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms\n${describe()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('gatehouse validate', () => {
  it('refuses each bad base path at its file:line, naming spec.address; good ones stay valid', async () => {
    const confd = path.join(dir, 'bad.d');
    mkdirSync(confd);
    BAD_BASE_PATHS.forEach((basePath, i) => writeFileSync(path.join(confd, `api-${i}.yaml`), apiYaml(`api-${i}`, 8081 + i, basePath)));
    writeFileSync(path.join(confd, 'named.yaml'), apiYaml('bell\u0007', 9000, '/named'));
    const result = await gatehouse(['validate', confd]);
    expect(result.code).toBe(2);
    const lines = result.stdout.trim().split('\n');
    expect(lines.at(-1)).toBe(`${confd}: invalid, ${BAD_BASE_PATHS.length + 1} errors`);
    BAD_BASE_PATHS.forEach((basePath, i) => {
      const expected = `${path.join(confd, `api-${i}.yaml`)}:6: spec.address: the base path ${JSON.stringify(basePath)} must `;
      expect(lines.some((line) => line.startsWith(expected)), `${expected}\n${result.stdout}`).toBe(true);
    });
    expect(result.stdout).toContain(`${path.join(confd, 'named.yaml')}:4: metadata.name: must be letters, digits`);
    expect(result.stdout, 'no raw control character printed').not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);

    const good = path.join(dir, 'good.d');
    mkdirSync(good);
    ['/', '/demo/', '/api/v1', '/a-b_c.d~e'].forEach((basePath, i) => writeFileSync(path.join(good, `api-${i}.yaml`), apiYaml(`ok-${i}`, 8081, basePath)));
    const ok = await gatehouse(['validate', good]);
    expect(ok.stdout).toMatch(/valid \(4 APIs on 1 listener/);
    expect(ok.code).toBe(0);
  });
});

describe('gatehouse gateway --config', () => {
  let child: ChildProcess | undefined;
  afterAll(() => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
  });

  it('does not start on a bad base path, and a running gateway rejects a change to one', async () => {
    const port = await freePort();
    const file = path.join(dir, 'gateway.yaml');
    for (const basePath of ['/.gatehouse/x', '/a/%2e%2e/b']) {
      writeFileSync(file, apiYaml('bad', port, basePath));
      const refused = await gatehouse(['gateway', '--config', file, '--quiet']);
      expect(refused.code, refused.stdout + refused.stderr).toBe(2);
      expect(refused.stderr).toContain(`${file}:6: spec.address: the base path ${JSON.stringify(basePath)} must `);
      await expect(request(`http://127.0.0.1:${port}/.gatehouse/health`)).rejects.toThrow(/ECONNREFUSED/);
    }

    writeFileSync(file, apiYaml('demo', port, '/demo/'));
    let out = '';
    child = spawn(process.execPath, [bin, 'gateway', '--config', file, '--quiet'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (out += chunk.toString()));
    await until(() => out.includes('watching'), 10_000, () => out);
    expect((await request(`http://127.0.0.1:${port}/demo/x`)).status).toBe(200);

    writeFileSync(file, apiYaml('demo', port, '/.gatehouse'));
    const health = await until(async () => {
      const body = (await request(`http://127.0.0.1:${port}/.gatehouse/health`)).json<{ status: string; apis: { basePath: string }[]; lastConfigError: { line: number; message: string } | null }>();
      return body.status === 'degraded' ? body : undefined;
    }, 5000, () => out);
    expect(health.lastConfigError?.line).toBe(6);
    expect(health.lastConfigError?.message).toContain('spec.address: the base path "/.gatehouse" must not be under /.gatehouse');
    expect(health.apis.map((api) => api.basePath)).toEqual(['/demo']);
    expect(out).toContain('config change rejected');
    expect((await request(`http://127.0.0.1:${port}/demo/x`)).status).toBe(200);
    expect((await request(`http://127.0.0.1:${port}/.gatehouse/x`)).status).toBe(404);
  }, 30_000);
});
