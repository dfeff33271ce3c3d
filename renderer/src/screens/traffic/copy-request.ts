/** A logged request as Copy as curl / HTTPie / fetch input: full URL with its query, sendable headers, the kept body. */
import type { TrafficBodies } from '../../../../shared/contract/capture-models';
import type { TrafficEntry } from '../../../../shared/contract/telemetry-models';
import { displayBytes, isTextual, utf8 } from '../../lib/body-format';
import type { CurlRequest } from '../../lib/curl';
import { requestTarget } from '../../lib/har';

/** Set by the client or the connection; a copied command lets its client set them. */
const NOT_COPIED = new Set(['host', 'content-length', 'connection', 'keep-alive', 'transfer-encoding', 'accept-encoding', 'x-gatehouse-try-id']);

/** The request body as text, when it was kept whole and is text (a cut or binary body cannot be sent again as is). */
export function resendableBody(bodies: TrafficBodies | undefined): string | undefined {
  const body = bodies?.request;
  if (!body || body.truncated) return undefined;
  const bytes = displayBytes(body);
  return isTextual(body.contentType, bytes) ? utf8(bytes) : undefined;
}

export function copyRequest(entry: TrafficEntry, origin: string, bodies: TrafficBodies | undefined): CurlRequest {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(entry.requestHeaders ?? {})) if (!NOT_COPIED.has(name.toLowerCase())) headers[name] = value;
  const request: CurlRequest = { method: entry.method, url: origin + requestTarget(entry), headers };
  const body = resendableBody(bodies);
  if (body !== undefined) request.body = body;
  return request;
}
