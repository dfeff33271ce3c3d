/**
 * The mock an API answers from (see MockSnapshot): routes compiled once into matchers, and the
 * answer itself, marked `x-gatehouse-source: mock`. Also the recorder that copies upstream
 * responses for an API whose recording switch is on.
 */
import type { IncomingMessage, OutgoingHttpHeaders } from 'node:http';
import type { GatewayRequest } from './context';
import { sendGatewayResponse } from './responses';
import type { MockRouteSnapshot, MockSnapshot } from './snapshot';
import { SnapshotError } from './snapshot-error';

export interface CompiledMockRoute {
  readonly method: string;
  readonly match: (path: string) => boolean;
  /** Sorted `name=value` pairs, or undefined (any query). */
  readonly query: string | undefined;
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
  readonly describe: string;
}

export interface CompiledMock {
  readonly mode: 'only' | 'fallback';
  readonly routes: readonly CompiledMockRoute[];
}

/** One recorded exchange, as the runtime reports it (RuntimeOptions.onRecorded). */
export interface RecordedResponse {
  apiId: string;
  recording: string;
  method: string;
  /** Below the API's base path. */
  path: string;
  /** Without `?`. */
  query: string;
  status: number;
  headers: Record<string, string>;
  body: Buffer;
  truncated: boolean;
  at: number;
}

export type RecordedResponseListener = (recorded: RecordedResponse) => void;

export const MOCK_NO_MATCH = 'MOCK_NO_MATCH';

/** `a=1&b=2` with parameters sorted, so that order does not matter. */
export function canonicalQuery(search: string): string {
  const text = search.startsWith('?') ? search.slice(1) : search;
  if (text === '') return '';
  return text.split('&').filter((part) => part !== '').sort().join('&');
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** `/users/{id}` and `/users/:id` match one segment; a final `*` matches the rest. */
export function pathMatcher(pattern: string): (path: string) => boolean {
  if (!/[{:*]/.test(pattern)) return (path) => path === pattern;
  let source = '';
  for (const segment of pattern.split('/').slice(1)) {
    if (segment === '*') {
      source += '(?:/.*)?';
      continue;
    }
    source += '/' + segment.split(/(\{[^}/]+\}|:[A-Za-z_][A-Za-z0-9_]*)/).map((part) => (/^(\{.+\}|:.+)$/.test(part) ? '[^/]+' : escapeRegex(part))).join('');
  }
  const regex = new RegExp(`^${source || '/'}$`);
  return (path) => regex.test(path);
}

export function compileMock(mock: MockSnapshot | undefined, field: string, apiName: string): CompiledMock | undefined {
  if (mock === undefined) return undefined;
  if (mock.mode !== 'only' && mock.mode !== 'fallback') throw SnapshotError.at(`${field}.mock.mode`, `API "${apiName}": mock mode must be "only" or "fallback"`);
  const routes = (mock.routes ?? []).map((route: MockRouteSnapshot, index): CompiledMockRoute => {
    if (typeof route.path !== 'string' || !route.path.startsWith('/'))
      throw SnapshotError.at(`${field}.mock.routes[${index}].path`, `API "${apiName}": a mock path starts with "/"`);
    return {
      method: (route.method ?? '*').toUpperCase(),
      // A recorded request (it has a query, maybe '') is matched exactly; `{`, `:` and `*` are literal there.
      match: route.query === undefined ? pathMatcher(route.path) : (path: string) => path === route.path,
      query: route.query === undefined ? undefined : canonicalQuery(route.query),
      status: route.status,
      headers: route.headers ?? {},
      body: Buffer.from(route.bodyBase64 ?? '', 'base64'),
      describe: `${route.method} ${route.path}${route.query ? `?${route.query}` : ''} (${route.origin})`,
    };
  });
  return { mode: mock.mode, routes };
}

function findMockRoute(mock: CompiledMock, ctx: GatewayRequest): CompiledMockRoute | undefined {
  const path = ctx.relativeOrRoot;
  const method = ctx.method;
  let query: string | undefined;
  for (const route of mock.routes) {
    if (route.method !== '*' && route.method !== method && !(method === 'HEAD' && route.method === 'GET')) continue;
    if (!route.match(path)) continue;
    if (route.query !== undefined && route.query !== (query ??= canonicalQuery(ctx.search))) continue;
    return route;
  }
  return undefined;
}

/**
 * Answers from the mock; false when no mock route matches and `orMiss` is not set (the
 * fallback then lets the upstream's error through). A mock-only API answers a miss with 404.
 */
export function answerFromMock(ctx: GatewayRequest, mock: CompiledMock, orMiss: boolean): boolean {
  const route = findMockRoute(mock, ctx);
  if (route === undefined && !orMiss) return false;
  const started = ctx.trace === undefined ? 0 : performance.now();
  let status: number;
  let headers: OutgoingHttpHeaders;
  let body: Buffer | string;
  if (route === undefined) {
    status = 404;
    ctx.errorCode = MOCK_NO_MATCH;
    headers = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' };
    body = JSON.stringify({ error: { code: MOCK_NO_MATCH, message: `the mock of API "${ctx.api.name}" has no answer for ${ctx.method} ${ctx.relativeOrRoot}${ctx.search}` } });
  } else {
    status = route.status;
    headers = { ...route.headers };
    body = route.body;
  }
  ctx.trace?.push({
    policy: 'mock',
    bindingId: 'mock',
    verdict: 'respond',
    detail: route === undefined ? 'mock: no route matched' : `mock: ${route.describe}`,
    status,
    durationMs: performance.now() - started,
  });
  sendGatewayResponse(ctx, status, headers, body, 'mock');
  return true;
}

const SECRET_RESPONSE_HEADERS = new Set(['set-cookie', 'authorization', 'proxy-authenticate', 'www-authenticate', 'proxy-authorization']);

/** Copies the upstream's response (head and up to `maxBodyBytes` of body) for the recording. */
export function recordResponse(ctx: GatewayRequest, proxyRes: IncomingMessage, status: number, listener: RecordedResponseListener): void {
  const recording = ctx.compiledApi!.recording!;
  const headers: Record<string, string> = {};
  for (const name in proxyRes.headers) {
    const value = proxyRes.headers[name];
    if (value === undefined || SECRET_RESPONSE_HEADERS.has(name) || name === 'transfer-encoding' || name === 'connection' || name === 'keep-alive') continue;
    headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  const chunks: Buffer[] = [];
  let kept = 0;
  let truncated = false;
  proxyRes.on('data', (chunk: Buffer) => {
    if (kept >= recording.maxBodyBytes) {
      truncated = true;
      return;
    }
    const room = recording.maxBodyBytes - kept;
    if (chunk.length > room) truncated = true;
    const piece = chunk.length > room ? chunk.subarray(0, room) : chunk;
    chunks.push(piece);
    kept += piece.length;
  });
  proxyRes.on('end', () => {
    try {
      listener({
        apiId: ctx.api.id,
        recording: recording.name,
        method: ctx.method,
        path: ctx.relativeOrRoot,
        query: ctx.search.startsWith('?') ? ctx.search.slice(1) : ctx.search,
        status,
        headers,
        body: Buffer.concat(chunks, kept),
        truncated,
        at: ctx.at,
      });
    } catch (error) {
      ctx.listener.services.log('error', `recording a response failed: ${(error as Error).message}`, { api: ctx.api.id });
    }
  });
}
