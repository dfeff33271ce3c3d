/**
 * Every check jwt-validation-flex makes on a token, in the gateway's order, as one function:
 * format, algorithm, key, signature, exp, nbf, aud, custom claims, client id. The policy runs
 * it stopping at the first failure (that failure is its answer); the token workbench runs it
 * to the end to show which checks a token passes and why the others fail. One validator, two
 * readers, so what the workbench says is what the gateway does.
 */
import type { KeyObject } from 'node:crypto';
import { splitList, type JwtValidationConfig } from '../../shared/policies/jwt-validation';
import { acceptedAlgorithms, keyFitsMethod, keyMismatch, looksLikePublicKey, publicKeyFromText, verifySignature, type VerificationKey } from './jwt-algorithms';
import { compileClaimChecks } from './jwt-claims';
import { JwksCache, JwksUnavailableError, type JwksLookup } from './jwks-cache';
import { decodeToken, type DecodedToken } from './jwt-token';
import { compileRequestExpression, type RequestValue } from './request-expression';
import type { PolicyCompileContext, PolicyRequest } from './types';

export const JWT_CODES = {
  missing: 'TOKEN_MISSING',
  malformed: 'TOKEN_MALFORMED',
  algorithm: 'TOKEN_ALGORITHM_REFUSED',
  signature: 'TOKEN_SIGNATURE_INVALID',
  unknownKey: 'TOKEN_KEY_UNKNOWN',
  client: 'INVALID_CLIENT',
  jwks: 'JWKS_UNAVAILABLE',
} as const;

export type JwtCheck =
  | { check: string; status: 'pass' | 'skipped'; reason: string }
  /** `message` is what the client reads; `detail` is the trace line's extra (never the token). */
  | { check: string; status: 'fail'; code: string; httpStatus: number; message: string; detail?: string };
export type JwtFailure = Extract<JwtCheck, { status: 'fail' }>;

export interface JwtEvaluation {
  checks: JwtCheck[];
  /** The first failing check: what the gateway answers. */
  failure?: JwtFailure;
  /** The decoded token, when it could be decoded. */
  token?: DecodedToken;
  /** For the trace line of an accepted token: algorithm, key source, subject, client. */
  note: string;
}

export interface JwtTokenChecker {
  /**
   * Checks `raw` (undefined: the request had no token). `stopAtFailure` ends at the first failure,
   * as the gateway does; otherwise every check that can still be made is made. A token that
   * passes every check leaves the request's `authentication` (claims, subject, client) set.
   */
  evaluate(raw: string | undefined, request: PolicyRequest, stopAtFailure: boolean): JwtEvaluation | Promise<JwtEvaluation>;
  dispose(): void;
}

type KeyOutcome = { check: JwtCheck; key?: VerificationKey; keys?: KeyObject[]; source: string };

const fail = (check: string, code: string, message: string, detail?: string, httpStatus = 401): JwtFailure => ({
  check,
  status: 'fail',
  code,
  httpStatus,
  message,
  ...(detail !== undefined ? { detail } : {}),
});

