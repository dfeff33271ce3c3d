import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findPolicy } from '../../shared/policies/catalogue';
import { formatConfigError } from '../config/errors';
import { loadConfigText } from '../config/load';
import { startGateway, type StartedGateway } from '../gateway/testing';
import { freePort, request, startEchoUpstream, type TestServer } from '../testing/net';
import { epoch, signJwt, testKey, type TestKey } from './jwt-testing';
import { compilePolicy, decide, fakeRequest } from './testing';

type PemKey = Extract<TestKey, { publicPem: string }>;
const rsa = testKey('RS256', 'k') as PemKey;
const ec384 = testKey('ES384') as PemKey;

describe('jwt-validation-flex: keys are checked when the config is compiled', () => {
  const compile = (config: Record<string, unknown>) => () => compilePolicy('jwt-validation-flex', config);

  it.each([
    ['a PEM that does not parse', { signingMethod: 'rsa', textKey: '-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----' }, /^textKey: is not a PEM public key/],
    ['an EC key for rsa', { signingMethod: 'rsa', textKey: ec384.publicPem }, /^textKey: does not fit signingMethod rsa/],
    ['an RSA key for es', { signingMethod: 'es', textKey: rsa.publicPem }, /^textKey: does not fit signingMethod es/],
    ['a P-384 key for ES256', { signingMethod: 'es', signingKeyLength: 256, textKey: ec384.publicPem }, /prime256v1/],
    ['a public key as an HMAC secret', { signingMethod: 'hmac', textKey: rsa.publicPem }, /shared secret/],
    ['a private key', { signingMethod: 'rsa', textKey: rsa.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() }, /is a private key/],
  ])('%s is an error naming textKey (the schema already refuses the last two)', (_label, config, message) => {
    expect(compile(config)).toThrow(message);
  });

  it('the schema names missing keys and bad values', () => {
    const schema = findPolicy('jwt-validation-flex')!.schema;
    const paths = (config: unknown) => (schema.safeParse(config).error?.issues ?? []).map((issue) => [issue.path.join('.'), issue.message]);
    expect(paths({ signingMethod: 'rsa' })).toEqual([['textKey', expect.stringContaining('needs textKey')]]);
    expect(paths({ jwtKeyOrigin: 'jwks' })).toEqual([['jwksUrl', 'jwtKeyOrigin jwks needs jwksUrl']]);
    expect(paths({ jwtKeyOrigin: 'jwks', jwksUrl: 'https://a.test/keys, ftp://b' })).toEqual([['jwksUrl', 'not an http(s) URL: "ftp://b"']]);
    expect(paths({ signingMethod: 'hmac', jwtKeyOrigin: 'jwks', jwksUrl: 'https://a.test/k' })[0]![0]).toBe('jwtKeyOrigin');
    expect(paths({ signingMethod: 'none', signingKeyLength: 128 })[0]![0]).toBe('signingKeyLength');
    expect(paths({ signingMethod: 'none', validateCustomClaim: true, mandatoryCustomClaims: [{ key: 'a', value: '#[vars.claimSet.a > 3]' }] })).toEqual([
      ['mandatoryCustomClaims.0.value', expect.stringContaining('supported forms are')],
    ]);
    expect(paths({ signingMethod: 'none', mandatoryCustomClaims: [{ key: 'a', value: '#[vars.claimSet.a matches /(/]' }] })[0]![1]).toContain('invalid regular expression');
    // What gatehouse validate can already tell without crypto (the gateway checks the rest when it compiles).
    expect(paths({ signingMethod: 'hmac', textKey: rsa.publicPem })).toEqual([['textKey', expect.stringContaining('needs the shared secret')]]);
    expect(paths({ signingMethod: 'rsa', textKey: rsa.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() })).toEqual([['textKey', expect.stringContaining('private key')]]);
    expect(paths({ signingMethod: 'es', textKey: 'not a key!' })).toEqual([['textKey', expect.stringContaining('not a PEM public key')]]);
    expect(paths({ signingMethod: 'rsa', textKey: rsa.publicPem })).toEqual([]);
    expect(paths({ signingMethod: 'rsa', textKey: rsa.publicPem.replace(/-----[A-Z ]+-----/g, '') })).toEqual([]);
    expect(schema.parse({ signingMethod: 'none' })).toMatchObject({
      jwtOrigin: 'httpBearerAuthenticationHeader', jwtExpression: "#[attributes.headers['jwt']]", signingKeyLength: 256, jwtKeyOrigin: 'text',
      jwksServiceTimeToLive: 60, jwksServiceConnectionTimeout: 10000, skipClientIdValidation: true, clientIdExpression: '#[vars.claimSet.client_id]',
      validateAudClaim: false, mandatoryAudClaim: false, supportedAudiences: '', mandatoryExpClaim: false, mandatoryNbfClaim: false,
      validateCustomClaim: false, mandatoryCustomClaims: [], nonMandatoryCustomClaims: [],
    });
  });

  it('accepts a PEM body without its header and footer, as Flex tells users to paste it', async () => {
    const body = rsa.publicPem.replace(/-----[A-Z ]+-----/g, '').trim();
    const policy = compilePolicy('jwt-validation-flex', { signingMethod: 'rsa', textKey: body });
    expect(await decide(policy, fakeRequest({ headers: { authorization: `Bearer ${signJwt(rsa, { sub: 'a' })}` } }))).toMatchObject({ action: 'continue' });
  });

  it('with skipClientIdValidation false, the client id claim must name an application with an approved contract', async () => {
    const identity = {
      applications: [{ clientId: 'app-1', name: 'App', secretHash: 'x' }, { clientId: 'app-2', name: 'Other', secretHash: 'x' }],
      tiers: [],
      contracts: [{ clientId: 'app-1', apiId: 'api-1', status: 'approved' as const }, { clientId: 'app-2', apiId: 'api-1', status: 'revoked' as const }],
    };
    const policy = compilePolicy('jwt-validation-flex', { signingMethod: 'rsa', textKey: rsa.publicPem, skipClientIdValidation: false }, { identity });
    const send = async (claims: Record<string, unknown>) => {
      const req = fakeRequest({ headers: { authorization: `Bearer ${signJwt(rsa, claims)}` } });
      return { decision: await decide(policy, req), req };
    };
    const ok = await send({ sub: 'a', client_id: 'app-1' });
    expect(ok.decision).toMatchObject({ action: 'continue', detail: expect.stringContaining('client app-1') });
    expect(ok.req.clientId).toBe('app-1');
    expect(ok.req.authentication).toMatchObject({ principal: 'a', clientId: 'app-1', properties: { claims: { client_id: 'app-1' } } });
    for (const claims of [{ sub: 'a', client_id: 'app-2' }, { sub: 'a', client_id: 'nobody' }, { sub: 'a' }]) {
      const denied = await send(claims);
      expect(denied.decision).toMatchObject({ action: 'reject', status: 401, code: 'INVALID_CLIENT' });
      expect(denied.req.clientId).toBeUndefined();
      expect(denied.req.authentication).toBeUndefined();
    }
  });
});

