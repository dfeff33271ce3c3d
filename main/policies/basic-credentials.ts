/** Parsing `Authorization: Basic base64(user:password)` (RFC 7617). */
import type { PolicyRequest } from './types';

export type BasicCredentials = { username: string; password: string };

/** Undefined when there is no Basic authorization header or it is malformed. */
export function basicCredentials(request: PolicyRequest): BasicCredentials | undefined {
  const header = request.headers.authorization;
  if (typeof header !== 'string') return undefined;
  const match = /^\s*basic\s+([A-Za-z0-9+/=_-]+)\s*$/i.exec(header);
  if (!match) return undefined;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}
