import http from 'node:http';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request, startEchoUpstream, startServer, type TestServer } from '../testing/net';
import type { RequestFact } from './telemetry';
import { startGateway, type StartedGateway } from './testing';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Opens a raw connection and reports when (and with what) the gateway closes it. */
function rawClient(port: number): { socket: net.Socket; closed: Promise<{ afterMs: number; received: string }> } {
  const started = Date.now();
  const socket = net.connect(port, '127.0.0.1');
  let received = '';
  socket.on('data', (chunk) => (received += chunk.toString()));
  socket.on('error', () => {});
  const closed = new Promise<{ afterMs: number; received: string }>((resolve) => socket.on('close', () => resolve({ afterMs: Date.now() - started, received })));
  return { socket, closed };
}

describe('robustness', () => {
  let echo: TestServer;
  let gateway: StartedGateway;
  const upstreamCloses: string[] = [];
  let stalled: TestServer;

  beforeAll(async () => {
    echo = await startEchoUpstream();
    stalled = await startServer((req) => req.on('close', () => upstreamCloses.push(req.url ?? '')));
    gateway = await startGateway(
      [
        { basePath: '/echo', upstream: echo.url },
        { basePath: '/stalled', upstream: stalled.url },
      ],
      { timeouts: { headersMs: 300, requestBodyMs: 600, keepAliveMs: 200, upstreamMs: 5_000 } },
    );
  });

  afterAll(async () => {
    await gateway.close();
    await Promise.all([echo.close(), stalled.close()]);
  });

  it('cuts off a slowloris client (headers trickling in) while serving everyone else', async () => {
    const slow = rawClient(gateway.port);
    slow.socket.write('GET /echo/x HTTP/1.1\r\nHost: a\r\n');
    const trickle = setInterval(() => slow.socket.writable && slow.socket.write('X-Slow: 1\r\n'), 50);
    try {
      const others = await Promise.all(Array.from({ length: 10 }, (_, i) => request(gateway.url(`/echo/${i}`))));
      expect(others.every((r) => r.status === 200)).toBe(true);
      const result = await slow.closed;
      // Not before the headers timeout; that the cut happens at all is the behaviour.
      expect(result.afterMs).toBeGreaterThanOrEqual(250);
      expect(result.received).toMatch(/^HTTP\/1\.1 408/);
    } finally {
      clearInterval(trickle);
    }
  });

  it('cuts off a client that sends its body too slowly', async () => {
    const slow = rawClient(gateway.port);
    slow.socket.write('POST /echo/x HTTP/1.1\r\nHost: a\r\nContent-Length: 1000\r\n\r\n');
    const trickle = setInterval(() => slow.socket.writable && slow.socket.write('x'), 50);
    try {
      const result = await slow.closed;
      expect(result.received).not.toMatch(/^HTTP\/1\.1 200/);
      expect((await request(gateway.url('/echo/after'))).status).toBe(200);
    } finally {
      clearInterval(trickle);
    }
  });

  it('closes idle keep-alive connections after keepAliveMs', async () => {
    const client = rawClient(gateway.port);
    client.socket.write('GET /echo/x HTTP/1.1\r\nHost: a\r\n\r\n');
    const result = await client.closed;
    expect(result.received).toMatch(/^HTTP\/1\.1 200/);
  });

  it('frees the upstream request when the client goes away', async () => {
    const req = http.get(gateway.url('/stalled/abandoned'), { agent: false });
    req.on('error', () => {});
    await sleep(100);
    req.destroy();
    const until = Date.now() + 2000;
    while (!upstreamCloses.includes('/abandoned') && Date.now() < until) await sleep(10);
    expect(upstreamCloses).toContain('/abandoned');
  });
});

describe('stop (SIGTERM drain)', () => {
  let slow: TestServer;

  beforeAll(async () => {
    slow = await startServer((req, res) => {
      const ms = Number(new URL(req.url ?? '/', 'http://x').searchParams.get('ms') ?? 0);
      setTimeout(() => res.end(`done after ${ms}`), ms);
    });
  });

  afterAll(() => slow.close());

  it('lets in-flight requests finish, refuses new connections, then resolves', async () => {
    const facts: RequestFact[] = [];
    const gateway = await startGateway({ basePath: '/', upstream: slow.url }, { onRequest: (fact) => facts.push(fact) });
    const keepAlive = new http.Agent({ keepAlive: true });
    expect((await request(gateway.url('/warm'), { agent: keepAlive })).status).toBe(200); // an idle keep-alive connection
    const inFlight = request(gateway.url('/work?ms=300'));
    await sleep(50);
    const stopped = gateway.runtime.stop({ graceMs: 3000 });
    await sleep(20);
    await expect(request(gateway.url('/late'))).rejects.toThrow(/ECONNREFUSED|ECONNRESET/);
    const res = await inFlight;
    expect(res.status).toBe(200);
    expect(res.body).toBe('done after 300');
    expect(res.headers.connection).toBe('close');
    const started = Date.now();
    await stopped;
    // Done once the in-flight request is: stop() did not sit out its 3 s grace period.
    expect(Date.now() - started).toBeLessThan(3000);
    expect(facts.find((f) => f.path === '/work')?.status).toBe(200);
    keepAlive.destroy();
  });

  it('force-closes what is still running after the grace period', async () => {
    const gateway = await startGateway({ basePath: '/', upstream: slow.url });
    const inFlight = request(gateway.url('/work?ms=5000'));
    await sleep(50);
    const started = Date.now();
    await gateway.runtime.stop({ graceMs: 200 });
    // The request would take 5 s: stop() cut it off after the grace period instead.
    expect(Date.now() - started).toBeLessThan(5000);
    await expect(inFlight).rejects.toThrow();
  });
});
