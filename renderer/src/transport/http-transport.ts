/**
 * The web transport: contract calls as fetch requests to the REST routes under /api/v1 (built
 * from methods.ts by `buildHttpRequest`), events from one shared EventSource on /api/v1/events.
 * Auth is the session cookie `gatehouse serve` sets when the page is opened with `?token=`.
 */
import { buildHttpRequest, API_PREFIX } from '../../../shared/contract/routes';
import { contractMethods, type MethodName } from '../../../shared/contract/methods';
import type { EventName, EventPayload } from '../../../shared/contract/events';
import { isErrorEnvelope } from '../../../shared/contract/errors';
import type { ErrorEnvelope } from '../../../shared/errors';
import { createConnectionSignal, type AppTransport } from './app-transport';

export interface EventSourceLike {
  readyState: number;
  onopen: ((this: EventSourceLike, ev: Event) => unknown) | null;
  onerror: ((this: EventSourceLike, ev: Event) => unknown) | null;
  addEventListener(type: string, listener: (event: MessageEvent) => void): void;
  close(): void;
}

export interface HttpTransportOptions {
  /** Origin of the admin server; '' means the page's own origin. */
  baseUrl?: string;
  fetch?: typeof fetch;
  createEventSource?: (url: string) => EventSourceLike;
  /** Delay before reopening a stream the browser gave up on (e.g. after a 401). */
  reconnectMs?: number;
}

const CLOSED = 2;

export function createHttpTransport(options: HttpTransportOptions = {}): AppTransport {
  const base = options.baseUrl ?? '';
  const doFetch = options.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => fetch(input, init));
  const makeSource = options.createEventSource ?? ((url: string) => new EventSource(url) as unknown as EventSourceLike);
  const reconnectMs = options.reconnectMs ?? 3000;
  const connection = createConnectionSignal('connecting');
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  let source: EventSourceLike | undefined;
  let reconnectTimer: ReturnType<typeof setTimeout> | undefined;

  async function invoke(method: MethodName, input: unknown): Promise<unknown> {
    const request = buildHttpRequest(method, (input ?? {}) as Record<string, unknown>);
    const response = await doFetch(base + request.url, {
      method: request.method,
      headers: { accept: 'application/json', ...(request.contentType ? { 'content-type': request.contentType } : {}) },
      body: request.body,
      credentials: 'same-origin',
      // The server sends `Referrer-Policy: no-referrer`, which would make the browser send
      // `Origin: null` on POST/PATCH/DELETE; the server's CSRF check needs the real origin.
      referrerPolicy: 'same-origin',
    });
    if (response.status === 204) return undefined;
    const text = await response.text();
    if (response.ok && contractMethods[method].http.response === 'yaml') return text;
    let body: unknown;
    try {
      body = text === '' ? undefined : JSON.parse(text);
    } catch {
      body = undefined;
    }
    if (response.ok) return body;
    if (isErrorEnvelope(body)) return body;
    return httpFailure(response.status, text);
  }

  function ensureSource(): void {
    if (source) return;
    const es = makeSource(`${base}${API_PREFIX}/events`);
    source = es;
    connection.set(connection.state === 'open' ? 'open' : 'connecting');
    es.onopen = () => connection.set('open');
    es.onerror = () => {
      connection.set(es.readyState === CLOSED ? 'closed' : 'connecting');
      // The browser retries by itself unless the stream failed hard (401, 5xx): then we do.
      if (es.readyState === CLOSED) {
        es.close();
        if (source === es) source = undefined;
        clearTimeout(reconnectTimer);
        reconnectTimer = setTimeout(() => {
          if (listeners.size > 0) ensureSource();
        }, reconnectMs);
      }
    };
    for (const event of listeners.keys()) attach(es, event);
  }

  function attach(es: EventSourceLike, event: string): void {
    es.addEventListener(event, (message: MessageEvent) => {
      let payload: unknown;
      try {
        payload = JSON.parse(String(message.data));
      } catch {
        return; // a malformed frame is dropped rather than breaking every listener
      }
      for (const listener of [...(listeners.get(event) ?? [])]) listener(payload);
    });
  }

  function subscribe<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void {
    let set = listeners.get(event);
    if (!set) {
      set = new Set();
      listeners.set(event, set);
      if (source) attach(source, event);
    }
    set.add(listener as (payload: unknown) => void);
    ensureSource();
    return () => {
      set.delete(listener as (payload: unknown) => void);
    };
  }

  async function login(token: string): Promise<void> {
    const response = await doFetch(`${base}${API_PREFIX}/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ token }),
      credentials: 'same-origin',
      referrerPolicy: 'same-origin',
    });
    if (response.status === 204 || response.ok) {
      // A stream opened before login failed with 401: reopen it with the cookie.
      source?.close();
      source = undefined;
      if (listeners.size > 0) ensureSource();
      return;
    }
    const text = await response.text();
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    throw isErrorEnvelope(body) ? body.error : httpFailure(response.status, text).error;
  }

  return {
    kind: 'http',
    platform: { isDesktop: false },
    invoke,
    subscribe,
    login,
    onConnection: connection.on,
    get connection() {
      return connection.state;
    },
  };
}

/** A non-contract answer (proxy page, crash) as an envelope with a useful message. */
function httpFailure(status: number, text: string): ErrorEnvelope {
  const code = status === 401 ? 'UNAUTHORIZED' : status === 403 ? 'FORBIDDEN' : status === 404 ? 'NOT_FOUND' : status >= 500 ? 'UNAVAILABLE' : 'VALIDATION_FAILED';
  const snippet = text.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim().slice(0, 200);
  return { error: { code, message: `the server answered ${status}${snippet ? `: ${snippet}` : ''}` } };
}
