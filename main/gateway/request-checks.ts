/**
 * Requests the gateway refuses before routing, because an upstream could read them differently
 * from the gateway (RFC 9112 §3.2 and §6.1; the hardened defaults of nginx and Envoy):
 * - two Host headers, or Transfer-Encoding on an HTTP/1.0 request (framing that cannot be trusted);
 * - `.`/`..` path segments, also percent-encoded or followed by `;parameters` (`..;/`, which
 *   servlet containers read as `..`): the upstream could resolve them above the API's base path;
 * - encoded slashes and backslashes (`%2F`, `%5C`) and raw backslashes: a server that decodes or
 *   normalizes them sees a different path than the gateway routed. An API may allow these.
 */
import type { IncomingMessage } from 'node:http';

/** Why the request head is refused (400, connection closed), or undefined. */
export function headProblem(req: IncomingMessage): string | undefined {
  if (req.httpVersionMinor === 0 && req.headers['transfer-encoding'] !== undefined)
    return 'Transfer-Encoding is not allowed in an HTTP/1.0 request (RFC 9112 §6.1)';
  const raw = req.rawHeaders;
  let hosts = 0;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    if (name.length === 4 && (name === 'Host' || name === 'host' || name.toLowerCase() === 'host') && ++hosts > 1)
      return 'more than one Host header (RFC 9112 §3.2)';
  }
  return undefined;
}

/** Dot segments, refused for every API: routing itself would be ambiguous. */
export function dotSegmentProblem(path: string): string | undefined {
  if (path.charCodeAt(0) !== 47 /* / */) return 'the request path must start with "/"';
  if (path.indexOf('/.') < 0 && path.indexOf('%') < 0) return undefined;
  for (const segment of path.split('/')) {
    if (isDotSegment(segment)) return `the request path must not contain "." or ".." segments (also encoded or with ";" parameters): "${segment}"`;
  }
  return undefined;
}

/** Encoded slashes and backslashes, refused unless the API allows them. */
export function encodedSeparatorProblem(path: string): string | undefined {
  if (path.indexOf('%') < 0 && path.indexOf('\\') < 0) return undefined;
  if (path.indexOf('\\') >= 0) return 'the request path must not contain a backslash';
  const lower = path.toLowerCase();
  if (lower.indexOf('%2f') >= 0) return 'the request path must not contain an encoded slash (%2F)';
  if (lower.indexOf('%5c') >= 0) return 'the request path must not contain an encoded backslash (%5C)';
  return undefined;
}

function isDotSegment(segment: string): boolean {
  if (segment === '') return false;
  const semicolon = segment.indexOf(';');
  const name = (semicolon < 0 ? segment : segment.slice(0, semicolon)).toLowerCase();
  if (name.indexOf('.') < 0 && name.indexOf('%2e') < 0) return false;
  const decoded = name.replaceAll('%2e', '.');
  return decoded === '.' || decoded === '..';
}
