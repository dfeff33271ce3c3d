/**
 * Bodies through the gateway: requests without a body are ended upstream without a pipe,
 * requests with one are streamed, and a large response honours a slow client's backpressure
 * (the upstream is paused instead of the gateway buffering the body).
 */
import { createHash } from 'node:crypto';
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../testing/net';
import type { RequestFact } from './telemetry';
import { startGateway, type StartedGateway } from './testing';

const LARGE = 48 * 1024 * 1024;
const CHUNK = Buffer.alloc(64 * 1024, 'g');

describe('request and response bodies', () => {
  let upstream: TestServer;
  let gateway: StartedGateway;
  const facts: RequestFact[] = [];
  const seen: { method: string; url: string; framing: string; body: string; socket: number }[] = [];
  const sockets: unknown[] = [];
  /** Bytes the upstream had written into /large when the client started reading. */
  let largeWritten = 0;

  beforeAll(async () => {
    upstream = await startServer((req, res) => {
      if (req.url === '/large') {
        res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(LARGE) });
        largeWritten = 0;
        const pump = (): void => {
          while (largeWritten < LARGE) {
            largeWritten += CHUNK.length;
            if (!res.write(CHUNK)) return void res.once('drain', pump);
          }
          res.end();
        };
        pump();
        return;
      }
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        if (!sockets.includes(req.socket)) sockets.push(req.socket);
        const framing = req.headers['transfer-encoding'] ? `te:${req.headers['transfer-encoding']}` : `cl:${req.headers['content-length'] ?? 'none'}`;
        seen.push({ method: req.method!, url: req.url!, framing, body: Buffer.concat(chunks).toString(), socket: sockets.indexOf(req.socket) });
        res.end(`${req.method} ${Buffer.concat(chunks).length}`);
      });
    });
    gateway = await startGateway({ basePath: '/api', upstream: upstream.url }, { onRequest: (fact) => facts.push(fact) });
  });

  afterAll(async () => {
    await gateway.close();
    await upstream.close();
  });

  function send(agent: http.Agent, method: string, path: string, body?: string, headers: Record<string, string> = {}): Promise<string> {
    return new Promise((resolve, reject) => {
      const req = http.request(gateway.url(path), { method, agent, headers }, (res) => {
        let text = '';
        res.on('data', (chunk) => (text += chunk));
        res.on('end', () => resolve(`${res.statusCode} ${text}`));
      });
      req.on('error', reject);
      req.end(body);
    });
  }

  it('sends bodyless requests without a body and bodies intact, all over one reused upstream connection', async () => {
    seen.length = 0;
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const answers = [];
    answers.push(await send(agent, 'GET', '/api/a'));
    answers.push(await send(agent, 'DELETE', '/api/b'));
    answers.push(await send(agent, 'GET', '/api/c', undefined, { 'content-length': '0' }));
    answers.push(await send(agent, 'POST', '/api/d', 'hello body', { 'content-type': 'text/plain' }));
    answers.push(await send(agent, 'GET', '/api/e'));
    agent.destroy();
    expect(answers).toEqual(['200 GET 0', '200 DELETE 0', '200 GET 0', '200 POST 10', '200 GET 0']);
    expect(seen.map(({ method, url, framing, body }) => [method, url, framing, body])).toEqual([
      ['GET', '/a', 'cl:none', ''],
      ['DELETE', '/b', 'cl:0', ''],
      ['GET', '/c', 'cl:0', ''],
      ['POST', '/d', 'cl:10', 'hello body'],
      ['GET', '/e', 'cl:none', ''],
    ]);
    // Ending a bodyless upstream request leaves the connection reusable.
    expect(new Set(seen.map((s) => s.socket)).size).toBe(1);
  });

  it('buffers a chunked request body of unknown length and sends it with its exact length', async () => {
    seen.length = 0;
    const answer = await new Promise<string>((resolve, reject) => {
      const req = http.request(gateway.url('/api/chunked'), { method: 'PUT', agent: false }, (res) => {
        let text = '';
        res.on('data', (chunk) => (text += chunk));
        res.on('end', () => resolve(text));
      });
      req.on('error', reject);
      req.write('part one, ');
      setTimeout(() => req.end('part two'), 20);
    });
    expect(answer).toBe('PUT 18');
    expect(seen[0]).toMatchObject({ framing: 'cl:18', body: 'part one, part two' });
  });

  it('pauses the upstream while a slow client catches up, and delivers every byte', async () => {
    const result = await new Promise<{ digest: string; bytes: number; writtenAtResume: number }>((resolve, reject) => {
      http
        .get(gateway.url('/api/large'), { agent: false }, (res) => {
          res.pause();
          // The client reads nothing for a while: the upstream must stall, not stream into memory.
          setTimeout(() => {
            const writtenAtResume = largeWritten;
            const hash = createHash('sha256');
            let bytes = 0;
            res.on('data', (chunk: Buffer) => {
              bytes += chunk.length;
              hash.update(chunk);
            });
            res.on('end', () => resolve({ digest: hash.digest('hex'), bytes, writtenAtResume }));
            res.resume();
          }, 400);
        })
        .on('error', reject);
    });
    const expected = createHash('sha256');
    for (let i = 0; i < LARGE / CHUNK.length; i++) expected.update(CHUNK);
    expect(result.bytes).toBe(LARGE);
    expect(result.digest).toBe(expected.digest('hex'));
    // Socket buffers hold a few MB at most; a gateway ignoring backpressure would have taken all 48.
    expect(result.writtenAtResume).toBeLessThan(LARGE / 2);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(facts.filter((f) => f.path === '/api/large').at(-1)).toMatchObject({ status: 200, bytesOut: LARGE });
  });
});

describe('Expect: 100-continue', () => {
  it('the gateway sends 100 Continue itself and the upstream gets the whole body without Expect', async () => {
    const received: { expect: string | undefined; body: string }[] = [];
    const upstream = await startServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        received.push({ expect: req.headers.expect, body: Buffer.concat(chunks).toString() });
        res.end('stored');
      });
    });
    const gateway = await startGateway({ basePath: '/api', upstream: upstream.url });
    try {
      const answer = await new Promise<string>((resolve, reject) => {
        const req = http.request(gateway.url('/api/items'), { method: 'PUT', agent: false, headers: { expect: '100-continue', 'content-length': '11' } });
        req.on('continue', () => req.end('hello world'));
        req.on('response', (res) => {
          let text = '';
          res.on('data', (chunk) => (text += chunk));
          res.on('end', () => resolve(`${res.statusCode} ${text}`));
        });
        req.on('error', reject);
      });
      expect(answer).toBe('200 stored');
      expect(received).toEqual([{ expect: undefined, body: 'hello world' }]);
    } finally {
      await gateway.close();
      await upstream.close();
    }
  });
});
