import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findPolicy } from '../../shared/policies/catalogue';
import { startGateway, type StartedGateway } from '../gateway/testing';
import { request, startEchoUpstream, type TestServer } from '../testing/net';
import { basicAuth, compilePolicy, decide, fakeRequest } from './testing';

describe('http-basic-authentication-flex (unit)', () => {
  const policy = compilePolicy('http-basic-authentication-flex', { username: 'ann', password: 'p:ss wörd' }, { api: { name: 'Orders "v2"' } });

  it('lets the right user through and records them as the client', async () => {
    const req = fakeRequest({ headers: { authorization: basicAuth('ann', 'p:ss wörd') } });
    expect(await decide(policy, req)).toMatchObject({ action: 'continue' });
    expect(req.clientId).toBe('ann');
  });

  it.each([
    ['no header', undefined, 'AUTHENTICATION_REQUIRED'],
    ['another scheme', 'Bearer abc', 'AUTHENTICATION_REQUIRED'],
    ['no colon', `Basic ${Buffer.from('annpass').toString('base64')}`, 'AUTHENTICATION_REQUIRED'],
    ['wrong password', basicAuth('ann', 'p:ss word'), 'INVALID_CREDENTIALS'],
    ['wrong user', basicAuth('bob', 'p:ss wörd'), 'INVALID_CREDENTIALS'],
    ['password prefix', basicAuth('ann', 'p:ss'), 'INVALID_CREDENTIALS'],
  ])('%s → 401 %s with a Basic challenge naming the API', async (_label, authorization, code) => {
    const req = fakeRequest({ headers: authorization ? { authorization } : {} });
    const decision = await decide(policy, req);
    expect(decision).toMatchObject({ action: 'reject', status: 401, code, headers: { 'www-authenticate': 'Basic realm="Orders \\"v2\\"", charset="UTF-8"' } });
    expect(req.clientId).toBeUndefined();
    expect(JSON.stringify(decision)).not.toContain('p:ss');
  });

  it('accepts the scheme name in any case', async () => {
    const token = Buffer.from('ann:p:ss wörd').toString('base64');
    expect((await decide(policy, fakeRequest({ headers: { authorization: `basic ${token}` } }))).action).toBe('continue');
  });
});

describe('http-basic-authentication-flex (over sockets)', () => {
  let upstream: TestServer;
  let gateway: StartedGateway;

  beforeAll(async () => {
    upstream = await startEchoUpstream();
    gateway = await startGateway(
      { name: 'Orders', basePath: '/orders', upstream: upstream.url, policies: [{ name: 'http-basic-authentication-flex', config: { username: 'ann', password: 's3cret' } }] },
      { catalogue: findPolicy },
    );
  });
  afterAll(async () => {
    await gateway?.close();
    await upstream?.close();
  });

  it('answers 401 with WWW-Authenticate without calling the upstream, then 200 with credentials', async () => {
    const denied = await request(gateway.url('/orders/1'));
    expect(denied.status).toBe(401);
    expect(denied.headers['www-authenticate']).toBe('Basic realm="Orders", charset="UTF-8"');
    expect(denied.headers['x-gatehouse-source']).toBe('gateway');
    expect(denied.json()).toEqual({ error: { code: 'AUTHENTICATION_REQUIRED', message: expect.any(String), policy: 'http-basic-authentication-flex' } });

    const wrong = await request(gateway.url('/orders/1'), { headers: { authorization: basicAuth('ann', 'nope') } });
    expect(wrong.status).toBe(401);
    expect(wrong.json().error.code).toBe('INVALID_CREDENTIALS');
    expect(wrong.headers['www-authenticate']).toContain('Basic realm=');

    const ok = await request(gateway.url('/orders/1'), { headers: { authorization: basicAuth('ann', 's3cret') } });
    expect(ok.status).toBe(200);
    expect(ok.headers['x-gatehouse-source']).toBe('upstream');
    expect(ok.json().url).toBe('/1');
  });
});
