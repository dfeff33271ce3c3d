/**
 * A compact JWS split and decoded (base64url through Buffer), without trusting anything in it
 * yet. Only `alg`, `kid` and `crit` of the header are read: `jwk`, `jku`, `x5u` and `x5c` are
 * never used to find a key, so a token cannot bring its own.
 */

export interface DecodedToken {
  header: { alg: string; kid?: string; [name: string]: unknown };
  claims: Record<string, unknown>;
  signingInput: Buffer;
  signature: Buffer;
}

export type DecodeResult = { ok: true; token: DecodedToken } | { ok: false; reason: string };

/** Far above any real token; a header this big is not a JWT worth parsing. */
export const MAX_TOKEN_LENGTH = 16 * 1024;
const BASE64URL = /^[A-Za-z0-9_-]*$/;

function json(part: string): Record<string, unknown> | undefined {
  if (!BASE64URL.test(part)) return undefined;
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

export function decodeToken(token: string): DecodeResult {
  if (token.length > MAX_TOKEN_LENGTH) return { ok: false, reason: 'the token is too long' };
  const parts = token.split('.');
  if (parts.length === 5) return { ok: false, reason: 'encrypted tokens (JWE) are not supported' };
  if (parts.length !== 3) return { ok: false, reason: 'the token is not a JWT (expected header.payload.signature)' };
  const [headerPart, payloadPart, signaturePart] = parts as [string, string, string];
  const header = json(headerPart);
  if (!header) return { ok: false, reason: 'the token header is not base64url JSON' };
  if (typeof header.alg !== 'string' || header.alg === '') return { ok: false, reason: 'the token header has no alg' };
  if (header.kid !== undefined && typeof header.kid !== 'string') return { ok: false, reason: 'the token header has a kid that is not a string' };
  // RFC 7515 §4.1.11: extensions the recipient does not understand make the token invalid; none are understood here.
  if (header.crit !== undefined) return { ok: false, reason: 'the token header has crit extensions, which are not supported' };
  const claims = json(payloadPart);
  if (!claims) return { ok: false, reason: 'the token payload is not base64url JSON' };
  if (!BASE64URL.test(signaturePart)) return { ok: false, reason: 'the token signature is not base64url' };
  return {
    ok: true,
    token: {
      header: header as DecodedToken['header'],
      claims,
      signingInput: Buffer.from(`${headerPart}.${payloadPart}`, 'ascii'),
      signature: Buffer.from(signaturePart, 'base64url'),
    },
  };
}
