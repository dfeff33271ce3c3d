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

interface CustomCheck {
  key: string;
  mandatory: boolean;
  check: ClaimCheck;
}

export type ClaimValidator = (claims: Readonly<Record<string, unknown>>, request: PolicyRequest, nowSeconds: number) => ClaimFailure | undefined;

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

export function compileClaimValidator(config: JwtValidationConfig): ClaimValidator {
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

  return (claims, request, now) => {
    const { exp, nbf, aud } = claims;
    if (exp !== undefined) {
      if (!isNumericDate(exp)) return { code: 'TOKEN_CLAIM_INVALID', message: 'the exp claim is not a number of seconds' };
      if (now >= exp + skew) return { code: 'TOKEN_EXPIRED', message: `the token expired at ${new Date(exp * 1000).toISOString()}` };
    } else if (config.mandatoryExpClaim) return { code: 'TOKEN_CLAIM_MISSING', message: 'the token has no exp claim' };
    if (nbf !== undefined) {
      if (!isNumericDate(nbf)) return { code: 'TOKEN_CLAIM_INVALID', message: 'the nbf claim is not a number of seconds' };
      if (now < nbf - skew) return { code: 'TOKEN_NOT_YET_VALID', message: `the token is not valid before ${new Date(nbf * 1000).toISOString()}` };
    } else if (config.mandatoryNbfClaim) return { code: 'TOKEN_CLAIM_MISSING', message: 'the token has no nbf claim' };
    if (aud === undefined) {
      if (config.mandatoryAudClaim) return { code: 'TOKEN_CLAIM_MISSING', message: 'the token has no aud claim' };
    } else if (config.validateAudClaim) {
      const values = Array.isArray(aud) ? aud : [aud];
      if (!values.some((value) => typeof value === 'string' && audiences.has(value)))
        return { code: 'TOKEN_AUDIENCE_INVALID', message: 'the token is not meant for this API (aud is not a supported audience)' };
    }
    for (const { key, mandatory, check } of custom) {
      const value = Object.hasOwn(claims, key) ? claims[key] : undefined;
      if (value === undefined || value === null) {
        if (mandatory) return { code: 'TOKEN_CLAIM_MISSING', message: `the token has no ${key} claim` };
        continue;
      }
      if (!claimPasses(check, value, requestValue(check, request))) return { code: 'TOKEN_CLAIM_INVALID', message: `the ${key} claim does not pass its check` };
    }
    return undefined;
  };
}
