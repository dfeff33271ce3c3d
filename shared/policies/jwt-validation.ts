/**
 * jwt-validation-flex: keys, defaults and meanings from Flex Gateway's JWT Validation policy
 * page (local mode). `clockSkewSeconds` is Gatehouse's own addition (absent: no leeway, as Flex).
 */
import { z } from 'zod';
import type { PolicyCatalogueEntry } from './catalogue-entry';
import { expressionString } from './common';
import { parseClaimCheck } from './jwt-claim-check';

export const DEFAULT_JWT_EXPRESSION = "#[attributes.headers['jwt']]";
export const DEFAULT_JWT_CLIENT_ID_EXPRESSION = '#[vars.claimSet.client_id]';

const customClaim = z
  .object({
    key: z.string().min(1).describe('Claim name, e.g. iss or scope'),
    value: z
      .string()
      .superRefine((value, ctx) => {
        const parsed = parseClaimCheck(value);
        if (!parsed.ok) ctx.addIssue({ code: 'custom', message: parsed.message });
      })
      .describe("What the claim must be: a literal, or #[vars.claimSet.<key> == 'x'], matches /regex/, contains 'x', or a request expression"),
  })
  .strict();
export type JwtCustomClaim = z.infer<typeof customClaim>;

const jwksUrls = z.string().superRefine((value, ctx) => {
  const urls = splitList(value);
  if (urls.length === 0) ctx.addIssue({ code: 'custom', message: 'expected one or more JWKS URLs, separated by commas' });
  for (const url of urls) {
    let parsed: URL | undefined;
    try {
      parsed = new URL(url);
    } catch {
      parsed = undefined;
    }
    if (!parsed || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')) ctx.addIssue({ code: 'custom', message: `not an http(s) URL: "${url}"` });
  }
});

export const jwtValidationSchema = z
  .object({
    jwtOrigin: z
      .enum(['httpBearerAuthenticationHeader', 'customExpression'])
      .default('httpBearerAuthenticationHeader')
      .describe('Where the token is: the Authorization: Bearer header, or the jwtExpression'),
    jwtExpression: expressionString().default(DEFAULT_JWT_EXPRESSION).describe('Expression giving the token when jwtOrigin is customExpression'),
    signingMethod: z.enum(['rsa', 'hmac', 'es', 'none']).default('rsa').describe('Signing method tokens must use; none skips the signature check'),
    signingKeyLength: z
      .union([z.literal(256), z.literal(384), z.literal(512)])
      .default(256)
      .describe('SHA-2 size of the algorithm: 256, 384 or 512 (RS256/PS256, HS384, ES512 on P-521, …)'),
    jwtKeyOrigin: z.enum(['text', 'jwks']).default('text').describe('Where the verification key comes from: textKey, or the JWKS at jwksUrl'),
    textKey: z.string().optional().describe('HMAC shared secret, or a PEM public key or certificate (header and footer optional) for rsa and es'),
    jwksUrl: jwksUrls.optional().describe('URL of the JWKS with the public keys; several URLs separated by commas'),
    jwksServiceTimeToLive: z.number().int().min(0).default(60).describe('Minutes a fetched JWKS is used before it is fetched again'),
    jwksServiceConnectionTimeout: z.number().int().positive().default(10000).describe('Milliseconds to wait for each JWKS server'),
    skipClientIdValidation: z
      .boolean()
      .default(true)
      .describe('When false, the client id from clientIdExpression must be an application with an approved contract for this API'),
    clientIdExpression: expressionString().default(DEFAULT_JWT_CLIENT_ID_EXPRESSION).describe('Where the client id comes from (usually a claim)'),
    validateAudClaim: z.boolean().default(false).describe('Check the aud claim against supportedAudiences'),
    mandatoryAudClaim: z.boolean().default(false).describe('Reject tokens without an aud claim'),
    supportedAudiences: z.string().default('').describe('Accepted audiences, separated by commas; aud must hold at least one'),
    mandatoryExpClaim: z.boolean().default(false).describe('Reject tokens without an exp claim (a present exp is always checked)'),
    mandatoryNbfClaim: z.boolean().default(false).describe('Reject tokens without an nbf claim (a present nbf is always checked)'),
    validateCustomClaim: z.boolean().default(false).describe('Check mandatoryCustomClaims and nonMandatoryCustomClaims'),
    mandatoryCustomClaims: z.array(customClaim).default([]).describe('Claims that must be present and pass their check'),
    nonMandatoryCustomClaims: z.array(customClaim).default([]).describe('Claims checked only when present'),
    clockSkewSeconds: z.number().int().min(0).max(300).optional().describe('Beyond Flex: seconds of leeway for exp and nbf (default 0)'),
  })
  .strict()
  .superRefine((config, ctx) => {
    if (config.signingMethod === 'none') return;
    if (config.jwtKeyOrigin === 'text' && !config.textKey)
      ctx.addIssue({ code: 'custom', path: ['textKey'], message: `signingMethod ${config.signingMethod} with jwtKeyOrigin text needs textKey` });
    if (config.jwtKeyOrigin === 'text' && config.textKey) {
      const problem = textKeyProblem(config.signingMethod, config.textKey);
      if (problem) ctx.addIssue({ code: 'custom', path: ['textKey'], message: problem });
    }
    if (config.jwtKeyOrigin === 'jwks' && !config.jwksUrl) ctx.addIssue({ code: 'custom', path: ['jwksUrl'], message: 'jwtKeyOrigin jwks needs jwksUrl' });
    if (config.jwtKeyOrigin === 'jwks' && config.signingMethod === 'hmac')
      ctx.addIssue({ code: 'custom', path: ['jwtKeyOrigin'], message: 'hmac keys are shared secrets and are never read from a JWKS; use jwtKeyOrigin text' });
  });
export type JwtValidationConfig = z.infer<typeof jwtValidationSchema>;

const PEM_BLOCK = /^-----BEGIN ([A-Z0-9 ]+)-----\s+([A-Za-z0-9+/=\s]+?)\s*-----END \1-----$/;

/**
 * What can be said of textKey without parsing it (shared code has no crypto), so that
 * `gatehouse validate` catches the common mistakes; the gateway parses the key itself when it
 * compiles the binding and refuses a key of the wrong type or curve.
 */
export function textKeyProblem(method: JwtValidationConfig['signingMethod'], text: string): string | undefined {
  const trimmed = text.trim();
  const isPem = trimmed.startsWith('-----BEGIN');
  if (method === 'hmac')
    return isPem ? 'is a PEM block, but signingMethod hmac needs the shared secret (a public key used as an HMAC secret would let anyone sign)' : undefined;
  if (method === 'none') return undefined;
  if (/PRIVATE KEY-----/.test(trimmed)) return 'is a private key; give the public key (never put a private key in a gateway config)';
  if (!isPem) return /^[A-Za-z0-9+/]+=*$/.test(trimmed.replace(/\s+/g, '')) ? undefined : 'is not a PEM public key (nor its base64 body without the BEGIN/END lines)';
  const block = PEM_BLOCK.exec(trimmed);
  if (!block) return 'is not a well-formed PEM block';
  return block[1] === 'PUBLIC KEY' || block[1] === 'RSA PUBLIC KEY' || block[1] === 'CERTIFICATE' ? undefined : `is a PEM ${block[1]}, not a public key or certificate`;
}

/** Flex's comma-separated lists (jwksUrl, supportedAudiences). */
export function splitList(value: string): string[] {
  return value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

export const jwtValidationEntry: PolicyCatalogueEntry<typeof jwtValidationSchema> = {
  name: 'jwt-validation-flex',
  title: 'JWT validation',
  description: 'Checks the signature and claims of a JSON Web Token: no token 400, a bad or expired token 401.',
  category: 'security',
  scope: 'request',
  schema: jwtValidationSchema,
  defaults: { signingMethod: 'hmac', signingKeyLength: 256, jwtKeyOrigin: 'text', skipClientIdValidation: true },
  fields: {
    jwtOrigin: { label: 'Token from', help: 'Where callers put the token', options: { httpBearerAuthenticationHeader: 'Authorization: Bearer header', customExpression: 'Custom expression' } },
    jwtExpression: { label: 'Token expression', help: 'Expression giving the token', showWhen: { jwtOrigin: ['customExpression'] } },
    signingMethod: {
      label: 'Signing method',
      help: 'Tokens must be signed this way; the token cannot choose another',
      options: { rsa: 'RSA (RS/PS)', hmac: 'HMAC shared secret (HS)', es: 'Elliptic curve (ES)', none: 'None: no signature check (unsafe)' },
    },
    signingKeyLength: { label: 'Key length', options: { '256': 'SHA-256 (RS256, HS256, ES256)', '384': 'SHA-384', '512': 'SHA-512' }, showWhen: { signingMethod: ['rsa', 'hmac', 'es'] } },
    jwtKeyOrigin: { label: 'Key from', help: 'Where the verification key comes from', options: { text: 'Key text', jwks: 'JWKS URL' }, showWhen: { signingMethod: ['rsa', 'hmac', 'es'] } },
    textKey: {
      label: 'Key',
      help: 'HMAC: the shared secret. RSA and ES: a PEM public key or certificate (header and footer optional)',
      userSupplied: true,
      showWhen: { jwtKeyOrigin: ['text'], signingMethod: ['rsa', 'hmac', 'es'] },
    },
    jwksUrl: { label: 'JWKS URLs', separator: ',', placeholder: 'https://issuer.example.com/.well-known/jwks.json', help: 'Where the public keys are published', showWhen: { jwtKeyOrigin: ['jwks'] } },
    jwksServiceTimeToLive: { label: 'Reuse fetched keys for', unit: 'minutes', showWhen: { jwtKeyOrigin: ['jwks'] } },
    jwksServiceConnectionTimeout: { label: 'JWKS fetch timeout', unit: 'milliseconds', showWhen: { jwtKeyOrigin: ['jwks'] } },
    skipClientIdValidation: { label: 'Skip the client ID check', help: 'Off: the client ID in the token must be an application with an approved contract for this API' },
    clientIdExpression: { label: 'Client ID from', help: 'Usually a claim, e.g. #[vars.claimSet.client_id]', showWhen: { skipClientIdValidation: [false] } },
    validateAudClaim: { label: 'Check the audience (aud)', help: 'The token must be meant for one of the accepted audiences' },
    mandatoryAudClaim: { label: 'Require an audience claim', showWhen: { validateAudClaim: [true] } },
    supportedAudiences: { label: 'Accepted audiences', separator: ',', placeholder: 'https://api.example.com', help: 'The token’s aud must hold at least one', showWhen: { validateAudClaim: [true] } },
    mandatoryExpClaim: { label: 'Require an expiry claim (exp)', help: 'A present exp is always checked' },
    mandatoryNbfClaim: { label: 'Require a not-before claim (nbf)', help: 'A present nbf is always checked' },
    validateCustomClaim: { label: 'Check other claims', help: 'Check the required and optional claims below' },
    mandatoryCustomClaims: { label: 'Required claims', itemLabel: 'Required claim', help: 'Must be present and pass their check', showWhen: { validateCustomClaim: [true] } },
    'mandatoryCustomClaims.key': { label: 'Claim', placeholder: 'iss' },
    'mandatoryCustomClaims.value': { label: 'Must be', help: "A literal, or #[vars.claimSet.<claim> == 'x'], matches /regex/, contains 'x'" },
    nonMandatoryCustomClaims: { label: 'Optional claims', itemLabel: 'Optional claim', help: 'Checked only when present', showWhen: { validateCustomClaim: [true] } },
    'nonMandatoryCustomClaims.key': { label: 'Claim', placeholder: 'scope' },
    'nonMandatoryCustomClaims.value': { label: 'Must be', help: "A literal, or #[vars.claimSet.<claim> == 'x'], matches /regex/, contains 'x'" },
    clockSkewSeconds: { label: 'Clock leeway', unit: 'seconds', help: 'Beyond Flex: leeway for exp and nbf (default none)' },
  },
};
