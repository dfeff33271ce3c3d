/**
 * json-threat-protection-flex over real sockets: bodies that fit the buffer are refused before
 * the upstream is called; bodies streamed over a raw socket are refused as soon as they cross
 * a limit, long before the client finished sending (nothing close to the body is held).
 */
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findPolicy } from '../../shared/policies/catalogue';
import type { RequestFact } from '../gateway/telemetry';
import { startGateway, type StartedGateway } from '../gateway/testing';
import { request } from '../testing/net';
import { startRecordingUpstream, type RecordingUpstream } from '../testing/raw-http';

const LIMITS = { maxContainerDepth: 8, maxStringValueLength: 64, maxObjectEntryNameLength: 16, maxObjectEntryCount: 5, maxArrayElementCount: 10 };

interface StreamedExchange {
  status: number;
  body: string;
  /** Body bytes written before the gateway's answer arrived. */
  sent: number;
}

/**
 * Sends a request head declaring `declared` body bytes, then writes chunks from `next()` with
 * backpressure until the gateway answers (or everything declared was sent).
 */
function streamBody(port: number, path: string, declared: number, next: () => Buffer): Promise<StreamedExchange> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let sent = 0;
    let answered = false;
    let received = '';
    const pump = (): void => {
      while (!answered && sent < declared) {
        const chunk = next().subarray(0, declared - sent);
        sent += chunk.length;
        if (!socket.write(chunk)) return void socket.once('drain', pump);
      }
    };
    socket.on('connect', () => {
      socket.write(`POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${declared}\r\n\r\n`);
      pump();
    });
    socket.on('data', (data: Buffer) => {
      answered = true;
      received += data.toString('latin1');
      const end = received.indexOf('\r\n\r\n');
      const length = /content-length: (\d+)/i.exec(received)?.[1];
      if (end >= 0 && length !== undefined && received.length >= end + 4 + Number(length)) {
        socket.destroy();
        resolve({ status: Number(received.split(' ')[1]), body: received.slice(end + 4), sent });
      }
    });
    socket.on('error', (error) => (answered ? undefined : reject(error)));
    socket.on('close', () => (answered ? undefined : reject(new Error(`closed without an answer after ${sent} bytes`))));
  });
}

