/** Parsing `Authorization: Basic base64(user:password)` (RFC 7617). */
import type { PolicyRequest } from './types';

const BASIC = /^\s*basic\s+([A-Za-z0-9+/=_-]+)\s*$/i;

/** The base64 token of a Basic authorization header, undecoded. */
export function basicToken(header: string | undefined): string | undefined {
  if (typeof header !== 'string') return undefined;
  return BASIC.exec(header)?.[1];
}

export type BasicCredentials = { username: string; password: string };

/** Undefined when there is no Basic authorization header or it is malformed. */
export function basicCredentials(request: PolicyRequest): BasicCredentials | undefined {
  const token = basicToken(request.headers.authorization);
  if (token === undefined) return undefined;
  const decoded = Buffer.from(token, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}
