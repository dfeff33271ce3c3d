import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findPolicy } from '../../shared/policies/catalogue';
import { startGateway, type StartedGateway } from '../gateway/testing';
import { request, startEchoUpstream, type TestServer } from '../testing/net';
import { SlidingWindow } from './spike-control';
import { compilePolicy, decide, fakeRequest, respondThrough } from './testing';

describe('spike-control-flex (unit)', () => {
  it('slides: a window is the last period before each request, not a fixed slot', () => {
    const window = new SlidingWindow(2, 1000);
    expect(window.tryAdmit(0)).toBe(true);
    expect(window.tryAdmit(800)).toBe(true);
    expect(window.tryAdmit(900)).toBe(false);
    // At 1100 the request from 0 has left the window, the one from 800 has not: one slot.
    expect(window.tryAdmit(1100)).toBe(true);
    expect(window.tryAdmit(1100)).toBe(false);
    expect(window.usage(1100)).toEqual({ used: 2, resetMs: 700 });
    expect(window.tryAdmit(1800)).toBe(true);
  });

  it('rejects at once with 429, Retry-After and X-Ratelimit headers when queuing is off (Flex default)', async () => {
    // Queuing is off: the third is answered without sitting out the delay (a 60 s wait would
    // outlast the test's own timeout, so the answer arriving is the proof; no clock is read).
    const policy = compilePolicy('spike-control-flex', { maximumRequests: 2, timePeriodInMilliseconds: 10_000, delayTimeInMillis: 60_000, exposeHeaders: true });
    const first = fakeRequest();
    expect(await decide(policy, first)).toMatchObject({ action: 'continue' });
    expect(respondThrough(first, 200).headers).toMatchObject({ 'x-ratelimit-limit': '2', 'x-ratelimit-remaining': '1' });
    await decide(policy, fakeRequest());
    const third = fakeRequest();
    const decision = await decide(policy, third);
    expect(decision).toMatchObject({ action: 'reject', status: 429, code: 'SPIKE_CONTROL', headers: { 'retry-after': '10' } });
    expect(third.responseHeaders['x-ratelimit-remaining']).toBe('0');
  });

  it('queues up to queuingLimit requests, retries after delayTimeInMillis, then admits or rejects', async () => {
    const policy = compilePolicy('spike-control-flex', { maximumRequests: 1, timePeriodInMilliseconds: 300, delayTimeInMillis: 350, delayAttempts: 1, queuingLimit: 2 });
    const started = Date.now();
    const timed = (p: ReturnType<typeof decide>) => p.then((decision) => ({ decision, ms: Date.now() - started }));
    const [a, b, c, d] = await Promise.all([1, 2, 3, 4].map(() => timed(decide(policy, fakeRequest()))));
    expect(a!.decision.action).toBe('continue');
    // d found the queue full: rejected without waiting for the 350 ms delay the queued ones sat out.
    expect(d!.decision).toMatchObject({ action: 'reject', status: 429 });
    expect(a!.ms).toBeLessThan(b!.ms);
    expect(d!.ms).toBeLessThan(b!.ms);
    expect(d!.decision.action === 'reject' && d!.decision.message).toContain('queue full');
    // b got the slot a freed; c tried once more and gave up.
    expect(b!.decision).toMatchObject({ action: 'continue' });
    expect(b!.ms).toBeGreaterThanOrEqual(340);
    expect(c!.decision).toMatchObject({ action: 'reject', status: 429, code: 'SPIKE_CONTROL' });
    expect(c!.ms).toBeGreaterThanOrEqual(340);
  });

  it('stops waiting when the client goes away, freeing its queue place', async () => {
    // A 60 s delay outlasts the test's timeout: the waiting request settling at all shows the abort ended its wait.
    const policy = compilePolicy('spike-control-flex', { maximumRequests: 1, timePeriodInMilliseconds: 60_000, delayTimeInMillis: 60_000, delayAttempts: 3, queuingLimit: 1 });
    await decide(policy, fakeRequest());
    const waiting = fakeRequest();
    const pending = decide(policy, waiting);
    expect((await decide(policy, fakeRequest())).action).toBe('reject'); // queue of 1 is full
    waiting.abort();
    expect(await pending).toMatchObject({ action: 'reject', status: 499 });
    // The place is free again: the next one queues instead of failing at once.
    const next = fakeRequest();
    const queued = decide(policy, next);
    let settled = false;
    void queued.then(() => (settled = true));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(settled).toBe(false);
    next.abort();
    await queued;
  });

  it('dispose() answers queued requests and clears their timers', async () => {
    const policy = compilePolicy('spike-control-flex', { maximumRequests: 1, timePeriodInMilliseconds: 60_000, delayTimeInMillis: 60_000, delayAttempts: 1, queuingLimit: 5 });
    await decide(policy, fakeRequest());
    const pending = decide(policy, fakeRequest());
    policy.dispose!();
    expect(await pending).toMatchObject({ action: 'reject', status: 503 });
    expect((await decide(policy, fakeRequest())).action).toBe('reject');
  });
});