describe('json-threat-protection-flex', () => {
  let upstream: RecordingUpstream;
  let gateway: StartedGateway;
  const facts: RequestFact[] = [];

  beforeAll(async () => {
    upstream = await startRecordingUpstream();
    gateway = await startGateway(
      [
        { basePath: '/strict', upstream: upstream.url, policies: [{ name: 'json-threat-protection-flex', config: LIMITS }] },
        // Bodies over 64 KiB stream to the upstream as they arrive.
        {
          basePath: '/streamed',
          upstream: upstream.url,
          policies: [
            { name: 'request-handling', config: { bodyBufferBytes: 64 * 1024 } },
            { name: 'json-threat-protection-flex', config: { maxStringValueLength: 1024 * 1024 } },
          ],
        },
        { basePath: '/unlimited', upstream: upstream.url, policies: [{ name: 'json-threat-protection-flex', config: {} }] },
      ],
      { catalogue: findPolicy, onRequest: (fact) => facts.push(fact) },
    );
  });
  afterAll(async () => {
    await gateway?.close();
    await upstream?.close();
  });

  const post = (path: string, body: string, contentType = 'application/json') =>
    request(gateway.url(path), { method: 'POST', headers: { 'content-type': contentType }, body });

  it('forwards a JSON body within every limit, unchanged', async () => {
    const body = JSON.stringify({ user: { name: 'ada', tags: ['a', 'b'], age: 36 } });
    const res = await post('/strict/users', body);
    expect(res.status).toBe(200);
    expect(upstream.seen.at(-1)?.body).toBe(body);
  });

  it.each([
    ['maxContainerDepth', '[[[[[[[[[1]]]]]]]]]'],
    ['maxStringValueLength', JSON.stringify({ a: 'x'.repeat(65) })],
    ['maxObjectEntryNameLength', JSON.stringify({ ['n'.repeat(17)]: 1 })],
    ['maxObjectEntryCount', JSON.stringify({ a: 1, b: 2, c: 3, d: 4, e: 5, f: 6 })],
    ['maxArrayElementCount', JSON.stringify([[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]])],
  ])('answers 400 naming %s, and the upstream never sees the body', async (limit, body) => {
    const before = upstream.seen.length;
    const res = await post('/strict/users', body);
    expect(res.status).toBe(400);
    expect(res.headers['x-gatehouse-source']).toBe('gateway');
    const error = res.json().error;
    expect(error.code).toBe('JSON_THREAT_DETECTED');
    expect(error.policy).toBe('json-threat-protection-flex');
    expect(error.message).toContain(limit);
    expect(upstream.seen.length).toBe(before);
  });

  it('answers 400 INVALID_JSON to a malformed body', async () => {
    const res = await post('/strict/users', '{"a": 1,,}');
    expect(res.status).toBe(400);
    expect(res.json().error.code).toBe('INVALID_JSON');
  });

  it('checks bodies without a Content-Type, and passes other types unchecked (as Flex does)', async () => {
    const deep = '['.repeat(20) + ']'.repeat(20);
    const untyped = await request(gateway.url('/strict/x'), { method: 'POST', body: deep });
    expect(untyped.status).toBe(400);
    const text = await post('/strict/x', deep, 'text/plain');
    expect(text.status).toBe(200);
    const vendor = await post('/strict/x', deep, 'application/vnd.api+json; charset=utf-8');
    expect(vendor.status).toBe(400);
  });

  it('says in the trace what it checked and what it refused', async () => {
    await post('/strict/traced', '[[[[[[[[[[]]]]]]]]]]');
    const fact = facts.findLast((f) => f.path === '/strict/traced')!;
    expect(fact.status).toBe(400);
    expect(fact.violatedPolicy).toBe('json-threat-protection-flex');
    const entries = fact.trace.filter((entry) => entry.policy === 'json-threat-protection-flex');
    expect(entries[0]).toMatchObject({ verdict: 'allow', detail: expect.stringContaining('maxContainerDepth 8') });
    expect(entries[1]).toMatchObject({ verdict: 'deny', status: 400, detail: expect.stringContaining('maxContainerDepth') });
  });

  it('refuses a 100,000-deep nesting declared as 100 MB after its first bytes', async () => {
    const opening = Buffer.alloc(16 * 1024, '[');
    const before = upstream.seen.length;
    const res = await streamBody(gateway.port, '/strict/deep', 100 * 1024 * 1024, () => opening);
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body).error.message).toContain('maxContainerDepth');
    // Answered long before the client could send the body: nothing close to it was held.
    expect(res.sent).toBeLessThan(100 * 1024 * 1024);
    expect(upstream.seen.length).toBe(before);
  });

  it('passes 100,000 levels of nesting when no depth limit is set', async () => {
    const res = await post('/unlimited/deep', '['.repeat(100_000) + ']'.repeat(100_000));
    expect(res.status).toBe(200);
  });

  it('refuses a 100 MB streamed string at its limit: the upstream request is aborted, never completed', async () => {
    const before = upstream.seen.length;
    let first = true;
    const filler = Buffer.alloc(64 * 1024, 'x');
    const res = await streamBody(gateway.port, '/streamed/big', 100 * 1024 * 1024, () => {
      if (!first) return filler;
      first = false;
      return Buffer.concat([Buffer.from('{"blob":"'), filler]);
    });
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body).error.message).toContain('maxStringValueLength');
    expect(res.sent).toBeLessThan(100 * 1024 * 1024);
    // The upstream got the start of the stream (past the 64 KiB buffer) but no complete request.
    expect(upstream.seen.length).toBe(before);
  });

  it('streams a large valid body through to the upstream', async () => {
    const body = JSON.stringify({ items: Array.from({ length: 20_000 }, (_, i) => ({ id: i, name: `item ${i}` })) });
    expect(body.length).toBeGreaterThan(64 * 1024);
    const res = await post('/streamed/ok', body);
    expect(res.status).toBe(200);
    expect(upstream.seen.at(-1)?.body.length).toBe(body.length);
  });
});
