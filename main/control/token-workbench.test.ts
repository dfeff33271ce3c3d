/**
 * The token workbench end to end on the real control plane, admin server and embedded gateway:
 * keys generated over the admin API for every algorithm, tokens minted with them and sent
 * through the gateway (JWKS URL on the control plane, or the HMAC secret as textKey), the JWKS
 * holding no private member, no private key in clear in the data dir, and the inspection of
 * tokens the gateway refuses.
 */
import { describe, expect, it } from 'vitest';
import { SIGNING_ALGORITHMS } from '../../shared/contract/token-models';
import type { AdminPlane } from '../testing/admin-plane';
import { filesContaining, useDataDirs } from '../testing/data-dir';
import { request, startEchoUpstream } from '../testing/net';
import { mintToken } from './token-keys';

const { tempDir, plane, onCleanup } = useDataDirs('gatehouse-tokens-');

async function started(): Promise<{ admin: AdminPlane; upstreamUrl: string }> {
  const upstream = await startEchoUpstream();
  onCleanup(() => upstream.close());
  return { admin: await plane(tempDir()), upstreamUrl: upstream.url };
}

/** An API with a jwt-validation-flex binding (extra config on top) pointed at a fresh key of `alg`. */
async function apiWithKey(admin: AdminPlane, upstreamUrl: string, name: string, alg: string, extra: Record<string, unknown> = {}) {
  const api = await admin.api('POST', '/apis', { name, implementationUrl: upstreamUrl, basePath: `/${name.toLowerCase()}` });
  expect(api.status).toBe(201);
  const created = await admin.api('POST', `/apis/${api.body.id}/signing-keys`, { alg });
  expect([created.status, created.body.key.alg]).toEqual([201, alg]);
  const binding = await admin.api('POST', `/apis/${api.body.id}/policies`, {
    policyRef: 'jwt-validation-flex',
    config: { signingMethod: 'hmac', textKey: 'placeholder-secret-of-32-bytes!!', ...extra },
  });
  expect(binding.status).toBe(201);
  const used = await admin.api('POST', `/apis/${api.body.id}/policies/${binding.body.id}/signing-key`, { kid: created.body.key.kid });
  expect([used.status, used.body.error]).toEqual([200, undefined]);
  return { apiId: api.body.id as string, kid: created.body.key.kid as string, secret: created.body.secret as string | undefined, policy: used.body };
}

const gateway = (admin: AdminPlane, name: string, token?: string) =>
  request(`http://127.0.0.1:${admin.gatewayPort}/${name.toLowerCase()}/orders`, token ? { headers: { authorization: `Bearer ${token}` } } : {});

/** The same token with one payload character changed (what an attacker would try). */
function tampered(token: string): string {
  const [header, payload, signature] = token.split('.') as [string, string, string];
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
  return `${header}.${Buffer.from(JSON.stringify({ ...claims, sub: 'mallory' })).toString('base64url')}.${signature}`;
}

