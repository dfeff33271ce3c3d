/**
 * Edit and resend: a logged request turned into a Try it draft (method, path below the API's
 * base path, editable headers, body), handed from the traffic drawer to the API's Try it tab
 * through a one-shot slot (the draft is too large and too private for the URL).
 */
import type { TrafficBodies } from '../../../../../shared/contract/capture-models';
import type { Api } from '../../../../../shared/contract/models';
import type { TrafficEntry } from '../../../../../shared/contract/telemetry-models';
import { displayBytes, isTextual, utf8 } from '../../../lib/body-format';
import { requestTarget } from '../../../lib/har';
import { pathBelowBase } from '../../traffic/replay';
import type { HeaderRow } from './header-rows';

export interface RequestDraft {
  apiId: string;
  method: string;
  /** Path and query below the API's base path. */
  path: string;
  headers: HeaderRow[];
  body: string;
  /** Headers whose values the traffic log redacted: left out, the user types them again. */
  redacted: string[];
  /** Why the logged body is not in the draft (cut by the capture limit, binary), when it is not. */
  bodyNote?: string;
}

/** Hop-by-hop headers (RFC 9110 §7.6.1) and those the client or gateway sets afresh on every request. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te', 'trailer', 'upgrade', 'host', 'content-length']);
/** Added by Gatehouse or by a proxy in front; a resend gets them from the gateway again. */
const GATEWAY_SET = new Set(['x-request-id', 'x-forwarded-for', 'x-forwarded-host', 'x-forwarded-proto', 'x-forwarded-port', 'forwarded', 'via']);
const REDACTED = '[redacted]';

function isOwnHeader(name: string): boolean {
  // `:authority`, `:path`…: HTTP/2 pseudo-headers a browser's HAR lists among the headers.
  return HOP_BY_HOP.has(name) || GATEWAY_SET.has(name) || name.startsWith('x-gatehouse-') || name.startsWith(':');
}

/**
 * The API an imported entry (from a HAR file, no API of its own) most likely went to: the one
 * named in Gatehouse's own HAR fields, else the one whose base path is the longest prefix of
 * the entry's path, else none (the user chooses).
 */
export function likelyApi(entry: TrafficEntry, apis: readonly Api[]): Api | undefined {
  const named = entry.apiName ? apis.find((api) => api.name === entry.apiName) : undefined;
  if (named) return named;
  const under = apis.filter((api) => api.basePath !== '/' && (entry.path === api.basePath || entry.path.startsWith(`${api.basePath}/`)));
  return under.sort((a, b) => b.basePath.length - a.basePath.length)[0] ?? apis.find((api) => api.basePath === '/');
}

export function draftFromTraffic(entry: TrafficEntry, api: Api, bodies: TrafficBodies | undefined): RequestDraft {
  const headers: HeaderRow[] = [];
  const redacted: string[] = [];
  for (const [name, value] of Object.entries(entry.requestHeaders ?? {})) {
    const lower = name.toLowerCase();
    if (isOwnHeader(lower)) continue;
    if (value === REDACTED) redacted.push(name);
    else headers.push({ name, value });
  }
  const draft: RequestDraft = { apiId: api.id, method: entry.method.toUpperCase(), path: pathBelowBase(requestTarget(entry), api.basePath), headers, body: '', redacted };
  const request = bodies?.request;
  if (request) {
    const bytes = displayBytes(request);
    if (request.truncated) draft.bodyNote = `The logged body was cut at ${request.captured} of ${request.size} bytes, so it is not filled in.`;
    else if (!isTextual(request.contentType, bytes)) draft.bodyNote = `The logged body is binary (${bytes.length} bytes) and cannot be edited here.`;
    else draft.body = utf8(bytes);
  } else if (entry.method !== 'GET' && entry.method !== 'HEAD' && (entry.bytesIn ?? 0) > 0) {
    draft.bodyNote = 'The body of this request was not kept (body capture was off).';
  }
  return draft;
}

// One draft at a time: set by "Edit and resend", read by the Try it tab of that API when it opens.
let pending: RequestDraft | undefined;

export function handOverDraft(draft: RequestDraft): void {
  pending = draft;
}

/** The draft for this API, if one is waiting; it stays until `clearDraft` (a remount in strict mode reads it again). */
export function peekDraft(apiId: string): RequestDraft | undefined {
  return pending?.apiId === apiId ? pending : undefined;
}

export function clearDraft(draft: RequestDraft): void {
  if (pending === draft) pending = undefined;
}
