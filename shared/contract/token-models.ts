/**
 * The token workbench (issue 13): signing keys per API, minted test tokens, and the inspection
 * of any token against the API's jwt-validation-flex bindings. Private keys never appear here;
 * an HMAC secret appears once, in the result of generating it.
 */
import { z } from 'zod';
import { idSchema, timeSchema } from './fields';

/** What the workbench can generate: RSA 2048, P-256/384/521, Ed25519, HMAC. */
export const SIGNING_ALGORITHMS = ['RS256', 'PS256', 'ES256', 'ES384', 'ES512', 'EdDSA', 'HS256', 'HS384', 'HS512'] as const;
export const signingAlgorithmSchema = z.enum(SIGNING_ALGORITHMS);
export type SigningAlgorithm = z.infer<typeof signingAlgorithmSchema>;

export function isHmacAlgorithm(alg: string): boolean {
  return alg.startsWith('HS');
}

/** The jwt-validation-flex settings a key of this algorithm needs (signingMethod, signingKeyLength). */
export function policySettingsFor(alg: SigningAlgorithm): { signingMethod: 'rsa' | 'es' | 'hmac'; signingKeyLength: 256 | 384 | 512 } {
  if (alg === 'EdDSA') return { signingMethod: 'es', signingKeyLength: 256 };
  const length = Number(alg.slice(2)) as 256 | 384 | 512;
  return { signingMethod: alg.startsWith('HS') ? 'hmac' : alg.startsWith('ES') ? 'es' : 'rsa', signingKeyLength: length };
}

export const signingKeySchema = z.object({
  apiId: idSchema,
  kid: z.string(),
  alg: signingAlgorithmSchema,
  createdAt: timeSchema,
  /** The public JWK (as served at the JWKS URL); absent for HMAC secrets. */
  publicJwk: z.record(z.string(), z.unknown()).optional(),
});
export type SigningKey = z.infer<typeof signingKeySchema>;

export const signingKeyListSchema = z.object({
  /** Where the API's public keys are served (no token needed); absent when the admin API is not running. */
  jwksUrl: z.string().optional(),
  /** Newest first: the default key for minting. */
  keys: z.array(signingKeySchema),
});
export type SigningKeyList = z.infer<typeof signingKeyListSchema>;

export const signingKeyCreatedSchema = z.object({
  key: signingKeySchema,
  /** HMAC only: the shared secret, shown this once (use it as the policy's textKey). */
  secret: z.string().optional(),
});
export type SigningKeyCreated = z.infer<typeof signingKeyCreatedSchema>;

export const jwksSchema = z.object({ keys: z.array(z.record(z.string(), z.unknown())) });
export type Jwks = z.infer<typeof jwksSchema>;

const claimValue = z.unknown();

export const mintRequestSchema = z.strictObject({
  apiId: idSchema,
  /** The key to sign with; default: the API's newest key. */
  kid: z.string().min(1).optional(),
  /** Payload claims (sub, aud, custom ones); `exp`, `nbf` and `iat` are set from the fields below. */
  claims: z.record(z.string(), claimValue).default({}),
  /** Lifetime from now, in seconds (0: no exp claim). */
  expiresInSeconds: z.number().int().min(0).max(10 * 365 * 24 * 3600).default(600),
  /** Seconds from now before which the token is not valid (nbf); may be negative. Absent: no nbf. */
  notBeforeSeconds: z.number().int().min(-365 * 24 * 3600).max(365 * 24 * 3600).optional(),
});
export type MintRequest = z.input<typeof mintRequestSchema>;

export const mintedTokenSchema = z.object({
  token: z.string(),
  kid: z.string(),
  alg: signingAlgorithmSchema,
  header: z.record(z.string(), z.unknown()),
  claims: z.record(z.string(), z.unknown()),
});
export type MintedToken = z.infer<typeof mintedTokenSchema>;

export const inspectRequestSchema = z.strictObject({
  apiId: idSchema,
  token: z.string().trim().min(1, 'paste a token').max(16 * 1024, 'the token is longer than 16 KiB'),
});

export const tokenCheckStatusSchema = z.enum(['pass', 'fail', 'skipped']);
export type TokenCheckStatus = z.infer<typeof tokenCheckStatusSchema>;

export const tokenCheckSchema = z.object({
  /** `format`, `algorithm`, `key`, `signature`, `exp`, `nbf`, `aud`, `claim:<name>`, `client`. */
  check: z.string(),
  status: tokenCheckStatusSchema,
  /** The reason as the gateway gives it (its error message), or why the check passed or was skipped. */
  reason: z.string(),
  /** The gateway's error code when the check fails (TOKEN_EXPIRED, …). */
  code: z.string().optional(),
  /** The status the gateway would answer when this is the first failure. */
  httpStatus: z.number().int().optional(),
});
export type TokenCheck = z.infer<typeof tokenCheckSchema>;

export const tokenPolicyReportSchema = z.object({
  policyId: idSchema,
  enabled: z.boolean(),
  /** What the gateway does with this token: the first failing check decides. */
  verdict: z.enum(['accepted', 'rejected']),
  checks: z.array(tokenCheckSchema),
  /** Set when the binding cannot be evaluated (bad key in its config, JWKS unreachable…). */
  error: z.string().optional(),
});
export type TokenPolicyReport = z.infer<typeof tokenPolicyReportSchema>;

export const tokenInspectionSchema = z.object({
  /** Absent when the token cannot be decoded (`reason` says why). */
  header: z.record(z.string(), z.unknown()).optional(),
  payload: z.record(z.string(), z.unknown()).optional(),
  reason: z.string().optional(),
  /** One report per jwt-validation-flex binding of the API, in run order. */
  policies: z.array(tokenPolicyReportSchema),
});
export type TokenInspection = z.infer<typeof tokenInspectionSchema>;

export const useKeyInPolicySchema = z.strictObject({ apiId: idSchema, policyId: idSchema, kid: z.string().min(1) });
