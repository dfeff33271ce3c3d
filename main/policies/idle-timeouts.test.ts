/**
 * stream-idle-timeout-flex and idle-timeout-flex over real sockets. Timing assertions are lower
 * bounds only (a timeout was waited out), never upper ones.
 */
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findPolicy } from '../../shared/policies/catalogue';
import { startGateway, type StartedGateway } from '../gateway/testing';
import { request, startServer, type TestServer } from '../testing/net';
import { rawExchange } from '../testing/raw-http';

describe('stream-idle-timeout-flex and idle-timeout-flex', () => {
  let upstream: TestServer;
  /** Upstreams of their own for the pool tests, so that no other test's connection is reused. */
  let pooledShort: TestServer;
  let pooledLong: TestServer;
  let gateway: StartedGateway;
  /** Connections to the pool tests' upstreams: when each closed (performance.now()). */
  const short: { closed?: number }[] = [];
  const long: { closed?: number }[] = [];

  beforeAll(async () => {
    upstream = await startServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      if (url.pathname.endsWith('/silent')) return; // never answers
      if (url.pathname.endsWith('/stall')) {
        // The head, some body, then nothing.
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.write('partial');
        return;
      }
      req.resume();
      req.on('end', () => res.end('ok'));
    });
    const pooled = async (connections: { closed?: number }[]) => {
      const server = await startServer((_req, res) => res.end('ok'));
      // The upstream itself would keep idle connections for 30 s.
      server.server.keepAliveTimeout = 30_000;
      server.server.on('connection', (socket: net.Socket) => {
        const entry: { closed?: number } = {};
        connections.push(entry);
        socket.on('close', () => (entry.closed = performance.now()));
      });
      return server;
    };
    pooledShort = await pooled(short);
    pooledLong = await pooled(long);
    gateway = await startGateway(
      [
        { basePath: '/stream', upstream: upstream.url, policies: [{ name: 'stream-idle-timeout-flex', config: { timeout: 0.3 } }] },
        { basePath: '/stream-roomy', upstream: upstream.url, policies: [{ name: 'stream-idle-timeout-flex', config: { timeout: 3 } }] },
        { basePath: '/idle-silent', upstream: upstream.url, policies: [{ name: 'idle-timeout-flex', config: { timeout: 0.3 } }] },
        { basePath: '/idle-short', upstream: pooledShort.url, policies: [{ name: 'idle-timeout-flex', config: { timeout: 0.3 } }] },
        { basePath: '/idle-long', upstream: pooledLong.url, policies: [{ name: 'idle-timeout-flex', config: { timeout: 20 } }] },
      ],
      { catalogue: findPolicy, timeouts: { upstreamMs: 30_000 } },
    );
  });
  afterAll(async () => {
    await gateway?.close();
    await upstream?.close();
    await pooledShort?.close();
    await pooledLong?.close();
  });

  it('stream-idle-timeout-flex: a silent upstream gets 504 STREAM_IDLE_TIMEOUT, not before the timeout', async () => {
    const started = performance.now();
    const res = await request(gateway.url('/stream/silent'));
    expect(res.status).toBe(504);
    expect(res.headers['x-gatehouse-source']).toBe('gateway');
    expect(res.json().error.code).toBe('STREAM_IDLE_TIMEOUT');
    expect(res.json().error.message).toContain('stream-idle-timeout-flex');
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
  });

  it('stream-idle-timeout-flex: a client that stops sending its body gets 408, not before the timeout', async () => {
    const started = performance.now();
    const res = await rawExchange(gateway.port, 'POST /stream/upload HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nten bytes.');
    expect(res.status).toBe(408);
    expect(JSON.parse(res.body).error.code).toBe('STREAM_IDLE_TIMEOUT');
    expect(res.headers.connection).toBe('close');
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
  });

  it('stream-idle-timeout-flex: a body that keeps arriving within the timeout goes through', { timeout: 15_000 }, async () => {
    const res = await new Promise<string>((resolve, reject) => {
      const socket = net.connect(gateway.port, '127.0.0.1', () => {
        socket.write('POST /stream-roomy/upload HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nConnection: close\r\n\r\n');
        let sent = 0;
        const tick = setInterval(() => {
          socket.write('x');
          if (++sent === 4) clearInterval(tick);
        }, 1000); // 4 s in all, more than the timeout, never 3 s silent
      });
      let text = '';
      socket.on('data', (data) => (text += data.toString()));
      socket.on('end', () => resolve(text));
      socket.on('error', reject);
    });
    expect(res).toMatch(/^HTTP\/1\.1 200/);
  });

  it('stream-idle-timeout-flex: an upstream body that stalls mid-way is cut (the client sees an aborted body)', async () => {
    const started = performance.now();
    const outcome = await request(gateway.url('/stream/stall')).then(
      (res) => `complete ${res.status}`,
      (error: Error) => `aborted: ${error.message}`,
    );
    expect(outcome).toMatch(/^aborted/);
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
  });

  it('idle-timeout-flex: a silent upstream gets 504 naming the policy, not before the timeout', async () => {
    const started = performance.now();
    const res = await request(gateway.url('/idle-silent/silent'));
    expect(res.status).toBe(504);
    expect(res.json().error.code).toBe('UPSTREAM_TIMEOUT');
    expect(res.json().error.message).toContain('idle-timeout-flex');
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
  });

  it('idle-timeout-flex: the gateway closes a pooled upstream connection once it was idle for the timeout', async () => {
    const res = await request(gateway.url('/idle-short/ok'));
    const answered = performance.now();
    expect(res.status).toBe(200);
    expect(short).toHaveLength(1);
    const connection = short[0]!;
    while (connection.closed === undefined) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(connection.closed - answered).toBeGreaterThanOrEqual(250);
  });

  it('idle-timeout-flex: a longer timeout keeps the connection past the gateway default (4 s) and reuses it', async () => {
    expect((await request(gateway.url('/idle-long/a'))).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 4600));
    expect(long[0]!.closed).toBeUndefined();
    expect((await request(gateway.url('/idle-long/b'))).status).toBe(200);
    expect(long).toHaveLength(1);
  }, 15_000);
});
