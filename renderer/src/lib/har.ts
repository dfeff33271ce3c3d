/**
 * HAR 1.2 export of request-log entries, so traffic opens in browser devtools, Charles or
 * HTTP Toolkit: the full URL with its queryString, headers, the captured bodies (request
 * postData, response content.text, decoded; base64 with `encoding: "base64"` where binary) and
 * timings. Sizes unknown to the log are -1, as the spec allows. A body the capture limit cut
 * says so in `comment` and in Gatehouse's own `_truncated` field.
 */
import type { CapturedBody, TrafficBodies } from '../../../shared/contract/capture-models';
import type { TrafficEntry } from '../../../shared/contract/telemetry-models';
import { base64FromBytes, displayBytes, isDecoded, isTextual, truncationNote, utf8 } from './body-format';

export interface HarHeader {
  name: string;
  value: string;
}

export interface HarPostData {
  mimeType: string;
  text: string;
  params?: [];
  comment?: string;
  /** Not in HAR 1.2 for requests: set to "base64" when `text` holds a binary body. */
  _encoding?: 'base64';
  _truncated?: { captured: number; size: number };
}

export interface HarContent {
  size: number;
  compression?: number;
  mimeType: string;
  text?: string;
  encoding?: 'base64';
  comment?: string;
  _truncated?: { captured: number; size: number };
}

export interface HarEntry {
  startedDateTime: string;
  time: number;
  request: { method: string; url: string; httpVersion: string; cookies: []; headers: HarHeader[]; queryString: HarHeader[]; postData?: HarPostData; headersSize: -1; bodySize: number };
  response: { status: number; statusText: string; httpVersion: string; cookies: []; headers: HarHeader[]; content: HarContent; redirectURL: string; headersSize: -1; bodySize: number };
  cache: Record<string, never>;
  timings: { blocked: -1; dns: -1; connect: -1; send: number; wait: number; receive: number; ssl: -1 };
  serverIPAddress?: string;
  /** Gatehouse's own fields (custom fields start with `_`). */
  _gatehouse: {
    id: string;
    apiId: string | null;
    apiName?: string;
    clientId: string | null;
    source: string;
    errorCode?: string;
    violatedPolicy?: string;
    replica?: string;
    listener?: string;
    trace: TrafficEntry['trace'];
  };
}

export interface Har {
  log: { version: '1.2'; creator: { name: string; version: string }; pages: []; entries: HarEntry[] };
}

export interface BuildHarOptions {
  origin: (entry: TrafficEntry) => string;
  version?: string;
  statusText?: (status: number) => string;
  /** Captured bodies by entry id (from 'traffic.bodies'); entries without are exported without bodies. */
  bodies?: ReadonlyMap<string, TrafficBodies>;
}

function headerList(headers: Record<string, string> | undefined): HarHeader[] {
  return Object.entries(headers ?? {}).map(([name, value]) => ({ name, value }));
}

function headerValue(headers: Record<string, string> | undefined, name: string): string | undefined {
  for (const [key, value] of Object.entries(headers ?? {})) if (key.toLowerCase() === name) return value;
  return undefined;
}

/** The request target as received: path and query. */
export function requestTarget(entry: Pick<TrafficEntry, 'path' | 'query'>): string {
  return entry.query ? `${entry.path}?${entry.query}` : entry.path;
}

/** HAR's queryString: the pairs as sent, decoded (`+` is a space in a query). */
export function queryPairs(query: string | undefined): HarHeader[] {
  if (!query) return [];
  return [...new URLSearchParams(query)].map(([name, value]) => ({ name, value }));
}

function bodyText(body: CapturedBody, contentType: string | undefined): { text: string; base64: boolean } {
  const bytes = displayBytes(body);
  if (isTextual(contentType, bytes)) return { text: utf8(bytes), base64: false };
  return { text: base64FromBytes(bytes), base64: true };
}

function postData(body: CapturedBody | null | undefined, headers: Record<string, string> | undefined): HarPostData | undefined {
  if (!body) return undefined;
  const mimeType = headerValue(headers, 'content-type') ?? body.contentType ?? 'application/octet-stream';
  const { text, base64 } = bodyText(body, mimeType);
  const data: HarPostData = { mimeType, text };
  if (base64) data._encoding = 'base64';
  const note = truncationNote(body);
  if (note) {
    data.comment = note;
    data._truncated = { captured: body.captured, size: body.size };
  }
  return data;
}

function content(body: CapturedBody | null | undefined, mimeType: string, bytesOut: number | undefined): HarContent {
  if (!body) return { size: bytesOut ?? -1, mimeType };
  const { text, base64 } = bodyText(body, mimeType);
  // content.size is the decoded length; compression what the content-encoding saved.
  const out: HarContent = { size: isDecoded(body) ? displayBytes(body).length : body.size, mimeType, text };
  if (isDecoded(body) && !body.truncated) out.compression = Math.max(0, out.size - body.size);
  if (base64) out.encoding = 'base64';
  const note = truncationNote(body);
  if (note) {
    out.comment = note;
    out._truncated = { captured: body.captured, size: body.size };
  }
  return out;
}

export function buildHar(entries: readonly TrafficEntry[], options: BuildHarOptions): Har {
  const ordered = entries.slice().sort((a, b) => a.at - b.at);
  return {
    log: {
      version: '1.2',
      creator: { name: 'Gatehouse', version: options.version ?? 'dev' },
      pages: [],
      entries: ordered.map((entry) => {
        const url = new URL(requestTarget(entry), options.origin(entry));
        const responseHeaders = headerList(entry.responseHeaders);
        const mimeType = headerValue(entry.responseHeaders, 'content-type') ?? 'x-unknown';
        const bodies = options.bodies?.get(entry.id);
        const request: HarEntry['request'] = {
          method: entry.method,
          url: url.toString(),
          httpVersion: 'HTTP/1.1',
          cookies: [],
          headers: headerList(entry.requestHeaders),
          queryString: queryPairs(entry.query ?? url.search.slice(1)),
          headersSize: -1,
          bodySize: entry.bytesIn ?? -1,
        };
        const sent = postData(bodies?.request, entry.requestHeaders);
        if (sent) request.postData = sent;
        const har: HarEntry = {
          startedDateTime: new Date(entry.at).toISOString(),
          time: entry.latencyMs,
          request,
          response: {
            status: entry.status,
            statusText: options.statusText?.(entry.status) ?? '',
            httpVersion: 'HTTP/1.1',
            cookies: [],
            headers: responseHeaders,
            content: content(bodies?.response, mimeType, entry.bytesOut),
            redirectURL: headerValue(entry.responseHeaders, 'location') ?? '',
            headersSize: -1,
            bodySize: entry.bytesOut ?? -1,
          },
          cache: {},
          // The log knows the whole time only: all of it is waiting, as a HAR reader expects (sum = time).
          timings: { blocked: -1, dns: -1, connect: -1, send: 0, wait: entry.latencyMs, receive: 0, ssl: -1 },
          _gatehouse: {
            id: entry.id,
            apiId: entry.apiId,
            ...(entry.apiName ? { apiName: entry.apiName } : {}),
            clientId: entry.clientId,
            source: entry.source,
            ...(entry.errorCode ? { errorCode: entry.errorCode } : {}),
            ...(entry.violatedPolicy ? { violatedPolicy: entry.violatedPolicy } : {}),
            ...(entry.replica ? { replica: entry.replica } : {}),
            ...(entry.listener ? { listener: entry.listener } : {}),
            trace: entry.trace,
          },
        };
        return har;
      }),
    },
  };
}
