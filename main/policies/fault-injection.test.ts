import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findPolicy } from '../../shared/policies/catalogue';
import { faultInjectionSchema } from '../../shared/policies/fault-injection';
import { startGateway, type StartedGateway } from '../gateway/testing';
import type { RequestFact } from '../gateway/telemetry';
import { request, startServer, type TestServer } from '../testing/net';
import { createFaultInjectionPolicy, drawFaults, parseFaultHeader } from './fault-injection';
import { fakeRequest } from './testing';

/** A repeatable random source (mulberry32). */
function seeded(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('fault-injection config', () => {
  it('takes a fixed delay or a range, not both, and names the field', () => {
    expect(faultInjectionSchema.safeParse({ delay: { percentage: 10, fixedMs: 100 } }).success).toBe(true);
    expect(faultInjectionSchema.safeParse({ delay: { percentage: 10, minMs: 100, maxMs: 200 } }).success).toBe(true);
    const both = faultInjectionSchema.safeParse({ delay: { percentage: 10, fixedMs: 1, minMs: 1, maxMs: 2 } });
    expect(both.error!.issues[0]!.path).toEqual(['delay', 'fixedMs']);
    const reversed = faultInjectionSchema.safeParse({ delay: { percentage: 10, minMs: 300, maxMs: 200 } });
    expect(reversed.error!.issues[0]!.path).toEqual(['delay', 'maxMs']);
    const over = faultInjectionSchema.safeParse({ abort: { percentage: 101, status: 503 } });
    expect(over.error!.issues[0]!.path).toEqual(['abort', 'percentage']);
    const status = faultInjectionSchema.safeParse({ abort: { percentage: 5, status: 200 } });
    expect(status.error!.issues[0]!.path).toEqual(['abort', 'status']);
    expect(findPolicy('fault-injection')!.schema.parse({ abort: { percentage: 5 } })).toEqual({ abort: { percentage: 5, status: 503 }, allowHeaderTrigger: false });
  });

  it('parses the trigger header and explains a bad one', () => {
    expect(parseFaultHeader('delay=500')).toEqual({ delayMs: 500 });
    expect(parseFaultHeader('abort=503, delay=10')).toEqual({ abortStatus: 503, delayMs: 10 });
    expect(parseFaultHeader('reset')).toEqual({ reset: true });
    expect(parseFaultHeader('slowBody=1000')).toEqual({ bytesPerSecond: 1000 });
    expect(parseFaultHeader('abort=200')).toContain('"abort=200"');
    expect(parseFaultHeader('explode')).toContain('x-gatehouse-fault');
  });

  it('draws each fault independently, with the share asked for', () => {
    const config = faultInjectionSchema.parse({ abort: { percentage: 30, status: 500 }, delay: { percentage: 20, minMs: 10, maxMs: 20 } });
    const random = seeded(7);
    let aborts = 0;
    let delays = 0;
    let both = 0;
    for (let i = 0; i < 10_000; i++) {
      const plan = drawFaults(config, random);
      if (plan.abortStatus !== undefined) aborts++;
      if (plan.delayMs !== undefined) {
        delays++;
        expect(plan.delayMs).toBeGreaterThanOrEqual(10);
        expect(plan.delayMs).toBeLessThanOrEqual(20);
      }
      if (plan.abortStatus !== undefined && plan.delayMs !== undefined) both++;
    }
    expect(aborts / 10_000).toBeCloseTo(0.3, 1);
    expect(delays / 10_000).toBeCloseTo(0.2, 1);
    // Independent draws: both fire about 30% × 20% of the time.
    expect(both / 10_000).toBeCloseTo(0.06, 1);
    expect(drawFaults(faultInjectionSchema.parse({ abort: { percentage: 0, status: 500 } }), () => 0)).toEqual({});
  });

  it('with a fixed random source the decision is repeatable', async () => {
    const config = faultInjectionSchema.parse({ abort: { percentage: 50, status: 502 } });
    const low = createFaultInjectionPolicy(() => 0.1).create(config, undefined as never);
    const high = createFaultInjectionPolicy(() => 0.9).create(config, undefined as never);
    expect(await low.onRequest(fakeRequest())).toMatchObject({ action: 'reject', status: 502, code: 'FAULT_INJECTED' });
    expect(await high.onRequest(fakeRequest())).toEqual({ action: 'continue', detail: 'no fault drawn' });
  });
});

describe('fault-injection over sockets', () => {
  let upstream: TestServer;
  let gateway: StartedGateway;
  const facts: RequestFact[] = [];
  const seen: http.IncomingHttpHeaders[] = [];
  const bigBody = 'x'.repeat(3000) + 'END';

  beforeAll(async () => {
    upstream = await startServer((req, res) => {
      seen.push(req.headers);
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end(req.url?.startsWith('/big') ? bigBody : 'upstream says hi');
    });
    gateway = await startGateway(
      [
        { id: 'abort', basePath: '/abort', upstream: upstream.url, policies: [{ name: 'fault-injection', config: { abort: { percentage: 100, status: 503 } } }] },
        { id: 'half', basePath: '/half', upstream: upstream.url, policies: [{ name: 'fault-injection', config: { abort: { percentage: 50, status: 500 } } }] },
        { id: 'reset', basePath: '/reset', upstream: upstream.url, policies: [{ name: 'fault-injection', config: { reset: { percentage: 100 } } }] },
        { id: 'delay', basePath: '/delay', upstream: upstream.url, policies: [{ name: 'fault-injection', config: { delay: { percentage: 100, fixedMs: 300 } } }] },
        { id: 'slow', basePath: '/slow', upstream: upstream.url, policies: [{ name: 'fault-injection', config: { slowBody: { percentage: 100, bytesPerSecond: 6000 } } }] },
        { id: 'trigger', basePath: '/trigger', upstream: upstream.url, policies: [{ name: 'fault-injection', config: { allowHeaderTrigger: true } }] },
        { id: 'no-trigger', basePath: '/no-trigger', upstream: upstream.url, policies: [{ name: 'fault-injection', config: { allowHeaderTrigger: false } }] },
        {
          id: 'ruled',
          basePath: '/ruled',
          upstream: upstream.url,
          policies: [{ name: 'fault-injection', config: { abort: { percentage: 100, status: 429 } }, rules: [{ path: '/flaky.*' }] }],
        },
      ],
      { catalogue: findPolicy, onRequest: (fact) => facts.push(fact) },
    );
  });
  afterAll(async () => {
    await gateway?.close();
    await upstream?.close();
  });

  it('abort: the fault status with a JSON error body from the gateway, and the trace says so', async () => {
    const res = await request(gateway.url('/abort/users'));
    expect(res.status).toBe(503);
    expect(res.headers['x-gatehouse-source']).toBe('gateway');
    expect(res.json().error).toMatchObject({ code: 'FAULT_INJECTED', policy: 'fault-injection' });
    const fact = facts.find((entry) => entry.apiId === 'abort')!;
    expect(fact.trace[0]).toMatchObject({ policy: 'fault-injection', verdict: 'deny', detail: 'fault: abort 503', status: 503 });
  });

  it('reset: the client sees its connection reset, with no response', async () => {
    const error = await request(gateway.url('/reset/users')).then(
      () => undefined,
      (failure: NodeJS.ErrnoException) => failure,
    );
    expect(error?.code).toBe('ECONNRESET');
  });

  it('delay: the answer comes no sooner than the delay, from the upstream', async () => {
    const started = performance.now();
    const res = await request(gateway.url('/delay/users'));
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
    expect(res.status).toBe(200);
    expect(res.body).toBe('upstream says hi');
  });

  it('slowBody: the body arrives intact, no faster than the rate', async () => {
    const started = performance.now();
    const res = await request(gateway.url('/slow/big'));
    // 3003 bytes at 6000 B/s: at least half a second (less one timer tick of slack).
    expect(performance.now() - started).toBeGreaterThanOrEqual(450);
    expect(res.status).toBe(200);
    expect(res.headers['x-gatehouse-source']).toBe('upstream');
    expect(res.body).toBe(bigBody);
  });

  it('header trigger: asked faults happen when allowed, the header never reaches the upstream', async () => {
    const aborted = await request(gateway.url('/trigger/x'), { headers: { 'x-gatehouse-fault': 'abort=418' } });
    expect(aborted.status).toBe(418);
    expect(aborted.json().error.message).toContain('x-gatehouse-fault');
    const started = performance.now();
    seen.length = 0;
    const delayed = await request(gateway.url('/trigger/x'), { headers: { 'x-gatehouse-fault': 'delay=200' } });
    expect(performance.now() - started).toBeGreaterThanOrEqual(190);
    expect(delayed.status).toBe(200);
    expect(seen[0]!['x-gatehouse-fault']).toBeUndefined();
    const bad = await request(gateway.url('/trigger/x'), { headers: { 'x-gatehouse-fault': 'abort=200' } });
    expect(bad.status).toBe(400);
    expect(bad.json().error.message).toContain('abort=200');
  });

  it('header trigger off: the header is ignored (and still not forwarded)', async () => {
    seen.length = 0;
    const res = await request(gateway.url('/no-trigger/x'), { headers: { 'x-gatehouse-fault': 'abort=503' } });
    expect(res.status).toBe(200);
    expect(seen[0]!['x-gatehouse-fault']).toBeUndefined();
  });

  it('per route rule: only the matching paths get the fault', async () => {
    expect((await request(gateway.url('/ruled/flaky/1'))).status).toBe(429);
    expect((await request(gateway.url('/ruled/steady/1'))).status).toBe(200);
  });

  it('at 50% abort, 1,000 requests over real sockets give 50% ±5% aborts', async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
    try {
      const statuses = await Promise.all(Array.from({ length: 1000 }, () => request(gateway.url('/half/x'), { agent }).then((res) => res.status)));
      const aborts = statuses.filter((status) => status === 500).length;
      expect(statuses.filter((status) => status !== 500 && status !== 200)).toEqual([]);
      expect(aborts).toBeGreaterThanOrEqual(450);
      expect(aborts).toBeLessThanOrEqual(550);
    } finally {
      agent.destroy();
    }
  });
});