describe('jwt-validation-flex from a Flex conf.d file', () => {
  let upstream: TestServer;
  let gateway: StartedGateway;
  const hs = testKey('HS512') as Extract<TestKey, { secret: string }>;

  beforeAll(async () => {
    upstream = await startEchoUpstream();
    const port = await freePort();
    // The parameters of Flex's local-mode table, with the RSA key pasted without header and footer as its page says.
    const yaml = `
apiVersion: gateway.mulesoft.com/v1alpha1
kind: ApiInstance
metadata:
  name: orders
spec:
  address: http://127.0.0.1:${port}/orders/
  services:
    upstream:
      address: ${upstream.url}/
      routes:
        - config:
            destinationPath: /
  policies:
    - policyRef:
        name: jwt-validation-flex
      config:
        jwtOrigin: httpBearerAuthenticationHeader
        signingMethod: rsa
        signingKeyLength: 256
        jwtKeyOrigin: text
        textKey: ${rsa.publicPem.replace(/-----[A-Z ]+-----/g, '').replace(/\s+/g, '')}
        skipClientIdValidation: true
        validateAudClaim: true
        mandatoryAudClaim: true
        supportedAudiences: orders.example.com,www.example.com
        mandatoryExpClaim: true
        mandatoryNbfClaim: false
        validateCustomClaim: true
        mandatoryCustomClaims:
          - key: iss
            value: https://issuer.example.com
        nonMandatoryCustomClaims:
          - key: scope
            value: "#[vars.claimSet.scope contains 'orders:read']"
    - policyRef:
        name: header-injection-flex
      config:
        inboundHeaders:
          - key: x-subject
            value: "#[authentication.properties.claims.sub]"
---
apiVersion: gateway.mulesoft.com/v1alpha1
kind: ApiInstance
metadata:
  name: billing
spec:
  address: http://127.0.0.1:${port}/billing/
  services:
    upstream:
      address: ${upstream.url}/
  policies:
    - policyRef:
        name: jwt-validation-flex
      config:
        jwtOrigin: customExpression
        jwtExpression: "#[attributes.headers['jwt']]"
        signingMethod: hmac
        signingKeyLength: 512
        textKey: ${hs.secret}
`;
    const result = loadConfigText(yaml, 'jwt.yaml', { env: {} });
    expect(result.errors.map(formatConfigError)).toEqual([]);
    expect(result.warnings ?? []).toEqual([]);
    gateway = await startGateway(result.snapshot!, { catalogue: findPolicy });
  });
  afterAll(async () => {
    await gateway?.close();
    await upstream?.close();
  });

  it('validates and runs: claims checked, the subject injected upstream, 400/401 otherwise', async () => {
    const claims = { sub: 'erin', iss: 'https://issuer.example.com', aud: 'www.example.com', exp: epoch(3600), scope: ['orders:read', 'orders:write'] };
    const ok = await request(gateway.url('/orders/items/1'), { headers: { authorization: `Bearer ${signJwt(rsa, claims)}` } });
    expect(ok.status).toBe(200);
    expect(ok.json()).toMatchObject({ url: '/items/1', headers: { 'x-subject': 'erin' } });

    expect((await request(gateway.url('/orders/items/1'))).status).toBe(400);
    const wrongIssuer = await request(gateway.url('/orders/items/1'), { headers: { authorization: `Bearer ${signJwt(rsa, { ...claims, iss: 'https://evil.test' })}` } });
    expect(wrongIssuer.json().error.code).toBe('TOKEN_CLAIM_INVALID');
    const noScope = await request(gateway.url('/orders/items/1'), { headers: { authorization: `Bearer ${signJwt(rsa, { ...claims, scope: ['orders:write'] })}` } });
    expect(noScope.json().error.code).toBe('TOKEN_CLAIM_INVALID');
    const noAud = await request(gateway.url('/orders/items/1'), { headers: { authorization: `Bearer ${signJwt(rsa, { ...claims, aud: undefined })}` } });
    expect(noAud.json().error.code).toBe('TOKEN_CLAIM_MISSING');

    expect((await request(gateway.url('/billing/x'), { headers: { jwt: signJwt(hs, { sub: 'f' }) } })).status).toBe(200);
    expect((await request(gateway.url('/billing/x'), { headers: { jwt: signJwt(testKey('HS512'), { sub: 'f' }) } })).status).toBe(401);
  });

  it('a conf.d with a key of the wrong type is refused when compiled, naming the field, and the gateway keeps its last good config', async () => {
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const result = loadConfigText(
      `apiVersion: gateway.mulesoft.com/v1alpha1
kind: ApiInstance
metadata: { name: bad }
spec:
  address: http://127.0.0.1:${gateway.port}/orders/
  services: { upstream: { address: http://127.0.0.1:2/ } }
  policies:
    - policyRef: { name: jwt-validation-flex }
      config:
        signingMethod: rsa
        textKey: ${JSON.stringify(ec)}
`,
      'bad.yaml',
      { env: {} },
    );
    expect(result.errors.map(formatConfigError)).toEqual([]);
    await expect(gateway.runtime.apply(result.snapshot!)).rejects.toThrow(/config.*jwt-validation-flex.*textKey: does not fit signingMethod rsa/s);
    expect((await request(gateway.url('/orders/items/1'))).status).toBe(400);
  });
});
