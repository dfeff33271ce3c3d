/**
 * http-caching-flex: a shared cache (RFC 9111) in front of the upstream. A fresh entry is
 * answered by the gateway without calling the upstream; a stale one with a validator is
 * revalidated (If-None-Match / If-Modified-Since, and a 304 becomes the stored response with
 * its headers updated); a miss is forwarded and its body kept while it streams, up to
 * `maxEntryBytes`. Unsafe methods invalidate their URL. `x-gatehouse-cache` and the trace say
 * hit, miss, revalidated, stale or bypass. The key is the httpCachingKey's value plus the
 * query string (RFC 9111 §2: the target URI is the key).
 */
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';
import { parseCondition, type Condition } from '../../shared/policies/condition-expression';
import type { HttpCachingConfig } from '../../shared/policies/http-caching';
import {
  cacheControl,
  freshnessOf,
  initialAgeMs,
  notStorableBecause,
  storedHeaders,
  updatedHeaders,
  varyNames,
  varyValues,
  type Directives,
} from './http-cache-rules';
import { acquireMemoryStore, RedisCacheStore, releaseMemoryStore, sharedRedisSettings, type CacheEntry, type CacheStore } from './http-cache-store';
import { compileRequestExpression, type RequestValue } from './request-expression';
import type { PolicyCompileContext, PolicyDecision, PolicyDefinition, PolicyRequest } from './types';

/** The cache's clock; tests move it instead of sleeping. */
export const httpCacheClock = { now: (): number => Date.now() };

export const CACHE_HEADER = 'x-gatehouse-cache';

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE']);

interface Compiled {
  config: HttpCachingConfig;
  key: RequestValue;
  cacheRequest: Condition;
  storeResponse: Condition;
  invalidationHeader: string | undefined;
  store: CacheStore;
  ttlMs: number;
  binding: { readonly id: string; readonly name: string };
}

export const httpCachingPolicy: PolicyDefinition<HttpCachingConfig> = {
  name: 'http-caching-flex',
  create(config, context) {
    const compiled: Compiled = {
      config,
      key: compileRequestExpression(config.httpCachingKey),
      cacheRequest: mustParse(config.requestExpression, 'request'),
      storeResponse: mustParse(config.responseExpression, 'response'),
      invalidationHeader: config.invalidationHeader === '' ? undefined : config.invalidationHeader.toLowerCase(),
      store: openStore(config, context),
      ttlMs: config.ttl * 1000,
      binding: context.binding,
    };
    const bindingId = context.binding.id;
    return {
      onRequest: (request) => decide(compiled, request),
      dispose() {
        if (compiled.store instanceof RedisCacheStore) compiled.store.close();
        else releaseMemoryStore(bindingId);
      },
    };
  },
};

function mustParse(source: string, phase: 'request' | 'response'): Condition {
  const parsed = parseCondition(source, phase);
  if (!parsed.ok) throw new Error(`${phase}Expression: ${parsed.message}`);
  return parsed.condition;
}

function openStore(config: HttpCachingConfig, context: PolicyCompileContext): CacheStore {
  const wantsRedis = config.distributed || config.persistCache;
  const redis = wantsRedis ? sharedRedisSettings(context.counters) : undefined;
  if (redis !== undefined) {
    let warned = false;
    return new RedisCacheStore(redis, context.binding.id, (error) => {
      if (!warned) context.log('warn', `http-caching-flex: Redis at ${redis.address} failed (${error.message}); requests are forwarded until it answers`);
      warned = true;
    });
  }
  if (wantsRedis)
    context.log(
      'warn',
      `http-caching-flex: ${config.distributed ? 'distributed' : 'persistCache'} needs sharedStorage.redis in the gateway Configuration; this replica caches in memory, for as long as it runs`,
    );
  return acquireMemoryStore(context.binding.id, { maxEntries: config.maxCacheEntries, maxBytes: config.maxCacheBytes });
}

