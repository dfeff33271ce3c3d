/**
 * Slow request bodies (slowhttptest -B) must not starve the upstream connection pool: bodies are
 * read before the upstream request starts, so hundreds of clients trickling their bodies hold
 * their own connections only, ordinary requests keep being answered, and a body that does not
 * arrive in time gets a 408 from the gateway.
 */
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from '../testing/net';
import { rawExchange, startRecordingUpstream, type RecordingUpstream } from '../testing/raw-http';
import { startGateway, type StartedGateway } from './testing';

/** More than the 256 sockets the gateway keeps per upstream. */
const SLOW_CLIENTS = 300;

describe('slow request bodies', () => {
  let upstream: RecordingUpstream;

  beforeAll(async () => {
    upstream = await startRecordingUpstream();
  });

  afterAll(async () => {
    await upstream.close();
  });

  it(`${SLOW_CLIENTS} clients trickling their bodies do not stop ordinary requests`, async () => {
    const gateway = await startGateway({ basePath: '/api', upstream: upstream.url }, { timeouts: { requestBodyMs: 120_000 } });
    const slow: net.Socket[] = [];
    const answered: string[] = [];
    try {
      await Promise.all(
        Array.from(
          { length: SLOW_CLIENTS },
          () =>
            new Promise<void>((resolve, reject) => {
              const socket = net.connect(gateway.port, '127.0.0.1', () => {
                socket.write('POST /api/upload HTTP/1.1\r\nHost: gw\r\nContent-Type: text/plain\r\nContent-Length: 4096\r\n\r\nx', () => resolve());
              });
              socket.on('data', (chunk: Buffer) => answered.push(chunk.toString('latin1')));
              socket.on('error', reject);
              slow.push(socket);
            }),
        ),
      );
      const trickle = setInterval(() => slow.forEach((socket) => socket.writable && socket.write('y')), 100);
      try {
        const ordinary = await Promise.all(Array.from({ length: 20 }, (_, i) => request(gateway.url(`/api/ordinary-${i}`))));
        expect(ordinary.map((r) => r.status)).toEqual(Array(20).fill(200));
        // The slow bodies are still on their way: none of them reached the upstream.
        expect(answered).toEqual([]);
        expect(upstream.seen.filter((s) => s.url === '/upload')).toEqual([]);
      } finally {
        clearInterval(trickle);
      }
    } finally {
      slow.forEach((socket) => socket.destroy());
      await gateway.close();
    }
  });

  it('a body that does not arrive within the body deadline gets 408 from the gateway; the upstream never sees it', async () => {
    const gateway = await startGateway({ basePath: '/api', upstream: upstream.url }, { timeouts: { requestBodyMs: 400 } });
    try {
      const response = await new Promise<string>((resolve, reject) => {
        const socket = net.connect(gateway.port, '127.0.0.1', () => socket.write('PUT /api/late HTTP/1.1\r\nHost: gw\r\nContent-Length: 100\r\n\r\nonly-this'));
        let text = '';
        socket.on('data', (chunk: Buffer) => (text += chunk.toString('latin1')));
        socket.on('close', () => resolve(text));
        socket.on('error', reject);
      });
      expect(response).toMatch(/^HTTP\/1\.1 408 /);
      expect(response).toMatch(/x-gatehouse-source: gateway/i);
      expect(response).toMatch(/connection: close/i);
      expect(JSON.parse(response.slice(response.indexOf('\r\n\r\n') + 4)).error.code).toBe('REQUEST_TIMEOUT');
      expect(upstream.seen.filter((s) => s.url === '/late')).toEqual([]);
      // The gateway still serves.
      expect((await request(gateway.url('/api/after'))).status).toBe(200);
    } finally {
      await gateway.close();
    }
  });

  it('a body larger than the buffer is streamed with its own framing, every byte intact', async () => {
    const gateway = await startGateway({ basePath: '/api', upstream: upstream.url, policies: [{ name: 'request-handling', config: { bodyBufferBytes: 1024 } }] });
    try {
      const body = 'z'.repeat(64 * 1024);
      const res = await request(gateway.url('/api/big'), { method: 'POST', body, headers: { 'content-length': String(body.length) } });
      expect(res.status).toBe(200);
      const seen = upstream.seen.at(-1)!;
      expect(seen.body).toBe(body);
      expect(seen.headers['content-length']).toBe(String(body.length));
      const chunked = await rawExchange(gateway.port, `POST /api/big-chunked HTTP/1.1\r\nHost: gw\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n${(2048).toString(16)}\r\n${'q'.repeat(2048)}\r\n0\r\n\r\n`);
      expect(chunked.status).toBe(200);
      expect(upstream.seen.at(-1)!.headers['transfer-encoding']).toBe('chunked');
      expect(upstream.seen.at(-1)!.body).toBe('q'.repeat(2048));
    } finally {
      await gateway.close();
    }
  });
});
