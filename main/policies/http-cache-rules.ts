/**
 * RFC 9111 rules of a shared cache, as pure functions over header values: Cache-Control
 * parsing (§5.2), whether a response may be stored (§3, §3.5), its freshness lifetime (§4.2.1,
 * heuristics only as §4.2.2 allows), its age (§4.2.3) and the header update of a 304 (§3.2).
 */
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';

export type Directives = Map<string, string | true>;

const EMPTY: Directives = new Map();

/** Cache-Control directives, names in lower case; `max-age="60"` reads as 60. */
export function cacheControl(value: string | string[] | number | undefined): Directives {
  if (value === undefined) return EMPTY;
  const text = Array.isArray(value) ? value.join(',') : String(value);
  if (text.trim() === '') return EMPTY;
  const directives: Directives = new Map();
  for (const part of text.split(',')) {
    const eq = part.indexOf('=');
    const name = (eq < 0 ? part : part.slice(0, eq)).trim().toLowerCase();
    if (name === '') continue;
    const raw = eq < 0 ? undefined : part.slice(eq + 1).trim();
    directives.set(name, raw === undefined ? true : raw.replace(/^"(.*)"$/, '$1'));
  }
  return directives;
}

/** A delta-seconds directive (max-age, s-maxage), or undefined when absent or malformed. */
export function seconds(directives: Directives, name: string): number | undefined {
  const value = directives.get(name);
  if (typeof value !== 'string' || !/^\d+$/.test(value)) return undefined;
  return Number(value);
}

function header(headers: OutgoingHttpHeaders | IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  if (value === undefined) return undefined;
  return Array.isArray(value) ? value.join(', ') : String(value);
}

function httpDate(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const time = Date.parse(value);
  return Number.isNaN(time) ? undefined : time;
}

/** Statuses a cache may give a heuristic lifetime (RFC 9110 §15.1). */
const HEURISTICALLY_CACHEABLE = new Set([200, 203, 204, 206, 300, 301, 308, 404, 405, 410, 414, 501]);

export interface Freshness {
  /** Milliseconds the response is fresh for, from its generation. */
  lifetimeMs: number;
  /** How the lifetime was found, for the trace. */
  source: 's-maxage' | 'max-age' | 'Expires' | 'heuristic (Last-Modified)' | 'heuristic (ttl)' | 'none';
}

/**
 * §4.2.1 for a shared cache: s-maxage, then max-age, then Expires − Date; else a heuristic (10%
 * of the time since Last-Modified, else the configured ttl) where §4.2.2 allows one: a
 * heuristically cacheable status or `public`. Capped at `ttlMs` (the entry's time in the cache).
 */
export function freshnessOf(status: number, headers: OutgoingHttpHeaders, directives: Directives, responseTime: number, ttlMs: number): Freshness {
  const cap = (lifetimeMs: number, source: Freshness['source']): Freshness => ({ lifetimeMs: Math.min(lifetimeMs, ttlMs), source });
  const shared = seconds(directives, 's-maxage');
  if (shared !== undefined) return cap(shared * 1000, 's-maxage');
  const maxAge = seconds(directives, 'max-age');
  if (maxAge !== undefined) return cap(maxAge * 1000, 'max-age');
  const expiresText = header(headers, 'expires');
  if (expiresText !== undefined) {
    // An invalid Expires (e.g. "0") means already expired (§5.3).
    const expires = httpDate(expiresText) ?? 0;
    const date = httpDate(header(headers, 'date')) ?? responseTime;
    return cap(Math.max(0, expires - date), 'Expires');
  }
  if (!HEURISTICALLY_CACHEABLE.has(status) && !directives.has('public')) return { lifetimeMs: 0, source: 'none' };
  const lastModified = httpDate(header(headers, 'last-modified'));
  if (lastModified !== undefined) {
    const date = httpDate(header(headers, 'date')) ?? responseTime;
    return cap(Math.max(0, (date - lastModified) / 10), 'heuristic (Last-Modified)');
  }
  return cap(ttlMs, 'heuristic (ttl)');
}

