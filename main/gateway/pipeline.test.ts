import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerPolicy } from '../policies/registry';
import type { PolicyDecision, PolicyRequest } from '../policies/types';
import { request, startEchoUpstream, type TestServer } from '../testing/net';
import { SnapshotError } from './snapshot-error';
import type { RequestFact } from './telemetry';
import { startGateway, type StartedGateway } from './testing';

// Test-only policies: small, observable, and named so they never collide with the catalogue.
registerPolicy({
  name: 'test-append',
  create: (config: { value: string }) => ({
    onRequest(request: PolicyRequest): PolicyDecision {
      const previous = request.headers['x-order'];
      request.headers['x-order'] = previous ? `${previous},${config.value}` : config.value;
      return { action: 'continue', modified: true, detail: `appended ${config.value}` };
    },
  }),
});
registerPolicy({
  name: 'test-deny',
  create: (config: { status?: number }) => ({
    onRequest: (): PolicyDecision => ({ action: 'reject', status: config.status ?? 403, code: 'TEST_DENIED', message: 'denied by test', headers: { 'x-denied': 'yes' } }),
  }),
});
registerPolicy({
  name: 'test-throw',
  create: (config: { async?: boolean }) => ({
    onRequest: (): PolicyDecision | Promise<PolicyDecision> => {
      if (config.async) return Promise.reject(new Error('async boom'));
      throw new Error('boom');
    },
  }),
});
registerPolicy({
  name: 'test-async',
  create: () => ({
    onRequest: (request: PolicyRequest) =>
      new Promise<PolicyDecision>((resolve) =>
        setTimeout(() => {
          request.headers['x-async'] = 'done';
          resolve({ action: 'continue' });
        }, 5),
      ),
  }),
});
registerPolicy({
  name: 'test-respond',
  create: () => ({
    onRequest: (): PolicyDecision => ({ action: 'respond', status: 204, headers: { 'X-Answered': 'by-policy' } }),
  }),
});
registerPolicy({
  name: 'test-response-headers',
  create: () => ({
    onRequest(request: PolicyRequest): PolicyDecision {
      request.responseHeaders['X-Added'] = 'always';
      request.onResponse((response) => {
        response.headers['x-hooked'] = String(response.status);
        delete response.headers['x-upstream'];
      });
      return { action: 'continue' };
    },
  }),
});

// Holds each request until the test releases it; `test-count` counts what reaches it.
const held: (() => void)[] = [];
let counted = 0;
registerPolicy({
  name: 'test-hold',
  create: () => ({
    onRequest: () => new Promise<PolicyDecision>((resolve) => held.push(() => resolve({ action: 'continue' }))),
  }),
});
registerPolicy({
  name: 'test-count',
  create: () => ({
    onRequest: (): PolicyDecision => {
      counted++;
      return { action: 'continue' };
    },
  }),
});

