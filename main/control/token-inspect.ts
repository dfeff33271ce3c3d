/**
 * The workbench's "paste a token": its decoded header and payload, and for each
 * jwt-validation-flex binding of the API every check the gateway makes, run by the gateway's
 * own checker (jwt-checks.ts) to the end instead of stopping at the first failure. JWKS keys
 * are fetched as the gateway fetches them. The token is sent as the Bearer header of a
 * request to the API's base path; checks that read other parts of a request (a custom claim
 * compared with a header) see none.
 */
import { randomUUID } from 'node:crypto';
import type { TokenCheck, TokenInspection, TokenPolicyReport } from '../../shared/contract/token-models';
import { jwtValidationSchema } from '../../shared/policies/jwt-validation';
import { createIdentityIndex } from '../gateway/identity';
import type { ApiSnapshot } from '../gateway/snapshot';
import { createJwtTokenChecker, type JwtCheck } from '../policies/jwt-checks';
import { decodeToken } from '../policies/jwt-token';
import type { PolicyRequest } from '../policies/types';
import type { ApiRecord } from '../store/apis';
import type { Store } from '../store/store';
import { buildGatewaySnapshot } from './snapshot-builder';

const JWT_POLICY = 'jwt-validation-flex';

/** A request as the gateway would see it for `Authorization: Bearer <token>` to the API's base path. */
function requestWithToken(api: ApiRecord, token: string): PolicyRequest {
  return {
    id: `inspect-${randomUUID()}`,
    method: 'GET',
    path: api.basePath,
    query: new URLSearchParams(),
    headers: { authorization: `Bearer ${token}` },
    remoteAddress: '127.0.0.1',
    host: '127.0.0.1',
    api: { id: api.id, name: api.name, basePath: api.basePath },
    signal: new AbortController().signal,
    responseHeaders: {},
    onResponse() {},
  };
}

function toTokenCheck(check: JwtCheck): TokenCheck {
  if (check.status !== 'fail') return { check: check.check, status: check.status, reason: check.reason };
  return { check: check.check, status: 'fail', reason: check.message, code: check.code, httpStatus: check.httpStatus };
}

export async function inspectToken(store: Store, api: ApiRecord, token: string, dataDir: string): Promise<TokenInspection> {
  const decoded = decodeToken(token.trim());
  const bindings = store.policies.listByApi(api.id).filter((binding) => binding.policyRef === JWT_POLICY);
  const gateway = store.gateways.get(api.gatewayId)!;
  const identity = createIdentityIndex(buildGatewaySnapshot(store, gateway, { dataDir }).snapshot.identity);
  const apiSnapshot: ApiSnapshot = { id: api.id, name: api.name, basePath: api.basePath, enabled: api.enabled, services: [], routes: [], policies: [] };

  const policies: TokenPolicyReport[] = [];
  for (const binding of bindings) {
    const base = { policyId: binding.id, enabled: binding.enabled };
    const parsed = jwtValidationSchema.safeParse(binding.config);
    if (!parsed.success) {
      policies.push({ ...base, verdict: 'rejected', checks: [], error: `the policy's config is invalid: ${parsed.error.issues[0]!.message}` });
      continue;
    }
    let checker;
    try {
      checker = createJwtTokenChecker(parsed.data, { api: apiSnapshot, identity, log: () => undefined });
    } catch (error) {
      policies.push({ ...base, verdict: 'rejected', checks: [], error: (error as Error).message });
      continue;
    }
    try {
      const evaluation = await checker.evaluate(token.trim(), requestWithToken(api, token.trim()), false);
      policies.push({ ...base, verdict: evaluation.failure ? 'rejected' : 'accepted', checks: evaluation.checks.map(toTokenCheck) });
    } finally {
      checker.dispose();
    }
  }
  if (!decoded.ok) return { reason: decoded.reason, policies };
  return { header: decoded.token.header, payload: decoded.token.claims, policies };
}
