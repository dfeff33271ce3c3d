import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findPolicy } from '../../shared/policies/catalogue';
import type { RequestFact } from '../gateway/telemetry';
import { startGateway, type ApiSnapshotInput, type StartedGateway } from '../gateway/testing';
import { request, startEchoUpstream, type SimpleResponse, type TestServer } from '../testing/net';
import { epoch, signHmacWith, signJwt, testKey, type TestKey } from './jwt-testing';

const ALGORITHMS = ['HS256', 'HS384', 'HS512', 'RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];

function textConfig(key: TestKey): Record<string, unknown> {
  const alg = key.alg;
  const method = alg.startsWith('HS') ? 'hmac' : alg.startsWith('RS') || alg.startsWith('PS') ? 'rsa' : 'es';
  return {
    signingMethod: method,
    signingKeyLength: alg === 'EdDSA' ? 256 : Number(alg.slice(2)),
    jwtKeyOrigin: 'text',
    textKey: 'secret' in key ? key.secret : key.publicPem,
  };
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

describe('jwt-validation-flex over sockets', () => {
  let upstream: TestServer;
  let gateway: StartedGateway;
  const facts: RequestFact[] = [];
  const keys = new Map(ALGORITHMS.map((alg) => [alg, testKey(alg)]));
  const others = new Map(ALGORITHMS.map((alg) => [alg, testKey(alg)]));
  const rsa = keys.get('RS256')! as Extract<TestKey, { publicPem: string }>;

  const claimsApi = (basePath: string, extra: Record<string, unknown> = {}): ApiSnapshotInput => ({
    name: `Claims ${basePath}`,
    basePath,
    upstream: upstream.url,
    policies: [
      {
        name: 'jwt-validation-flex',
        config: {
          ...textConfig(rsa),
          validateAudClaim: true,
          supportedAudiences: 'orders, billing',
          mandatoryExpClaim: true,
          validateCustomClaim: true,
          mandatoryCustomClaims: [
            { key: 'role', value: 'admin' },
            { key: 'email', value: '#[vars.claimSet.email matches /[^@]+@acme\\.test/]' },
          ],
          nonMandatoryCustomClaims: [{ key: 'tenant', value: "#[attributes.headers['x-tenant']]" }],
          ...extra,
        },
      },
      { name: 'header-injection-flex', config: { inboundHeaders: [{ key: 'x-user', value: '#[authentication.properties.claims.sub]' }, { key: 'x-role', value: '#[vars.claimSet.role]' }, { key: 'x-principal', value: '#[authentication.principal]' }] } },
    ],
  });

  beforeAll(async () => {
    upstream = await startEchoUpstream();
    const perAlgorithm: ApiSnapshotInput[] = ALGORITHMS.map((alg) => ({
      name: alg,
      basePath: `/${alg.toLowerCase()}`,
      upstream: upstream.url,
      policies: [{ name: 'jwt-validation-flex', config: textConfig(keys.get(alg)!) }],
    }));
    gateway = await startGateway(
      [
        ...perAlgorithm,
        claimsApi('/claims'),
        claimsApi('/skew', { clockSkewSeconds: 120 }),
        { name: 'None', basePath: '/none', upstream: upstream.url, policies: [{ name: 'jwt-validation-flex', config: { signingMethod: 'none' } }] },
        {
          name: 'Custom origin',
          basePath: '/custom',
          upstream: upstream.url,
          policies: [{ name: 'jwt-validation-flex', config: { ...textConfig(keys.get('HS256')!), jwtOrigin: 'customExpression', jwtExpression: "#[attributes.headers['jwt']]" } }],
        },
      ],
      { catalogue: findPolicy, onRequest: (fact) => facts.push(fact) },
    );
  });
  afterAll(async () => {
    await gateway?.close();
    await upstream?.close();
  });

  const traceOf = (path: string) => facts.filter((fact) => fact.path === path).at(-1)?.trace.find((entry) => entry.policy === 'jwt-validation-flex');

  it.each(ALGORITHMS)('%s: a token signed with the configured key passes; one signed with another key of the same kind is 401', async (alg) => {
    const path = `/${alg.toLowerCase()}/items`;
    const ok = await request(gateway.url(path), { headers: bearer(signJwt(keys.get(alg)!, { sub: 'alice', exp: epoch(3600) })) });
    expect(ok.status).toBe(200);
    expect(ok.headers['x-gatehouse-source']).toBe('upstream');
    expect(traceOf(path)).toMatchObject({ verdict: 'allow', detail: expect.stringContaining(alg) });

    const forged = signJwt(others.get(alg)!, { sub: 'alice', exp: epoch(3600) });
    const denied = await request(gateway.url(path), { headers: bearer(forged) });
    expect(denied.status).toBe(401);
    expect(denied.json().error).toMatchObject({ code: 'TOKEN_SIGNATURE_INVALID', policy: 'jwt-validation-flex' });
    expect(denied.body).not.toContain(forged);
  });

  it('no token is 400 with a Bearer challenge and no error code (RFC 6750 §3.1); another scheme counts as none', async () => {
    for (const headers of [{}, { authorization: 'Basic YTpi' }, { authorization: 'Bearer ' }] as Record<string, string>[]) {
      const res = await request(gateway.url('/claims/x'), { headers });
      expect(res.status).toBe(400);
      expect(res.headers['x-gatehouse-source']).toBe('gateway');
      expect(res.headers['www-authenticate']).toBe('Bearer realm="Claims /claims"');
      expect(res.json()).toEqual({ error: { code: 'TOKEN_MISSING', message: expect.stringContaining('Bearer'), policy: 'jwt-validation-flex' } });
    }
  });

  const good = () => ({ sub: 'alice', aud: ['billing'], exp: epoch(3600), role: 'admin', email: 'alice@acme.test' });

  it('a valid token reaches the upstream, and its claims are injected as headers by a later policy', async () => {
    const res = await request(gateway.url('/claims/orders/1'), { headers: bearer(signJwt(rsa, good())) });
    expect(res.status).toBe(200);
    expect(res.json().headers).toMatchObject({ 'x-user': 'alice', 'x-role': 'admin', 'x-principal': 'alice' });
    expect(traceOf('/claims/orders/1')).toMatchObject({ verdict: 'allow', detail: expect.stringContaining('sub alice') });
  });

  const failures: [string, () => string, string][] = [
    ['an unparseable token', () => 'not-a-jwt', 'TOKEN_MALFORMED'],
    ['a JWE (five parts)', () => 'a.b.c.d.e', 'TOKEN_MALFORMED'],
    ['a tampered payload', () => {
      const [h, , s] = signJwt(rsa, good()).split('.');
      return `${h}.${Buffer.from(JSON.stringify({ ...good(), role: 'admin', sub: 'mallory' })).toString('base64url')}.${s}`;
    }, 'TOKEN_SIGNATURE_INVALID'],
    ['alg none', () => `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${Buffer.from(JSON.stringify(good())).toString('base64url')}.`, 'TOKEN_ALGORITHM_REFUSED'],
    ['HS256 signed with the RSA public key PEM as the secret', () => signHmacWith(rsa.publicPem, 'HS256', good()), 'TOKEN_ALGORITHM_REFUSED'],
    ['RS384 where RS256 is configured', () => signJwt({ ...rsa, alg: 'RS384' }, good()), 'TOKEN_ALGORITHM_REFUSED'],
    ['a key the token brings in its jwk header', () => {
      const attacker = testKey('RS256') as Extract<TestKey, { publicKey: unknown }>;
      return signJwt(attacker, good(), { jwk: attacker.publicKey.export({ format: 'jwk' }), jku: 'http://127.0.0.1:1/jwks', x5u: 'http://127.0.0.1:1/cert' });
    }, 'TOKEN_SIGNATURE_INVALID'],
    ['an expired token', () => signJwt(rsa, { ...good(), exp: epoch(-3600) }), 'TOKEN_EXPIRED'],
    ['a token not yet valid', () => signJwt(rsa, { ...good(), nbf: epoch(3600) }), 'TOKEN_NOT_YET_VALID'],
    ['a wrong audience', () => signJwt(rsa, { ...good(), aud: 'shipping' }), 'TOKEN_AUDIENCE_INVALID'],
    ['no exp when mandatory', () => signJwt(rsa, { ...good(), exp: undefined }), 'TOKEN_CLAIM_MISSING'],
    ['no mandatory custom claim', () => signJwt(rsa, { ...good(), role: undefined }), 'TOKEN_CLAIM_MISSING'],
    ['a custom claim that is not the literal', () => signJwt(rsa, { ...good(), role: 'user' }), 'TOKEN_CLAIM_INVALID'],
    ['a custom claim that does not match the regex', () => signJwt(rsa, { ...good(), email: 'alice@evil.test' }), 'TOKEN_CLAIM_INVALID'],
    ['a non-mandatory claim that does not equal the request value', () => signJwt(rsa, { ...good(), tenant: 'other' }), 'TOKEN_CLAIM_INVALID'],
    ['a crit header', () => signJwt(rsa, good(), { crit: ['exp'] }), 'TOKEN_MALFORMED'],
  ];

  it.each(failures)('%s → 401 naming the reason, with an invalid_token challenge, never echoing the token', async (_label, make, code) => {
    const token = make();
    const res: SimpleResponse = await request(gateway.url('/claims/orders'), { headers: { ...bearer(token), 'x-tenant': 'acme' } });
    expect(res.status).toBe(401);
    expect(res.headers['x-gatehouse-source']).toBe('gateway');
    expect(res.json()).toEqual({ error: { code, message: expect.any(String), policy: 'jwt-validation-flex' } });
    expect(res.headers['www-authenticate']).toMatch(/^Bearer realm="Claims \/claims", error="invalid_token", error_description="[^"]+"$/);
    for (const piece of token.split('.').filter((p) => p.length > 8)) {
      expect(res.body).not.toContain(piece);
      expect(res.headers['www-authenticate']).not.toContain(piece);
    }
    expect(traceOf('/claims/orders')).toMatchObject({ verdict: 'deny', status: 401, detail: expect.stringContaining(code) });
  });

  it('a non-mandatory claim passes when absent and when it equals the request value', async () => {
    expect((await request(gateway.url('/claims/a'), { headers: bearer(signJwt(rsa, good())) })).status).toBe(200);
    expect((await request(gateway.url('/claims/a'), { headers: { ...bearer(signJwt(rsa, { ...good(), tenant: 'acme' })), 'x-tenant': 'acme' } })).status).toBe(200);
  });

  it('clockSkewSeconds gives leeway for exp and nbf; without it there is none', async () => {
    const late = signJwt(rsa, { ...good(), exp: epoch(-5) });
    const early = signJwt(rsa, { ...good(), nbf: epoch(5) });
    expect((await request(gateway.url('/skew/a'), { headers: bearer(late) })).status).toBe(200);
    expect((await request(gateway.url('/skew/a'), { headers: bearer(early) })).status).toBe(200);
    expect((await request(gateway.url('/claims/a'), { headers: bearer(late) })).json().error.code).toBe('TOKEN_EXPIRED');
  });

  it('signingMethod none accepts unsigned tokens (and says in the trace that nothing was checked)', async () => {
    const unsigned = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from('{"sub":"bob"}').toString('base64url')}.`;
    expect((await request(gateway.url('/none/a'), { headers: bearer(unsigned) })).status).toBe(200);
    expect(traceOf('/none/a')!.detail).toContain('signature not checked');
  });

  it('jwtOrigin customExpression reads the token from the expression, not the Authorization header', async () => {
    const token = signJwt(keys.get('HS256')!, { sub: 'carol' });
    expect((await request(gateway.url('/custom/a'), { headers: { jwt: token } })).status).toBe(200);
    const res = await request(gateway.url('/custom/a'), { headers: bearer(token) });
    expect(res.status).toBe(400);
    expect(res.json().error.message).toContain("attributes.headers['jwt']");
  });
});