/** §4.2.3: the age the upstream gave the response when it arrived (Age, or Date against our clock). */
export function initialAgeMs(headers: OutgoingHttpHeaders, responseTime: number): number {
  const ageText = header(headers, 'age');
  const age = ageText !== undefined && /^\d+$/.test(ageText.trim()) ? Number(ageText.trim()) * 1000 : 0;
  const date = httpDate(header(headers, 'date'));
  const apparent = date === undefined ? 0 : Math.max(0, responseTime - date);
  return Math.max(age, apparent);
}

/** Why a response may not be stored (§3), or undefined when it may. */
export function notStorableBecause(request: { authorized: boolean; requestDirectives: Directives }, status: number, headers: OutgoingHttpHeaders, directives: Directives, freshness: Freshness): string | undefined {
  if (request.requestDirectives.has('no-store')) return 'the request says no-store';
  if (directives.has('no-store')) return 'the response says no-store';
  if (directives.has('private')) return 'the response is private (never kept by a shared cache)';
  if (request.authorized && !directives.has('public') && !directives.has('s-maxage') && !directives.has('must-revalidate'))
    return 'the request carries Authorization and the response is not public, s-maxage or must-revalidate (RFC 9111 §3.5)';
  const vary = header(headers, 'vary');
  if (vary !== undefined && vary.split(',').some((name) => name.trim() === '*')) return 'the response varies on * (Vary: *)';
  if (headers['set-cookie'] !== undefined && !directives.has('public')) return 'the response sets a cookie and is not public';
  if (freshness.lifetimeMs <= 0 && !hasValidator(headers) && !directives.has('no-cache'))
    return status === 206 ? 'a partial response' : 'the response has no freshness lifetime and no validator';
  if (freshness.lifetimeMs <= 0 && !hasValidator(headers)) return 'the response must be revalidated and has no validator (ETag or Last-Modified)';
  return undefined;
}

export function hasValidator(headers: OutgoingHttpHeaders): boolean {
  return headers.etag !== undefined || headers['last-modified'] !== undefined;
}

/** The request headers a Vary names, in lower case ('*' already refused). */
export function varyNames(headers: OutgoingHttpHeaders): string[] {
  const vary = header(headers, 'vary');
  if (vary === undefined) return [];
  return vary
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter((name) => name !== '');
}

/** A request's values of the Vary headers, normalized (whitespace collapsed) for comparison (§4.1). */
export function varyValues(names: readonly string[], headers: IncomingHttpHeaders): (string | undefined)[] {
  return names.map((name) => {
    const value = header(headers, name);
    return value === undefined ? undefined : value.replace(/\s*,\s*/g, ',').trim();
  });
}

/** Headers never stored or replayed: recomputed per response, or the gateway's own. */
const NOT_STORED = new Set(['age', 'content-length', 'transfer-encoding', 'connection', 'keep-alive', 'x-gatehouse-source', 'x-gatehouse-cache']);

export function storedHeaders(headers: OutgoingHttpHeaders): Record<string, string | string[]> {
  const stored: Record<string, string | string[]> = {};
  for (const name in headers) {
    const value = headers[name];
    if (value === undefined || NOT_STORED.has(name)) continue;
    stored[name] = Array.isArray(value) ? value.map(String) : String(value);
  }
  return stored;
}

/** §3.2: a 304's headers replace the stored ones, except the framing of the stored body. */
const NOT_UPDATED = new Set([...NOT_STORED, 'content-encoding', 'content-range', 'content-type']);

export function updatedHeaders(stored: Record<string, string | string[]>, fresh: OutgoingHttpHeaders): Record<string, string | string[]> {
  const merged = { ...stored };
  for (const name in fresh) {
    const value = fresh[name];
    if (value === undefined || NOT_UPDATED.has(name)) continue;
    merged[name] = Array.isArray(value) ? value.map(String) : String(value);
  }
  return merged;
}
