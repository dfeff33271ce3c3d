/**
 * The built CLI as a user runs it (`node bin/gatehouse.cjs …`): validate's exit codes and
 * output, and local mode end to end with the demo upstream: hot reload of a rate limit, an
 * invalid edit that keeps serving, no failed request during reloads, draining on SIGTERM.
 * Built once; everything on free loopback ports.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoUpstream, type DemoUpstream } from '../demo/server';
import { freePort, request } from '../testing/net';

const root = fileURLToPath(new URL('../..', import.meta.url));
const bin = path.join(root, 'bin', 'gatehouse.cjs');
const dir = mkdtempSync(path.join(tmpdir(), 'gatehouse-cli-'));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function gatehouse(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [bin, ...args], { cwd: dir, env: { ...process.env, ...env }, timeout: 15_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? ((error as { code?: number }).code ?? null) : 0, stdout, stderr });
    });
  });
}

beforeAll(async () => {
  await new Promise<void>((resolve, reject) =>
    execFile(process.execPath, ['scripts/build.mjs'], { cwd: root }, (error, _out, stderr) => (error ? reject(new Error(stderr)) : resolve())),
  );
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function apiYaml(port: number, upstreamPort: number, limit: number, extraPolicies = ''): string {
  return `apiVersion: gateway.mulesoft.com/v1alpha1
kind: ApiInstance
metadata:
  name: demo
spec:
  address: http://127.0.0.1:${port}/demo/
  services:
    demo-upstream:
      address: http://127.0.0.1:${upstreamPort}/
  policies:
    - policyRef:
        name: rate-limiting-flex
      config:
        rateLimits:
          - maximumRequests: ${limit}
            timePeriodInMilliseconds: 60000
        exposeHeaders: true
${extraPolicies}`;
}

describe('gatehouse validate', () => {
  it('exits 0 with a one-line summary for a valid file, and for the examples', async () => {
    writeFileSync(path.join(dir, 'good.yaml'), apiYaml(8081, 3000, 10));
    const good = await gatehouse(['validate', 'good.yaml']);
    expect(good).toMatchObject({ code: 0, stderr: '' });
    expect(good.stdout).toMatch(/^good\.yaml: valid \(1 API on 1 listener, 1 policy, 1 file; version [0-9a-f]{12}\)\n$/);

    for (const example of ['examples/conf.d', 'examples/flex-style.yaml']) {
      const result = await gatehouse(['validate', path.join(root, example)]);
      expect(result.stdout).toContain(': valid (');
      expect(result.code).toBe(0);
    }
  });

  it('exits 2 and prints every error as file:line: field: message', async () => {
    writeFileSync(
      path.join(dir, 'bad.yaml'),
      `${apiYaml(8081, 3000, 0)}    - policyRef:
        name: rate-limiting
---
apiVersion: gateway.mulesoft.com/v1alpha1
kind: PolicyBinding
metadata:
  name: orphan
spec:
  targetRef:
    name: missing-api
  policyRef:
    name: cors-flex
`,
    );
    const bad = await gatehouse(['validate', 'bad.yaml'], { PATH: process.env.PATH ?? '' });
    expect(bad.code).toBe(2);
    expect(bad.stdout.split('\n')).toEqual([
      'bad.yaml:15: spec.policies[0].config.rateLimits[0].maximumRequests: Too small: expected number to be >0',
      'bad.yaml:19: spec.policies[1].policyRef.name: unknown policy "rate-limiting" (did you mean rate-limiting-flex or rate-limiting-sla-based-flex?)',
      'bad.yaml:27: spec.targetRef.name: no ApiInstance named "missing-api"',
      'bad.yaml: invalid, 3 errors',
      '',
    ]);
  });

  it('prints usage for --help and exits 2 for an unknown command or a missing PATH', async () => {
    const help = await gatehouse(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/gateway +run a gateway from config files/);
    expect(help.stdout).toMatch(/validate +check a config file/);
    expect(help.stdout).toMatch(/demo-upstream +serve the bundled/);

    const unknown = await gatehouse(['frobnicate']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown command "frobnicate"');
    expect(unknown.stderr).toContain('Usage: gatehouse <command>');

    const missing = await gatehouse(['validate']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('PATH is required');
  });
});

describe('gatehouse gateway --config (local mode)', () => {
  let demo: DemoUpstream;
  let confd: string;
  let port: number;
  let child: ChildProcess;
  let stdout = '';
  let stderr = '';
  const file = () => path.join(confd, 'api.yaml');
  const url = (p: string) => `http://127.0.0.1:${port}${p}`;

  beforeAll(async () => {
    demo = await startDemoUpstream({ port: 0 });
    port = await freePort();
    confd = mkdtempSync(path.join(dir, 'conf.d-'));
    writeFileSync(file(), apiYaml(port, demo.port, 1000));
    child = spawn(process.execPath, [bin, 'gateway', '--config', confd], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    await until(() => stdout.includes('watching'), 10_000, () => `gateway did not start:\n${stdout}\n${stderr}`);
  }, 20_000);
  afterAll(async () => {
    if (child.exitCode === null) child.kill('SIGKILL');
    await demo.close();
  });

  it('prints what it serves and forwards to the upstream, logging each request', async () => {
    expect(stdout).toContain(`listening on http://127.0.0.1:${port} — demo at /demo → http://127.0.0.1:${demo.port}/ (rate-limiting-flex)`);
    const response = await request(url('/demo/users/1'));
    expect(response.status).toBe(200);
    expect(response.json()).toMatchObject({ id: 1, username: 'Bret' });
    expect(response.headers['x-ratelimit-limit']).toBe('1000');
    await until(() => /GET \/demo\/users\/1 200 [\d.]+ms/.test(stdout), 2000, () => stdout);
  });

  it('applies a changed rate limit within about a second', async () => {
    const written = Date.now();
    writeFileSync(file(), apiYaml(port, demo.port, 3));
    await until(async () => (await request(url('/demo/todos'))).headers['x-ratelimit-limit'] === '3', 2500, () => stdout + stderr);
    expect(Date.now() - written).toBeLessThan(2000);
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await request(url('/demo/todos'))).status);
    expect(statuses).toContain(429);
    expect(stdout).toMatch(/config reloaded: [0-9a-f]{12} → [0-9a-f]{12}/);
  });

  it('keeps serving the last good config after an invalid edit, shows the error on health, and clears it on the next good edit', async () => {
    writeFileSync(file(), apiYaml(port, demo.port, 100_000));
    await until(async () => (await request(url('/demo/todos'))).headers['x-ratelimit-limit'] === '100000', 2500, () => stdout + stderr);

    writeFileSync(file(), apiYaml(port, demo.port, 100_000, '    - policyRef:\n        name: cors\n'));
    const health = await until(async () => {
      const body = (await request(url('/.gatehouse/health'))).json<{ status: string; lastConfigError: { file: string; line: number; message: string } | null }>();
      return body.status === 'degraded' ? body : undefined;
    }, 2500, () => stdout + stderr);
    expect(health.lastConfigError).toMatchObject({ file: file(), line: 19 });
    expect(health.lastConfigError!.message).toContain('spec.policies[1].policyRef.name: unknown policy "cors" (did you mean cors-flex?)');
    expect(stderr).toContain(`${file()}:19: spec.policies[1].policyRef.name: unknown policy "cors"`);
    expect(stderr).toMatch(/config change rejected, still serving [0-9a-f]{12}/);
    const still = await request(url('/demo/users/2'));
    expect(still.status).toBe(200);
    expect(still.headers['x-ratelimit-limit']).toBe('100000');

    writeFileSync(file(), apiYaml(port, demo.port, 100_001));
    await until(async () => (await request(url('/.gatehouse/health'))).json<{ status: string }>().status === 'ok', 2500, () => stdout + stderr);
    expect((await request(url('/.gatehouse/health'))).json()).toMatchObject({ status: 'ok', lastConfigError: null, files: [file()] });
  });

  it('serves a burst of keep-alive traffic through several reloads without a failed request', async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 10 });
    const total = 1500;
    let sent = 0;
    const failures: string[] = [];
    let reloads = 0;
    let reloading = true;
    // Workers keep going until the reloads are done, so traffic always overlaps them.
    const worker = async () => {
      while (sent < total || reloading) {
        sent++;
        try {
          const response = await request(url(`/demo/posts/${(sent % 100) + 1}`), { agent });
          if (response.status !== 200) failures.push(`status ${response.status}: ${response.body.slice(0, 200)}`);
        } catch (error) {
          failures.push((error as Error).message);
        }
      }
    };
    const reloader = (async () => {
      for (let i = 0; i < 4; i++) {
        await new Promise((resolve) => setTimeout(resolve, 350));
        writeFileSync(file(), apiYaml(port, demo.port, 200_000 + i, `    - policyRef:\n        name: header-injection-flex\n      config:\n        outboundHeaders:\n          - key: x-reload\n            value: "${i}"\n`));
        reloads++;
      }
      reloading = false;
    })();
    await Promise.all([...Array.from({ length: 10 }, worker), reloader]);
    agent.destroy();
    expect(failures).toEqual([]);
    expect(reloads).toBe(4);
    await until(async () => (await request(url('/demo/posts/1'))).headers['x-reload'] === '3', 2500, () => stdout + stderr);
    expect(stdout.match(/config reloaded/g)!.length).toBeGreaterThanOrEqual(5);
  }, 30_000);

  it('drains on SIGTERM: the in-flight request completes, then the process exits 0', async () => {
    const slow = request(url('/demo/slow?ms=600'));
    await new Promise((resolve) => setTimeout(resolve, 150));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    const response = await slow;
    expect(response.status).toBe(200);
    expect(response.json()).toEqual({ sleptMs: 600 });
    expect(await exited).toBe(0);
    expect(stdout).toContain('SIGTERM: draining');
    await expect(request(url('/demo/users/1'))).rejects.toThrow(/ECONNREFUSED/);
  });
});

describe('gatehouse gateway options', () => {
  it('binds every listener on --host-override instead of the address host', async () => {
    const port = await freePort();
    writeFileSync(path.join(dir, 'override.yaml'), apiYaml(port, 3000, 10).replace(`http://127.0.0.1:${port}/demo/`, `http://0.0.0.0:${port}/demo/`));
    const child = spawn(process.execPath, [bin, 'gateway', '--config', 'override.yaml', '--host-override', '127.0.0.1', '--quiet'], { cwd: dir });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    try {
      await until(() => out.includes('watching'), 10_000, () => out);
      expect(out).toContain(`listening on http://127.0.0.1:${port} — demo at /demo`);
      expect((await request(`http://127.0.0.1:${port}/.gatehouse/health`)).status).toBe(200);
    } finally {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGINT');
      expect(await exited).toBe(0);
    }
  });


  it('prints every error and exits 2 without listening', async () => {
    const port = await freePort();
    writeFileSync(path.join(dir, 'broken.yaml'), apiYaml(port, 3000, -5).replace('kind: ApiInstance', 'kind: ApiInstance\nextra: true'));
    const result = await gatehouse(['gateway', '--config', 'broken.yaml']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('gatehouse: broken.yaml is invalid: 1 error');
    // An unknown field is a warning, not one of the errors.
    expect(result.stderr).toContain('gatehouse warn: broken.yaml:3: extra: unknown field; ignored (a resource has apiVersion, kind, metadata and spec)');
    expect(result.stderr).toContain('broken.yaml:16: spec.policies[0].config.rateLimits[0].maximumRequests: Too small: expected number to be >0');
  });
});

/** Polls `check` until it returns something truthy; fails with `describe()` after `ms`. */
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
