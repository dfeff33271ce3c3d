import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerPolicy } from '../policies/registry';
import { freePort, request, startServer, type TestServer } from '../testing/net';
import type { RequestFact } from './telemetry';
import { startGateway, type StartedGateway } from './testing';

registerPolicy({
  name: 'test-short-timeout',
  create: (config: { ms: number }) => ({
    onRequest(request) {
      request.upstreamTimeoutMs = config.ms;
      return { action: 'continue' };
    },
  }),
});

/** Reads a response to the end (or its abortion) and says which it was. */
function readFully(url: string): Promise<{ status: number; body: string; complete: boolean; error?: string }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent: false }, (res) => {
        let body = '';
        let error: string | undefined;
        res.on('data', (chunk: Buffer) => (body += chunk.toString()));
        res.on('error', (e) => (error = e.message));
        res.on('close', () => resolve({ status: res.statusCode ?? 0, body, complete: res.complete, error }));
      })
      .on('error', reject);
  });
}

describe('upstream failures become gateway-made errors', () => {
  let resetting: TestServer;
  let stalling: TestServer;
  let dying: TestServer;
  let gateway: StartedGateway;
  const facts: RequestFact[] = [];

  beforeAll(async () => {
    const closedPort = await freePort();
    resetting = await startServer((req) => req.socket.destroy());
    stalling = await startServer(() => {}); // never answers
    dying = await startServer((req, res) => {
      if (req.url === '/chunked') {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.write('partial;');
      } else {
        res.writeHead(200, { 'content-length': '100' });
        res.write('0123456789');
      }
      setTimeout(() => req.socket.destroy(), 30);
    });
    gateway = await startGateway(
      [
        { name: 'refused', basePath: '/refused', upstream: `http://127.0.0.1:${closedPort}` },
        { name: 'reset', basePath: '/reset', upstream: resetting.url },
        { name: 'stall', basePath: '/stall', upstream: stalling.url },
        { name: 'stall-policy', basePath: '/stall-policy', upstream: stalling.url, policies: [{ name: 'test-short-timeout', config: { ms: 80 } }] },
        { name: 'dying', basePath: '/dying', upstream: dying.url },
      ],
      { timeouts: { upstreamMs: 400 }, onRequest: (fact) => facts.push(fact) },
    );
  });

  afterAll(async () => {
    await gateway.close();
    await Promise.all([resetting.close(), stalling.close(), dying.close()]);
  });

  it('connection refused → 502 UPSTREAM_UNAVAILABLE that says so', async () => {
    const res = await request(gateway.url('/refused/x'));
    expect(res.status).toBe(502);
    expect(res.headers['x-gatehouse-source']).toBe('gateway');
    expect(res.json().error.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(res.json().error.message).toMatch(/refused/);
  });

  it('connection reset before a response → 502 UPSTREAM_UNAVAILABLE', async () => {
    const res = await request(gateway.url('/reset/x'));
    expect(res.status).toBe(502);
    expect(res.json().error.code).toBe('UPSTREAM_UNAVAILABLE');
  });

  it('an upstream that does not answer → 504 UPSTREAM_TIMEOUT after the default timeout', async () => {
    const started = Date.now();
    const res = await request(gateway.url('/stall/x'));
    const elapsed = Date.now() - started;
    expect(res.status).toBe(504);
    expect(res.json().error.code).toBe('UPSTREAM_TIMEOUT');
    expect(elapsed).toBeGreaterThanOrEqual(350);
    expect(elapsed).toBeLessThan(2000);
  });

  it('a policy-set upstream timeout (response-timeout) wins over the default', async () => {
    const started = Date.now();
    const res = await request(gateway.url('/stall-policy/x'));
    expect(res.status).toBe(504);
    expect(Date.now() - started).toBeLessThan(350);
    expect(res.json().error.message).toContain('80 ms');
  });

  it('an upstream dying mid-body aborts the client connection (content-length body)', async () => {
    const res = await readFully(gateway.url('/dying/fixed'));
    expect(res.status).toBe(200);
    expect(res.complete).toBe(false);
    expect(res.body.length).toBeLessThan(100);
  });

  it('an upstream dying mid-body aborts the client connection (chunked body), and the fact says so', async () => {
    const res = await readFully(gateway.url('/dying/chunked'));
    expect(res.complete).toBe(false);
    expect(res.body).toBe('partial;');
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(facts.filter((f) => f.path === '/dying/chunked').at(-1)?.errorCode).toBe('UPSTREAM_ABORTED');
  });

  it('records gateway-made failures in request facts', async () => {
    await request(gateway.url('/refused/fact'));
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(facts.find((f) => f.path === '/refused/fact')).toMatchObject({ status: 502, source: 'gateway', errorCode: 'UPSTREAM_UNAVAILABLE', apiName: 'refused' });
  });
});
