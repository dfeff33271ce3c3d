import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request, startServer, type TestServer } from '../testing/net';
import type { RequestFact } from './telemetry';
import { startGateway, type StartedGateway } from './testing';

/** Reads a response to the end (or its abortion) and says which it was, and when. */
function readFully(url: string): Promise<{ status: number; body: string; complete: boolean; ms: number }> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent: false }, (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString()));
        res.on('error', () => {});
        res.on('close', () => resolve({ status: res.statusCode ?? 0, body, complete: res.complete, ms: Date.now() - started }));
      })
      .on('error', reject);
  });
}

/** The upstream idle timeout (swept, not a timer per request): idle time counts, steady progress does not. */
describe('upstream idle timeout', () => {
  let upstream: TestServer;
  let gateway: StartedGateway;
  const facts: RequestFact[] = [];

  beforeAll(async () => {
    upstream = await startServer((req, res) => {
      if (req.url === '/stall-body') {
        // Head and a first chunk, then silence.
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.write('first;');
        return;
      }
      if (req.url === '/trickle') {
        // A chunk every 100 ms for ~600 ms: longer than the timeout in total, never idle that long.
        res.writeHead(200, { 'content-type': 'text/plain' });
        let sent = 0;
        const timer = setInterval(() => {
          res.write(`${sent};`);
          if (++sent === 6) {
            clearInterval(timer);
            res.end('done');
          }
        }, 100);
        res.on('close', () => clearInterval(timer));
        return;
      }
      res.end('ok');
    });
    gateway = await startGateway({ name: 'slow', basePath: '/slow', upstream: upstream.url }, { timeouts: { upstreamMs: 300 }, onRequest: (fact) => facts.push(fact) });
  });
  afterAll(async () => {
    await gateway?.close();
    await upstream?.close();
  });

  it('aborts the client connection when the upstream body stalls longer than the timeout', async () => {
    const res = await readFully(gateway.url('/slow/stall-body'));
    expect(res).toMatchObject({ status: 200, complete: false, body: 'first;' });
    expect(res.ms).toBeGreaterThanOrEqual(280);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(facts.find((fact) => fact.path === '/slow/stall-body')?.errorCode).toBe('UPSTREAM_TIMEOUT');
  });

  it('lets a body that keeps arriving run longer than the timeout in total', async () => {
    const res = await readFully(gateway.url('/slow/trickle'));
    expect(res).toMatchObject({ status: 200, complete: true, body: '0;1;2;3;4;5;done' });
    expect(res.ms).toBeGreaterThanOrEqual(500);
  });

  it('does not count time a kept-alive upstream connection spent idle before the request', async () => {
    const agent = new http.Agent({ keepAlive: true });
    try {
      expect((await request(gateway.url('/slow/quick'), { agent })).status).toBe(200);
      // Longer than the timeout: the gateway's upstream socket sits idle in its pool meanwhile.
      await new Promise((resolve) => setTimeout(resolve, 450));
      const again = await request(gateway.url('/slow/quick'), { agent });
      expect(again.status).toBe(200);
      expect(again.body).toBe('ok');
    } finally {
      agent.destroy();
    }
  });
});
