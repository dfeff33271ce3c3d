import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findPolicy } from '../../shared/policies/catalogue';
import { startGateway, type StartedGateway } from '../gateway/testing';
import { request, startServer, type TestServer } from '../testing/net';
import { startRecordingUpstream, type RecordingUpstream } from '../testing/raw-http';
import { compilePolicy, decide, fakeRequest, respondThrough } from './testing';

describe('header-removal-flex (unit)', () => {
  it('removes inbound headers case-insensitively and outbound ones from the response', async () => {
    const policy = compilePolicy('header-removal-flex', { inboundHeaders: ['Cookie', 'X-Debug'], outboundHeaders: ['Server', 'X-Powered-By'] });
    const req = fakeRequest({ headers: { cookie: 'a=1', 'x-debug': '1', accept: '*/*' } });
    expect(await decide(policy, req)).toMatchObject({ action: 'continue', modified: true });
    expect(req.headers).toEqual({ accept: '*/*' });
    expect(respondThrough(req, 200, { server: 'nginx', 'X-Powered-By': 'php', 'content-type': 'text/plain' }).headers).toEqual({ 'content-type': 'text/plain' });
  });
});

describe('header-removal-flex (over sockets)', () => {
  let upstream: TestServer;
  let gateway: StartedGateway;

  beforeAll(async () => {
    upstream = await startServer((req, res) => {
      res.writeHead(200, { server: 'secret-server/1.2', 'x-powered-by': 'php', 'x-keep': 'yes', 'content-type': 'application/json' });
      res.end(JSON.stringify(req.headers));
    });
    gateway = await startGateway(
      { basePath: '/r', upstream: upstream.url, policies: [{ name: 'header-removal-flex', config: { inboundHeaders: ['cookie', 'X-Internal'], outboundHeaders: ['Server', 'x-powered-by'] } }] },
      { catalogue: findPolicy },
    );
  });
  afterAll(async () => {
    await gateway?.close();
    await upstream?.close();
  });

  it('the upstream never sees the inbound headers, the client never sees the outbound ones', async () => {
    const res = await request(gateway.url('/r/x'), { headers: { cookie: 'session=1', 'x-internal': 'yes', 'x-other': 'kept' } });
    expect(res.status).toBe(200);
    const seen = res.json<Record<string, string>>();
    expect(seen.cookie).toBeUndefined();
    expect(seen['x-internal']).toBeUndefined();
    expect(seen['x-other']).toBe('kept');
    expect(res.headers.server).toBeUndefined();
    expect(res.headers['x-powered-by']).toBeUndefined();
    expect(res.headers['x-keep']).toBe('yes');
  });
});

describe('header-removal-flex entries are regular expressions, as in Flex', () => {
  let upstream: RecordingUpstream;
  let gateway: StartedGateway;

  beforeAll(async () => {
    upstream = await startRecordingUpstream();
    gateway = await startGateway(
      [
        { basePath: '/re', upstream: upstream.url, policies: [{ name: 'header-removal-flex', config: { inboundHeaders: ['Cache-Control', 'Access-Control.*', 'x-debug-(a|b)'] } }] },
        { basePath: '/all', upstream: upstream.url, policies: [{ name: 'header-removal-flex', config: { inboundHeaders: ['.*'], outboundHeaders: ['.*'] } }] },
      ],
      { catalogue: findPolicy },
    );
  });
  afterAll(async () => {
    await gateway?.close();
    await upstream?.close();
  });

  it('a pattern removes every header whose whole name it matches, ignoring case', async () => {
    const res = await request(gateway.url('/re/x'), {
      headers: {
        'Cache-Control': 'no-cache',
        'Access-Control-Request-Method': 'PUT',
        'access-control-request-headers': 'x-a',
        'X-Debug-A': '1',
        'x-debug-b': '2',
        'x-debug-c': 'kept',
        'x-access-control': 'kept: the pattern is anchored',
      },
    });
    expect(res.status).toBe(200);
    const seen = upstream.seen.at(-1)!.headers;
    expect(Object.keys(seen).filter((name) => /^(cache-control|access-control-|x-debug-[ab]$)/.test(name))).toEqual([]);
    expect(seen['x-debug-c']).toBe('kept');
    expect(seen['x-access-control']).toBe('kept: the pattern is anchored');
  });

  it('never removes the headers Flex keeps (Host, Content-Type, Content-Length, …), even for .*', async () => {
    const res = await request(gateway.url('/all/x'), { method: 'POST', headers: { 'content-type': 'text/plain', accept: 'text/plain', 'x-gone': '1' }, body: 'hello' });
    expect(res.status).toBe(200);
    expect(res.body).toBe('POST /x 5');
    const seen = upstream.seen.at(-1)!;
    expect(seen.body).toBe('hello');
    expect(seen.headers).toMatchObject({ host: expect.any(String), 'content-type': 'text/plain', 'content-length': '5', accept: 'text/plain' });
    expect(seen.headers['x-gone']).toBeUndefined();
    expect(res.headers['content-type']).toBe('text/plain');
    expect(res.headers.date).toBeDefined();
  });

  it('the catalogue refuses an entry that is not a regular expression', () => {
    const parsed = findPolicy('header-removal-flex')!.schema.safeParse({ inboundHeaders: ['x-(unclosed'] });
    expect(parsed.success).toBe(false);
  });
});
