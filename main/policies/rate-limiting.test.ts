import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findPolicy } from '../../shared/policies/catalogue';
import { startGateway, type StartedGateway } from '../gateway/testing';
import { request, startEchoUpstream, type TestServer } from '../testing/net';
import { MemoryCounterStore, type CounterStore } from './counters';
import { compilePolicy, decide, fakeRequest, respondThrough } from './testing';

const window = (maximumRequests: number, timePeriodInMilliseconds: number) => ({ maximumRequests, timePeriodInMilliseconds });

describe('rate-limiting-flex (unit)', () => {
  it('admits maximumRequests, then answers 429 with Retry-After and the X-Ratelimit headers', async () => {
    const policy = compilePolicy('rate-limiting-flex', { rateLimits: [window(3, 60_000)], exposeHeaders: true });
    const seen = [];
    for (let i = 0; i < 4; i++) {
      const req = fakeRequest();
      seen.push({ decision: await decide(policy, req), headers: respondThrough(req, 200).headers });
    }
    expect(seen.slice(0, 3).map((s) => s.decision.action)).toEqual(['continue', 'continue', 'continue']);
    expect(seen.map((s) => s.headers['x-ratelimit-remaining'])).toEqual(['2', '1', '0', '0']);
    expect(seen.every((s) => s.headers['x-ratelimit-limit'] === '3')).toBe(true);
    const reset = Number(seen[0]!.headers['x-ratelimit-reset']);
    expect(reset).toBeGreaterThan(59_000);
    expect(reset).toBeLessThanOrEqual(60_000);
    const last = seen[3]!.decision;
    expect(last).toMatchObject({ action: 'reject', status: 429, code: 'RATE_LIMITED', headers: { 'retry-after': '60' } });
    expect(last.action === 'reject' && last.message).toMatch(/3 requests per minute/);
  });

  it('adds no X-Ratelimit headers unless exposeHeaders, but always Retry-After on the 429', async () => {
    const policy = compilePolicy('rate-limiting-flex', { rateLimits: [window(1, 5_000)] });
    const first = fakeRequest();
    await decide(policy, first);
    expect(first.responseHeaders).toEqual({});
    const second = fakeRequest();
    expect(await decide(policy, second)).toMatchObject({ status: 429, headers: { 'retry-after': '5' } });
    expect(second.responseHeaders).toEqual({});
  });

  it('needs quota in every window; Retry-After waits for the longest exhausted one', async () => {
    const policy = compilePolicy('rate-limiting-flex', { rateLimits: [window(2, 1_000), window(3, 30_000)] });
    const actions = [];
    for (let i = 0; i < 3; i++) actions.push((await decide(policy, fakeRequest())).action);
    expect(actions).toEqual(['continue', 'continue', 'reject']);
    await new Promise((resolve) => setTimeout(resolve, 1_050));
    // The 1 s window has reset; the 30 s one allows one more.
    expect((await decide(policy, fakeRequest())).action).toBe('continue');
    const rejected = await decide(policy, fakeRequest());
    expect(rejected).toMatchObject({ action: 'reject', status: 429 });
    expect(rejected.action === 'reject' && Number(rejected.headers!['retry-after'])).toBeGreaterThanOrEqual(29);
  });

  it('keeps one counter per keySelector value', async () => {
    const policy = compilePolicy('rate-limiting-flex', { rateLimits: [window(1, 60_000)], keySelector: "#[attributes.headers['x-api-key']]" });
    expect((await decide(policy, fakeRequest({ headers: { 'x-api-key': 'a' } }))).action).toBe('continue');
    expect((await decide(policy, fakeRequest({ headers: { 'x-api-key': 'b' } }))).action).toBe('continue');
    expect((await decide(policy, fakeRequest({ headers: { 'x-api-key': 'a' } }))).action).toBe('reject');
    // Requests without the header share one counter.
    expect((await decide(policy, fakeRequest())).action).toBe('continue');
    expect((await decide(policy, fakeRequest())).action).toBe('reject');
  });

  it('keeps counts across a reload (same binding) and apart between bindings', async () => {
    const counters = new MemoryCounterStore();
    const config = { rateLimits: [window(1, 60_000)] };
    expect((await decide(compilePolicy('rate-limiting-flex', config, { counters, bindingId: 'b1' }), fakeRequest())).action).toBe('continue');
    expect((await decide(compilePolicy('rate-limiting-flex', config, { counters, bindingId: 'b1' }), fakeRequest())).action).toBe('reject');
    expect((await decide(compilePolicy('rate-limiting-flex', config, { counters, bindingId: 'b2' }), fakeRequest())).action).toBe('continue');
  });

  it('works with an asynchronous counter store (Redis) and stays synchronous with the memory one', async () => {
    const memory = new MemoryCounterStore();
    const remote: CounterStore = { kind: 'redis', hit: (key, windows) => Promise.resolve(memory.hit(key, windows)) };
    const asyncPolicy = compilePolicy('rate-limiting-flex', { rateLimits: [window(1, 60_000)], exposeHeaders: true }, { counters: remote });
    const req = fakeRequest();
    const pending = asyncPolicy.onRequest(req);
    expect(pending).toBeInstanceOf(Promise);
    expect(await pending).toMatchObject({ action: 'continue' });
    expect(req.responseHeaders['x-ratelimit-remaining']).toBe('0');
    expect(await asyncPolicy.onRequest(fakeRequest())).toMatchObject({ status: 429 });
    const syncPolicy = compilePolicy('rate-limiting-flex', { rateLimits: [window(1, 60_000)] });
    expect(syncPolicy.onRequest(fakeRequest())).toMatchObject({ action: 'continue' });
  });
});

