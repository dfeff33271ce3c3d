/**
 * `gatehouse gateway --config` with a custom TypeScript policy (an Extension's spec.source), as
 * a user runs it: the built CLI, real files, real fs watching, a real upstream. An edit of the
 * policy changes the next request without a restart; a syntax error keeps the last good version
 * serving and shows `file:line: message` on /.gatehouse/health and in the log; fixing it clears
 * the error. Conditions are waited for (the test's timeout is the only bound).
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, request, startEchoUpstream, type TestServer } from '../testing/net';

const root = fileURLToPath(new URL('../..', import.meta.url));
const dir = mkdtempSync(path.join(tmpdir(), 'gatehouse-custom-policy-'));
const policyFile = path.join(dir, 'policies', 'stamp.ts');
let upstream: TestServer;
let gateway: ChildProcess | undefined;
let output = '';
let port = 0;

const policy = (header: string, body: string) => `import { definePolicy } from 'gatehouse/policy-sdk';

export default definePolicy({
  name: 'stamp',
  version: '1.0.0',
  schema: { type: 'object', properties: { value: { type: 'string' } }, required: ['value'] },
  create(config: { value: string }) {
    return {
      onRequest(request) {
        ${body}
        request.headers.set('${header}', config.value);
      },
    };
  },
});
`;

/** Saved whole, as editors do (write + rename): the watcher never reads half a file. */
function save(file: string, text: string): void {
  writeFileSync(`${file}.tmp`, text);
  renameSync(`${file}.tmp`, file);
}

async function until<T>(probe: () => Promise<T | undefined>, what: string): Promise<T> {
  for (;;) {
    if (gateway?.exitCode !== null && gateway?.exitCode !== undefined) throw new Error(`gateway exited while waiting for ${what}:\n${output}`);
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const echoed = async () => (await request(`http://127.0.0.1:${port}/orders/1`)).json<{ headers: Record<string, string> }>().headers;
const health = async () => (await request(`http://127.0.0.1:${port}/.gatehouse/health`)).json<{ status: string; lastConfigError: { file: string; line: number; message: string } | null }>();

beforeAll(async () => {
  await new Promise<void>((resolve, reject) =>
    execFile(process.execPath, ['scripts/build.mjs'], { cwd: root }, (error, _out, err) => (error ? reject(new Error(err)) : resolve())),
  );
  upstream = await startEchoUpstream();
  port = await freePort();
  mkdirSync(path.join(dir, 'policies'));
  mkdirSync(path.join(dir, 'conf.d'));
  save(policyFile, policy('x-stamp', ''));
  writeFileSync(
    path.join(dir, 'conf.d', 'orders.yaml'),
    `apiVersion: gateway.mulesoft.com/v1alpha1
kind: ApiInstance
metadata:
  name: orders
spec:
  address: http://127.0.0.1:${port}/orders
  services:
    upstream:
      address: ${upstream.url}/
  policies:
    - policyRef:
        kind: Extension
        name: stamp
      config:
        value: first
---
apiVersion: gateway.mulesoft.com/v1alpha1
kind: Extension
metadata:
  name: stamp
spec:
  extends:
    - name: extension-definition
  source: ../policies/stamp.ts
`,
  );
  gateway = spawn(process.execPath, [path.join(root, 'bin', 'gatehouse.cjs'), 'gateway', '--config', path.join(dir, 'conf.d'), '--quiet'], { cwd: dir });
  gateway.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  gateway.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  await until(async () => (output.includes('watching') ? true : undefined), 'the gateway to start');
}, 120_000);

afterAll(async () => {
  gateway?.kill('SIGKILL');
  await upstream?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('a custom TypeScript policy in local mode', () => {
  it('runs, reloads on edit, keeps the last good version through a syntax error reported with file and line, and clears the error when fixed', async () => {
    expect(output).toContain(`custom policy stamp 1.0.0 from ${policyFile}`);
    expect((await echoed())['x-stamp']).toBe('first');

    // An edit: the next requests use it, no restart.
    save(policyFile, policy('x-stamp-2', ''));
    const edited = await until(async () => ((await echoed())['x-stamp-2'] === 'first' ? true : undefined), 'the edited policy to serve');
    expect(edited).toBe(true);

    // A syntax error on line 10: the edited version keeps serving; health and log say where.
    save(policyFile, policy('x-stamp-3', 'const broken = ;'));
    const degraded = await until(async () => {
      const state = await health();
      return state.status === 'degraded' ? state : undefined;
    }, 'health to report the syntax error');
    expect(degraded.lastConfigError).toMatchObject({ file: policyFile, line: 10 });
    expect(degraded.lastConfigError!.message).toContain(`${policyFile}:10: `);
    expect(output).toContain(`${policyFile}:10: `);
    const during = await echoed();
    expect(during['x-stamp-2']).toBe('first');
    expect(during['x-stamp-3']).toBeUndefined();

    // Fixed: the error clears and the fixed version serves.
    save(policyFile, policy('x-stamp-3', ''));
    await until(async () => ((await health()).status === 'ok' ? true : undefined), 'health to clear');
    expect((await health()).lastConfigError).toBeNull();
    expect((await echoed())['x-stamp-3']).toBe('first');
  });
});
