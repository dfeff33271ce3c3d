/**
 * HAR 1.2 export of request-log entries, so traffic opens in browser devtools, Charles or
 * HTTP Toolkit. The log has no bodies; sizes are -1 ("unknown") as the spec allows.
 */
import type { TrafficEntry } from '../../../shared/contract/telemetry-models';

export interface HarHeader {
  name: string;
  value: string;
}

export interface HarEntry {
  startedDateTime: string;
  time: number;
  request: { method: string; url: string; httpVersion: string; cookies: []; headers: HarHeader[]; queryString: HarHeader[]; headersSize: -1; bodySize: -1 };
  response: { status: number; statusText: string; httpVersion: string; cookies: []; headers: HarHeader[]; content: { size: number; mimeType: string }; redirectURL: string; headersSize: -1; bodySize: -1 };
  cache: Record<string, never>;
  timings: { send: number; wait: number; receive: number };
  /** Gatehouse's own fields (custom fields start with `_`). */
  _gatehouse: { id: string; apiId: string | null; apiName?: string; clientId: string | null; source: string; errorCode?: string; violatedPolicy?: string; trace: TrafficEntry['trace'] };
}

export interface Har {
  log: { version: '1.2'; creator: { name: string; version: string }; pages: []; entries: HarEntry[] };
}

function headerList(headers: Record<string, string> | undefined): HarHeader[] {
  return Object.entries(headers ?? {}).map(([name, value]) => ({ name, value }));
}

export function buildHar(entries: readonly TrafficEntry[], options: { origin: (entry: TrafficEntry) => string; version?: string; statusText?: (status: number) => string }): Har {
  const ordered = entries.slice().sort((a, b) => a.at - b.at);
  return {
    log: {
      version: '1.2',
      creator: { name: 'Gatehouse', version: options.version ?? 'dev' },
      pages: [],
      entries: ordered.map((entry) => {
        const url = new URL(entry.path, options.origin(entry));
        const responseHeaders = headerList(entry.responseHeaders);
        const mimeType = responseHeaders.find((h) => h.name.toLowerCase() === 'content-type')?.value ?? 'x-unknown';
        return {
          startedDateTime: new Date(entry.at).toISOString(),
          time: entry.latencyMs,
          request: {
            method: entry.method,
            url: url.toString(),
            httpVersion: 'HTTP/1.1',
            cookies: [],
            headers: headerList(entry.requestHeaders),
            queryString: [...url.searchParams].map(([name, value]) => ({ name, value })),
            headersSize: -1,
            bodySize: -1,
          },
          response: {
            status: entry.status,
            statusText: options.statusText?.(entry.status) ?? '',
            httpVersion: 'HTTP/1.1',
            cookies: [],
            headers: responseHeaders,
            content: { size: -1, mimeType },
            redirectURL: responseHeaders.find((h) => h.name.toLowerCase() === 'location')?.value ?? '',
            headersSize: -1,
            bodySize: -1,
          },
          cache: {},
          timings: { send: 0, wait: entry.latencyMs, receive: 0 },
          _gatehouse: {
            id: entry.id,
            apiId: entry.apiId,
            ...(entry.apiName ? { apiName: entry.apiName } : {}),
            clientId: entry.clientId,
            source: entry.source,
            ...(entry.errorCode ? { errorCode: entry.errorCode } : {}),
            ...(entry.violatedPolicy ? { violatedPolicy: entry.violatedPolicy } : {}),
            trace: entry.trace,
          },
        };
      }),
    },
  };
}
