import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findPolicy } from '../../shared/policies/catalogue';
import { startGateway, type StartedGateway } from '../gateway/testing';
import { request, startServer, type TestServer } from '../testing/net';
import { mergeVary } from './cors';
import { compilePolicy, decide, fakeRequest, respondThrough } from './testing';

const APP = 'http://app.test:3000';
const preflight = (origin: string, method: string, headers?: string) =>
  fakeRequest({
    method: 'OPTIONS',
    url: '/items',
    headers: { origin, 'access-control-request-method': method, ...(headers ? { 'access-control-request-headers': headers } : {}) },
  });

function corsHeaders(headers: Record<string, unknown>): string[] {
  return Object.keys(headers).filter((name) => name.startsWith('access-control-'));
}

describe('cors-flex preflight', () => {
  it('public resource: 204 with *, the requested method and headers echoed, Max-Age and Vary', async () => {
    const policy = compilePolicy('cors-flex', {});
    const decision = await decide(policy, preflight(APP, 'PUT', 'Content-Type, X-Trace'));
    expect(decision).toEqual({
      action: 'respond',
      status: 204,
      detail: expect.any(String),
      headers: {
        'access-control-allow-origin': '*',
        'access-control-allow-methods': 'PUT',
        'access-control-allow-headers': 'content-type, x-trace',
        'access-control-max-age': '30',
        vary: 'Origin, Access-Control-Request-Method, Access-Control-Request-Headers',
      },
    });
  });

  it('with supportCredentials echoes the origin (never *) and allows credentials', async () => {
    const policy = compilePolicy('cors-flex', { supportCredentials: true });
    const decision = await decide(policy, preflight(APP, 'DELETE', 'authorization'));
    expect(decision).toMatchObject({
      action: 'respond',
      status: 204,
      headers: { 'access-control-allow-origin': APP, 'access-control-allow-credentials': 'true', 'access-control-allow-headers': 'authorization', 'access-control-allow-methods': 'DELETE' },
    });
  });

  const restricted = {
    publicResource: false,
    originGroups: [
      {
        origins: [APP, 'https://.*\\.example\\.com'],
        accessControlMaxAge: 600,
        allowedMethods: [{ methodName: 'GET', isAllowed: true }, { methodName: 'PUT', isAllowed: true }, { methodName: 'DELETE', isAllowed: false }, 'patch'],
        headers: ['Content-Type', 'X-Trace'],
        exposedHeaders: ['X-Request-Id', 'X-Ratelimit-Remaining'],
      },
    ],
  };

  it('origin groups: lists the allowed methods and headers, with the group Max-Age', async () => {
    const policy = compilePolicy('cors-flex', restricted);
    const decision = await decide(policy, preflight('https://shop.example.com', 'PUT', 'x-trace'));
    expect(decision).toMatchObject({
      action: 'respond',
      status: 204,
      headers: {
        'access-control-allow-origin': 'https://shop.example.com',
        'access-control-allow-methods': 'GET, PUT, PATCH',
        'access-control-allow-headers': 'Content-Type, X-Trace',
        'access-control-max-age': '600',
        vary: 'Origin',
      },
    });
    expect(decision.action === 'respond' && decision.headers!['access-control-allow-credentials']).toBeUndefined();
  });

  it.each([
    ['an origin not in any group', 'https://evil.test', 'PUT', undefined, /origin https:\/\/evil.test is not allowed/],
    ['a look-alike of a regex origin', 'https://shop.example.com.evil.test', 'PUT', undefined, /is not allowed/],
    ['a method that is not ticked', APP, 'DELETE', undefined, /method DELETE is not allowed/],
    ['a method not listed', APP, 'POST', undefined, /method POST is not allowed/],
    ['a header not listed', APP, 'PUT', 'x-trace, authorization', /header authorization not allowed/],
  ])("%s: answered as Flex does, 200 without any CORS header (the reason is in the trace)", async (_label, origin, method, headers, reason) => {
    const policy = compilePolicy('cors-flex', restricted);
    const decision = await decide(policy, preflight(origin, method, headers));
    expect(decision).toMatchObject({ action: 'respond', status: 200, detail: expect.stringMatching(reason) });
    expect(decision.action === 'respond' && decision.body).toBeFalsy();
    expect(decision.action === 'respond' && corsHeaders(decision.headers ?? {})).toEqual([]);
  });

  it('answers Private Network Access preflights', async () => {
    const req = preflight(APP, 'GET');
    req.headers['access-control-request-private-network'] = 'true';
    expect(await decide(compilePolicy('cors-flex', {}), req)).toMatchObject({ headers: { 'access-control-allow-private-network': 'true' } });
  });

  it('leaves an OPTIONS request that is not a preflight to the upstream', async () => {
    const req = fakeRequest({ method: 'OPTIONS', headers: { origin: APP } });
    expect(await decide(compilePolicy('cors-flex', {}), req)).toMatchObject({ action: 'continue' });
    expect(respondThrough(req, 200).headers['access-control-allow-origin']).toBe('*');
  });
});

