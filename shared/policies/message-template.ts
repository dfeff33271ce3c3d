/**
 * Messages and conditions of message-logging-flex: the DataWeave forms Flex's examples use,
 * parsed once when the config is validated. A message is plain text or `#[ … ]` holding
 * string literals and attribute references joined with `++`; a condition is `#[true]`,
 * `#[false]`, or two such operands compared with `==` / `!=`. References are the common
 * expression forms (shared/expressions.ts) plus `attributes.statusCode`, and after the
 * upstream `attributes.headers['name']` reads the response's headers.
 */
import { parseExpression, SUPPORTED_EXPRESSIONS, type Expression } from '../expressions';

export type TemplatePart = { kind: 'text'; value: string } | { kind: 'ref'; ref: Expression | { kind: 'statusCode' } };

export type MessageTemplate = TemplatePart[];

export type ConditionTemplate = { kind: 'constant'; value: boolean } | { kind: 'compare'; left: MessageTemplate; op: '==' | '!='; right: MessageTemplate } | { kind: 'truthy'; value: MessageTemplate };

export type TemplateResult<T> = { ok: true; value: T } | { ok: false; message: string };

const FORMS = `supported: plain text, or #[ … ] with 'text', ${[...SUPPORTED_EXPRESSIONS.map((form) => form.slice(2, -1)), 'attributes.statusCode'].join(', ')} joined by ++`;

export function parseMessage(source: string): TemplateResult<MessageTemplate> {
  const body = expressionBody(source);
  if (body === undefined) return { ok: true, value: [{ kind: 'text', value: source }] };
  const tokens = tokenize(body);
  if (!tokens.ok) return tokens;
  return operands(tokens.value, source);
}

export function parseCondition(source: string): TemplateResult<ConditionTemplate> {
  const body = expressionBody(source);
  if (body === undefined) {
    const word = source.trim().toLowerCase();
    if (word === 'true' || word === 'false') return { ok: true, value: { kind: 'constant', value: word === 'true' } };
    return { ok: false, message: `a condition is #[…] (or true/false), got "${source}"` };
  }
  const trimmed = body.trim();
  if (trimmed === 'true' || trimmed === 'false') return { ok: true, value: { kind: 'constant', value: trimmed === 'true' } };
  const tokens = tokenize(body);
  if (!tokens.ok) return tokens;
  const at = tokens.value.findIndex((token) => token === '==' || token === '!=');
  if (at < 0) {
    const value = operands(tokens.value, source);
    return value.ok ? { ok: true, value: { kind: 'truthy', value: value.value } } : value;
  }
  const left = operands(tokens.value.slice(0, at), source);
  if (!left.ok) return left;
  const right = operands(tokens.value.slice(at + 1), source);
  if (!right.ok) return right;
  return { ok: true, value: { kind: 'compare', left: left.value, op: tokens.value[at] as '==' | '!=', right: right.value } };
}

function expressionBody(source: string): string | undefined {
  const trimmed = source.trim();
  if (!trimmed.startsWith('#[')) return undefined;
  if (!trimmed.endsWith(']')) return undefined;
  return trimmed.slice(2, -1);
}

/** A token is an operator (`++`, `==`, `!=`), a quoted literal (kept with its quote) or a reference. */
type Token = string;

function tokenize(body: string): TemplateResult<Token[]> {
  const tokens: Token[] = [];
  let i = 0;
  while (i < body.length) {
    const c = body[i]!;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
      continue;
    }
    const two = body.slice(i, i + 2);
    if (two === '++' || two === '==' || two === '!=') {
      tokens.push(two);
      i += 2;
      continue;
    }
    if (c === "'" || c === '"') {
      let j = i + 1;
      let text = '';
      while (j < body.length && body[j] !== c) {
        if (body[j] === '\\' && j + 1 < body.length) j++;
        text += body[j];
        j++;
      }
      if (j >= body.length) return { ok: false, message: `unclosed string literal in #[${body}]` };
      tokens.push(c + text);
      i = j + 1;
      continue;
    }
    // A reference runs to the next operator or space outside brackets and quotes.
    let j = i;
    let depth = 0;
    let quote = '';
    while (j < body.length) {
      const d = body[j]!;
      if (quote) {
        if (d === quote) quote = '';
      } else if (d === "'" || d === '"') quote = d;
      else if (d === '[') depth++;
      else if (d === ']') depth--;
      else if (depth === 0 && (d === ' ' || d === '\t' || d === '+' || d === '=' || d === '!')) break;
      j++;
    }
    if (j === i) return { ok: false, message: `unexpected "${c}" in #[${body}]; operators are ++, == and !=` };
    tokens.push(body.slice(i, j));
    i = j;
  }
  return { ok: true, value: tokens };
}

function operands(tokens: Token[], source: string): TemplateResult<MessageTemplate> {
  const parts: MessageTemplate = [];
  if (tokens.length === 0) return { ok: false, message: `empty expression ${source}; ${FORMS}` };
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (i % 2 === 1) {
      if (token !== '++') return { ok: false, message: `expected ++ between operands in ${source}, got "${token}"; ${FORMS}` };
      continue;
    }
    if (token === '++' || token === '==' || token === '!=') return { ok: false, message: `misplaced ${token} in ${source}` };
    if (token[0] === "'" || token[0] === '"') {
      parts.push({ kind: 'text', value: token.slice(1) });
      continue;
    }
    if (/^-?\d+(\.\d+)?$/.test(token)) {
      parts.push({ kind: 'text', value: token });
      continue;
    }
    if (token === 'attributes.statusCode') {
      parts.push({ kind: 'ref', ref: { kind: 'statusCode' } });
      continue;
    }
    const parsed = parseExpression(`#[${token}]`);
    if (!parsed.ok || parsed.expression.kind === 'literal') return { ok: false, message: `unsupported reference "${token}" in ${source}; ${FORMS}` };
    parts.push({ kind: 'ref', ref: parsed.expression });
  }
  if (tokens.length % 2 === 0) return { ok: false, message: `${source} ends with ++` };
  return { ok: true, value: parts };
}
