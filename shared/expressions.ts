/**
 * The DataWeave subset Gatehouse accepts where Flex takes an expression (keySelector,
 * ipExpression, clientIdExpression, header values, …). Parsed once at config-compile time;
 * evaluation is a property lookup.
 */

export type Expression =
  | { kind: 'header'; name: string }
  | { kind: 'query'; name: string }
  | { kind: 'method' }
  | { kind: 'requestPath' }
  | { kind: 'remoteAddress' }
  /** A claim of the token a JWT policy validated earlier in the chain (Flex: authentication.properties.claims). */
  | { kind: 'claim'; name: string }
  /** Who an authentication policy earlier in the chain says the caller is (Flex: authentication.principal; a JWT's sub). */
  | { kind: 'principal' }
  /** The client id an authentication policy earlier in the chain identified (Flex: authentication.clientId). */
  | { kind: 'clientId' }
  | { kind: 'literal'; value: string };

/** What an expression can read: the request as the gateway sees it. */
export interface ExpressionAttributes {
  method: string;
  requestPath: string;
  remoteAddress: string;
  /** Lower-cased header names (as Node gives them). */
  headers: Record<string, string | string[] | undefined>;
  query: URLSearchParams;
  /** Claims of a token validated earlier in the chain, when there is one. */
  claims?: Readonly<Record<string, unknown>>;
  principal?: string;
  clientId?: string;
}

export const SUPPORTED_EXPRESSIONS = [
  "#[attributes.headers['name']]",
  "#[attributes.queryParams['name']]",
  '#[attributes.method]',
  '#[attributes.requestPath]',
  '#[attributes.remoteAddress]',
  '#[authentication.properties.claims.name]',
  '#[authentication.principal]',
  '#[authentication.clientId]',
] as const;

export type ParseResult = { ok: true; expression: Expression } | { ok: false; message: string };

const BODY = /^#\[\s*(.*?)\s*\]$/s;
const INDEXED = /^attributes\.(headers|queryParams)\s*\[\s*(?:'([^']*)'|"([^"]*)")\s*\]$/;
const DOTTED_HEADER = /^attributes\.(headers|queryParams)\.([A-Za-z0-9_-]+)$/;
/** `authentication.properties.claims.sub` (Flex) and `vars.claimSet.sub` (Flex's claim-validation form), dotted or indexed. */
const CLAIM = /^(?:authentication\.properties\.claims|vars\.claimSet)\s*(?:\.\s*([A-Za-z_$][\w$-]*)|\[\s*(?:'([^']*)'|"([^"]*)")\s*\])$/;

/** The claim named by a claim reference (without `#[ ]`), or undefined when it is not one. */
export function claimReference(body: string): string | undefined {
  const match = CLAIM.exec(body.trim());
  const name = match ? (match[1] ?? match[2] ?? match[3]) : undefined;
  return name ? name : undefined;
}

/** How a claim value reads as text (header values, keys): strings as they are, arrays joined, objects as JSON. */
export function claimText(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map((item) => (typeof item === 'string' ? item : JSON.stringify(item))).join(', ');
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** True when the value is written as an expression (`#[...]`), not a literal. */
export function isExpression(source: string): boolean {
  return source.trimStart().startsWith('#[');
}

export function parseExpression(source: string): ParseResult {
  const trimmed = source.trim();
  if (!isExpression(trimmed)) return { ok: true, expression: { kind: 'literal', value: source } };
  const body = BODY.exec(trimmed)?.[1];
  if (body === undefined) return unsupported(source);
  switch (body) {
    case 'attributes.method':
      return { ok: true, expression: { kind: 'method' } };
    case 'attributes.requestPath':
      return { ok: true, expression: { kind: 'requestPath' } };
    case 'attributes.remoteAddress':
      return { ok: true, expression: { kind: 'remoteAddress' } };
    case 'authentication.principal':
      return { ok: true, expression: { kind: 'principal' } };
    case 'authentication.clientId':
      return { ok: true, expression: { kind: 'clientId' } };
  }
  const claim = claimReference(body);
  if (claim !== undefined) return { ok: true, expression: { kind: 'claim', name: claim } };
  const indexed = INDEXED.exec(body) ?? DOTTED_HEADER.exec(body);
  if (indexed) {
    const name = indexed[2] ?? indexed[3] ?? '';
    if (!name) return { ok: false, message: `empty name in expression ${source}` };
    return indexed[1] === 'headers'
      ? { ok: true, expression: { kind: 'header', name: name.toLowerCase() } }
      : { ok: true, expression: { kind: 'query', name } };
  }
  return unsupported(source);
}

function unsupported(source: string): ParseResult {
  return {
    ok: false,
    message: `unsupported expression ${source}; supported forms are ${SUPPORTED_EXPRESSIONS.join(', ')}`,
  };
}

export function evaluateExpression(expression: Expression, attributes: ExpressionAttributes): string | undefined {
  switch (expression.kind) {
    case 'literal':
      return expression.value;
    case 'method':
      return attributes.method;
    case 'requestPath':
      return attributes.requestPath;
    case 'remoteAddress':
      return attributes.remoteAddress;
    case 'header': {
      const value = attributes.headers[expression.name];
      return Array.isArray(value) ? value.join(', ') : value;
    }
    case 'query':
      return attributes.query.get(expression.name) ?? undefined;
    case 'claim':
      return claimText(attributes.claims?.[expression.name]);
    case 'principal':
      return attributes.principal;
    case 'clientId':
      return attributes.clientId;
  }
}

/** Parses or throws; for code paths that already validated the config. */
export function compileExpression(source: string): (attributes: ExpressionAttributes) => string | undefined {
  const parsed = parseExpression(source);
  if (!parsed.ok) throw new Error(parsed.message);
  const expression = parsed.expression;
  return (attributes) => evaluateExpression(expression, attributes);
}
