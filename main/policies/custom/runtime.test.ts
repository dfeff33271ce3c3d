/**
 * Custom policies running in a real gateway (real sockets, a real echo upstream): what a client
 * sees of their hooks, bodies, decisions and failures.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startGateway, type PolicyInput, type StartedGateway } from '../../gateway/testing';
import type { RequestFact } from '../../gateway/telemetry';
import { request, startEchoUpstream, startServer, type TestServer } from '../../testing/net';
import { useDataDirs } from '../../testing/data-dir';
import { CustomPolicyLibrary } from './library';

const { tempDir } = useDataDirs('gatehouse-custom-runtime-');
const running: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const item of running.splice(0).reverse()) await item.close();
});

interface Setup {
  gateway: StartedGateway;
  library: CustomPolicyLibrary;
  facts: RequestFact[];
  logs: string[];
  upstream: TestServer;
}

/** A gateway with two APIs: /custom (the policy, plus `extra` bindings) and /other (no policies). */
async function setup(policySource: string, options: { config?: Record<string, unknown>; extra?: PolicyInput[]; blockLimitMs?: number; upstream?: TestServer } = {}): Promise<Setup> {
  const file = path.join(tempDir(), 'policy.ts');
  writeFileSync(file, `import { definePolicy, decide } from 'gatehouse/policy-sdk';\n${policySource}`);
  const library = new CustomPolicyLibrary({ blockLimitMs: options.blockLimitMs });
  const load = await library.load(file);
  if (load.error) throw new Error(`${load.error.file}:${load.error.line}: ${load.error.message}`);
  const upstream = options.upstream ?? (await startEchoUpstream());
  running.push(upstream);
  const facts: RequestFact[] = [];
  const logs: string[] = [];
  const gateway = await startGateway(
    [
      { basePath: '/custom', upstream: upstream.url, policies: [{ name: load.policy!.name, config: options.config ?? {} }, ...(options.extra ?? [])] },
      { basePath: '/other', upstream: upstream.url },
    ],
    { policies: (name) => library.definition(name), onRequest: (fact) => facts.push(fact), log: (level, message) => logs.push(`${level}: ${message}`) },
  );
  running.push(gateway);
  return { gateway, library, facts, logs, upstream };
}

/** The fact of the request that came back last (facts are emitted when the exchange closes). */
async function factFor(facts: RequestFact[], path: string): Promise<RequestFact> {
  for (let i = 0; i < 200; i++) {
    const fact = facts.find((f) => f.path === path);
    if (fact) return fact;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`no fact for ${path}`);
}

