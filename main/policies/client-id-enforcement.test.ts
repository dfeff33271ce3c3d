import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findPolicy } from '../../shared/policies/catalogue';
import { startGateway, type StartedGateway } from '../gateway/testing';
import type { RequestFact } from '../gateway/telemetry';
import { request, startEchoUpstream, type TestServer } from '../testing/net';
import { basicAuth, compilePolicy, decide, fakeRequest, testIdentity } from './testing';

const identity = testIdentity({
  applications: [
    { clientId: 'app-1', secret: 'secret-1' },
    { clientId: 'app-2', secret: 'secret-2' },
    { clientId: 'app-3', secret: 'secret-3' },
  ],
  contracts: [
    { clientId: 'app-1' },
    { clientId: 'app-2', status: 'pending' },
    { clientId: 'app-3', apiId: 'another-api' },
  ],
});

describe('client-id-enforcement-flex (unit)', () => {
  const basic = compilePolicy('client-id-enforcement-flex', {}, { identity });
  const custom = compilePolicy(
    'client-id-enforcement-flex',
    { credentialsOriginHasHttpBasicAuthenticationHeader: 'customExpression', clientIdExpression: "#[attributes.headers['client_id']]", clientSecretExpression: "#[attributes.queryParams['secret']]" },
    { identity },
  );

  it('admits an application with an approved contract (Basic header by default) and records its client id', async () => {
    const req = fakeRequest({ headers: { authorization: basicAuth('app-1', 'secret-1') } });
    expect(await decide(basic, req)).toMatchObject({ action: 'continue' });
    expect(req.clientId).toBe('app-1');
  });

  it('reads credentials from custom expressions', async () => {
    const req = fakeRequest({ url: '/x?secret=secret-1', headers: { client_id: 'app-1' } });
    expect(await decide(custom, req)).toMatchObject({ action: 'continue' });
    expect(req.clientId).toBe('app-1');
    // The Basic header is not looked at in this mode.
    expect(await decide(custom, fakeRequest({ headers: { authorization: basicAuth('app-1', 'secret-1') } }))).toMatchObject({ status: 401 });
  });

  it.each([
    ['no credentials', {}, 'CLIENT_CREDENTIALS_REQUIRED', /missing client id/],
    ['no secret', { authorization: basicAuth('app-1', '') }, 'CLIENT_CREDENTIALS_REQUIRED', /missing client secret/],
    ['unknown client', { authorization: basicAuth('nobody', 'x') }, 'INVALID_CLIENT', /unknown client id "nobody"/],
    ['wrong secret', { authorization: basicAuth('app-1', 'guess') }, 'INVALID_CLIENT', /invalid client secret/],
    ['pending contract', { authorization: basicAuth('app-2', 'secret-2') }, 'NO_CONTRACT', /no approved contract/],
    ['contract for another API', { authorization: basicAuth('app-3', 'secret-3') }, 'NO_CONTRACT', /no approved contract for API "Test API"/],
  ])('%s → 401 %s', async (_label, headers, code, message) => {
    const req = fakeRequest({ headers });
    const decision = await decide(basic, req);
    expect(decision).toMatchObject({ action: 'reject', status: 401, code });
    expect(decision.action === 'reject' && decision.message).toMatch(message);
    expect(JSON.stringify(decision)).not.toMatch(/secret-\d|guess/);
    expect(req.clientId).toBeUndefined();
  });

  it('accepts the credentialsOrigin alias', async () => {
    const aliased = compilePolicy('client-id-enforcement-flex', { credentialsOrigin: 'customExpression' }, { identity });
    expect(await decide(aliased, fakeRequest({ headers: { client_id: 'app-1', client_secret: 'secret-1' } }))).toMatchObject({ action: 'continue' });
  });
});

describe('client-id-enforcement-flex (over sockets)', () => {
  let upstream: TestServer;
  let gateway: StartedGateway;
  const facts: RequestFact[] = [];

  beforeAll(async () => {
    upstream = await startEchoUpstream();
    gateway = await startGateway(
      { id: 'api-1', name: 'Orders', basePath: '/orders', upstream: upstream.url, policies: [{ name: 'client-id-enforcement-flex', config: {} }] },
      { catalogue: findPolicy, identity: { ...identity, contracts: identity.contracts.map((c) => ({ ...c })) }, onRequest: (fact) => facts.push(fact) },
    );
  });
  afterAll(async () => {
    await gateway?.close();
    await upstream?.close();
  });

  it('401 without an approved contract, 200 with one; the client id reaches the traffic log', async () => {
    const anonymous = await request(gateway.url('/orders'));
    expect(anonymous.status).toBe(401);
    expect(anonymous.json()).toMatchObject({ error: { code: 'CLIENT_CREDENTIALS_REQUIRED', policy: 'client-id-enforcement-flex' } });
    expect(anonymous.headers['x-gatehouse-source']).toBe('gateway');
    expect((await request(gateway.url('/orders'), { headers: { authorization: basicAuth('app-2', 'secret-2') } })).json().error.code).toBe('NO_CONTRACT');
    const ok = await request(gateway.url('/orders'), { headers: { authorization: basicAuth('app-1', 'secret-1') } });
    expect(ok.status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(facts.at(-1)).toMatchObject({ status: 200, clientId: 'app-1' });
  });

  it('revoking the contract takes effect on the next request', async () => {
    const revoked = { ...identity, contracts: identity.contracts.map((c) => (c.clientId === 'app-1' ? { ...c, status: 'revoked' as const } : c)) };
    await gateway.apply({ id: 'api-1', name: 'Orders', basePath: '/orders', upstream: upstream.url, policies: [{ name: 'client-id-enforcement-flex', config: {} }] }, { identity: revoked });
    const res = await request(gateway.url('/orders'), { headers: { authorization: basicAuth('app-1', 'secret-1') } });
    expect(res.status).toBe(401);
    expect(res.json().error.code).toBe('NO_CONTRACT');
  });
});