describe('cors-flex actual requests', () => {
  it('public: sets * and replaces whatever Access-Control-* the upstream sent', async () => {
    const req = fakeRequest({ method: 'GET', headers: { origin: APP } });
    expect(await decide(compilePolicy('cors-flex', {}), req)).toMatchObject({ action: 'continue' });
    const { headers } = respondThrough(req, 200, { 'access-control-allow-origin': 'https://other.test', 'access-control-allow-credentials': 'true', 'content-type': 'application/json' });
    expect(headers).toEqual({ 'access-control-allow-origin': '*', 'content-type': 'application/json' });
  });

  it('credentials: echoes the origin, allows credentials, exposes headers and merges Vary', async () => {
    const policy = compilePolicy('cors-flex', { supportCredentials: true, originGroups: [{ origins: [APP], exposedHeaders: ['X-Request-Id'] }] });
    const req = fakeRequest({ method: 'POST', headers: { origin: APP } });
    await decide(policy, req);
    const { headers } = respondThrough(req, 201, { vary: 'Accept-Encoding' });
    expect(headers).toEqual({
      'access-control-allow-origin': APP,
      'access-control-allow-credentials': 'true',
      'access-control-expose-headers': 'X-Request-Id',
      vary: 'Accept-Encoding, Origin',
    });
  });

  it('a disallowed origin gets no CORS headers, even those the upstream sent, and Vary: Origin', async () => {
    const policy = compilePolicy('cors-flex', { publicResource: false, originGroups: [{ origins: [APP] }] });
    const req = fakeRequest({ method: 'GET', headers: { origin: 'https://evil.test' } });
    expect(await decide(policy, req)).toMatchObject({ action: 'continue' });
    const { headers } = respondThrough(req, 200, { 'access-control-allow-origin': '*' });
    expect(headers).toEqual({ vary: 'Origin' });
  });

  it('a request without Origin still says the answer varies by Origin when it does', async () => {
    const req = fakeRequest({ method: 'GET' });
    await decide(compilePolicy('cors-flex', { publicResource: false, originGroups: [{ origins: [APP] }] }), req);
    expect(respondThrough(req, 200, {}).headers).toEqual({ vary: 'Origin' });
    const open = fakeRequest({ method: 'GET' });
    await decide(compilePolicy('cors-flex', {}), open);
    expect(respondThrough(open, 200, {}).headers).toEqual({});
  });

  it('a method not allowed for the origin gets no CORS headers', async () => {
    const policy = compilePolicy('cors-flex', { publicResource: false, originGroups: [{ origins: [APP], allowedMethods: ['GET'] }] });
    const req = fakeRequest({ method: 'DELETE', headers: { origin: APP } });
    await decide(policy, req);
    expect(corsHeaders(respondThrough(req, 200).headers)).toEqual([]);
  });
});

