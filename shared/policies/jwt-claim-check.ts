/**
 * The `value` of a jwt-validation-flex custom claim, parsed once at compile time. Flex takes a
 * literal or a DataWeave expression that must come out true; Gatehouse accepts the forms below
 * and refuses anything else with a message listing them.
 *
 *   admin                                   literal: the claim equals it (or, for an array claim, holds it)
 *   #[vars.claimSet.role == 'admin']        equality (also `!=`)
 *   #[vars.claimSet.email matches /@acme\.test$/]   regular expression (the whole value must match, as in DataWeave)
 *   #[vars.claimSet.scope contains 'read']  substring of a string claim, or an element of an array claim
 *   #[vars.claimSet.email_verified]         the claim is the boolean true
 *   #[attributes.headers['x-tenant']]       the claim equals a request value
 *
 * `authentication.properties.claims.name` may stand wherever `vars.claimSet.name` does.
 */
import { claimReference, parseExpression, type Expression } from '../expressions';

export type ClaimCheck =
  | { kind: 'equals'; value: string; negate?: boolean }
  | { kind: 'matches'; pattern: RegExp }
  | { kind: 'contains'; value: string }
  | { kind: 'true' }
  | { kind: 'request'; expression: Expression };

export const CLAIM_CHECK_FORMS = [
  'a literal value',
  "#[vars.claimSet.name == 'value']",
  "#[vars.claimSet.name != 'value']",
  '#[vars.claimSet.name matches /regex/]',
  "#[vars.claimSet.name contains 'value']",
  '#[vars.claimSet.name] (a boolean claim)',
  "#[attributes.headers['name']] (and the other request expressions)",
] as const;

const BODY = /^#\[\s*(.*?)\s*\]$/s;
const COMPARISON = /^(.+?)\s*(==|!=|contains)\s*(?:'([^']*)'|"([^"]*)"|(-?\d+(?:\.\d+)?|true|false))$/s;
const MATCHES = /^(.+?)\s+matches\s+\/(.*)\/([imsu]*)$/s;

export type ClaimCheckResult = { ok: true; check: ClaimCheck } | { ok: false; message: string };

export function parseClaimCheck(source: string): ClaimCheckResult {
  const trimmed = source.trim();
  if (!trimmed.startsWith('#[')) return { ok: true, check: { kind: 'equals', value: source } };
  const body = BODY.exec(trimmed)?.[1];
  if (body !== undefined) {
    const matches = MATCHES.exec(body);
    if (matches && claimReference(matches[1]!) !== undefined) {
      try {
        return { ok: true, check: { kind: 'matches', pattern: new RegExp(`^(?:${matches[2]!})$`, matches[3]) } };
      } catch (error) {
        return { ok: false, message: `invalid regular expression in ${source}: ${(error as Error).message}` };
      }
    }
    const comparison = COMPARISON.exec(body);
    if (comparison && claimReference(comparison[1]!) !== undefined) {
      const value = comparison[3] ?? comparison[4] ?? comparison[5]!;
      if (comparison[2] === 'contains') return { ok: true, check: { kind: 'contains', value } };
      return { ok: true, check: { kind: 'equals', value, negate: comparison[2] === '!=' } };
    }
    if (claimReference(body) !== undefined) return { ok: true, check: { kind: 'true' } };
    const request = parseExpression(trimmed);
    if (request.ok && request.expression.kind !== 'claim') return { ok: true, check: { kind: 'request', expression: request.expression } };
  }
  return { ok: false, message: `unsupported claim check ${source}; supported forms are ${CLAIM_CHECK_FORMS.join(', ')}` };
}

function scalarText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

/** Whether a present claim passes; `requestValue` is the evaluated request expression, if any. */
export function claimPasses(check: ClaimCheck, claim: unknown, requestValue?: string): boolean {
  const values = Array.isArray(claim) ? claim.map(scalarText) : [scalarText(claim)];
  switch (check.kind) {
    case 'equals': {
      const equal = values.includes(check.value);
      return check.negate ? !equal : equal;
    }
    case 'matches':
      return values.some((value) => value !== undefined && check.pattern.test(value));
    case 'contains':
      return Array.isArray(claim) ? values.includes(check.value) : typeof claim === 'string' && claim.includes(check.value);
    case 'true':
      return claim === true;
    case 'request':
      return requestValue !== undefined && values.includes(requestValue);
  }
}