describe('spike-control-flex (over sockets)', () => {
  let upstream: TestServer;
  let gateway: StartedGateway;
  let upstreamHits = 0;

  beforeAll(async () => {
    upstream = await startEchoUpstream();
    upstream.server.prependListener('request', () => void upstreamHits++);
    gateway = await startGateway(
      [
        {
          id: 'spiky',
          basePath: '/spiky',
          upstream: upstream.url,
          policies: [{ name: 'spike-control-flex', config: { maximumRequests: 2, timePeriodInMilliseconds: 800, delayTimeInMillis: 900, delayAttempts: 1, queuingLimit: 2 } }],
        },
        {
          id: 'strict',
          basePath: '/strict',
          upstream: upstream.url,
          policies: [{ name: 'spike-control-flex', config: { maximumRequests: 1, timePeriodInMilliseconds: 60_000, delayTimeInMillis: 60_000, delayAttempts: 1, queuingLimit: 1 } }],
        },
      ],
      { catalogue: findPolicy },
    );
  });
  afterAll(async () => {
    await gateway?.close();
    await upstream?.close();
  });

  it('serves 2 at once, delays 2 queued ones past the window, and rejects the fifth with 429 at once', async () => {
    upstreamHits = 0;
    const started = Date.now();
    const results = await Promise.all(
      Array.from({ length: 5 }, () => request(gateway.url('/spiky/x')).then((response) => ({ response, ms: Date.now() - started }))),
    );
    // Two answered at once, two after the delay (not before it), the fifth rejected before those.
    const byTime = [...results].sort((x, y) => x.ms - y.ms);
    const slow200 = byTime.slice(3);
    const rejected = results.filter((r) => r.response.status === 429);
    expect(byTime.map((r) => r.response.status).filter((status) => status === 200).length).toBe(4);
    expect(slow200.map((r) => r.response.status)).toEqual([200, 200]);
    expect(slow200.every((r) => r.ms >= 850)).toBe(true);
    expect(rejected.length).toBe(1);
    expect(rejected[0]!.ms).toBeLessThan(slow200[0]!.ms);
    expect(rejected[0]!.response.headers['retry-after']).toBe('1');
    expect(rejected[0]!.response.json()).toMatchObject({ error: { code: 'SPIKE_CONTROL', policy: 'spike-control-flex' } });
    expect(upstreamHits).toBe(4);
  });

  it('a client that hangs up while queued gives its queue place back', async () => {
    expect((await request(gateway.url('/strict/x'))).status).toBe(200);
    upstreamHits = 0;
    const req = http.get(gateway.url('/strict/queued'), { agent: false });
    req.on('error', () => {});
    await new Promise((resolve) => setTimeout(resolve, 100));
    req.destroy();
    await new Promise((resolve) => setTimeout(resolve, 100));
    // Its queue place was given back: the next request queues rather than failing at once.
    const next = http.get(gateway.url('/strict/next'), { agent: false });
    let answered = false;
    next.on('response', () => (answered = true));
    next.on('error', () => {});
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(answered).toBe(false);
    next.destroy();
    expect(upstreamHits).toBe(0);
  });
});
