/**
 * Local mode's `Mock` kind with the built CLI on real sockets: an ApiInstance without any
 * upstream answers from hand-written routes, a recording file and an OpenAPI file; a Mock
 * with a bad file is refused by `gatehouse validate` naming the file and line.
 */
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { freePort, request, type SimpleResponse } from '../testing/net';

const root = fileURLToPath(new URL('../..', import.meta.url));
const bin = path.join(root, 'bin', 'gatehouse.cjs');
const work = mkdtempSync(path.join(tmpdir(), 'gatehouse-mock-'));

beforeAll(async () => {
  await new Promise<void>((resolve, reject) =>
    execFile(process.execPath, ['scripts/build.mjs'], { cwd: root }, (error, _out, err) => (error ? reject(new Error(err)) : resolve())),
  );
}, 120_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

const openapi = `openapi: 3.0.3
info: { title: Users, version: '1' }
paths:
  /users/{id}:
    get:
      responses:
        '200':
          description: one user
          content:
            application/json:
              example: { id: 1, name: Leanne Graham }
  /users:
    post:
      responses:
        '201':
          description: created
          content:
            application/json:
              schema:
                type: object
                properties:
                  id: { type: integer }
                  email: { type: string, format: email }
`;

const recording = JSON.stringify({
  format: 'gatehouse-recording/v1',
  name: 'morning',
  exchanges: [{ method: 'GET', path: '/posts', query: 'userId=3', status: 200, headers: { 'content-type': 'application/json' }, bodyBase64: Buffer.from('[{"id":21}]').toString('base64') }],
});

function confd(port: number, mockExtra = ''): string {
  const dir = mkdtempSync(path.join(work, 'confd-'));
  writeFileSync(path.join(dir, 'users.openapi.yaml'), openapi);
  writeFileSync(path.join(dir, 'morning.recording.json'), recording);
  writeFileSync(
    path.join(dir, 'api.yaml'),
    `apiVersion: gateway.mulesoft.com/v1alpha1
kind: ApiInstance
metadata:
  name: users
spec:
  address: http://127.0.0.1:${port}/users-api
  policies:
    - policyRef: { name: fault-injection }
      config: { allowHeaderTrigger: true }
---
apiVersion: gatehouse.dev/v1
kind: Mock
metadata:
  name: users-mock
spec:
  api: users
  mode: only
  openapi: ./users.openapi.yaml
  recording: ./morning.recording.json
  routes:
    - method: GET
      path: /health
      headers: { x-hand-written: 'yes' }
      body: { ok: true }
${mockExtra}`,
  );
  return dir;
}

async function until(condition: () => boolean | Promise<boolean>): Promise<void> {
  for (let i = 0; i < 400; i++) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('timed out');
}

describe('gatehouse gateway with a Mock kind', () => {
  it('runs a mock-only API with no upstream: OpenAPI examples, generated values, a recording and routes; fault-injection from YAML', async () => {
    const port = await freePort();
    const dir = confd(port);
    let output = '';
    const child = spawn(process.execPath, [bin, 'gateway', '--config', dir], { cwd: dir });
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    onTestFinished(async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGINT');
      await exited;
    });
    let first: SimpleResponse | undefined;
    await until(async () => {
      if (child.exitCode !== null) throw new Error(`gateway exited ${child.exitCode}\n${output}`);
      first = await request(`http://127.0.0.1:${port}/users-api/users/7`).catch(() => undefined);
      return first !== undefined;
    });
    expect(first!.status).toBe(200);
    expect(first!.headers['x-gatehouse-source']).toBe('mock');
    expect(first!.json()).toEqual({ id: 1, name: 'Leanne Graham' });

    const created = await request(`http://127.0.0.1:${port}/users-api/users`, { method: 'POST', body: '{}' });
    expect(created.status).toBe(201);
    expect(created.json()).toEqual({ id: 1, email: 'user@example.com' });

    const replayed = await request(`http://127.0.0.1:${port}/users-api/posts?userId=3`);
    expect(replayed.body).toBe('[{"id":21}]');
    const routed = await request(`http://127.0.0.1:${port}/users-api/health`);
    expect(routed.headers['x-hand-written']).toBe('yes');
    expect(routed.json()).toEqual({ ok: true });

    // fault-injection runs in local mode too, before the mock answers.
    const faulted = await request(`http://127.0.0.1:${port}/users-api/users/7`, { headers: { 'x-gatehouse-fault': 'abort=503' } });
    expect(faulted.status).toBe(503);
    expect(faulted.headers['x-gatehouse-source']).toBe('gateway');
    expect(faulted.json().error.code).toBe('FAULT_INJECTED');
  });

  it('gatehouse validate names the file and line of a Mock whose file is missing or wrong', async () => {
    const port = await freePort();
    const dir = confd(port);
    writeFileSync(path.join(dir, 'morning.recording.json'), JSON.stringify({ format: 'gatehouse-recording/v1', name: 'x', exchanges: [{ method: 'GET', path: 'posts', status: 200 }] }));
    writeFileSync(
      path.join(dir, 'other.yaml'),
      `apiVersion: gatehouse.dev/v1\nkind: Mock\nmetadata:\n  name: ghost\nspec:\n  api: nobody\n  openapi: ./missing.yaml\n`,
    );
    const result = await new Promise<{ code: number; out: string }>((resolve) =>
      execFile(process.execPath, [bin, 'validate', dir], (error, stdout, stderr) => resolve({ code: error ? Number((error as { code?: number }).code) : 0, out: stdout + stderr })),
    );
    expect(result.code).toBe(2);
    expect(result.out).toMatch(/api\.yaml:\d+.*spec\.recording.*exchanges\.0\.path/);
    expect(result.out).toMatch(/other\.yaml:6.*spec\.api.*no ApiInstance named "nobody"/);
  });
});
