/**
 * A custom policy hook that does not answer, in a real gateway (real sockets, real upstream):
 * the client gets a 504 from the gateway naming the policy, the hook and the limit; other APIs
 * serve on; a hook that settles after the limit writes nothing more; a client that gives up
 * gets nothing written; no timer outlives a hook. Limits are small so the tests end soon;
 * nothing asserts how soon.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { symlinkSync, writeFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { startGateway, type StartedGateway } from '../../gateway/testing';
import type { RequestFact } from '../../gateway/telemetry';
import { useDataDirs } from '../../testing/data-dir';
import { request, startEchoUpstream, startServer, type TestServer } from '../../testing/net';
import { startPolicyGateway } from '../../testing/policy-testing';
import { CustomPolicyLibrary } from './library';
// @ts-expect-error: a build script without types (it builds what `gatehouse policy test` runs)
import { buildPolicyTesting } from '../../../scripts/policy-testing-build.mjs';

const repoRoot = path.resolve(__dirname, '../../..');

const { tempDir } = useDataDirs('gatehouse-hook-timeout-');
const running: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const item of running.splice(0).reverse()) await item.close();
});

function policyFile(source: string): string {
  const file = path.join(tempDir(), 'policy.ts');
  writeFileSync(file, `import { definePolicy, decide } from 'gatehouse/policy-sdk';\n${source}`);
  return file;
}

interface Setup {
  gateway: StartedGateway;
  facts: RequestFact[];
  logs: string[];
}

/** A gateway with /custom (the policy) and /other (no policy) in front of `upstream` (an echo by default). */
async function setup(source: string, options: { config?: Record<string, unknown>; upstream?: TestServer } = {}): Promise<Setup> {
  const library = new CustomPolicyLibrary();
  const load = await library.load(policyFile(source));
  if (load.error) throw new Error(`${load.error.file}:${load.error.line}: ${load.error.message}`);
  const upstream = options.upstream ?? (await startEchoUpstream());
  running.push(upstream);
  const facts: RequestFact[] = [];
  const logs: string[] = [];
  const gateway = await startGateway(
    [
      { basePath: '/custom', upstream: upstream.url, policies: [{ name: load.policy!.name, config: options.config ?? {} }] },
      { basePath: '/other', upstream: upstream.url },
    ],
    { policies: (name) => library.definition(name), onRequest: (fact) => facts.push(fact), log: (level, message) => logs.push(`${level}: ${message}`) },
  );
  running.push(gateway);
  return { gateway, facts, logs };
}

async function eventually<T>(find: () => T | undefined, what: string): Promise<T> {
  for (let i = 0; i < 1000; i++) {
    const found = find();
    if (found !== undefined) return found;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`never saw ${what}`);
}

/** A service that holds every request until the test releases them: what a hook waits on. */
async function startGate(): Promise<TestServer & { release(): void; held(): number }> {
  const waiting: ServerResponse[] = [];
  const server = await startServer((_req, res) => void waiting.push(res));
  running.push(server);
  return { ...server, release: () => waiting.splice(0).forEach((res) => res.end('ok')), held: () => waiting.length };
}

/** One keep-alive connection, read response by response (Content-Length or chunked framing), keeping whatever arrives after. */
async function keepAliveConnection(port: number) {
  const socket = net.connect(port, '127.0.0.1');
  await once(socket, 'connect');
  let buffer = '';
  socket.on('data', (chunk: Buffer) => (buffer += chunk.toString('latin1')));
  const complete = (): { status: number; body: string; length: number } | undefined => {
    const headEnd = buffer.indexOf('\r\n\r\n');
    if (headEnd < 0) return undefined;
    const head = buffer.slice(0, headEnd);
    const status = Number(head.split(' ')[1]);
    if (/\r\ntransfer-encoding: *chunked/i.test(head)) {
      // The upstream's echo comes in chunks: the body ends with the zero-length chunk.
      const end = buffer.indexOf('\r\n0\r\n\r\n', headEnd);
      if (end < 0) return undefined;
      const chunks = buffer.slice(headEnd + 4, end + 2);
      return { status, body: chunks.replace(/(^|\r\n)[0-9a-f]+\r\n/gi, '').replace(/\r\n$/, ''), length: end + 7 };
    }
    const length = Number(/\r\ncontent-length: *(\d+)/i.exec(head)?.[1] ?? NaN);
    if (!(buffer.length >= headEnd + 4 + length)) return undefined;
    return { status, body: buffer.slice(headEnd + 4, headEnd + 4 + length), length: headEnd + 4 + length };
  };
  return {
    async get(target: string): Promise<{ status: number; body: string }> {
      socket.write(`GET ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`);
      const response = await eventually(complete, `a response to ${target}`);
      buffer = buffer.slice(response.length);
      return response;
    },
    /** Bytes the gateway wrote that no request asked for. */
    unread: () => buffer,
    close: () => void socket.destroy(),
  };
}

