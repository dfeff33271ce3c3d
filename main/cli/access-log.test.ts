/**
 * `gatehouse gateway`'s access log as a user runs it (the built bin): lines are written in
 * batches, yet every request has its line, with its query string, even when SIGTERM comes right
 * after the last response.
 */
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { freePort, request, startEchoUpstream, type TestServer } from '../testing/net';

const root = fileURLToPath(new URL('../..', import.meta.url));
const bin = path.join(root, 'bin', 'gatehouse.cjs');
const dir = mkdtempSync(path.join(tmpdir(), 'gatehouse-access-log-'));
let upstream: TestServer;

beforeAll(async () => {
  upstream = await startEchoUpstream();
  await new Promise<void>((resolve, reject) =>
    execFile(process.execPath, ['scripts/build.mjs'], { cwd: root }, (error, _out, stderr) => (error ? reject(new Error(stderr)) : resolve())),
  );
}, 60_000);
afterAll(async () => {
  await upstream.close();
  rmSync(dir, { recursive: true, force: true });
});

it('writes one access line per request, none lost when SIGTERM follows the last response', async () => {
  const port = await freePort();
  writeFileSync(
    path.join(dir, 'api.yaml'),
    `apiVersion: gateway.mulesoft.com/v1alpha1
kind: ApiInstance
metadata:
  name: echo
spec:
  address: http://127.0.0.1:${port}/echo/
  services:
    upstream:
      address: ${upstream.url}/
`,
  );
  const child = spawn(process.execPath, [bin, 'gateway', '--config', 'api.yaml'], { cwd: dir });
  let stdout = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`gateway did not start: ${stdout}`)), 15_000);
      child.stdout.on('data', () => stdout.includes('watching') && (clearTimeout(timer), resolve()));
    });
    const sent = 300;
    const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
    let next = 0;
    const worker = async () => {
      while (next < sent) {
        const n = next++;
        const response = await request(`http://127.0.0.1:${port}/echo/items?n=${n}&tag=a`, { agent });
        expect(response.status).toBe(200);
      }
    };
    await Promise.all(Array.from({ length: 8 }, worker));
    agent.destroy();
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    const lines = stdout.split('\n').filter((line) => / GET \/echo\/items\?n=\d+&tag=a 200 /.test(line));
    expect(lines).toHaveLength(sent);
    expect(new Set(lines.map((line) => /n=(\d+)/.exec(line)![1])).size).toBe(sent);
    // The batch went out before the shutdown notice.
    expect(stdout.lastIndexOf('/echo/items?n=')).toBeLessThan(stdout.indexOf('SIGTERM: draining'));
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
  }
}, 60_000);