function headerText(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

function decide(c: Compiled, request: PolicyRequest): PolicyDecision | Promise<PolicyDecision> {
  const key = `${c.key(request) ?? ''}${searchOf(request)}`;
  const invalidated = invalidate(c, request, key);
  const method = request.method;
  if (!SAFE.has(method)) {
    // RFC 9111 §4.4: a successful unsafe request invalidates the stored response of its URI.
    request.onResponse((response) => {
      if (response.status < 400) void c.store.delete(key);
    });
    return settle(invalidated, { action: 'continue', detail: `bypass: ${method} is not cached; a success invalidates "${key}"` });
  }
  const bypass = bypassReason(c, request);
  if (bypass !== undefined) {
    request.responseHeaders[CACHE_HEADER] = 'bypass';
    return settle(invalidated, { action: 'continue', detail: `bypass: ${bypass}` });
  }
  const afterInvalidation = (): PolicyDecision | Promise<PolicyDecision> => {
    const now = httpCacheClock.now();
    const found = c.store.get(key, now);
    return isPromise(found) ? found.then((entry) => lookup(c, request, key, entry, now)) : lookup(c, request, key, found, now);
  };
  return isPromise(invalidated) ? invalidated.then(afterInvalidation) : afterInvalidation();
}

function settle(pending: void | Promise<void>, decision: PolicyDecision): PolicyDecision | Promise<PolicyDecision> {
  return isPromise(pending) ? pending.then(() => decision) : decision;
}

function searchOf(request: PolicyRequest): string {
  const query = request.query.toString();
  return query === '' ? '' : `?${query}`;
}

/** The invalidation header: `invalidate` drops this key's entry, `invalidate-all` every entry. */
function invalidate(c: Compiled, request: PolicyRequest, key: string): void | Promise<void> {
  if (c.invalidationHeader === undefined) return;
  const value = headerText(request.headers, c.invalidationHeader)?.trim().toLowerCase();
  if (value === undefined) return;
  delete request.headers[c.invalidationHeader];
  if (value === 'invalidate-all') return c.store.clear();
  if (value === 'invalidate') return c.store.delete(key);
}

function bypassReason(c: Compiled, request: PolicyRequest): string | undefined {
  const headers = request.headers;
  if (!c.cacheRequest({ method: request.method, requestPath: request.path, headers, queryParams: request.query })) return 'requestExpression is false for this request';
  if (request.method !== 'GET' && request.method !== 'HEAD') return `${request.method} responses are not stored`;
  if (headers.range !== undefined) return 'a Range request (partial responses are not stored)';
  if (cacheControl(headers['cache-control']).has('no-store')) return 'the request says no-store';
  return undefined;
}

function lookup(c: Compiled, request: PolicyRequest, key: string, entry: CacheEntry | undefined, now: number): PolicyDecision {
  const authorized = request.headers.authorization !== undefined;
  if (entry === undefined) return miss(c, request, key, `miss: nothing stored for "${key}"`);
  if (!varyMatches(entry, request.headers)) return miss(c, request, key, `miss: stored response for "${key}" varies on ${entry.vary.join(', ')} and this request differs`);
  if (authorized && !entry.sharedWithAuthorization)
    return miss(c, request, key, 'miss: the request carries Authorization and the stored response is not public, s-maxage or must-revalidate');
  const ageMs = entry.initialAgeMs + Math.max(0, now - entry.responseTime);
  const requestDirectives = cacheControl(request.headers['cache-control']);
  const fresh = c.config.useHttpCacheHeaders ? ageMs < entry.lifetimeMs && !requestDirectives.has('no-cache') : entry.expiresAt > now;
  if (fresh) {
    const headers: OutgoingHttpHeaders = { ...entry.headers, age: String(Math.floor(ageMs / 1000)), [CACHE_HEADER]: 'hit' };
    return { action: 'respond', status: entry.status, headers, body: entry.body, detail: `hit: "${key}", age ${seconds(ageMs)} of ${seconds(entry.lifetimeMs)} fresh` };
  }
  const why = requestDirectives.has('no-cache') ? 'the request says no-cache' : `age ${seconds(ageMs)} ≥ ${seconds(entry.lifetimeMs)} fresh`;
  const etag = entry.headers.etag;
  const lastModified = entry.headers['last-modified'];
  const clientConditional = request.headers['if-none-match'] !== undefined || request.headers['if-modified-since'] !== undefined;
  if ((etag === undefined && lastModified === undefined) || clientConditional) return miss(c, request, key, `miss: "${key}" is stale (${why})`);
  if (typeof etag === 'string') request.headers['if-none-match'] = etag;
  if (typeof lastModified === 'string') request.headers['if-modified-since'] = lastModified;
  revalidate(c, request, key, entry, authorized);
  return { action: 'continue', modified: true, detail: `stale: "${key}" (${why}); revalidating with ${typeof etag === 'string' ? 'If-None-Match' : 'If-Modified-Since'}` };
}

function seconds(ms: number): string {
  return `${Math.floor(ms / 1000)} s`;
}

function varyMatches(entry: CacheEntry, headers: IncomingHttpHeaders): boolean {
  if (entry.vary.length === 0) return true;
  const values = varyValues(entry.vary, headers);
  return values.every((value, index) => value === entry.varyValues[index]);
}

function miss(c: Compiled, request: PolicyRequest, key: string, detail: string): PolicyDecision {
  request.responseHeaders[CACHE_HEADER] = 'miss';
  if (request.method === 'GET') keepResponse(c, request, key, request.headers.authorization !== undefined);
  return { action: 'continue', detail };
}

/**
 * A stale entry is being revalidated: a 304 becomes the stored response (headers updated, §4.3.4);
 * a 5xx is answered with the stale entry unless it must be revalidated (§4.2.4); anything else
 * replaces it.
 */
function revalidate(c: Compiled, request: PolicyRequest, key: string, entry: CacheEntry, authorized: boolean): void {
  let updated: CacheEntry | undefined;
  keepResponse(c, request, key, authorized, (status, headers) => {
    if (status !== 304) return false;
    const now = httpCacheClock.now();
    const merged = updatedHeaders(entry.headers, headers);
    const directives = cacheControl(merged['cache-control']);
    const freshness = freshnessOf(entry.status, merged, directives, now, c.ttlMs);
    updated = {
      ...entry,
      headers: merged,
      responseTime: now,
      initialAgeMs: initialAgeMs(headers, now),
      lifetimeMs: directives.has('no-cache') ? 0 : freshness.lifetimeMs,
      expiresAt: now + c.ttlMs,
    };
    void c.store.set(key, updated, now);
    return true;
  });
  request.onResponse((response) => {
    const serve = updated ?? (response.status >= 500 && !entry.mustRevalidate ? entry : undefined);
    if (serve === undefined) {
      response.headers[CACHE_HEADER] = 'miss';
      return;
    }
    request.traceNote?.(c.binding, updated !== undefined ? `revalidated: the upstream answered 304; "${key}" updated and served` : `stale: the upstream answered ${response.status}; served the stored response`);
    response.status = serve.status;
    // The 304's or the error's own framing headers do not describe the stored body.
    for (const name of ['content-type', 'cache-control', 'content-encoding']) delete response.headers[name];
    const added = request.responseHeaders;
    for (const name in serve.headers) if (added[name] === undefined) response.headers[name] = serve.headers[name];
    const ageMs = serve.initialAgeMs + Math.max(0, httpCacheClock.now() - serve.responseTime);
    response.headers.age = String(Math.floor(ageMs / 1000));
    response.headers[CACHE_HEADER] = updated !== undefined ? 'revalidated' : 'stale';
    response.body = serve.body;
  });
}

/**
 * Keeps the upstream's response when it may be stored. `onHead` sees other statuses first
 * (the 304 of a revalidation); returning true there ends the capture.
 */
function keepResponse(c: Compiled, request: PolicyRequest, key: string, authorized: boolean, onHead?: (status: number, headers: OutgoingHttpHeaders) => boolean): void {
  if (request.captureResponseBody === undefined) return;
  const requestHeaders = request.headers;
  // What happened to the response goes in the trace after the policy's own line.
  const note = (detail: string) => request.traceNote?.(c.binding, detail);
  let pending: Omit<CacheEntry, 'body'> | undefined;
  request.captureResponseBody({
    maxBytes: c.config.maxEntryBytes,
    head: (status, headers) => {
      if (onHead?.(status, headers)) return false;
      const now = httpCacheClock.now();
      const entry = entryFor(c, status, headers, { authorized, requestDirectives: cacheControl(requestHeaders['cache-control']) }, requestHeaders, now);
      if (typeof entry === 'string') {
        note(`not stored: ${entry}`);
        return false;
      }
      pending = entry;
      return true;
    },
    done: (body) => {
      if (pending === undefined) return;
      if (body === undefined) return note(`not stored: the body is larger than maxEntryBytes (${c.config.maxEntryBytes}) or did not arrive whole`);
      void c.store.set(key, { ...pending, body }, httpCacheClock.now());
      note(`stored "${key}": ${body.length} bytes, fresh for ${seconds(pending.lifetimeMs)}`);
    },
  });
}

/** What would be stored of this response head, or why it may not be. */
function entryFor(
  c: Compiled,
  status: number,
  headers: OutgoingHttpHeaders,
  request: { authorized: boolean; requestDirectives: Directives },
  requestHeaders: IncomingHttpHeaders,
  now: number,
): Omit<CacheEntry, 'body'> | string {
  if (!c.storeResponse({ statusCode: status, headers, method: 'GET' })) return `responseExpression is false for ${status}`;
  if (status === 206 || status === 304) return `a ${status} is not a whole response`;
  const directives = cacheControl(headers['cache-control']);
  const vary = varyNames(headers);
  const base = {
    status,
    headers: storedHeaders(headers),
    responseTime: now,
    expiresAt: now + c.ttlMs,
    vary,
    varyValues: varyValues(vary, requestHeaders),
    mustRevalidate: directives.has('must-revalidate') || directives.has('proxy-revalidate'),
    sharedWithAuthorization: directives.has('public') || directives.has('s-maxage') || directives.has('must-revalidate'),
  };
  if (!c.config.useHttpCacheHeaders) {
    // Flex's mode without cache headers: kept for ttl; a response to an Authorization request still only when it says it may be shared.
    if (request.authorized && !base.sharedWithAuthorization) return 'the request carries Authorization and the response is not public, s-maxage or must-revalidate';
    return { ...base, initialAgeMs: 0, lifetimeMs: c.ttlMs, vary: [], varyValues: [] };
  }
  const freshness = freshnessOf(status, headers, directives, now, c.ttlMs);
  if (directives.has('no-cache')) freshness.lifetimeMs = 0;
  const refused = notStorableBecause(request, status, headers, directives, freshness);
  if (refused !== undefined) return refused;
  return { ...base, initialAgeMs: initialAgeMs(headers, now), lifetimeMs: freshness.lifetimeMs };
}

function isPromise<T>(value: T | Promise<T>): value is Promise<T> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}
