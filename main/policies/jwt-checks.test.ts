/**
 * The one JWT checker the gateway and the token workbench share: stopping at the first failure
 * (the gateway's answer) or running every check that can still be made (the workbench's list),
 * with the same codes and reasons either way.
 */
import { describe, expect, it } from 'vitest';
import { jwtValidationSchema } from '../../shared/policies/jwt-validation';
import { createIdentityIndex } from '../gateway/identity';
import type { ApiSnapshot } from '../gateway/snapshot';
import { createJwtTokenChecker, type JwtEvaluation } from './jwt-checks';
import { epoch, signJwt, testKey } from './jwt-testing';
import type { PolicyRequest } from './types';

const api: ApiSnapshot = { id: 'api_1', name: 'Orders', basePath: '/orders', enabled: true, services: [], routes: [], policies: [] };
const context = { api, identity: createIdentityIndex({ applications: [], tiers: [], contracts: [] }), log: () => undefined };

function request(): PolicyRequest {
  return {
    id: 'r1',
    method: 'GET',
    path: '/orders',
    query: new URLSearchParams(),
    headers: {},
    remoteAddress: '127.0.0.1',
    host: '127.0.0.1',
    api,
    signal: new AbortController().signal,
    responseHeaders: {},
    onResponse() {},
  };
}

const hmac = testKey('HS256');
const secret = (hmac as { secret: string }).secret;
const checker = (extra: Record<string, unknown> = {}) =>
  createJwtTokenChecker(jwtValidationSchema.parse({ signingMethod: 'hmac', textKey: secret, validateAudClaim: true, supportedAudiences: 'orders', mandatoryNbfClaim: true, ...extra }), context);
const summary = (evaluation: JwtEvaluation) => evaluation.checks.map((check) => `${check.check}:${check.status}${check.status === 'fail' ? `:${check.code}` : ''}`);

describe('jwt checks', () => {
  const expired = signJwt(hmac, { aud: 'billing', exp: epoch(-3600) });

  it('stop at the first failure for the gateway, and that failure is the answer', async () => {
    const evaluation = await checker().evaluate(expired, request(), true);
    expect(summary(evaluation)).toEqual(['format:pass', 'algorithm:pass', 'key:pass', 'signature:pass', 'exp:fail:TOKEN_EXPIRED']);
    expect(evaluation.failure).toMatchObject({ code: 'TOKEN_EXPIRED', httpStatus: 401, message: expect.stringMatching(/^the token expired at /) });
  });

  it('run every check for the workbench, with the same first failure', async () => {
    const evaluation = await checker().evaluate(expired, request(), false);
    expect(summary(evaluation)).toEqual([
      'format:pass',
      'algorithm:pass',
      'key:pass',
      'signature:pass',
      'exp:fail:TOKEN_EXPIRED',
      'nbf:fail:TOKEN_CLAIM_MISSING',
      'aud:fail:TOKEN_AUDIENCE_INVALID',
      'client:skipped',
    ]);
    expect(evaluation.failure?.code).toBe('TOKEN_EXPIRED');
  });

  it('still read the claims of a token whose algorithm is refused, without looking for a key', async () => {
    const rsa = testKey('RS256');
    const evaluation = await checker().evaluate(signJwt(rsa, { aud: 'orders', nbf: epoch(-60) }), request(), false);
    expect(summary(evaluation)).toEqual(['format:pass', 'algorithm:fail:TOKEN_ALGORITHM_REFUSED', 'key:skipped', 'signature:skipped', 'exp:skipped', 'nbf:pass', 'aud:pass', 'client:skipped']);
    expect(evaluation.failure).toMatchObject({ code: 'TOKEN_ALGORITHM_REFUSED', message: "the token's algorithm RS256 is not accepted here (HS256)" });
  });

  it('leave the request authenticated only when every check passes', async () => {
    const good = request();
    const passed = await checker().evaluate(signJwt(hmac, { sub: 'alice', aud: 'orders', nbf: epoch(-60) }), good, false);
    expect([passed.failure, good.authentication?.principal]).toEqual([undefined, 'alice']);
    const bad = request();
    await checker().evaluate(expired, bad, false);
    expect(bad.authentication).toBeUndefined();
  });

  it('report a missing token and an unreadable one as the gateway does', async () => {
    const missing = await checker().evaluate(undefined, request(), false);
    expect(missing.failure).toMatchObject({ check: 'present', code: 'TOKEN_MISSING', httpStatus: 400 });
    const garbage = await checker().evaluate('a.b', request(), false);
    expect(summary(garbage)).toEqual(['format:fail:TOKEN_MALFORMED']);
  });

  it('with signingMethod none, skip algorithm and signature but check the claims', async () => {
    const evaluation = await checker({ signingMethod: 'none', textKey: undefined }).evaluate(signJwt(hmac, { aud: 'orders' }), request(), false);
    expect(summary(evaluation)).toEqual(['format:pass', 'algorithm:skipped', 'signature:skipped', 'exp:skipped', 'nbf:fail:TOKEN_CLAIM_MISSING', 'aud:pass', 'client:skipped']);
  });
});
