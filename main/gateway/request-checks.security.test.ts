/**
 * Requests an upstream could read differently from the gateway are refused before routing:
 * encoded path tricks that climb out of an API's base path, two Host headers, Transfer-Encoding
 * on HTTP/1.0. Sent over raw sockets, exactly as an attacker writes them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawExchange, startRecordingUpstream, type RecordingUpstream } from '../testing/raw-http';
import { startGateway, type StartedGateway } from './testing';

describe('requests refused before routing', () => {
  let upstream: RecordingUpstream;
  let gateway: StartedGateway;

  beforeAll(async () => {
    upstream = await startRecordingUpstream();
    gateway = await startGateway([
      { name: 'demo', basePath: '/demo', upstream: `${upstream.url}/public` },
      { name: 'lenient', basePath: '/lenient', upstream: upstream.url, policies: [{ name: 'request-handling', config: { allowEncodedPathSeparators: true } }] },
    ]);
  });

  afterAll(async () => {
    await gateway.close();
    await upstream.close();
  });

  const get = (target: string, headers = 'Host: gw\r\n') => rawExchange(gateway.port, `GET ${target} HTTP/1.1\r\n${headers}Connection: close\r\n\r\n`);

  it.each([
    '/demo/x/..%2f..%2fprivate/secret',
    '/demo/x/..%2F..%2Fprivate/secret',
    '/demo/%2e%2e/private/secret',
    '/demo/%2E%2e/private/secret',
    '/demo/.%2e/private/secret',
    '/demo/x/%2e/y',
    '/demo/x%5c..%5cprivate/secret',
    '/demo/..;/private/secret',
    '/demo/x/..;jsessionid=1/private',
    '/demo/.;/x',
    '/demo/../private/secret',
    '/demo/./x',
    '/demo/x\\..\\private',
  ])('refuses %s with 400 from the gateway, and the upstream never sees it', async (target) => {
    const before = upstream.seen.length;
    const res = await get(target);
    expect(res.status).toBe(400);
    expect(res.headers['x-gatehouse-source']).toBe('gateway');
    expect(JSON.parse(res.body).error.code).toBe('BAD_REQUEST');
    expect(res.headers.connection).toBe('close');
    expect(upstream.seen.length).toBe(before);
  });

  it.each(['/demo/a%20b', '/demo/file.txt', '/demo/a..b/..c/d..', '/demo/.well-known/x', '/demo/a%2ex', '/demo/x;v=1', '/demo/q?path=..%2f..%2f'])(
    'forwards the ordinary path %s unchanged',
    async (target) => {
      const res = await get(target);
      expect(res.status).toBe(200);
      expect(upstream.seen.at(-1)!.url).toBe(`/public${target.slice('/demo'.length)}`);
    },
  );

  it('an API that allows encoded separators forwards them verbatim; dot-segments stay refused', async () => {
    const res = await get('/lenient/files/a%2Fb%5Cc');
    expect(res.status).toBe(200);
    expect(upstream.seen.at(-1)!.url).toBe('/files/a%2Fb%5Cc');
    expect((await get('/lenient/files/..%2fsecret')).status).toBe(200);
    expect((await get('/lenient/%2e%2e/secret')).status).toBe(400);
    expect((await get('/lenient/../secret')).status).toBe(400);
  });

  it('refuses two Host headers (RFC 9112 §3.2), in any letter case', async () => {
    const before = upstream.seen.length;
    const res = await get('/demo/x', 'Host: gw\r\nhost: internal.example\r\n');
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body).error.message).toMatch(/Host/);
    expect(res.headers['x-gatehouse-source']).toBe('gateway');
    expect(upstream.seen.length).toBe(before);
  });

  it('refuses Transfer-Encoding on an HTTP/1.0 request (RFC 9112 §6.1) and closes the connection', async () => {
    const before = upstream.seen.length;
    const res = await rawExchange(gateway.port, 'POST /demo/x HTTP/1.0\r\nHost: gw\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n');
    expect(res.status).toBe(400);
    expect(res.headers.connection).toBe('close');
    expect(JSON.parse(res.body).error.message).toMatch(/HTTP\/1\.0/);
    expect(upstream.seen.length).toBe(before);
  });
});
