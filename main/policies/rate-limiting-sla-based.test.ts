import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findPolicy } from '../../shared/policies/catalogue';
import { startGateway, type StartedGateway } from '../gateway/testing';
import { request, startEchoUpstream, type TestServer } from '../testing/net';
import { compilePolicy, decide, fakeRequest, testIdentity } from './testing';

const identity = testIdentity({
  applications: [
    { clientId: 'gold-app', secret: 'g' },
    { clientId: 'silver-app', secret: 's' },
    { clientId: 'free-app', secret: 'f' },
    { clientId: 'no-contract', secret: 'n' },
  ],
  tiers: [
    { id: 'gold', name: 'Gold', limits: [{ maximumRequests: 5, timePeriodInMilliseconds: 60_000 }] },
    { id: 'silver', name: 'Silver', limits: [{ maximumRequests: 2, timePeriodInMilliseconds: 60_000 }] },
  ],
  contracts: [
    { clientId: 'gold-app', tierId: 'gold' },
    { clientId: 'silver-app', tierId: 'silver' },
    { clientId: 'free-app' },
  ],
});

const creds = (clientId: string, secret: string) => ({ client_id: clientId, client_secret: secret });

describe('rate-limiting-sla-based-flex (unit)', () => {
  it("limits each application to its tier's quota, separately", async () => {
    const policy = compilePolicy('rate-limiting-sla-based-flex', { exposeHeaders: true }, { identity });
    const run = async (clientId: string, secret: string, n: number) => {
      const out = [];
      for (let i = 0; i < n; i++) out.push(await decide(policy, fakeRequest({ headers: creds(clientId, secret) })));
      return out;
    };
    const silver = await run('silver-app', 's', 3);
    expect(silver.map((d) => d.action)).toEqual(['continue', 'continue', 'reject']);
    expect(silver[2]).toMatchObject({ status: 429, code: 'RATE_LIMITED', headers: { 'retry-after': '60' } });
    expect(silver[2]!.action === 'reject' && silver[2]!.message).toContain('"Silver"');
    expect((await run('gold-app', 'g', 5)).every((d) => d.action === 'continue')).toBe(true);
    const req = fakeRequest({ headers: creds('gold-app', 'g') });
    expect(await decide(policy, req)).toMatchObject({ status: 429 });
    expect(req.responseHeaders).toMatchObject({ 'x-ratelimit-limit': '5', 'x-ratelimit-remaining': '0' });
    expect(req.clientId).toBe('gold-app');
  });

  it('lets a contract without a tier through unlimited', async () => {
    const policy = compilePolicy('rate-limiting-sla-based-flex', {}, { identity });
    for (let i = 0; i < 10; i++) expect((await decide(policy, fakeRequest({ headers: creds('free-app', 'f') }))).action).toBe('continue');
  });

  it.each([
    ['no client id', {}, 'CLIENT_CREDENTIALS_REQUIRED'],
    ['no secret', { client_id: 'gold-app' }, 'CLIENT_CREDENTIALS_REQUIRED'],
    ['unknown client', creds('who', 'x'), 'INVALID_CLIENT'],
    ['bad secret', creds('gold-app', 'x'), 'INVALID_CLIENT'],
    ['no contract', creds('no-contract', 'n'), 'NO_CONTRACT'],
  ])('%s → 401 %s', async (_label, headers, code) => {
    const policy = compilePolicy('rate-limiting-sla-based-flex', {}, { identity });
    expect(await decide(policy, fakeRequest({ headers }))).toMatchObject({ action: 'reject', status: 401, code });
  });
});

describe('rate-limiting-sla-based-flex (over sockets)', () => {
  let upstream: TestServer;
  let gateway: StartedGateway;

  beforeAll(async () => {
    upstream = await startEchoUpstream();
    gateway = await startGateway(
      { id: 'api-1', basePath: '/sla', upstream: upstream.url, policies: [{ name: 'rate-limiting-sla-based-flex', config: { exposeHeaders: true } }] },
      { catalogue: findPolicy, identity },
    );
  });
  afterAll(async () => {
    await gateway?.close();
    await upstream?.close();
  });

  it('401 for unknown credentials, 200 within the tier, 429 with Retry-After beyond it, exactly under concurrency', async () => {
    const unknown = await request(gateway.url('/sla/x'), { headers: creds('who', 'x') });
    expect(unknown.status).toBe(401);
    expect(unknown.json()).toMatchObject({ error: { code: 'INVALID_CLIENT', policy: 'rate-limiting-sla-based-flex' } });

    const responses = await Promise.all(Array.from({ length: 12 }, () => request(gateway.url('/sla/x'), { headers: creds('gold-app', 'g') })));
    expect(responses.filter((r) => r.status === 200).length).toBe(5);
    const limited = responses.filter((r) => r.status === 429);
    expect(limited.length).toBe(7);
    expect(limited.every((r) => r.headers['retry-after'] === '60' && r.headers['x-ratelimit-limit'] === '5' && r.headers['x-gatehouse-source'] === 'gateway')).toBe(true);
    // Another application still has its own quota.
    const silver = await request(gateway.url('/sla/x'), { headers: creds('silver-app', 's') });
    expect(silver.status).toBe(200);
    expect(silver.headers['x-ratelimit-remaining']).toBe('1');
  });
});
