/**
 * jwt-validation-flex: the token from the Bearer header (or jwtExpression) must be a JWS whose
 * algorithm is one the configuration names, signed by the configured key (textKey or the JWKS),
 * with claims that pass. Statuses as Flex documents them: no token 400, anything wrong with
 * the token 401, JWKS unreachable with nothing cached 503. Bodies say which check failed and
 * never contain the token. Validated claims go on request.authentication for later policies
 * (`#[authentication.properties.claims.sub]`).
 */
import type { KeyObject } from 'node:crypto';
import { splitList, type JwtValidationConfig } from '../../shared/policies/jwt-validation';
import { acceptedAlgorithms, keyFitsMethod, keyMismatch, looksLikePublicKey, publicKeyFromText, verifySignature, type VerificationKey } from './jwt-algorithms';
import { compileClaimValidator } from './jwt-claims';
import { JwksCache, JwksUnavailableError, type JwksLookup } from './jwks-cache';
import { decodeToken, type DecodedToken } from './jwt-token';
import { compileRequestExpression, type RequestValue } from './request-expression';
import type { PolicyDecision, PolicyDefinition, PolicyRequest } from './types';

export const JWT_CODES = {
  missing: 'TOKEN_MISSING',
  malformed: 'TOKEN_MALFORMED',
  algorithm: 'TOKEN_ALGORITHM_REFUSED',
  signature: 'TOKEN_SIGNATURE_INVALID',
  unknownKey: 'TOKEN_KEY_UNKNOWN',
  client: 'INVALID_CLIENT',
  jwks: 'JWKS_UNAVAILABLE',
} as const;

const BEARER = /^Bearer[ \t]+(\S+)[ \t]*$/i;

function readBearer(request: PolicyRequest): string | undefined {
  const header = request.headers.authorization;
  return typeof header === 'string' ? BEARER.exec(header)?.[1] : undefined;
}