describe('rate-limiting-flex (over sockets)', () => {
  let upstream: TestServer;
  let gateway: StartedGateway;
  let upstreamHits = 0;

  beforeAll(async () => {
    upstream = await startEchoUpstream();
    upstream.server.prependListener('request', () => void upstreamHits++);
    gateway = await startGateway(
      [
        { id: 'limited', basePath: '/limited', upstream: upstream.url, policies: [{ name: 'rate-limiting-flex', config: { rateLimits: [window(20, 60_000)], exposeHeaders: true } }] },
        {
          id: 'keyed',
          basePath: '/keyed',
          upstream: upstream.url,
          policies: [{ name: 'rate-limiting-flex', config: { rateLimits: [window(2, 60_000)], keySelector: "#[attributes.queryParams['user']]" } }],
        },
      ],
      { catalogue: findPolicy },
    );
  });
  afterAll(async () => {
    await gateway?.close();
    await upstream?.close();
  });

  it('admits exactly 20 of 60 simultaneous requests; the rest get 429 with Retry-After and JSON', async () => {
    upstreamHits = 0;
    const responses = await Promise.all(Array.from({ length: 60 }, () => request(gateway.url('/limited/items'))));
    const ok = responses.filter((r) => r.status === 200);
    const limited = responses.filter((r) => r.status === 429);
    expect(ok.length).toBe(20);
    expect(limited.length).toBe(40);
    expect(upstreamHits).toBe(20);
    expect(ok.every((r) => r.headers['x-gatehouse-source'] === 'upstream' && r.headers['x-ratelimit-limit'] === '20')).toBe(true);
    expect(ok.map((r) => Number(r.headers['x-ratelimit-remaining'])).sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    for (const r of limited) {
      expect(r.headers['x-gatehouse-source']).toBe('gateway');
      expect(r.headers['retry-after']).toMatch(/^(59|60)$/);
      expect(r.headers['x-ratelimit-remaining']).toBe('0');
      expect(Number(r.headers['x-ratelimit-reset'])).toBeGreaterThan(50_000);
      expect(r.json()).toMatchObject({ error: { code: 'RATE_LIMITED', policy: 'rate-limiting-flex' } });
    }
  });

  it('counts each keySelector value separately, and adds no X-Ratelimit headers by default', async () => {
    const statuses = async (user: string) => (await Promise.all([1, 2, 3].map(() => request(gateway.url(`/keyed/x?user=${user}`))))).map((r) => r.status).sort();
    expect(await statuses('ann')).toEqual([200, 200, 429]);
    expect(await statuses('bob')).toEqual([200, 200, 429]);
    const last = await request(gateway.url('/keyed/x?user=ann'));
    expect(last.status).toBe(429);
    expect(last.headers['retry-after']).toBeDefined();
    expect(last.headers['x-ratelimit-limit']).toBeUndefined();
  });
});
