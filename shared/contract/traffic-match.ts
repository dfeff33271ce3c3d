/**
 * Whether a request matches the Traffic filters. One definition for the server's request log
 * and the renderer's live window, so a filter finds the same requests in both.
 */
import type { StatusClass } from './telemetry-models';

/** The filters of 'traffic.list' (parsed: method upper-cased, times in epoch ms). */
export interface TrafficCriteria {
  apiId?: string | undefined;
  statusClass?: StatusClass | undefined;
  status?: number | undefined;
  method?: string | undefined;
  path?: string | undefined;
  clientId?: string | undefined;
  client?: string | undefined;
  source?: 'gateway' | 'upstream' | 'mock' | undefined;
  since?: number | undefined;
  until?: number | undefined;
  q?: string | undefined;
}

/** What the filters read: a stored request fact (main) or a TrafficEntry (renderer). */
export interface MatchableRequest {
  at: number;
  apiId?: string | null | undefined;
  method: string;
  path: string;
  /** The query string without its `?` (searched with the path). */
  query?: string | undefined;
  status: number;
  clientId?: string | null | undefined;
  source: 'gateway' | 'upstream' | 'mock';
  violatedPolicy?: string | undefined;
  errorCode?: string | undefined;
}

type Check = (request: MatchableRequest) => boolean;

/** The text the free search looks in, as the Traffic screen shows it on a row. */
export function searchText(request: MatchableRequest): string {
  return `${request.method} ${target(request)} ${request.status} ${request.violatedPolicy ?? ''} ${request.errorCode ?? ''}`;
}

/** The request target as received: path and query. */
function target(request: MatchableRequest): string {
  return request.query ? `${request.path}?${request.query}` : request.path;
}

/**
 * A predicate for the criteria, cheapest checks first; undefined when nothing is filtered.
 * Text criteria are case-insensitive substrings; apiId, clientId, status and source are exact.
 */
export function trafficMatcher(criteria: TrafficCriteria): Check | undefined {
  const checks: Check[] = [];
  const { apiId, statusClass, status, method, source, since, until, clientId } = criteria;
  if (apiId !== undefined) checks.push((r) => r.apiId === apiId);
  if (status !== undefined) checks.push((r) => r.status === status);
  if (statusClass !== undefined) {
    const hundreds = Number(statusClass[0]);
    checks.push((r) => Math.floor(r.status / 100) === hundreds);
  }
  if (method !== undefined) checks.push((r) => r.method === method);
  if (source !== undefined) checks.push((r) => r.source === source);
  if (since !== undefined) checks.push((r) => r.at >= since);
  if (until !== undefined) checks.push((r) => r.at < until);
  if (clientId !== undefined) checks.push((r) => r.clientId === clientId);
  if (criteria.client) {
    const client = containing(criteria.client);
    checks.push((r) => r.clientId != null && client.test(r.clientId));
  }
  if (criteria.path) {
    const path = containing(criteria.path);
    checks.push((r) => path.test(r.path) || (r.query !== undefined && path.test(target(r))));
  }
  if (criteria.q) checks.push(textCheck(criteria.q));
  if (checks.length === 0) return undefined;
  if (checks.length === 1) return checks[0];
  return (request) => {
    for (const check of checks) if (!check(request)) return false;
    return true;
  };
}

/** A case-insensitive "contains" test that allocates nothing per request (the log may hold a million). */
function containing(text: string): RegExp {
  return new RegExp(text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'i');
}

/**
 * The free search over searchText() without building it for every request: a word with no
 * space can only match inside one field, so the fields are tested one by one, and the joined
 * text is built only for requests that already contain the longest word of a spaced search.
 */
function textCheck(text: string): Check {
  const words = text.split(' ').filter(Boolean);
  const longest = words.reduce((a, b) => (b.length > a.length ? b : a), '');
  const word = containing(longest);
  const digits = /^\d+$/.test(longest);
  const inFields: Check = (r) =>
    word.test(r.path) ||
    (r.query !== undefined && word.test(target(r))) ||
    word.test(r.method) ||
    (digits && String(r.status).includes(longest)) ||
    (r.violatedPolicy !== undefined && word.test(r.violatedPolicy)) ||
    (r.errorCode !== undefined && word.test(r.errorCode));
  if (!text.includes(' ')) return inFields;
  const whole = text.toLowerCase();
  return (r) => inFields(r) && searchText(r).toLowerCase().includes(whole);
}
