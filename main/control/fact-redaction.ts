/**
 * Request facts keep request and response headers for the traffic view; credentials in them
 * must not land in the request log. Values of these headers are replaced in place.
 */
import type { RequestFact } from '../gateway/telemetry';

const SECRET_HEADERS = new Set(['authorization', 'proxy-authorization', 'cookie', 'set-cookie', 'client_secret', 'x-client-secret', 'x-api-key']);
export const REDACTED = '[redacted]';

export function redactFact(fact: RequestFact): void {
  redact(fact.requestHeaders);
  redact(fact.responseHeaders);
}

function redact(headers: Record<string, string> | undefined): void {
  if (!headers) return;
  for (const name in headers) if (SECRET_HEADERS.has(name)) headers[name] = REDACTED;
}
