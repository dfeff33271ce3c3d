/**
 * Issue 14's policies from a Flex conf.d with the built CLI: message-logging-flex writes its
 * lines to stdout (INFO at the default log level; DEBUG items only at debug), and
 * json-threat-protection-flex refuses a deep body from YAML.
 */
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it, onTestFinished } from 'vitest';
import { freePort, request, startEchoUpstream, type SimpleResponse, type TestServer } from '../testing/net';

const root = fileURLToPath(new URL('../..', import.meta.url));
const bin = path.join(root, 'bin', 'gatehouse.cjs');
const work = mkdtempSync(path.join(tmpdir(), 'gatehouse-issue14-'));
let upstream: TestServer;

beforeAll(async () => {
  upstream = await startEchoUpstream();
  await new Promise<void>((resolve, reject) =>
    execFile(process.execPath, ['scripts/build.mjs'], { cwd: root }, (error, _out, err) => (error ? reject(new Error(err)) : resolve())),
  );
}, 120_000);

afterAll(async () => {
  await upstream?.close();
  rmSync(work, { recursive: true, force: true });
});

async function until(condition: () => boolean | Promise<boolean>): Promise<void> {
  for (let i = 0; i < 400; i++) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('timed out');
}

it('gatehouse gateway: message-logging-flex lines on stdout, json-threat-protection-flex from YAML', async () => {
  const port = await freePort();
  const dir = mkdtempSync(path.join(work, 'confd-'));
  writeFileSync(
    path.join(dir, 'api.yaml'),
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
    - policyRef: { name: json-threat-protection-flex }
      config: { maxContainerDepth: 3 }
    - policyRef: { name: message-logging-flex }
      config:
        loggingConfiguration:
          - itemName: inbound
            itemData:
              message: "#['in: ' ++ attributes.method ++ ' ' ++ attributes.requestPath]"
              level: INFO
          - itemName: verbose
            itemData:
              message: "#['debug detail for ' ++ attributes.requestPath]"
              level: DEBUG
          - itemName: outbound
            itemData:
              message: "#['out: ' ++ attributes.statusCode]"
              level: INFO
              firstSection: false
              secondSection: true
`,
  );
  let stdout = '';
  let stderr = '';
  const child = spawn(process.execPath, [bin, 'gateway', '--config', dir, '--quiet'], { cwd: dir });
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  onTestFinished(async () => {
    if (child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGINT');
    await exited;
  });
  let first: SimpleResponse | undefined;
  await until(async () => {
    if (child.exitCode !== null) throw new Error(`gateway exited ${child.exitCode}\n${stdout}${stderr}`);
    first = await request(`http://127.0.0.1:${port}/orders/42`).catch(() => undefined);
    return first !== undefined;
  });
  expect(first!.status).toBe(200);
  await until(() => stdout.includes('out: 200'));
  expect(stdout).toMatch(/orders: message-logging-flex: \[INFO\] inbound: in: GET \/orders\/42 \(request [^)]+\)\n/);
  expect(stdout).toMatch(/\[INFO\] outbound: out: 200/);
  // DEBUG items wait for logLevel: debug; nothing of this goes to stderr.
  expect(stdout).not.toContain('debug detail');
  expect(stderr).not.toContain('message-logging-flex');

  const deep = await request(`http://127.0.0.1:${port}/orders`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '[[[[1]]]]' });
  expect(deep.status).toBe(400);
  expect(deep.json().error).toMatchObject({ code: 'JSON_THREAT_DETECTED', policy: 'json-threat-protection-flex' });
  expect(deep.json().error.message).toContain('maxContainerDepth');
});