describe('custom policies in the gateway', () => {
  it('adds a request header the upstream sees and a response header the client sees; the trace says modify', async () => {
    const { gateway, facts } = await setup(`
export default definePolicy<{ value: string }>({
  name: 'add-flag', version: '1.0.0',
  schema: { type: 'object', properties: { value: { type: 'string', default: 'on' } } },
  create: (config) => ({
    onRequest(request) { request.headers.set('x-flag', config.value); },
    onResponse(response, request) { response.headers.set('x-flag-seen', request.headers.get('x-flag') ?? 'none'); },
  }),
});`);
    const res = await request(gateway.url('/custom/users'));
    expect(res.status).toBe(200);
    expect(res.json().headers['x-flag']).toBe('on');
    expect(res.headers['x-flag-seen']).toBe('on');
    expect(res.headers['x-gatehouse-source']).toBe('upstream');
    const fact = await factFor(facts, '/custom/users');
    expect(fact.trace).toEqual([expect.objectContaining({ policy: 'add-flag', verdict: 'modify' })]);
  });

  it('rejects and answers with the decisions the built-ins use', async () => {
    const { gateway } = await setup(`
export default definePolicy({
  name: 'gatekeeper', version: '1.0.0', schema: { type: 'object' },
  create: () => ({
    onRequest(request) {
      if (request.query.get('teapot') !== null) return decide.respond(418, 'short and stout', { 'content-type': 'text/plain' });
      if (!request.headers.has('x-team')) return decide.reject(403, 'x-team header required', { code: 'TEAM_REQUIRED' });
    },
  }),
});`);
    const refused = await request(gateway.url('/custom/a'));
    expect(refused.status).toBe(403);
    expect(refused.headers['x-gatehouse-source']).toBe('gateway');
    expect(refused.json()).toEqual({ error: { code: 'TEAM_REQUIRED', message: 'x-team header required', policy: 'gatekeeper' } });
    const teapot = await request(gateway.url('/custom/a?teapot'));
    expect([teapot.status, teapot.body, teapot.headers['content-type']]).toEqual([418, 'short and stout', 'text/plain']);
    expect((await request(gateway.url('/custom/a'), { headers: { 'x-team': 'blue' } })).status).toBe(200);
  });

  it('reads and replaces the request body: JSON in, rewritten JSON upstream with its own Content-Length', async () => {
    const { gateway } = await setup(`
export default definePolicy({
  name: 'stamp-body', version: '1.0.0', schema: { type: 'object' },
  create: () => ({
    async onRequest(request) {
      const body = await request.json<{ name?: string }>();
      if (!body.name) return decide.reject(422, 'name is required');
      request.setBody(JSON.stringify({ ...body, stamped: true }));
    },
  }),
});`);
    const res = await request(gateway.url('/custom/items'), { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"name":"kettle"}' });
    const echoed = res.json();
    expect(JSON.parse(echoed.body)).toEqual({ name: 'kettle', stamped: true });
    expect(echoed.headers['content-length']).toBe(String(Buffer.byteLength(echoed.body)));
    expect((await request(gateway.url('/custom/items'), { method: 'POST', body: '{}' })).status).toBe(422);
    const notJson = await request(gateway.url('/custom/items'), { method: 'POST', body: 'name=kettle' });
    expect(notJson.status).toBe(400);
    expect(notJson.json().error.message).toMatch(/not valid JSON/);
  });

  it('refuses a body larger than the binding’s buffer with 413 when the policy reads it', async () => {
    const { gateway } = await setup(
      `
export default definePolicy({
  name: 'body-reader', version: '1.0.0', schema: { type: 'object' },
  create: () => ({ async onRequest(request) { await request.text(); } }),
});`,
      { extra: [{ name: 'request-handling', config: { bodyBufferBytes: 64 }, order: 10 }] },
    );
    const large = await request(gateway.url('/custom/upload'), { method: 'POST', body: 'x'.repeat(4096) });
    expect(large.status).toBe(413);
    expect(large.json().error.policy).toBe('body-reader');
    expect(large.json().error.code).toBe('PAYLOAD_TOO_LARGE');
    expect((await request(gateway.url('/custom/upload'), { method: 'POST', body: 'small' })).json().body).toBe('small');
  });

  it('rewrites a JSON response body and its status; the client gets the new Content-Length', async () => {
    const { gateway } = await setup(`
export default definePolicy({
  name: 'rewrite-response', version: '1.0.0', schema: { type: 'object' },
  create: () => ({
    async onResponse(response) {
      const echoed = await response.json<{ url: string }>();
      response.status = 201;
      response.setBody(JSON.stringify({ path: echoed.url, rewritten: true }));
    },
  }),
});`);
    const res = await request(gateway.url('/custom/thing'));
    expect(res.status).toBe(201);
    expect(res.json()).toEqual({ path: '/thing', rewritten: true });
    expect(res.headers['content-length']).toBe(String(Buffer.byteLength(res.body)));
  });

  it("runs onResponse on a later policy's reject, and not on its own", async () => {
    const { gateway } = await setup(
      `
export default definePolicy({
  name: 'mark-errors', version: '1.0.0', schema: { type: 'object' },
  create: () => ({
    onRequest(request) { if (request.query.has('self')) return decide.reject(409, 'own reject'); },
    onResponse(response) { response.headers.set('x-marked', String(response.status)); },
  }),
});`,
      { extra: [{ name: 'ip-blocklist-flex', config: { ips: ['127.0.0.1'] }, order: 60 }] },
    );
    const blocked = await request(gateway.url('/custom/x'));
    expect([blocked.status, blocked.headers['x-marked']]).toEqual([403, '403']);
    const own = await request(gateway.url('/custom/x?self'));
    expect([own.status, own.headers['x-marked']]).toEqual([409, undefined]);
  });

  const failures: [string, string][] = [
    ['throws', `onRequest() { throw new Error('kaboom'); }`],
    ['rejects', `async onRequest() { await Promise.resolve(); throw new Error('kaboom'); }`],
    ['returns a bad decision', `onRequest() { return { action: 'kaboom' } as any; }`],
    ['throws in onResponse', `onResponse() { throw new Error('kaboom'); }`],
    ['rejects in onResponse', `async onResponse(response) { await response.text(); throw new Error('kaboom'); }`],
  ];
  for (const [what, hooks] of failures) {
    it(`a policy that ${what} answers 500 from the gateway naming it; the gateway serves on`, async () => {
      const { gateway, facts, logs } = await setup(`
export default definePolicy({ name: 'faulty', version: '1.0.0', schema: { type: 'object' }, create: () => ({ ${hooks} }) });`);
      const res = await request(gateway.url('/custom/a'));
      expect(res.status).toBe(500);
      expect(res.headers['x-gatehouse-source']).toBe('gateway');
      expect(res.json().error).toMatchObject({ code: 'INTERNAL_ERROR', policy: 'faulty' });
      const fact = await factFor(facts, '/custom/a');
      expect(fact.trace).toContainEqual(expect.objectContaining({ policy: 'faulty', verdict: 'error', status: 500 }));
      expect(logs.some((line) => line.startsWith('error: policy faulty failed') && /kaboom/.test(line))).toBe(true);
      // The same API again, and another API, still answer.
      expect((await request(gateway.url('/custom/a'))).status).toBe(500);
      expect((await request(gateway.url('/other/b'))).status).toBe(200);
    });
  }

  it("names the policy's own file and line in the log when a hook throws", async () => {
    const { gateway, logs } = await setup(`
export default definePolicy({
  name: 'thrower', version: '1.0.0', schema: { type: 'object' },
  create: () => ({
    onRequest() {
      throw new Error('line five of the file');
    },
  }),
});`);
    await request(gateway.url('/custom/a'));
    expect(logs.find((line) => line.includes('line five'))).toMatch(/policy\.ts:7:\d+\)/);
  });

  it('reports a hook that blocks the event loop past the limit, by name, in the log and the library', async () => {
    const { gateway, library, logs } = await setup(
      `
export default definePolicy({
  name: 'busy-loop', version: '1.0.0', schema: { type: 'object' },
  create: () => ({ onRequest() { const until = Date.now() + 1000; while (Date.now() < until) {} } }),
});`,
      { blockLimitMs: 50 },
    );
    expect((await request(gateway.url('/custom/a'))).status).toBe(200);
    // Only the onRequest report is asserted: on a loaded machine, create() may cross 50 ms too.
    const report = library.blocking().find((entry) => entry.hook === 'onRequest');
    expect(report).toMatchObject({ policy: 'busy-loop', hook: 'onRequest', limitMs: 50, apiId: 'api-1' });
    expect(report!.durationMs).toBeGreaterThanOrEqual(990);
    expect(logs.some((line) => /^warn: .*custom policy busy-loop blocked the event loop for \d+ ms in onRequest \(limit 50 ms\)/.test(line))).toBe(true);
  });

  it('counts with shared counters, logs into the trace, and reads the environment', async () => {
    const { gateway, facts, logs } = await setup(`
export default definePolicy({
  name: 'counted', version: '1.0.0', schema: { type: 'object' },
  create: (_config, context) => ({
    async onRequest(request) {
      const { allowed, remaining } = await context.counters.hit(request.headers.get('x-user') ?? 'anon', { limit: 2, windowMs: 60000 });
      context.log.info('remaining ' + remaining);
      if (!allowed) return decide.reject(429, 'slow down');
      request.headers.set('x-home', context.env.HOME === undefined ? 'unset' : 'set');
    },
  }),
});`);
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await request(gateway.url(`/custom/n${i}`), { headers: { 'x-user': 'ann' } })).status);
    expect(statuses).toEqual([200, 200, 429]);
    expect((await request(gateway.url('/custom/bob'), { headers: { 'x-user': 'bob' } })).status).toBe(200);
    const fact = await factFor(facts, '/custom/n0');
    // The note is written after the await: it lands in the log; the trace gets request.log's lines.
    expect(logs.some((line) => line.includes('remaining 1'))).toBe(true);
    expect(fact.trace.map((entry) => entry.policy)).toContain('counted');
  });

  it('fetches another service with a timeout and logs to the request trace', async () => {
    const silent = await startServer(() => {});
    running.push(silent);
    const { gateway, facts } = await setup(
      `
export default definePolicy<{ url: string }>({
  name: 'lookup', version: '1.0.0', schema: { type: 'object', properties: { url: { type: 'string' } }, required: ['url'] },
  create: (config, context) => ({
    async onRequest(request) {
      try {
        await context.fetch(config.url, { timeoutMs: 100 });
        request.headers.set('x-lookup', 'answered');
      } catch (error) {
        request.log.warn('lookup failed: ' + (error as Error).name);
        request.headers.set('x-lookup', 'timed out');
      }
    },
  }),
});`,
      { config: { url: silent.url } },
    );
    const res = await request(gateway.url('/custom/a'));
    expect(res.json().headers['x-lookup']).toBe('timed out');
    const fact = await factFor(facts, '/custom/a');
    expect(fact.trace).toContainEqual(expect.objectContaining({ policy: 'lookup', detail: 'warn: lookup failed: TimeoutError' }));
  });

  it('refuses a binding whose config fails the schema, naming the field', async () => {
    await expect(
      setup(
        `
export default definePolicy({ name: 'needs-url', version: '1', schema: { type: 'object', properties: { url: { type: 'string', minLength: 5 } }, required: ['url'] }, create: () => ({}) });`,
        { config: { url: 'x' } },
      ),
    ).rejects.toThrow(/policy "needs-url": url: Too small/);
  });
});
