/**
 * Expressions compiled straight against a PolicyRequest: parsed once in create(), evaluated per
 * request as one property lookup, with no attributes object allocated per request.
 */
import { claimText, parseExpression } from '../../shared/expressions';
import type { PolicyRequest } from './types';

export type RequestValue = (request: PolicyRequest) => string | undefined;

/** Throws with the supported-forms message for anything else (the catalogue schema already said so). */
export function compileRequestExpression(source: string): RequestValue {
  const parsed = parseExpression(source);
  if (!parsed.ok) throw new Error(parsed.message);
  const expression = parsed.expression;
  switch (expression.kind) {
    case 'literal': {
      const value = expression.value;
      return () => value;
    }
    case 'method':
      return (request) => request.method;
    case 'requestPath':
      return (request) => request.path;
    case 'remoteAddress':
      return (request) => request.remoteAddress;
    case 'header': {
      const name = expression.name;
      return (request) => {
        const value = request.headers[name];
        return Array.isArray(value) ? value.join(', ') : value;
      };
    }
    case 'query': {
      const name = expression.name;
      return (request) => request.query.get(name) ?? undefined;
    }
    case 'claim': {
      const name = expression.name;
      return (request) => claimText(request.authentication?.properties.claims[name]);
    }
    case 'principal':
      return (request) => request.authentication?.principal;
    case 'clientId':
      return (request) => request.authentication?.clientId;
  }
}

const UNSAFE_HEADER_CHAR = /[^\t\x20-\x7e\x80-\xff]/;
const UNSAFE_HEADER_CHARS = /[^\t\x20-\x7e\x80-\xff]/g;

/** Makes a value safe to send as a header (a query parameter may decode to a newline). */
export function headerSafe(value: string): string {
  return UNSAFE_HEADER_CHAR.test(value) ? value.replace(UNSAFE_HEADER_CHARS, '') : value;
}