describe('policy pipeline', () => {
  let upstream: TestServer;
  let gateway: StartedGateway;
  const facts: RequestFact[] = [];
  const logs: string[] = [];

  beforeAll(async () => {
    upstream = await startEchoUpstream();
    gateway = await startGateway(
      [
        {
          basePath: '/order',
          upstream: upstream.url,
          policies: [
            { name: 'test-append', order: 20, config: { value: 'c' } },
            { name: 'test-append', order: 10, config: { value: 'a' } },
            { name: 'test-append', order: 20, config: { value: 'd' } },
            { name: 'test-append', order: 10, config: { value: 'b' } },
          ],
        },
        {
          basePath: '/rules',
          upstream: upstream.url,
          policies: [
            { name: 'test-deny', rules: [{ path: '/rules/admin/.*', methods: ['POST', 'DELETE'] }, { headers: [{ 'X-Force': 'yes' }] }] },
          ],
        },
        { basePath: '/throw', upstream: upstream.url, policies: [{ name: 'test-append', config: { value: 'x' } }, { name: 'test-throw' }] },
        { basePath: '/throw-async', upstream: upstream.url, policies: [{ name: 'test-throw', config: { async: true } }] },
        { basePath: '/async', upstream: upstream.url, policies: [{ name: 'test-async' }, { name: 'test-append', config: { value: 'after' } }] },
        { basePath: '/respond', upstream: upstream.url, policies: [{ name: 'test-response-headers' }, { name: 'test-respond' }] },
        { basePath: '/hooks', upstream: upstream.url, policies: [{ name: 'test-response-headers' }] },
        { basePath: '/hooks-deny', upstream: upstream.url, policies: [{ name: 'test-response-headers' }, { name: 'test-deny', config: { status: 429 } }] },
        { basePath: '/held', upstream: upstream.url, policies: [{ name: 'test-hold' }, { name: 'test-count' }] },
      ],
      { onRequest: (fact) => facts.push(fact), log: (_level, message) => logs.push(message) },
    );
  });

  afterAll(async () => {
    await gateway.close();
    await upstream.close();
  });

  const lastFact = async (path: string): Promise<RequestFact> => {
    await new Promise((resolve) => setTimeout(resolve, 10));
    const fact = facts.filter((f) => f.path === path).at(-1);
    if (!fact) throw new Error(`no fact for ${path}`);
    return fact;
  };

  it('runs bindings by order, keeping declaration order for ties', async () => {
    const res = await request(gateway.url('/order/x'));
    expect(res.json().headers['x-order']).toBe('a,b,c,d');
    const fact = await lastFact('/order/x');
    expect(fact.trace.map((t) => [t.policy, t.verdict, t.detail])).toEqual([
      ['test-append', 'modify', 'appended a'],
      ['test-append', 'modify', 'appended b'],
      ['test-append', 'modify', 'appended c'],
      ['test-append', 'modify', 'appended d'],
    ]);
    for (const entry of fact.trace) {
      expect(entry.durationMs).toBeGreaterThanOrEqual(0);
    }
  });

  it('applies a binding when any rule matches, and only when every field of that rule matches', async () => {
    expect((await request(gateway.url('/rules/admin/1'))).status).toBe(200); // path ok, method not
    expect((await request(gateway.url('/rules/other/1'), { method: 'POST' })).status).toBe(200); // method ok, path not
    const denied = await request(gateway.url('/rules/admin/1'), { method: 'POST' });
    expect(denied.status).toBe(403);
    expect(denied.headers['x-denied']).toBe('yes');
    expect(denied.json()).toEqual({ error: { code: 'TEST_DENIED', message: 'denied by test', policy: 'test-deny' } });
    expect((await request(gateway.url('/rules/any'), { headers: { 'x-force': 'yes' } })).status).toBe(403); // second rule
    expect((await request(gateway.url('/rules/any'), { headers: { 'x-force': 'yes-please' } })).status).toBe(200); // whole value
  });

  it('traces a skipped binding and a denial, and names the violated policy', async () => {
    await request(gateway.url('/rules/skip-me'));
    const skipped = await lastFact('/rules/skip-me');
    expect(skipped.trace).toEqual([expect.objectContaining({ policy: 'test-deny', verdict: 'skip', durationMs: 0 })]);
    expect(skipped.source).toBe('upstream');
    await request(gateway.url('/rules/deny-me'), { headers: { 'x-force': 'yes' } });
    const denied = await lastFact('/rules/deny-me');
    expect(denied).toMatchObject({ status: 403, source: 'gateway', errorCode: 'TEST_DENIED', violatedPolicy: 'test-deny' });
    expect(denied.trace[0]).toMatchObject({ verdict: 'deny', status: 403 });
    expect(denied.upstreamLatencyMs).toBeUndefined();
  });

  it('turns a throwing policy into a 500 naming it, logs it, and never calls the upstream', async () => {
    const res = await request(gateway.url('/throw/x'));
    expect(res.status).toBe(500);
    expect(res.headers['x-gatehouse-source']).toBe('gateway');
    expect(res.json().error).toMatchObject({ code: 'INTERNAL_ERROR', policy: 'test-throw' });
    expect(logs.some((line) => line.includes('test-throw') && line.includes('boom'))).toBe(true);
    const fact = await lastFact('/throw/x');
    expect(fact.trace.map((t) => t.verdict)).toEqual(['modify', 'error']);
    expect(fact.upstreamLatencyMs).toBeUndefined();
    const asyncRes = await request(gateway.url('/throw-async/x'));
    expect(asyncRes.status).toBe(500);
    expect(asyncRes.json().error.policy).toBe('test-throw');
  });

  it('waits for asynchronous policies and continues the chain after them', async () => {
    const res = await request(gateway.url('/async/x'));
    expect(res.json().headers).toMatchObject({ 'x-async': 'done', 'x-order': 'after' });
    const fact = await lastFact('/async/x');
    expect(fact.trace[0]!.durationMs).toBeGreaterThanOrEqual(3);
  });

  it('stops the chain when the client leaves while a policy waits: later policies never count the request', async () => {
    const controller = new AbortController();
    const abandoned = fetch(gateway.url('/held/abandoned'), { signal: controller.signal }).catch((error: Error) => error.name);
    while (held.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    controller.abort();
    expect(await abandoned).toBe('AbortError');
    while (!facts.some((f) => f.path === '/held/abandoned')) await new Promise((resolve) => setTimeout(resolve, 5));
    expect((await lastFact('/held/abandoned')).status).toBe(499);
    held.splice(0).forEach((release) => release());
    // The chain goes on (or not) in the promise jobs that run before the next macrotask.
    await new Promise((resolve) => setImmediate(resolve));
    expect(counted).toBe(0);
    // A client that waits goes through both policies to the upstream.
    const waited = request(gateway.url('/held/kept'));
    while (held.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    held.splice(0).forEach((release) => release());
    expect((await waited).json().url).toBe('/kept');
    expect(counted).toBe(1);
  });

  it('lets a policy answer itself, with policy-added headers on that answer too', async () => {
    const res = await request(gateway.url('/respond/x'));
    expect(res.status).toBe(204);
    expect(res.headers).toMatchObject({ 'x-answered': 'by-policy', 'x-added': 'always', 'x-gatehouse-source': 'gateway' });
    expect((await lastFact('/respond/x')).violatedPolicy).toBeUndefined();
  });

  it('adds response headers and runs response hooks on the upstream response head', async () => {
    const res = await request(gateway.url('/hooks/x'));
    expect(res.status).toBe(200);
    expect(res.headers['x-added']).toBe('always');
    expect(res.headers['x-hooked']).toBe('200');
    expect(res.headers['x-upstream']).toBeUndefined();
    expect(res.headers['x-gatehouse-source']).toBe('upstream');
    const denied = await request(gateway.url('/hooks-deny/x'));
    expect(denied.status).toBe(429);
    expect(denied.headers['x-added']).toBe('always');
  });

  it('rejects a snapshot with an unknown policy, naming the API and the policy', async () => {
    const attempt = gateway.apply([{ name: 'orders', basePath: '/orders', upstream: upstream.url, policies: [{ name: 'no-such-policy' }] }]);
    await expect(attempt).rejects.toBeInstanceOf(SnapshotError);
    await expect(attempt).rejects.toThrow(/orders.*no-such-policy/);
    expect((await request(gateway.url('/order/x'))).status).toBe(200);
  });

  it('rejects a config that fails the catalogue schema, naming the API, policy and field', async () => {
    const attempt = gateway.apply([
      { name: 'limited', basePath: '/limited', upstream: upstream.url, policies: [{ name: 'rate-limiting-flex', config: { rateLimits: [{ maximumRequests: 'lots' }] } }] },
    ]);
    await expect(attempt).rejects.toThrow(/limited.*rate-limiting-flex/);
    await expect(attempt).rejects.toMatchObject({ details: [expect.objectContaining({ path: expect.stringContaining('config.rateLimits') })] });
  });
});