/** RFC 7230 quoted-string content: no quotes, backslashes or control characters. */
function quoted(text: string): string {
  return text.replace(/["\\]/g, "'").replace(/[^\x20-\x7e]/g, '');
}

export const jwtValidationPolicy: PolicyDefinition<JwtValidationConfig> = {
  name: 'jwt-validation-flex',
  create(config, context) {
    const method = config.signingMethod;
    const algorithms = acceptedAlgorithms(method, config.signingKeyLength);
    const realm = quoted(context.api.name || context.api.id);
    const readToken: RequestValue = config.jwtOrigin === 'customExpression' ? compileRequestExpression(config.jwtExpression) : readBearer;
    const readClientId = config.skipClientIdValidation ? undefined : compileRequestExpression(config.clientIdExpression);
    const validateClaims = compileClaimValidator(config);

    // The key, checked now so that a bad one is a config error naming the field, not a 401 storm.
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

    const challenge = (error?: string): Record<string, string> => ({
      'www-authenticate': error ? `Bearer realm="${realm}", error="invalid_token", error_description="${quoted(error)}"` : `Bearer realm="${realm}"`,
    });
    const invalid = (code: string, message: string, detail?: string): PolicyDecision => ({
      action: 'reject',
      status: 401,
      code,
      message,
      headers: challenge(message),
      detail: `${code}: ${detail ?? message}`,
    });
    const missing: PolicyDecision = {
      action: 'reject',
      status: 400,
      code: JWT_CODES.missing,
      message: config.jwtOrigin === 'customExpression' ? `a JWT is required (${config.jwtExpression})` : 'a JWT is required (Authorization: Bearer <token>)',
      headers: challenge(),
      detail: `${JWT_CODES.missing}: no token in the request`,
    };

    /** Claims, client id, and the request's authentication: what follows a good signature. */
    const accept = (request: PolicyRequest, token: DecodedToken, note: string): PolicyDecision => {
      const failure = validateClaims(token.claims, request, Date.now() / 1000);
      if (failure) return invalid(failure.code, failure.message);
      const sub = token.claims.sub;
      request.authentication = { ...(typeof sub === 'string' ? { principal: sub } : {}), properties: { claims: token.claims } };
      let client = '';
      if (readClientId) {
        const clientId = readClientId(request);
        if (!clientId) {
          request.authentication = undefined;
          return { action: 'reject', status: 401, code: JWT_CODES.client, message: 'the token names no client id', headers: challenge(), detail: `${JWT_CODES.client}: ${config.clientIdExpression} is empty` };
        }
        if (!context.identity.contractFor(clientId, context.api.id)) {
          request.authentication = undefined;
          return { action: 'reject', status: 401, code: JWT_CODES.client, message: 'the client of this token has no approved contract for this API', headers: challenge(), detail: `${JWT_CODES.client}: client ${clientId} has no approved contract` };
        }
        request.clientId = clientId;
        request.authentication.clientId = clientId;
        client = `, client ${clientId}`;
      }
      return { action: 'continue', detail: `token valid (${note}${typeof sub === 'string' ? `, sub ${sub}` : ''}${client})` };
    };

    const checkAlgorithm = (token: DecodedToken): PolicyDecision | undefined => {
      const alg = token.header.alg;
      if (algorithms.includes(alg)) return undefined;
      return invalid(JWT_CODES.algorithm, `the token's algorithm ${alg} is not accepted here (${algorithms.join(' or ')})`);
    };

    const withJwks = async (request: PolicyRequest, token: DecodedToken, cache: JwksCache): Promise<PolicyDecision> => {
      const { alg, kid } = token.header;
      let found: JwksLookup;
      try {
        found = await cache.lookup(kid);
      } catch (error) {
        if (!(error instanceof JwksUnavailableError)) throw error;
        return { action: 'reject', status: 503, code: JWT_CODES.jwks, message: 'the keys to check the token cannot be fetched right now', detail: `${JWT_CODES.jwks}: ${error.message}` };
      }
      const source = `${found.fetched ? 'JWKS fetched' : 'JWKS from cache'}${found.stale ? `; served from cache while ${found.stale}` : ''}`;
      const named = kid === undefined ? found.keys : found.keys.filter((key) => key.kid === kid);
      if (named.length === 0) return invalid(JWT_CODES.unknownKey, kid === undefined ? 'no key in the JWKS can check this token' : 'the token names a key (kid) the JWKS does not have', `kid ${kid ?? '(none)'}; ${source}`);
      const usable = named.filter((key) => !key.refused);
      if (usable.length === 0) return invalid(JWT_CODES.unknownKey, 'the key the token names may not verify signatures', `kid ${kid}: ${named[0]!.refused}; ${source}`);
      const fitting = usable.filter((key) => (key.alg === undefined || key.alg === alg) && keyMismatch(alg, key.key) === undefined);
      if (fitting.length === 0) return invalid(JWT_CODES.algorithm, `the token's algorithm ${alg} does not fit its key`, `kid ${kid ?? '(none)'}: no key for ${alg}; ${source}`);
      if (!fitting.some((key) => verifySignature(alg, token.signingInput, token.signature, { kind: 'public', key: key.key })))
        return invalid(JWT_CODES.signature, 'the token signature is invalid', `${alg}, kid ${kid ?? '(none)'}; ${source}`);
      return accept(request, token, `${alg}${kid ? `, kid ${kid}` : ''}; ${source}`);
    };

    return {
      onRequest(request) {
        const raw = readToken(request);
        if (!raw) return missing;
        const decoded = decodeToken(raw.trim());
        if (!decoded.ok) return invalid(JWT_CODES.malformed, `the token cannot be parsed: ${decoded.reason}`);
        const token = decoded.token;
        if (method === 'none') return accept(request, token, `signature not checked: signingMethod none, alg ${token.header.alg}`);
        const refused = checkAlgorithm(token);
        if (refused) return refused;
        if (jwks) return withJwks(request, token, jwks);
        const key = textKey!;
        if (key.kind === 'public') {
          const mismatch = keyMismatch(token.header.alg, key.key);
          if (mismatch) return invalid(JWT_CODES.algorithm, `the token's algorithm ${token.header.alg} does not fit the configured key`, mismatch);
        }
        if (!verifySignature(token.header.alg, token.signingInput, token.signature, key))
          return invalid(JWT_CODES.signature, 'the token signature is invalid', `${token.header.alg} with textKey`);
        return accept(request, token, `${token.header.alg}, textKey`);
      },
      dispose() {
        jwks?.dispose();
      },
    };
  },
};