/** Compiles a binding's checks; throws naming the field when its key is unusable (a config error, not a 401 storm). */
export function createJwtTokenChecker(config: JwtValidationConfig, context: Pick<PolicyCompileContext, 'api' | 'identity' | 'log'>): JwtTokenChecker {
  const method = config.signingMethod;
  const algorithms = acceptedAlgorithms(method, config.signingKeyLength);
  const readClientId: RequestValue | undefined = config.skipClientIdValidation ? undefined : compileRequestExpression(config.clientIdExpression);
  const claimChecks = compileClaimChecks(config);

  let textKey: VerificationKey | undefined;
  let jwks: JwksCache | undefined;
  if (method !== 'none' && config.jwtKeyOrigin === 'text') {
    const text = config.textKey ?? '';
    if (method === 'hmac') {
      if (looksLikePublicKey(text)) throw new Error('textKey: is a public key, but signingMethod hmac needs the shared secret (a public key used as an HMAC secret would let anyone sign)');
      textKey = { kind: 'secret', secret: Buffer.from(text, 'utf8') };
      if (textKey.secret.length < config.signingKeyLength / 8)
        context.log('warn', `jwt-validation-flex: textKey is shorter than ${config.signingKeyLength / 8} bytes, below what HS${config.signingKeyLength} needs to be safe (RFC 7518 §3.2)`);
    } else {
      let key: KeyObject;
      try {
        key = publicKeyFromText(text);
      } catch (error) {
        throw new Error(`textKey: ${(error as Error).message}`);
      }
      const mismatch = keyFitsMethod(method, config.signingKeyLength, key);
      if (mismatch) throw new Error(`textKey: does not fit signingMethod ${method} with signingKeyLength ${config.signingKeyLength}: ${mismatch}`);
      textKey = { kind: 'public', key };
    }
  } else if (method !== 'none') {
    jwks = new JwksCache(splitList(config.jwksUrl ?? ''), { ttlMs: config.jwksServiceTimeToLive * 60_000, timeoutMs: config.jwksServiceConnectionTimeout });
  }

  const textKeyOutcome = (token: DecodedToken): KeyOutcome => {
    const key = textKey!;
    if (key.kind === 'public') {
      const mismatch = keyMismatch(token.header.alg, key.key);
      if (mismatch) return { check: fail('key', JWT_CODES.algorithm, `the token's algorithm ${token.header.alg} does not fit the configured key`, mismatch), source: 'textKey' };
    }
    return { check: { check: 'key', status: 'pass', reason: key.kind === 'secret' ? 'the configured HMAC secret (textKey)' : 'the configured public key (textKey)' }, key, source: 'textKey' };
  };

  const jwksOutcome = async (token: DecodedToken, cache: JwksCache): Promise<KeyOutcome> => {
    const { alg, kid } = token.header;
    let found: JwksLookup;
    try {
      found = await cache.lookup(kid);
    } catch (error) {
      if (!(error instanceof JwksUnavailableError)) throw error;
      return { check: fail('key', JWT_CODES.jwks, 'the keys to check the token cannot be fetched right now', error.message, 503), source: 'JWKS' };
    }
    const source = `${found.fetched ? 'JWKS fetched' : 'JWKS from cache'}${found.stale ? `; served from cache while ${found.stale}` : ''}`;
    const named = kid === undefined ? found.keys : found.keys.filter((key) => key.kid === kid);
    if (named.length === 0)
      return {
        check: fail('key', JWT_CODES.unknownKey, kid === undefined ? 'no key in the JWKS can check this token' : 'the token names a key (kid) the JWKS does not have', `kid ${kid ?? '(none)'}; ${source}`),
        source,
      };
    const usable = named.filter((key) => !key.refused);
    if (usable.length === 0) return { check: fail('key', JWT_CODES.unknownKey, 'the key the token names may not verify signatures', `kid ${kid}: ${named[0]!.refused}; ${source}`), source };
    const fitting = usable.filter((key) => (key.alg === undefined || key.alg === alg) && keyMismatch(alg, key.key) === undefined);
    if (fitting.length === 0) return { check: fail('key', JWT_CODES.algorithm, `the token's algorithm ${alg} does not fit its key`, `kid ${kid ?? '(none)'}: no key for ${alg}; ${source}`), source };
    return { check: { check: 'key', status: 'pass', reason: `${kid ? `kid ${kid}` : 'a key'} from the JWKS (${source})` }, keys: fitting.map((key) => key.key), source };
  };

  /** Signature, claims and client id: everything after the key is known (synchronous). */
  const finish = (request: PolicyRequest, token: DecodedToken, checks: JwtCheck[], outcome: KeyOutcome | undefined, stopAtFailure: boolean): JwtEvaluation => {
    const done = (note: string): JwtEvaluation => {
      const failure = checks.find((check): check is JwtFailure => check.status === 'fail');
      if (failure) request.authentication = undefined;
      return { checks, token, note, ...(failure ? { failure } : {}) };
    };
    const stop = () => stopAtFailure && checks.some((check) => check.status === 'fail');
    const { alg, kid } = token.header;
    let note: string;
    if (method === 'none') {
      checks.push({ check: 'signature', status: 'skipped', reason: `signingMethod none: the signature is not checked (alg ${alg})` });
      note = `signature not checked: signingMethod none, alg ${alg}`;
    } else if (!outcome || outcome.check.status !== 'pass') {
      checks.push({ check: 'signature', status: 'skipped', reason: 'no key to check it with' });
      note = alg;
    } else {
      const keys: VerificationKey[] = outcome.key ? [outcome.key] : outcome.keys!.map((key) => ({ kind: 'public', key }));
      const valid = keys.some((key) => verifySignature(alg, token.signingInput, token.signature, key));
      const where = outcome.key ? `${alg} with textKey` : `${alg}, kid ${kid ?? '(none)'}; ${outcome.source}`;
      checks.push(valid ? { check: 'signature', status: 'pass', reason: `${alg} signature verified` } : fail('signature', JWT_CODES.signature, 'the token signature is invalid', where));
      note = outcome.key ? `${alg}, textKey` : `${alg}${kid ? `, kid ${kid}` : ''}; ${outcome.source}`;
    }
    if (stop()) return done(note);

    const claims = claimChecks(token.claims, request, Date.now() / 1000, stopAtFailure);
    for (const result of claims) checks.push(result.status === 'fail' ? fail(result.check, result.code, result.message) : result);
    if (stop()) return done(note);

    const sub = token.claims.sub;
    request.authentication = { ...(typeof sub === 'string' ? { principal: sub } : {}), properties: { claims: token.claims } };
    if (typeof sub === 'string') note += `, sub ${sub}`;
    if (!readClientId) checks.push({ check: 'client', status: 'skipped', reason: 'skipClientIdValidation is on' });
    else {
      const clientId = readClientId(request);
      if (!clientId) checks.push(fail('client', JWT_CODES.client, 'the token names no client id', `${config.clientIdExpression} is empty`));
      else if (!context.identity.contractFor(clientId, context.api.id))
        checks.push(fail('client', JWT_CODES.client, 'the client of this token has no approved contract for this API', `client ${clientId} has no approved contract`));
      else {
        checks.push({ check: 'client', status: 'pass', reason: `client ${clientId} has an approved contract` });
        request.clientId = clientId;
        request.authentication.clientId = clientId;
        note += `, client ${clientId}`;
      }
    }
    return done(note);
  };

  return {
    evaluate(raw, request, stopAtFailure) {
      if (!raw) {
        const message = config.jwtOrigin === 'customExpression' ? `a JWT is required (${config.jwtExpression})` : 'a JWT is required (Authorization: Bearer <token>)';
        const failure = fail('present', JWT_CODES.missing, message, 'no token in the request', 400);
        return { checks: [failure], failure, note: '' };
      }
      const decoded = decodeToken(raw.trim());
      if (!decoded.ok) {
        const failure = fail('format', JWT_CODES.malformed, `the token cannot be parsed: ${decoded.reason}`);
        return { checks: [failure], failure, note: '' };
      }
      const token = decoded.token;
      const { alg } = token.header;
      const checks: JwtCheck[] = [{ check: 'format', status: 'pass', reason: `a signed JWT (JWS) with alg ${alg}` }];
      if (method === 'none') {
        checks.push({ check: 'algorithm', status: 'skipped', reason: 'signingMethod none accepts any algorithm' });
        return finish(request, token, checks, undefined, stopAtFailure);
      }
      if (algorithms.includes(alg)) checks.push({ check: 'algorithm', status: 'pass', reason: `${alg} is accepted (${algorithms.join(' or ')})` });
      else {
        checks.push(fail('algorithm', JWT_CODES.algorithm, `the token's algorithm ${alg} is not accepted here (${algorithms.join(' or ')})`));
        if (stopAtFailure) return finish(request, token, checks, undefined, true);
        checks.push({ check: 'key', status: 'skipped', reason: `no key is looked up for a refused algorithm` });
        return finish(request, token, checks, undefined, false);
      }
      if (!jwks) {
        const outcome = textKeyOutcome(token);
        checks.push(outcome.check);
        return finish(request, token, checks, outcome, stopAtFailure);
      }
      return jwksOutcome(token, jwks).then((outcome) => {
        checks.push(outcome.check);
        return finish(request, token, checks, outcome, stopAtFailure);
      });
    },
    dispose() {
      jwks?.dispose();
    },
  };
}
