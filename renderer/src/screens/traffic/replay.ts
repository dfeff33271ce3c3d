/** Turns a logged request back into a `try.send` input (path below the API's base path, safe headers). */
import type { Api, TryRequest } from '../../../../shared/contract/models';
import type { TrafficEntry } from '../../../../shared/contract/telemetry-models';
import { requestTarget } from '../../lib/har';

/** Set by the client or the transport; a replay must let the gateway set them afresh. */
const DROPPED = new Set(['host', 'content-length', 'connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'te', 'trailer', 'proxy-connection', 'x-request-id', 'x-forwarded-for', 'x-forwarded-host', 'x-forwarded-proto', 'x-forwarded-port', 'x-gatehouse-try-id']);

export function pathBelowBase(path: string, basePath: string): string {
  if (basePath === '/' || basePath === '') return path;
  if (path === basePath) return '/';
  if (path.startsWith(`${basePath}/`) || path.startsWith(`${basePath}?`)) {
    const rest = path.slice(basePath.length);
    return rest.startsWith('?') ? `/${rest}` : rest;
  }
  return path;
}

/** The same request again: path and query below the API's base path, headers, and the body when it was kept whole. */
export function replayRequest(entry: TrafficEntry, api: Api, body?: string): TryRequest {
  const headers: Record<string, string> = {};
  // `:authority`, `:path`…: HTTP/2 pseudo-headers a browser's HAR lists; not headers to send.
  for (const [name, value] of Object.entries(entry.requestHeaders ?? {})) if (!DROPPED.has(name.toLowerCase()) && !name.startsWith(':')) headers[name] = value;
  const request: TryRequest = { apiId: api.id, method: entry.method, path: pathBelowBase(requestTarget(entry), api.basePath), headers };
  if (body !== undefined) request.body = body;
  return request;
}
