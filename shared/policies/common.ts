import { z } from 'zod';
import { parseExpression } from '../expressions';

/** A string that must be a supported expression (or a literal when `allowLiteral`). */
export function expressionString(options: { allowLiteral?: boolean } = {}) {
  return z.string().superRefine((value, ctx) => {
    const parsed = parseExpression(value);
    if (!parsed.ok) ctx.addIssue({ code: 'custom', message: parsed.message });
    else if (!options.allowLiteral && parsed.expression.kind === 'literal')
      ctx.addIssue({ code: 'custom', message: `expected an expression such as #[attributes.headers['x-client']], got "${value}"` });
  });
}

/** A string that must compile as a JavaScript regular expression. */
export const regexString = z.string().superRefine((value, ctx) => {
  try {
    new RegExp(value);
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: `invalid regular expression: ${(error as Error).message}` });
  }
});

/**
 * Flex's policy `rules`: a binding applies when any rule matches (OR); inside one rule every
 * given field must match (AND). Values are regexes matched against the whole value.
 */
export const policyRuleSchema = z
  .object({
    path: regexString.optional(),
    methods: z.union([regexString, z.array(z.string())]).optional(),
    host: regexString.optional(),
    headers: z.array(z.record(z.string(), regexString)).optional(),
  })
  .strict();
export type PolicyRule = z.infer<typeof policyRuleSchema>;
export const policyRulesSchema = z.array(policyRuleSchema);

export const rateLimitWindowSchema = z
  .object({
    maximumRequests: z.number().int().positive(),
    timePeriodInMilliseconds: z.number().int().positive(),
  })
  .strict();
export type RateLimitWindow = z.infer<typeof rateLimitWindowSchema>;

export const headerListSchema = z.array(z.object({ key: z.string().min(1), value: z.string() }).strict());

/** An HTTP field name (RFC 9110 token). */
export const headerNameString = z.string().regex(/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/, 'not a valid HTTP header name');
