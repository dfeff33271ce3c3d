import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findPolicy } from '../../shared/policies/catalogue';
import { startGateway, type StartedGateway } from '../gateway/testing';
import { request, startServer, type TestServer } from '../testing/net';
import { compilePolicy, decide, fakeRequest } from './testing';

describe('response-timeout-flex (unit)', () => {
  it('sets the upstream timeout in ms; the shorter of two wins', async () => {
    const req = fakeRequest();
    await decide(compilePolicy('response-timeout-flex', { timeout: 0.25 }), req);
    expect(req.upstreamTimeoutMs).toBe(250);
    await decide(compilePolicy('response-timeout-flex', {}), req);
    expect(req.upstreamTimeoutMs).toBe(250);
    const fresh = fakeRequest();
    await decide(compilePolicy('response-timeout-flex', {}), fresh);
    expect(fresh.upstreamTimeoutMs).toBe(15_000);
  });
});

describe('response-timeout-flex (over sockets)', () => {
  let upstream: TestServer;
  let gateway: StartedGateway;

  beforeAll(async () => {
    // Answers after ?delay= ms.
    upstream = await startServer((req, res) => {
      const delay = Number(new URL(req.url ?? '/', 'http://x').searchParams.get('delay') ?? 0);
      const timer = setTimeout(() => res.end('done'), delay);
      res.on('close', () => clearTimeout(timer));
    });
    gateway = await startGateway(
      { basePath: '/slow', upstream: upstream.url, policies: [{ name: 'response-timeout-flex', config: { timeout: 0.3 } }] },
      { catalogue: findPolicy },
    );
  });
  afterAll(async () => {
    await gateway?.close();
    await upstream?.close();
  });

  it('passes a response that arrives in time', async () => {
    const res = await request(gateway.url('/slow/x?delay=20'));
    expect(res.status).toBe(200);
    expect(res.body).toBe('done');
  });

  it('answers 504 from the gateway when the upstream is slower than the timeout', async () => {
    const started = Date.now();
    const res = await request(gateway.url('/slow/x?delay=3000'));
    const took = Date.now() - started;
    expect(res.status).toBe(504);
    expect(res.headers['x-gatehouse-source']).toBe('gateway');
    expect(res.json().error.code).toBe('UPSTREAM_TIMEOUT');
    expect(took).toBeGreaterThanOrEqual(280);
    expect(took).toBeLessThan(2000);
  });
});
