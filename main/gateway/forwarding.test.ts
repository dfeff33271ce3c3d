import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request, startEchoUpstream, startServer, type TestServer } from '../testing/net';
import type { RequestFact } from './telemetry';
import { startGateway, type StartedGateway } from './testing';

describe('forwarding', () => {
  let echo: TestServer;
  let special: TestServer;
  let gateway: StartedGateway;
  const facts: RequestFact[] = [];
  let release: (() => void) | undefined;
  let firstRequestChunk: Promise<string> | undefined;

  beforeAll(async () => {
    echo = await startEchoUpstream();
    special = await startServer((req, res) => {
      if (req.url === '/error') {
        res.writeHead(500, { 'content-type': 'text/plain', 'x-from': 'upstream' });
        res.end('upstream broke');
      } else if (req.url === '/cookies') {
        res.setHeader('set-cookie', ['a=1; Path=/', 'b=2; Path=/']);
        res.end('ok');
      } else if (req.url === '/slow-body') {
        // Writes a first chunk and waits: a buffering proxy would show nothing yet.
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.write('first;');
        release = () => res.end('second');
      } else if (req.url === '/upload') {
        firstRequestChunk = new Promise((resolve) => req.once('data', (chunk: Buffer) => resolve(chunk.toString())));
        let size = 0;
        req.on('data', (chunk: Buffer) => (size += chunk.length));
        req.on('end', () => res.end(String(size)));
      } else res.end('?');
    });
    gateway = await startGateway(
      [
        { name: 'echo', basePath: '/echo', upstream: `${echo.url}/base` },
        // Bodies stream (no buffer) on this API: the upstream sees them as they arrive.
        { name: 'special', basePath: '/special', upstream: special.url, policies: [{ name: 'request-handling', config: { bodyBufferBytes: 0 } }] },
      ],
      { onRequest: (fact) => facts.push(fact), captureHeaders: true },
    );
  });

  afterAll(async () => {
    await gateway.close();
    await Promise.all([echo.close(), special.close()]);
  });

  it('sets X-Forwarded-For/-Proto/-Host and rewrites Host to the upstream', async () => {
    const res = await request(gateway.url('/echo/a'), { headers: { host: 'api.example.test:8080' } });
    const seen = res.json();
    expect(seen.headers.host).toBe(new URL(echo.url).host);
    expect(seen.headers['x-forwarded-for']).toBe('127.0.0.1');
    expect(seen.headers['x-forwarded-proto']).toBe('http');
    expect(seen.headers['x-forwarded-host']).toBe('api.example.test:8080');
  });

  it('appends to an existing X-Forwarded-For instead of replacing it', async () => {
    const res = await request(gateway.url('/echo/a'), { headers: { 'x-forwarded-for': '203.0.113.7, 198.51.100.2' } });
    expect(res.json().headers['x-forwarded-for']).toBe('203.0.113.7, 198.51.100.2, 127.0.0.1');
  });

  it('passes upstream errors through untouched, marked as from the upstream', async () => {
    const res = await request(gateway.url('/special/error'));
    expect(res.status).toBe(500);
    expect(res.body).toBe('upstream broke');
    expect(res.headers['x-from']).toBe('upstream');
    expect(res.headers['x-gatehouse-source']).toBe('upstream');
  });

  it('keeps repeated Set-Cookie headers separate', async () => {
    const res = await request(gateway.url('/special/cookies'));
    expect(res.headers['set-cookie']).toEqual(['a=1; Path=/', 'b=2; Path=/']);
  });

  it('forwards a request body intact and counts bytes both ways', async () => {
    const body = 'x'.repeat(300_000);
    const res = await request(gateway.url('/echo/post'), { method: 'POST', body, headers: { 'content-type': 'text/plain' } });
    expect(res.json().body.length).toBe(300_000);
    await new Promise((resolve) => setTimeout(resolve, 10));
    const fact = facts.filter((f) => f.path === '/echo/post').at(-1)!;
    expect(fact.bytesIn).toBe(300_000);
    expect(fact.bytesOut).toBe(Buffer.byteLength(res.body));
    expect(fact).toMatchObject({ status: 200, source: 'upstream', apiName: 'echo', method: 'POST' });
    expect(fact.upstreamLatencyMs).toBeGreaterThan(0);
    expect(fact.latencyMs).toBeGreaterThanOrEqual(fact.upstreamLatencyMs!);
    expect(fact.requestHeaders?.['content-type']).toBe('text/plain');
    expect(fact.responseHeaders?.['x-gatehouse-source']).toBe('upstream');
  });

  it('streams the response: the client sees the first chunk before the upstream finishes', async () => {
    const received = await new Promise<string>((resolve, reject) => {
      http
        .get(gateway.url('/special/slow-body'), { agent: false }, (res) => {
          let text = '';
          res.on('data', (chunk: Buffer) => {
            text += chunk.toString();
            if (text === 'first;') release?.();
          });
          res.on('end', () => resolve(text));
        })
        .on('error', reject);
    });
    expect(received).toBe('first;second');
  });

  it('streams the request on an API without a body buffer: the upstream sees the first chunk before the client finishes, chunked bytes counted', async () => {
    const req = http.request(gateway.url('/special/upload'), { method: 'POST', agent: false });
    const response = new Promise<string>((resolve) => req.on('response', (res) => { let t = ''; res.on('data', (c) => (t += c)); res.on('end', () => resolve(t)); }));
    req.write('hello-');
    // Wait until the upstream got the first chunk while the client has not ended.
    while (!firstRequestChunk) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(await firstRequestChunk).toBe('hello-');
    req.end('world');
    expect(await response).toBe('11');
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(facts.filter((f) => f.path === '/special/upload').at(-1)!.bytesIn).toBe(11);
  });

  it('forwards unusual but legal path characters as sent, percent-encoding included', async () => {
    const seen = await new Promise<string>((resolve, reject) => {
      http
        .get({ host: '127.0.0.1', port: gateway.port, path: '/echo/a%20b/{x}|"q"?q=%2F&r=1', agent: false }, (res) => {
          let body = '';
          res.on('data', (chunk) => (body += chunk));
          res.on('end', () => resolve(JSON.parse(body).url));
        })
        .on('error', reject);
    });
    expect(seen).toBe('/base/a%20b/{x}|"q"?q=%2F&r=1');
  });

  it('keeps empty path segments as sent instead of collapsing them', async () => {
    const res = await request(gateway.url('/echo/a//b///c?x=//y'));
    expect(res.json().url).toBe('/base/a//b///c?x=//y');
  });

  it('answers HEAD without a body', async () => {
    const res = await request(gateway.url('/echo/head'), { method: 'HEAD' });
    expect(res.status).toBe(200);
    expect(res.body).toBe('');
  });

  it('serves many requests over one keep-alive connection to the gateway', async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => request(gateway.url(`/echo/k${i}`), { agent })));
    agent.destroy();
    expect(results.every((r) => r.status === 200)).toBe(true);
    expect(new Set(results.map((r) => r.json().url))).toEqual(new Set(Array.from({ length: 20 }, (_, i) => `/base/k${i}`)));
  });
});
