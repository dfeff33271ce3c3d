import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEchoUpstream, startServer, type TestServer } from '../testing/net';
import { requestEndToEnd, responseEndToEnd, stripRequestHopByHop, stripResponseHopByHop } from './hop-by-hop';
import { startGateway, type StartedGateway } from './testing';

/** Sends raw bytes and returns everything the gateway wrote until it closed the connection. */
function raw(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write(text));
    let out = '';
    socket.on('data', (chunk) => (out += chunk.toString('latin1')));
    socket.on('end', () => resolve(out));
    socket.on('error', reject);
  });
}

/** The body of a raw response, de-chunked when it was chunked. */
function bodyOf(response: string): string {
  const split = response.indexOf('\r\n\r\n');
  let rest = response.slice(split + 4);
  if (!/transfer-encoding: chunked/i.test(response.slice(0, split))) return rest;
  let body = '';
  for (;;) {
    const line = rest.indexOf('\r\n');
    const size = parseInt(rest.slice(0, line), 16);
    if (!size) return body;
    body += rest.slice(line + 2, line + 2 + size);
    rest = rest.slice(line + 2 + size + 2);
  }
}

function headersOf(response: string): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const line of response.split('\r\n\r\n')[0]!.split('\r\n').slice(1)) {
    const colon = line.indexOf(':');
    const name = line.slice(0, colon).toLowerCase();
    map.set(name, [...(map.get(name) ?? []), line.slice(colon + 1).trim()]);
  }
  return map;
}

describe('hop-by-hop headers (RFC 9110 §7.6.1)', () => {
  let echo: TestServer;
  let noisy: TestServer;
  let gateway: StartedGateway;

  beforeAll(async () => {
    echo = await startEchoUpstream();
    noisy = await startServer((_req, res) => {
      res.setHeader('Connection', 'x-internal');
      res.setHeader('X-Internal', 'upstream-secret');
      res.setHeader('Keep-Alive', 'timeout=99');
      res.setHeader('Proxy-Connection', 'keep-alive');
      res.setHeader('Upgrade', 'foo/1');
      res.setHeader('Trailer', 'x-checksum');
      res.setHeader('X-Kept', 'yes');
      res.write('chunk-1;');
      res.end('chunk-2');
    });
    gateway = await startGateway([
      { basePath: '/echo', upstream: echo.url },
      { basePath: '/noisy', upstream: noisy.url },
    ]);
  });

  afterAll(async () => {
    await gateway.close();
    await Promise.all([echo.close(), noisy.close()]);
  });

  it('strips hop-by-hop request headers and every header named in Connection', async () => {
    const response = await raw(
      gateway.port,
      'GET /echo/x HTTP/1.1\r\nHost: a\r\nConnection: close, X-Hop-Secret\r\nX-Hop-Secret: do-not-forward\r\n' +
        'Keep-Alive: timeout=1\r\nProxy-Connection: keep-alive\r\nTE: trailers, deflate\r\nUpgrade: foo/2\r\nX-End-To-End: kept\r\n\r\n',
    );
    const seen = JSON.parse(bodyOf(response)).headers;
    expect(seen['x-hop-secret']).toBeUndefined();
    expect(seen['keep-alive']).toBeUndefined();
    expect(seen['proxy-connection']).toBeUndefined();
    expect(seen.upgrade).toBeUndefined();
    expect(seen.te).toBe('trailers');
    expect(seen.connection).toBe('keep-alive'); // the gateway's own connection to the upstream
    expect(seen['x-end-to-end']).toBe('kept');
  });

  it('drops TE without trailers and re-frames a chunked request body', async () => {
    const response = await raw(
      gateway.port,
      'POST /echo/x HTTP/1.1\r\nHost: a\r\nConnection: close\r\nTE: gzip\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n',
    );
    const seen = JSON.parse(bodyOf(response));
    expect(seen.headers.te).toBeUndefined();
    expect(seen.body).toBe('hello world');
  });

  it('strips hop-by-hop response headers; the body still arrives whole', async () => {
    const response = await raw(gateway.port, 'GET /noisy/x HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n');
    const headers = headersOf(response);
    expect(response.startsWith('HTTP/1.1 200')).toBe(true);
    expect(headers.get('x-internal')).toBeUndefined();
    expect(headers.get('keep-alive')).toBeUndefined();
    expect(headers.get('proxy-connection')).toBeUndefined();
    expect(headers.get('upgrade')).toBeUndefined();
    expect(headers.get('trailer')).toBeUndefined();
    expect(headers.get('connection')).toEqual(['close']);
    expect(headers.get('x-kept')).toEqual(['yes']);
    expect(headers.get('x-gatehouse-source')).toEqual(['upstream']);
    expect(bodyOf(response)).toBe('chunk-1;chunk-2');
  });
});

describe('hop-by-hop copies (responseEndToEnd, requestEndToEnd)', () => {
  const cases: Record<string, string | string[]>[] = [
    { host: 'a', 'content-type': 'text/plain' },
    { 'content-type': 'a', 'content-length': '419', date: 'x', connection: 'keep-alive', 'keep-alive': 'timeout=5' },
    { host: 'a', connection: 'Keep-Alive, X-Internal , te', 'x-internal': 'secret', te: 'trailers', 'x-kept': 'yes' },
    { host: 'a', te: 'gzip, trailers;q=1', 'proxy-connection': 'keep-alive', upgrade: 'h2c' },
    { host: 'a', te: 'gzip', 'transfer-encoding': 'gzip, chunked', 'content-length': '10', trailer: 'x-sum' },
    { host: 'a', connection: 'transfer-encoding', 'transfer-encoding': 'chunked', 'content-length': '10' },
    { 'set-cookie': ['a=1', 'b=2'], connection: 'close', upgrade: 'foo/1', trailer: 'x' },
  ];

  it.each(cases.map((headers) => [JSON.stringify(headers), headers]))('%s: same result as stripping in place, without touching the input', (_label, headers) => {
    const input = structuredClone(headers);
    const stripped = { request: structuredClone(headers), response: structuredClone(headers) };
    stripRequestHopByHop(stripped.request, false);
    stripResponseHopByHop(stripped.response, false);
    const request = requestEndToEnd(input);
    const response = responseEndToEnd(input);
    expect(input).toEqual(headers);
    // Same names in the same order (the order headers go out in), same values.
    expect(Object.entries(request)).toEqual(Object.entries(stripped.request));
    expect(Object.entries(response)).toEqual(Object.entries(stripped.response));
  });

  it('returns clean headers as they are, without a copy', () => {
    const clean = { host: 'a', 'content-type': 'text/plain' };
    expect(requestEndToEnd(clean)).toBe(clean);
    expect(responseEndToEnd(clean)).toBe(clean);
  });
});