describe('mergeVary', () => {
  it('appends once, keeps *, handles arrays', () => {
    expect(mergeVary(undefined, 'Origin')).toBe('Origin');
    expect(mergeVary('accept-encoding, origin', 'Origin')).toBe('accept-encoding, origin');
    expect(mergeVary(['Accept', 'Cookie'], 'Origin')).toBe('Accept, Cookie, Origin');
    expect(mergeVary('*', 'Origin')).toBe('*');
  });
});

describe('cors-flex (over sockets)', () => {
  let upstream: TestServer;
  let gateway: StartedGateway;
  const upstreamMethods: string[] = [];

  beforeAll(async () => {
    // An upstream with its own (conflicting) CORS answer and a Vary of its own.
    upstream = await startServer((req, res) => {
      upstreamMethods.push(req.method ?? '');
      res.writeHead(200, { 'access-control-allow-origin': '*', vary: 'Accept-Encoding', 'x-request-id': 'r1', 'content-type': 'text/plain' });
      res.end('ok');
    });
    gateway = await startGateway(
      [
        {
          basePath: '/api',
          upstream: upstream.url,
          policies: [
            { name: 'cors-flex', config: { publicResource: false, supportCredentials: true, originGroups: [{ origins: [APP], allowedMethods: ['GET', 'POST'], exposedHeaders: ['X-Request-Id'] }] } },
            // Later policies still see preflights answered first, and rejections keep CORS headers.
            { name: 'http-basic-authentication-flex', config: { username: 'u', password: 'p' } },
          ],
        },
      ],
      { catalogue: findPolicy },
    );
  });
  afterAll(async () => {
    await gateway?.close();
    await upstream?.close();
  });

  it('answers an allowed preflight itself with 204 and the CORS headers, before authentication', async () => {
    upstreamMethods.length = 0;
    const res = await request(gateway.url('/api/items'), { method: 'OPTIONS', headers: { origin: APP, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' } });
    expect(res.status).toBe(204);
    expect(res.body).toBe('');
    expect(res.headers).toMatchObject({
      'access-control-allow-origin': APP,
      'access-control-allow-credentials': 'true',
      'access-control-allow-methods': 'GET, POST',
      'access-control-allow-headers': 'content-type',
      'access-control-max-age': '30',
      'x-gatehouse-source': 'gateway',
    });
    expect(res.headers.vary).toContain('Origin');
    expect(upstreamMethods).toEqual([]);
  });

  it('answers a preflight from another origin itself, as Flex does: 200, no CORS headers, no body, nothing upstream', async () => {
    upstreamMethods.length = 0;
    const res = await request(gateway.url('/api/items'), { method: 'OPTIONS', headers: { origin: 'https://evil.test', 'access-control-request-method': 'GET' } });
    expect(res.status).toBe(200);
    expect(res.body).toBe('');
    expect(Object.keys(res.headers).filter((name) => name.startsWith('access-control-'))).toEqual([]);
    expect(res.headers['x-gatehouse-source']).toBe('gateway');
    expect(upstreamMethods).toEqual([]);
  });

  it("puts the policy's headers on upstream responses and on gateway errors, replacing the upstream's", async () => {
    const ok = await request(gateway.url('/api/items'), { headers: { origin: APP, authorization: `Basic ${Buffer.from('u:p').toString('base64')}` } });
    expect(ok.status).toBe(200);
    expect(ok.headers).toMatchObject({ 'access-control-allow-origin': APP, 'access-control-allow-credentials': 'true', 'access-control-expose-headers': 'X-Request-Id', vary: 'Accept-Encoding, Origin' });
    // A 401 from a later policy still carries CORS headers, so the page can read why.
    const denied = await request(gateway.url('/api/items'), { headers: { origin: APP } });
    expect(denied.status).toBe(401);
    expect(denied.headers['access-control-allow-origin']).toBe(APP);
    const foreign = await request(gateway.url('/api/items'), { headers: { origin: 'https://evil.test', authorization: `Basic ${Buffer.from('u:p').toString('base64')}` } });
    expect(foreign.status).toBe(200);
    expect(foreign.headers['access-control-allow-origin']).toBeUndefined();
  });
});
