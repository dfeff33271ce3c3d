import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { findPolicy } from '../../shared/policies/catalogue';
import type { RequestFact } from '../gateway/telemetry';
import { startGateway, type StartedGateway } from '../gateway/testing';
import { freePort, request, startEchoUpstream, type TestServer } from '../testing/net';
import { epoch, publicJwk, signJwt, startJwksServer, testKey, type JwksServer } from './jwt-testing';

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const claims = () => ({ sub: 'dana', exp: epoch(3600) });

describe('jwt-validation-flex with a JWKS (real JWKS servers)', () => {
  let upstream: TestServer;
  const closers: (() => Promise<void>)[] = [];
  const facts: RequestFact[] = [];

  afterEach(async () => {
    for (const close of closers.splice(0).reverse()) await close();
  });
  afterAll(async () => {
    await upstream?.close();
  });

  async function setUp(jwksUrl: string, extra: Record<string, unknown> = {}, method = 'rsa'): Promise<StartedGateway> {
    upstream ??= await startEchoUpstream();
    const gateway = await startGateway(
      { name: 'Keys', basePath: '/keys', upstream: upstream.url, policies: [{ name: 'jwt-validation-flex', config: { signingMethod: method, jwtKeyOrigin: 'jwks', jwksUrl, ...extra } }] },
      { catalogue: findPolicy, onRequest: (fact) => facts.push(fact) },
    );
    closers.push(() => gateway.close());
    return gateway;
  }
  async function jwks(keys: Record<string, unknown>[]): Promise<JwksServer> {
    const server = await startJwksServer(keys);
    closers.push(() => server.close());
    return server;
  }
  const lastTrace = () => facts.at(-1)!.trace.find((entry) => entry.policy === 'jwt-validation-flex')!;

  it('picks the key by kid, fetches the set once per time-to-live, and refuses keys not meant for signatures', async () => {
    const rs = testKey('RS256', 'rs-1');
    const other = testKey('RS256', 'rs-2');
    const enc = testKey('RS256', 'enc-1');
    const wrap = testKey('RS256', 'ops-1');
    const server = await jwks([publicJwk(rs), publicJwk(other), publicJwk(enc, { use: 'enc' }), publicJwk(wrap, { key_ops: ['encrypt', 'wrapKey'] })]);
    const gateway = await setUp(server.url + '/jwks.json');

    expect((await request(gateway.url('/keys/a'), { headers: bearer(signJwt(rs, claims())) })).status).toBe(200);
    expect(lastTrace().detail).toContain('kid rs-1; JWKS fetched');
    expect((await request(gateway.url('/keys/a'), { headers: bearer(signJwt(other, claims())) })).status).toBe(200);
    expect(lastTrace().detail).toContain('JWKS from cache');
    expect(server.fetches).toBe(1);

    // Signed by rs-2's private key but naming rs-1: the named key decides, and it does not verify.
    const swapped = await request(gateway.url('/keys/a'), { headers: bearer(signJwt({ ...other, kid: 'rs-1' }, claims())) });
    expect(swapped.json().error.code).toBe('TOKEN_SIGNATURE_INVALID');

    for (const key of [enc, wrap]) {
      const res = await request(gateway.url('/keys/a'), { headers: bearer(signJwt(key, claims())) });
      expect(res.status).toBe(401);
      expect(res.json().error.code).toBe('TOKEN_KEY_UNKNOWN');
    }
    expect(lastTrace().detail).toContain('key_ops');

    // An ES256 token is refused by the configured method before any key is looked at.
    const es = await request(gateway.url('/keys/a'), { headers: bearer(signJwt(testKey('ES256', 'rs-1'), claims())) });
    expect(es.json().error.code).toBe('TOKEN_ALGORITHM_REFUSED');
    expect(server.fetches).toBe(1);
  });

  it('an unknown kid refetches the set once (a rotated key is found), and a burst of made-up kids does not refetch again', async () => {
    const first = testKey('ES256', 'es-1');
    const rotated = testKey('ES256', 'es-2');
    const server = await jwks([publicJwk(first)]);
    const gateway = await setUp(server.url, {}, 'es');
    expect((await request(gateway.url('/keys/a'), { headers: bearer(signJwt(first, claims())) })).status).toBe(200);
    expect(server.fetches).toBe(1);

    server.setKeys([publicJwk(first), publicJwk(rotated)]);
    expect((await request(gateway.url('/keys/a'), { headers: bearer(signJwt(rotated, claims())) })).status).toBe(200);
    expect(server.fetches).toBe(2);

    for (const kid of ['made-up-1', 'made-up-2', 'made-up-3']) {
      const res = await request(gateway.url('/keys/a'), { headers: bearer(signJwt({ ...rotated, kid }, claims())) });
      expect(res.status).toBe(401);
      expect(res.json().error).toMatchObject({ code: 'TOKEN_KEY_UNKNOWN', message: expect.stringContaining('kid') });
    }
    expect(server.fetches).toBe(2);
  });

  it('keeps serving from the cached set while the JWKS server is down, and says so in the trace', async () => {
    const key = testKey('PS256', 'ps-1');
    const server = await jwks([publicJwk(key)]);
    // Time to live 0: every request wants a fresh set, so the outage is met at once.
    const gateway = await setUp(server.url, { jwksServiceTimeToLive: 0 });
    expect((await request(gateway.url('/keys/a'), { headers: bearer(signJwt(key, claims())) })).status).toBe(200);

    server.failing = true;
    const during = await request(gateway.url('/keys/a'), { headers: bearer(signJwt(key, claims())) });
    expect(during.status).toBe(200);
    expect(lastTrace().detail).toMatch(/served from cache while .* unreachable \(HTTP 503\)/);
    // A bad token is still a bad token while the cache serves.
    const forged = await request(gateway.url('/keys/a'), { headers: bearer(signJwt(testKey('PS256', 'ps-1'), claims())) });
    expect(forged.json().error.code).toBe('TOKEN_SIGNATURE_INVALID');
  });

  it('answers 503 (as Flex does) when no set was ever fetched, for a failing and for an unreachable server', async () => {
    const key = testKey('RS256', 'rs-1');
    const server = await jwks([publicJwk(key)]);
    server.failing = true;
    const closedPort = await freePort();
    for (const url of [server.url, `http://127.0.0.1:${closedPort}/jwks`]) {
      const gateway = await setUp(url, { jwksServiceConnectionTimeout: 2000 });
      const token = signJwt(key, claims());
      const res = await request(gateway.url('/keys/a'), { headers: bearer(token) });
      expect(res.status).toBe(503);
      expect(res.headers['x-gatehouse-source']).toBe('gateway');
      expect(res.json().error).toMatchObject({ code: 'JWKS_UNAVAILABLE', policy: 'jwt-validation-flex' });
      expect(res.body).not.toContain(token.split('.')[1]);
      expect(lastTrace()).toMatchObject({ verdict: 'deny', status: 503, detail: expect.stringContaining('JWKS_UNAVAILABLE') });
    }
  });

  it('concurrent first requests share one JWKS fetch', async () => {
    const key = testKey('ES384', 'es-384');
    const server = await jwks([publicJwk(key)]);
    const gateway = await setUp(server.url, { signingKeyLength: 384 }, 'es');
    const answers = await Promise.all(Array.from({ length: 8 }, () => request(gateway.url('/keys/a'), { headers: bearer(signJwt(key, claims())) })));
    expect(answers.map((res) => res.status)).toEqual(Array(8).fill(200));
    expect(server.fetches).toBe(1);
  });

  it('reads keys from every URL of a comma-separated jwksUrl', async () => {
    const a = testKey('RS384', 'a');
    const b = testKey('RS384', 'b');
    const one = await jwks([publicJwk(a)]);
    const two = await jwks([publicJwk(b)]);
    const gateway = await setUp(`${one.url}, ${two.url}`, { signingKeyLength: 384 });
    expect((await request(gateway.url('/keys/a'), { headers: bearer(signJwt(a, claims())) })).status).toBe(200);
    expect((await request(gateway.url('/keys/a'), { headers: bearer(signJwt(b, claims())) })).status).toBe(200);
    expect([one.fetches, two.fetches]).toEqual([1, 1]);
  });

  it('a JWK whose alg differs from the token alg is not used, and EdDSA keys work under es', async () => {
    const ed = testKey('EdDSA', 'ed-1');
    const server = await jwks([publicJwk(ed)]);
    const gateway = await setUp(server.url, {}, 'es');
    expect((await request(gateway.url('/keys/a'), { headers: bearer(signJwt(ed, claims())) })).status).toBe(200);
    const lying = await request(gateway.url('/keys/a'), { headers: bearer(signJwt(ed, claims(), { alg: 'ES256' })) });
    expect(lying.json().error.code).toBe('TOKEN_ALGORITHM_REFUSED');
  });
});
