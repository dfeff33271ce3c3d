import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findPolicy } from '../../shared/policies/catalogue';
import { startGateway, type StartedGateway } from '../gateway/testing';
import { request, startServer, type TestServer } from '../testing/net';
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