describe('a custom policy hook that does not answer', () => {
  it('gets the client a 504 from the gateway naming the policy, the hook and the limit; other APIs serve on', async () => {
    const { gateway, facts, logs } = await setup(`
export default definePolicy({
  name: 'hangs', version: '1.0.0', schema: { type: 'object' }, timeoutMs: 300,
  create: () => ({ onRequest: () => new Promise(() => {}) }),
});`);
    const hung = request(gateway.url('/custom/a'));
    // While the hook hangs, another API answers.
    expect((await request(gateway.url('/other/b'))).status).toBe(200);
    const res = await hung;
    expect(res.status).toBe(504);
    expect(res.headers['x-gatehouse-source']).toBe('gateway');
    expect(res.json()).toEqual({ error: { code: 'POLICY_TIMEOUT', message: 'custom policy hangs did not answer in onRequest within 300 ms', policy: 'hangs' } });
    const fact = await eventually(() => facts.find((f) => f.path === '/custom/a'), 'the fact');
    expect(fact.trace).toEqual([
      expect.objectContaining({ policy: 'hangs', verdict: 'error', status: 504, detail: 'custom policy hangs did not answer in onRequest within 300 ms' }),
    ]);
    expect(logs).toContain('error: policy hangs failed on GET /custom/a: custom policy hangs did not answer in onRequest within 300 ms');
    // The next request on the same API times out the same way; the gateway is fine.
    expect((await request(gateway.url('/custom/again'))).status).toBe(504);
    expect((await request(gateway.url('/other/c'))).status).toBe(200);
  });

  for (const [how, query, lateLine] of [
    ['answers', 'wait', 'settled 200'],
    ['fails', 'wait&fail', 'settled 200'],
  ] as const) {
    it(`writes nothing more when the hook ${how} after the limit; the connection serves its next request`, async () => {
      const gate = await startGate();
      const { gateway, logs } = await setup(
        `
export default definePolicy<{ gate: string }>({
  name: 'late', version: '1.0.0', schema: { type: 'object', properties: { gate: { type: 'string' } } }, timeoutMs: 300,
  create: (config, context) => ({
    async onRequest(request) {
      if (!request.query.has('wait')) return;
      const answer = await context.fetch(config.gate, { timeoutMs: 600000 });
      context.log.info('settled ' + answer.status);
      if (request.query.has('fail')) throw new Error('late failure');
      return decide.respond(201, 'late answer');
    },
  }),
});`,
        { config: { gate: gate.url } },
      );
      const connection = await keepAliveConnection(gateway.port);
      running.push({ close: async () => connection.close() });
      const first = await connection.get(`/custom/a?${query}`);
      expect(first.status).toBe(504);
      expect(JSON.parse(first.body).error.code).toBe('POLICY_TIMEOUT');
      // The service the hook waits on answers now, long after the limit.
      await eventually(() => (gate.held() > 0 ? true : undefined), 'the hook waiting on the gate');
      gate.release();
      await eventually(() => logs.find((line) => line.endsWith(lateLine)), 'the hook settling');
      const next = await connection.get('/custom/b');
      expect(next.status).toBe(200);
      expect(JSON.parse(next.body).url).toBe('/b');
      expect(connection.unread()).toBe('');
      // One failure line, the timeout's: the late answer or error is not reported again.
      expect(logs.filter((line) => line.startsWith('error:'))).toEqual(['error: policy late failed on GET /custom/a: custom policy late did not answer in onRequest within 300 ms']);
    });
  }

  it('writes and reports nothing when the client gave up before the limit; the gateway serves on', async () => {
    const { gateway, facts, logs } = await setup(`
export default definePolicy({
  name: 'patient', version: '1.0.0', schema: { type: 'object' }, timeoutMs: 300,
  create: (_config, context) => ({
    onRequest(request) {
      if (!request.path.endsWith('/in-request')) return;
      context.log.info('waiting in onRequest');
      return new Promise(() => {});
    },
    onResponse(_response, request) {
      if (!request.path.endsWith('/in-response')) return;
      context.log.info('waiting in onResponse');
      return new Promise(() => {});
    },
  }),
});`);
    for (const hook of ['in-request', 'in-response']) {
      const controller = new AbortController();
      const abandoned = fetch(gateway.url(`/custom/${hook}`), { signal: controller.signal }).catch((error: Error) => error.name);
      await eventually(() => logs.find((line) => line.endsWith(`waiting in ${hook === 'in-request' ? 'onRequest' : 'onResponse'}`)), `the hook waiting ${hook}`);
      controller.abort();
      expect(await abandoned).toBe('AbortError');
      const fact = await eventually(() => facts.find((f) => f.path === `/custom/${hook}`), 'the fact');
      expect(fact.status).toBe(499);
    }
    // Past the limit (by then the hooks' timers found their clients gone): nothing was written or logged.
    await new Promise((resolve) => setTimeout(resolve, 900));
    expect((await request(gateway.url('/other/b'))).status).toBe(200);
    expect((await request(gateway.url('/custom/c'))).status).toBe(200);
    expect(logs.filter((line) => line.startsWith('error:'))).toEqual([]);
  });

  it('keeps no timer alive: a process whose hooks answered, or whose client gave up, exits once the gateway is closed', async () => {
    // The harness `gatehouse policy test` uses, run in a process of its own: a hook's 10-minute
    // timer that held the process would keep it alive far past this test's timeout.
    const dir = tempDir();
    await buildPolicyTesting({ root: repoRoot, outDir: dir });
    // Its dependencies (esbuild for the policy) resolve from here as from an installation.
    symlinkSync(path.join(repoRoot, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
    const policy = path.join(dir, 'policy.ts');
    writeFileSync(
      policy,
      `import { definePolicy } from 'gatehouse/policy-sdk';
export default definePolicy({
  name: 'timed', version: '1.0.0', schema: { type: 'object' }, timeoutMs: 600000,
  create: (_config, context) => ({
    async onRequest(request) {
      if (!request.path.endsWith('/hang')) return;
      context.log.info('waiting');
      await new Promise(() => {});
    },
    async onResponse(response) { response.headers.set('x-timed', 'yes'); },
  }),
});`,
    );
    const script = path.join(dir, 'run.cjs');
    writeFileSync(
      script,
      `const { startPolicyGateway } = require(${JSON.stringify(path.join(dir, 'policy-testing.cjs'))});
// The harness prints the policy's log lines on stderr: the hung hook's says it is waiting.
let waiting = false;
const write = process.stderr.write.bind(process.stderr);
process.stderr.write = (chunk, ...rest) => ((waiting ||= String(chunk).includes('waiting')), write(chunk, ...rest));
(async () => {
  const gateway = await startPolicyGateway({ policy: ${JSON.stringify(policy)} });
  const answered = await gateway.request('/quick');
  const controller = new AbortController();
  const abandoned = fetch(gateway.url + 'hang', { signal: controller.signal }).catch((error) => error.name);
  while (!waiting) await new Promise((resolve) => setTimeout(resolve, 10));
  controller.abort();
  const outcome = await abandoned;
  await gateway.close();
  process.stdout.write([answered.status, answered.headers['x-timed'], outcome].join(' '));
})();
`,
    );
    const child = spawn(process.execPath, [script], { stdio: ['ignore', 'pipe', 'pipe'] });
    running.push({ close: async () => void (child.exitCode === null && child.kill()) });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(out, err).toBe('200 yes AbortError');
    expect(code).toBe(0);
  }, 60_000);

  it('answers 504 when onResponse does not settle, naming the hook; the upstream answered', async () => {
    const { gateway, facts, logs } = await setup(`
export default definePolicy({
  name: 'stuck-response', version: '1.0.0', schema: { type: 'object' }, timeoutMs: 300,
  create: () => ({ onResponse: () => new Promise<void>(() => {}) }),
});`);
    const res = await request(gateway.url('/custom/a'));
    expect(res.status).toBe(504);
    expect(res.headers['x-gatehouse-source']).toBe('gateway');
    expect(res.headers['x-upstream']).toBeUndefined();
    expect(res.json()).toEqual({ error: { code: 'POLICY_TIMEOUT', message: 'custom policy stuck-response did not answer in onResponse within 300 ms', policy: 'stuck-response' } });
    const fact = await eventually(() => facts.find((f) => f.path === '/custom/a'), 'the fact');
    expect(fact.trace).toContainEqual(
      expect.objectContaining({ policy: 'stuck-response', verdict: 'error', status: 504, detail: 'on the response: custom policy stuck-response did not answer in onResponse within 300 ms' }),
    );
    expect(logs).toContain('error: policy stuck-response failed on the response to GET /custom/a: custom policy stuck-response did not answer in onResponse within 300 ms');
    expect((await request(gateway.url('/other/b'))).status).toBe(200);
  });

  it('does not count the time the upstream takes to send the body onResponse reads', async () => {
    // The body arrives well after the hook's limit: the upstream's own timeout governs that wait.
    const slow = await startServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('slow ');
      setTimeout(() => res.end('body'), 1000);
    });
    const { gateway } = await setup(
      `
export default definePolicy({
  name: 'reads-slowly', version: '1.0.0', schema: { type: 'object' }, timeoutMs: 100,
  create: () => ({ async onResponse(response) { response.setBody((await response.text()).toUpperCase()); } }),
});`,
      { upstream: slow },
    );
    const res = await request(gateway.url('/custom/a'));
    expect([res.status, res.body]).toEqual([200, 'SLOW BODY']);
  });

  it('does not count the time the client takes to send the body onRequest reads', async () => {
    const { gateway, logs } = await setup(`
export default definePolicy({
  name: 'reads-request', version: '1.0.0', schema: { type: 'object' }, timeoutMs: 100,
  create: (_config, context) => ({
    async onRequest(request) {
      context.log.info('reading');
      request.setBody((await request.text()).toUpperCase());
    },
  }),
});`);
    const socket = net.connect(gateway.port, '127.0.0.1');
    running.push({ close: async () => void socket.destroy() });
    await once(socket, 'connect');
    let received = '';
    socket.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')));
    socket.write('POST /custom/upload HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 9\r\nConnection: close\r\n\r\nslow ');
    await eventually(() => logs.find((line) => line.endsWith('reading')), 'the hook reading');
    // The rest of the body comes well after the hook's limit (the listener's body timeout governs that wait).
    await new Promise((resolve) => setTimeout(resolve, 600));
    socket.write('body');
    await once(socket, 'end');
    expect(received).toMatch(/^HTTP\/1\.1 200 /);
    expect(received).toContain('"body":"SLOW BODY"');
  });

  it('is reported the same way by the policy test harness (gatehouse/policy-testing)', async () => {
    const file = policyFile(`
export default definePolicy({
  name: 'harness-hang', version: '1.0.0', schema: { type: 'object' }, timeoutMs: 200,
  create: () => ({ async onRequest() { await new Promise(() => {}); } }),
});`);
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      const gateway = await startPolicyGateway({ policy: file });
      running.push(gateway);
      const res = await gateway.request('/orders');
      expect(res.status).toBe(504);
      expect(res.json().error.message).toBe('custom policy harness-hang did not answer in onRequest within 200 ms');
      const written = stderr.mock.calls.map(([chunk]) => String(chunk));
      expect(written).toContainEqual(expect.stringContaining('gateway error: policy harness-hang failed on GET /orders: custom policy harness-hang did not answer in onRequest within 200 ms'));
    } finally {
      stderr.mockRestore();
    }
  });

  it('refuses a timeoutMs that is not a whole number of milliseconds in range, naming the field', async () => {
    const library = new CustomPolicyLibrary();
    for (const value of ['0', '1.5', "'10s'", '600001']) {
      const load = await library.load(policyFile(`export default definePolicy({ name: 'bad-limit', version: '1', schema: {}, timeoutMs: ${value} as any, create: () => ({}) });`));
      expect(load.error?.message).toMatch(/^timeoutMs: expected a whole number of milliseconds from 1 to 600000 .*, got /);
    }
  });
});
