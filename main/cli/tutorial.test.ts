/**
 * The README's five-minute tutorial, as a reader runs it: examples/conf.d served by the built
 * `gatehouse gateway` (on free ports, in front of a local upstream), step 4's call and then
 * step 5's six-call loop. What the README promises is what happens: the step-4 call counts in
 * the window, X-Ratelimit-Reset is in milliseconds and Retry-After in seconds.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, request, startEchoUpstream, type TestServer } from '../testing/net';

const root = fileURLToPath(new URL('../..', import.meta.url));
const dir = mkdtempSync(path.join(tmpdir(), 'gatehouse-tutorial-'));
let upstream: TestServer;
let gateway: ChildProcess | undefined;
let port = 0;

beforeAll(async () => {
  await new Promise<void>((resolve, reject) =>
    execFile(process.execPath, ['scripts/build.mjs'], { cwd: root }, (error, _out, err) => (error ? reject(new Error(err)) : resolve())),
  );
  upstream = await startEchoUpstream();
  port = await freePort();
  const examples = path.join(root, 'examples', 'conf.d');
  for (const file of readdirSync(examples).filter((name) => name.endsWith('.yaml')))
    writeFileSync(path.join(dir, file), readFileSync(path.join(examples, file), 'utf8').replaceAll(':8081/', `:${port}/`).replaceAll('127.0.0.1:3000', `127.0.0.1:${upstream.port}`));
  gateway = spawn(process.execPath, [path.join(root, 'bin', 'gatehouse.cjs'), 'gateway', '--config', dir, '--quiet'], { cwd: dir });
  let output = '';
  gateway.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  gateway.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  // Ready when it says so; the hook's timeout is the bound (a cold start is slow on a busy machine).
  while (!output.includes('watching')) {
    if (gateway.exitCode !== null) throw new Error(`gateway exited:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}, 90_000);

afterAll(async () => {
  gateway?.kill('SIGKILL');
  await upstream?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the README tutorial', () => {
  it('step 4 counts in the window: the six-call loop that follows gives four 200s, then 429s with Retry-After in seconds', async () => {
    const url = `http://127.0.0.1:${port}/demo/users/1`;
    const step4 = await request(url);
    expect(step4.status).toBe(200);
    expect(step4.headers['x-ratelimit-limit']).toBe('5');
    expect(step4.headers['x-ratelimit-remaining']).toBe('4');
    // Milliseconds to the end of a 10-second window: more than a seconds count could be.
    const reset = Number(step4.headers['x-ratelimit-reset']);
    expect(reset).toBeGreaterThan(10);
    expect(reset).toBeLessThanOrEqual(10_000);

    const loop = [];
    for (let i = 0; i < 6; i++) loop.push(await request(url));
    expect(loop.map((res) => res.status)).toEqual([200, 200, 200, 200, 429, 429]);
    const refused = loop[4]!;
    expect(refused.headers['x-gatehouse-source']).toBe('gateway');
    expect(refused.json().error.policy).toBe('rate-limiting-flex');
    // Whole seconds, HTTP's unit, at most the window.
    expect(refused.headers['retry-after']).toMatch(/^\d+$/);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(Number(refused.headers['retry-after'])).toBeLessThanOrEqual(10);
  });
});
