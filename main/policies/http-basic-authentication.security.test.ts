/**
 * http-basic-authentication-flex with the password stored as a scrypt hash: right and wrong
 * credentials over a real socket, one scrypt per distinct credential (cached only when right,
 * bounded), concurrent first requests sharing one scrypt, and plain text from a local-mode
 * file still accepted as Flex does.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { findPolicy } from '../../shared/policies/catalogue';
import * as secretHash from './secret-hash';
import { startGateway, type StartedGateway } from '../gateway/testing';
import { request, startEchoUpstream, type TestServer } from '../testing/net';
import { basicAuth, compilePolicy, decide, fakeRequest } from './testing';
import { VerifiedHeaders } from './verified-headers';

vi.mock('./secret-hash', async (importOriginal) => {
  const actual = await importOriginal<typeof import('./secret-hash')>();
  return { ...actual, verifySecretAsync: vi.fn(actual.verifySecretAsync) };
});

const PASSWORD = 'S3cret-Pa55word-XYZ';
const HASH = secretHash.hashSecret(PASSWORD);
const scryptRuns = () => vi.mocked(secretHash.verifySecretAsync).mock.calls.length;

beforeEach(() => {
  vi.mocked(secretHash.verifySecretAsync).mockClear();
});

describe('http-basic-authentication-flex with a hashed password', () => {
  it('accepts the password behind the hash and refuses others, running scrypt once per right credential', async () => {
    const policy = compilePolicy('http-basic-authentication-flex', { username: 'ann', password: HASH });
    for (let i = 0; i < 20; i++) {
      const req = fakeRequest({ headers: { authorization: basicAuth('ann', PASSWORD) } });
      expect(await decide(policy, req)).toMatchObject({ action: 'continue', detail: 'authenticated as ann' });
      expect(req.clientId).toBe('ann');
    }
    expect(scryptRuns()).toBe(1);

    // Wrong ones are never cached: each costs its own scrypt, and the hash itself is no password.
    for (const [user, password] of [['ann', 'wrong'], ['ann', 'wrong'], ['bob', PASSWORD], ['ann', HASH]] as const)
      expect(await decide(policy, fakeRequest({ headers: { authorization: basicAuth(user, password) } }))).toMatchObject({ status: 401, code: 'INVALID_CREDENTIALS' });
    expect(scryptRuns()).toBe(5);
    expect(await decide(policy, fakeRequest())).toMatchObject({ status: 401, code: 'AUTHENTICATION_REQUIRED' });
  });

  it('shares one scrypt run between concurrent first requests with the same header', async () => {
    const policy = compilePolicy('http-basic-authentication-flex', { username: 'ann', password: HASH });
    const decisions = await Promise.all(Array.from({ length: 10 }, () => decide(policy, fakeRequest({ headers: { authorization: basicAuth('ann', PASSWORD) } }))));
    expect(decisions.every((decision) => decision.action === 'continue')).toBe(true);
    expect(scryptRuns()).toBe(1);
  });

  it('still takes a plain-text password from a local-mode file, without scrypt', async () => {
    const policy = compilePolicy('http-basic-authentication-flex', { username: 'ann', password: PASSWORD });
    expect(await decide(policy, fakeRequest({ headers: { authorization: basicAuth('ann', PASSWORD) } }))).toMatchObject({ action: 'continue' });
    expect(await decide(policy, fakeRequest({ headers: { authorization: basicAuth('ann', 'nope') } }))).toMatchObject({ status: 401 });
    expect(scryptRuns()).toBe(0);
  });
});

describe('VerifiedHeaders', () => {
  it('keeps at most its limit, oldest out first, and matches whole headers only', () => {
    const verified = new VerifiedHeaders(2);
    verified.add('Basic a');
    verified.add('Basic b');
    verified.add('Basic b');
    expect(verified.size).toBe(2);
    verified.add('Basic c');
    expect([verified.has('Basic a'), verified.has('Basic b'), verified.has('Basic c')]).toEqual([false, true, true]);
    expect([verified.has('Basic'), verified.has('Basic bb'), verified.has('basic b'), verified.has('')]).toEqual([false, false, false, false]);
  });
});

describe('over a real socket', () => {
  let upstream: TestServer;
  let gateway: StartedGateway;

  beforeAll(async () => {
    upstream = await startEchoUpstream();
    gateway = await startGateway(
      { name: 'Orders', basePath: '/orders', upstream: upstream.url, policies: [{ name: 'http-basic-authentication-flex', config: { username: 'ann', password: HASH } }] },
      { catalogue: findPolicy },
    );
  });
  afterAll(async () => {
    await gateway?.close();
    await upstream?.close();
  });

  it('lets the right password through to the upstream and answers 401 otherwise', async () => {
    const ok = await request(gateway.url('/orders/1'), { headers: { authorization: basicAuth('ann', PASSWORD) } });
    expect(ok.status).toBe(200);
    expect(ok.headers['x-gatehouse-source']).toBe('upstream');
    const again = await request(gateway.url('/orders/2'), { headers: { authorization: basicAuth('ann', PASSWORD) } });
    expect(again.status).toBe(200);
    const wrong = await request(gateway.url('/orders/1'), { headers: { authorization: basicAuth('ann', 'S3cret-Pa55word-XYz') } });
    expect(wrong.status).toBe(401);
    expect(wrong.json().error.code).toBe('INVALID_CREDENTIALS');
    expect(scryptRuns()).toBe(2);
  });
});