describe('token workbench', () => {
  it('mints tokens with a key of every algorithm that the gateway accepts, and refuses them tampered', async () => {
    const { admin, upstreamUrl } = await started();
    for (const alg of SIGNING_ALGORITHMS) {
      const name = `Orders-${alg}`;
      const { apiId, kid, secret, policy } = await apiWithKey(admin, upstreamUrl, name, alg);
      if (alg.startsWith('HS')) {
        expect(policy.config).toMatchObject({ signingMethod: 'hmac', jwtKeyOrigin: 'text', signingKeyLength: Number(alg.slice(2)) });
        expect(secret).toEqual(expect.any(String));
      } else {
        expect(policy.config).toMatchObject({ jwtKeyOrigin: 'jwks', jwksUrl: `${admin.url}/api/v1/apis/${apiId}/jwks.json` });
        expect(secret).toBeUndefined();
      }
      const minted = await admin.api('POST', `/apis/${apiId}/tokens`, { claims: { sub: 'alice', aud: 'orders' }, expiresInSeconds: 600 });
      expect([minted.status, minted.body.kid, minted.body.header]).toEqual([200, kid, { alg, typ: 'JWT', kid }]);

      const accepted = await gateway(admin, name, minted.body.token);
      expect([alg, accepted.status, accepted.headers['x-upstream']]).toEqual([alg, 200, 'echo']);
      const refused = await gateway(admin, name, tampered(minted.body.token));
      expect([alg, refused.status, refused.json().error.code]).toEqual([alg, 401, 'TOKEN_SIGNATURE_INVALID']);
      expect((await gateway(admin, name)).status).toBe(400);
    }
    // Nine APIs and two RSA key pairs: a generous bound for a busy machine, not a speed goal.
  }, 90_000);

  it('serves public keys at the JWKS URL without a token, never a private member or an HMAC secret', async () => {
    const { admin, upstreamUrl } = await started();
    const api = await admin.api('POST', '/apis', { name: 'Keys', implementationUrl: upstreamUrl, basePath: '/keys' });
    for (const alg of ['RS256', 'ES384', 'EdDSA', 'HS256']) expect((await admin.api('POST', `/apis/${api.body.id}/signing-keys`, { alg })).status).toBe(201);
    const listed = await admin.api('GET', `/apis/${api.body.id}/signing-keys`);
    expect(listed.body.jwksUrl).toBe(`${admin.url}/api/v1/apis/${api.body.id}/jwks.json`);
    expect(listed.body.keys.map((key: { alg: string }) => key.alg)).toEqual(['HS256', 'EdDSA', 'ES384', 'RS256']);

    const jwks = await request(listed.body.jwksUrl);
    expect([jwks.status, jwks.headers['content-type']]).toEqual([200, 'application/json; charset=utf-8']);
    const keys = jwks.json().keys as Record<string, unknown>[];
    expect(keys.map((key) => [key.alg, key.kty, key.use])).toEqual([
      ['EdDSA', 'OKP', 'sig'],
      ['ES384', 'EC', 'sig'],
      ['RS256', 'RSA', 'sig'],
    ]);
    for (const key of keys) for (const member of ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k']) expect([key.alg, member, key[member]]).toEqual([key.alg, member, undefined]);

    // Only the JWKS is open: the rest of the workbench still needs the admin token.
    expect((await request(`${admin.url}/api/v1/apis/${api.body.id}/signing-keys`)).status).toBe(401);
    expect((await request(`${admin.url}/api/v1/apis/${api.body.id}/tokens`, { method: 'POST' })).status).toBe(401);
    expect((await request(`${admin.url}/api/v1/apis/api_missing/jwks.json`)).status).toBe(404);
    // Open for GET only: any other verb on the JWKS path goes through the token check first.
    expect((await request(listed.body.jwksUrl, { method: 'DELETE' })).status).toBe(401);
  });

  it('stores private keys and HMAC secrets only encrypted, and removing a key leaves the others', async () => {
    const { admin, upstreamUrl } = await started();
    const api = await admin.api('POST', '/apis', { name: 'Sealed', implementationUrl: upstreamUrl, basePath: '/sealed' });
    const ec = await admin.api('POST', `/apis/${api.body.id}/signing-keys`, { alg: 'ES256' });
    const hmac = await admin.api('POST', `/apis/${api.body.id}/signing-keys`, { alg: 'HS512' });
    const privateJwk = JSON.parse(admin.plane.store.signingKeys.privateMaterial(api.body.id, ec.body.key.kid)!) as { d: string };
    const secrets = [privateJwk.d, hmac.body.secret as string];
    expect(secrets.every((secret) => secret.length >= 40)).toBe(true);

    const listed = await admin.api('GET', `/apis/${api.body.id}/signing-keys`);
    for (const secret of secrets) expect(JSON.stringify(listed.body)).not.toContain(secret);
    for (const phase of ['running', 'stopped']) {
      if (phase === 'stopped') await admin.stop();
      for (const secret of secrets) expect([phase, filesContaining(admin.dataDir, secret)]).toEqual([phase, []]);
    }
    await admin.start();
    // Still usable after a restart (decrypted with the data dir's key).
    expect((await admin.api('POST', `/apis/${api.body.id}/tokens`, { kid: ec.body.key.kid, claims: {} })).status).toBe(200);

    expect((await admin.api('DELETE', `/apis/${api.body.id}/signing-keys/${ec.body.key.kid}`)).status).toBe(204);
    expect((await admin.api('DELETE', `/apis/${api.body.id}/signing-keys/${ec.body.key.kid}`)).status).toBe(404);
    expect((await admin.api('GET', `/apis/${api.body.id}/signing-keys`)).body.keys.map((key: { kid: string }) => key.kid)).toEqual([hmac.body.key.kid]);
    const gone = await admin.api('POST', `/apis/${api.body.id}/tokens`, { kid: ec.body.key.kid, claims: {} });
    expect([gone.status, gone.body.error.details]).toEqual([400, [{ path: 'kid', message: expect.stringContaining(ec.body.key.kid) }]]);
  });

  it('keeps the keys of the APIs an import keeps (imports replace configuration, keys are not configuration)', async () => {
    const { admin, upstreamUrl } = await started();
    const { apiId, kid } = await apiWithKey(admin, upstreamUrl, 'Kept', 'ES256');
    const dropped = await admin.api('POST', '/apis', { name: 'Dropped', implementationUrl: upstreamUrl, basePath: '/dropped' });
    await admin.api('POST', `/apis/${dropped.body.id}/signing-keys`, { alg: 'EdDSA' });
    const exported = (await request(`${admin.url}/api/v1/config`, { headers: { authorization: `Bearer ${admin.admin.token}` } })).body;
    const documents = exported.split(/^---$/m).filter((document) => !/^kind: ApiInstance$[\s\S]*^\s+name: Dropped$/m.test(document));
    expect(documents.length).toBeLessThan(exported.split(/^---$/m).length);
    const imported = await request(`${admin.url}/api/v1/config`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${admin.admin.token}`, 'content-type': 'application/yaml' },
      body: documents.join('---'),
    });
    expect([imported.status, imported.body]).toEqual([200, expect.stringContaining('"applied":true')]);

    expect((await admin.api('GET', `/apis/${apiId}/signing-keys`)).body.keys.map((key: { kid: string }) => key.kid)).toEqual([kid]);
    const token = (await admin.api('POST', `/apis/${apiId}/tokens`, { claims: { sub: 'alice' } })).body.token;
    expect((await gateway(admin, 'Kept', token)).status).toBe(200);
    expect((await admin.api('GET', `/apis/${dropped.body.id}/signing-keys`)).status).toBe(404);
    expect(admin.plane.store.db.prepare('SELECT count(*) FROM signing_keys WHERE api_id = ?').pluck().get(dropped.body.id)).toBe(0);
  });

  it('inspects a token: every check of the API policy with its verdict and the reason the gateway gives', async () => {
    const { admin, upstreamUrl } = await started();
    const { apiId, kid } = await apiWithKey(admin, upstreamUrl, 'Inspected', 'ES256', {
      validateAudClaim: true,
      supportedAudiences: 'orders',
      mandatoryExpClaim: true,
      validateCustomClaim: true,
      mandatoryCustomClaims: [{ key: 'scope', value: 'read' }],
    });
    const mint = async (claims: Record<string, unknown>) => (await admin.api('POST', `/apis/${apiId}/tokens`, { claims })).body.token as string;
    const inspect = async (token: string) => {
      const result = await admin.api('POST', `/apis/${apiId}/tokens/inspect`, { token });
      expect(result.status).toBe(200);
      return result.body;
    };
    const statuses = (report: { checks: { check: string; status: string }[] }) => Object.fromEntries(report.checks.map((check) => [check.check, check.status]));

    const good = await inspect(await mint({ sub: 'alice', aud: 'orders', scope: 'read' }));
    expect(good.header).toEqual({ alg: 'ES256', typ: 'JWT', kid });
    expect(good.payload).toMatchObject({ sub: 'alice', aud: 'orders', scope: 'read', exp: expect.any(Number) });
    expect(good.policies).toHaveLength(1);
    expect(good.policies[0].verdict).toBe('accepted');
    expect(statuses(good.policies[0])).toEqual({ format: 'pass', algorithm: 'pass', key: 'pass', signature: 'pass', exp: 'pass', nbf: 'skipped', aud: 'pass', 'claim:scope': 'pass', client: 'skipped' });

    const wrongAud = (await inspect(await mint({ aud: 'billing', scope: 'write' }))).policies[0];
    expect(wrongAud.verdict).toBe('rejected');
    expect(wrongAud.checks.filter((check: { status: string }) => check.status === 'fail')).toEqual([
      { check: 'aud', status: 'fail', code: 'TOKEN_AUDIENCE_INVALID', httpStatus: 401, reason: 'the token is not meant for this API (aud is not a supported audience)' },
      { check: 'claim:scope', status: 'fail', code: 'TOKEN_CLAIM_INVALID', httpStatus: 401, reason: 'the scope claim does not pass its check' },
    ]);

    // Expired: signed an hour ago with a lifetime of a minute.
    const material = admin.plane.store.signingKeys.privateMaterial(apiId, kid)!;
    const expired = mintToken({ kid, alg: 'ES256' }, material, { claims: { aud: 'orders', scope: 'read' }, expiresInSeconds: 60, now: Date.now() - 3_600_000 });
    const expiredReport = (await inspect(expired.token)).policies[0];
    expect(statuses(expiredReport)).toMatchObject({ signature: 'pass', exp: 'fail', aud: 'pass' });
    expect(expiredReport.checks.find((check: { check: string }) => check.check === 'exp')).toMatchObject({ code: 'TOKEN_EXPIRED', reason: expect.stringMatching(/^the token expired at /) });
    // What the gateway answers is the first failure of that list.
    const sent = await gateway(admin, 'Inspected', expired.token);
    expect([sent.status, sent.json().error.code]).toEqual([401, 'TOKEN_EXPIRED']);

    const badSignature = (await inspect(tampered(await mint({ aud: 'orders', scope: 'read' })))).policies[0];
    expect(statuses(badSignature)).toMatchObject({ key: 'pass', signature: 'fail', exp: 'pass', aud: 'pass' });
    expect(badSignature.checks.find((check: { check: string }) => check.check === 'signature')).toMatchObject({ code: 'TOKEN_SIGNATURE_INVALID', reason: 'the token signature is invalid' });

    // A key removed from the API: its kid is no longer in the JWKS.
    const other = await admin.api('POST', `/apis/${apiId}/signing-keys`, { alg: 'ES256' });
    const orphan = (await admin.api('POST', `/apis/${apiId}/tokens`, { kid: other.body.key.kid, claims: { aud: 'orders', scope: 'read' } })).body.token;
    await admin.api('DELETE', `/apis/${apiId}/signing-keys/${other.body.key.kid}`);
    const unknownKid = (await inspect(orphan)).policies[0];
    expect(statuses(unknownKid)).toMatchObject({ algorithm: 'pass', key: 'fail', signature: 'skipped', exp: 'pass' });
    expect(unknownKid.checks.find((check: { check: string }) => check.check === 'key')).toMatchObject({ code: 'TOKEN_KEY_UNKNOWN', reason: 'the token names a key (kid) the JWKS does not have' });

    const garbage = await inspect('not-a-token');
    expect(garbage).toEqual({
      reason: 'the token is not a JWT (expected header.payload.signature)',
      policies: [expect.objectContaining({ verdict: 'rejected', checks: [expect.objectContaining({ check: 'format', status: 'fail', code: 'TOKEN_MALFORMED' })] })],
    });
  });
});
