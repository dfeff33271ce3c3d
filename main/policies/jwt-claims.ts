/**
 * The claim checks of jwt-validation-flex, compiled once per binding. Per Flex: a present exp
 * or nbf is always checked and the mandatory flags only require presence; aud is checked when
 * validateAudClaim; custom claims when validateCustomClaim, mandatory ones must be present.
 */
import { evaluateExpression } from '../../shared/expressions';
import { claimPasses, parseClaimCheck, type ClaimCheck } from '../../shared/policies/jwt-claim-check';
import { splitList, type JwtValidationConfig } from '../../shared/policies/jwt-validation';
import type { PolicyRequest } from './types';

export interface ClaimFailure {
  code: 'TOKEN_EXPIRED' | 'TOKEN_NOT_YET_VALID' | 'TOKEN_AUDIENCE_INVALID' | 'TOKEN_CLAIM_MISSING' | 'TOKEN_CLAIM_INVALID';
  message: string;
}

/** One claim check's outcome: `exp`, `nbf`, `aud` or `claim:<name>`; a failure carries the gateway's code and message. */
export type ClaimCheckResult = { check: string; status: 'pass' | 'skipped'; reason: string } | ({ check: string; status: 'fail' } & ClaimFailure);

interface CustomCheck {
  key: string;
  mandatory: boolean;
  check: ClaimCheck;
}

/** Every claim check in the gateway's order; with `stopAtFailure` the list ends at the first failure. */
export type ClaimChecks = (claims: Readonly<Record<string, unknown>>, request: PolicyRequest, nowSeconds: number, stopAtFailure: boolean) => ClaimCheckResult[];

function isNumericDate(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

function requestValue(check: ClaimCheck, request: PolicyRequest): string | undefined {
  if (check.kind !== 'request') return undefined;
  return evaluateExpression(check.expression, {
    method: request.method,
    requestPath: request.path,
    remoteAddress: request.remoteAddress,
    headers: request.headers,
    query: request.query,
  });
}

export function compileClaimChecks(config: JwtValidationConfig): ClaimChecks {
  const skew = config.clockSkewSeconds ?? 0;
  const audiences = new Set(splitList(config.supportedAudiences));
  const custom: CustomCheck[] = config.validateCustomClaim
    ? [
        ...config.mandatoryCustomClaims.map((claim) => ({ claim, mandatory: true })),
        ...config.nonMandatoryCustomClaims.map((claim) => ({ claim, mandatory: false })),
      ].map(({ claim, mandatory }) => {
        const parsed = parseClaimCheck(claim.value);
        if (!parsed.ok) throw new Error(`custom claim ${claim.key}: ${parsed.message}`);
        return { key: claim.key, mandatory, check: parsed.check };
      })
    : [];
  const skewNote = skew ? ` (with ${skew} s of clock skew)` : '';

  const checkExp = (exp: unknown, now: number): ClaimCheckResult => {
    if (exp === undefined)
      return config.mandatoryExpClaim
        ? { check: 'exp', status: 'fail', code: 'TOKEN_CLAIM_MISSING', message: 'the token has no exp claim' }
        : { check: 'exp', status: 'skipped', reason: 'no exp claim, and mandatoryExpClaim is off' };
    if (!isNumericDate(exp)) return { check: 'exp', status: 'fail', code: 'TOKEN_CLAIM_INVALID', message: 'the exp claim is not a number of seconds' };
    if (now >= exp + skew) return { check: 'exp', status: 'fail', code: 'TOKEN_EXPIRED', message: `the token expired at ${new Date(exp * 1000).toISOString()}` };
    return { check: 'exp', status: 'pass', reason: `valid until ${new Date(exp * 1000).toISOString()}${skewNote}` };
  };
  const checkNbf = (nbf: unknown, now: number): ClaimCheckResult => {
    if (nbf === undefined)
      return config.mandatoryNbfClaim
        ? { check: 'nbf', status: 'fail', code: 'TOKEN_CLAIM_MISSING', message: 'the token has no nbf claim' }
        : { check: 'nbf', status: 'skipped', reason: 'no nbf claim, and mandatoryNbfClaim is off' };
    if (!isNumericDate(nbf)) return { check: 'nbf', status: 'fail', code: 'TOKEN_CLAIM_INVALID', message: 'the nbf claim is not a number of seconds' };
    if (now < nbf - skew) return { check: 'nbf', status: 'fail', code: 'TOKEN_NOT_YET_VALID', message: `the token is not valid before ${new Date(nbf * 1000).toISOString()}` };
    return { check: 'nbf', status: 'pass', reason: `valid since ${new Date(nbf * 1000).toISOString()}${skewNote}` };
  };
  const checkAud = (aud: unknown): ClaimCheckResult => {
    if (aud === undefined)
      return config.mandatoryAudClaim
        ? { check: 'aud', status: 'fail', code: 'TOKEN_CLAIM_MISSING', message: 'the token has no aud claim' }
        : { check: 'aud', status: 'skipped', reason: 'no aud claim, and mandatoryAudClaim is off' };
    if (!config.validateAudClaim) return { check: 'aud', status: 'skipped', reason: 'validateAudClaim is off' };
    const values = Array.isArray(aud) ? aud : [aud];
    if (!values.some((value) => typeof value === 'string' && audiences.has(value)))
      return { check: 'aud', status: 'fail', code: 'TOKEN_AUDIENCE_INVALID', message: 'the token is not meant for this API (aud is not a supported audience)' };
    return { check: 'aud', status: 'pass', reason: 'aud names a supported audience' };
  };
  const checkCustom = ({ key, mandatory, check }: CustomCheck, claims: Readonly<Record<string, unknown>>, request: PolicyRequest): ClaimCheckResult => {
    const name = `claim:${key}`;
    const value = Object.hasOwn(claims, key) ? claims[key] : undefined;
    if (value === undefined || value === null)
      return mandatory
        ? { check: name, status: 'fail', code: 'TOKEN_CLAIM_MISSING', message: `the token has no ${key} claim` }
        : { check: name, status: 'skipped', reason: `no ${key} claim, and it is not mandatory` };
    if (!claimPasses(check, value, requestValue(check, request))) return { check: name, status: 'fail', code: 'TOKEN_CLAIM_INVALID', message: `the ${key} claim does not pass its check` };
    return { check: name, status: 'pass', reason: `the ${key} claim passes its check` };
  };

  return (claims, request, now, stopAtFailure) => {
    const steps: (() => ClaimCheckResult)[] = [
      () => checkExp(claims.exp, now),
      () => checkNbf(claims.nbf, now),
      () => checkAud(claims.aud),
      ...custom.map((entry) => () => checkCustom(entry, claims, request)),
    ];
    const results: ClaimCheckResult[] = [];
    for (const step of steps) {
      const result = step();
      results.push(result);
      if (stopAtFailure && result.status === 'fail') break;
    }
    return results;
  };
}
