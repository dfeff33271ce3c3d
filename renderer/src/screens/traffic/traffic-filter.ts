/**
 * The Traffic screen's filters: turned into the criteria of 'traffic.list' (the server searches
 * its whole request log with them) and applied to the live window with the same matcher, so
 * both find the same requests.
 */
import type { StatusClass, TrafficEntry } from '../../../../shared/contract/telemetry-models';
import { type TrafficCriteria, trafficMatcher } from '../../../../shared/contract/traffic-match';

export const TIME_RANGES = { '15m': 15 * 60_000, '1h': 3_600_000, '24h': 86_400_000 } as const;
export type TimeRange = keyof typeof TIME_RANGES;

export interface TrafficFilter {
  apiId: string;
  statusClass: StatusClass | '';
  /** Part of the client id. */
  clientId: string;
  /** Searched in method, path, status, policy and error code. */
  text: string;
  source: 'gateway' | 'upstream' | 'mock' | '';
  /** Only requests of the last 15 minutes, hour or day. */
  range: TimeRange | '';
}

export const emptyFilter: TrafficFilter = { apiId: '', statusClass: '', clientId: '', text: '', source: '', range: '' };

/** The filter as 'traffic.list' criteria (times relative to `now`); undefined when nothing is filtered. */
export function trafficCriteria(filter: TrafficFilter, now: number): TrafficCriteria | undefined {
  const criteria: TrafficCriteria = {};
  const client = filter.clientId.trim();
  const text = filter.text.trim();
  if (filter.apiId) criteria.apiId = filter.apiId;
  if (filter.statusClass) criteria.statusClass = filter.statusClass;
  if (client) criteria.client = client;
  if (text) criteria.q = text;
  if (filter.source) criteria.source = filter.source;
  if (filter.range) criteria.since = now - TIME_RANGES[filter.range];
  return Object.keys(criteria).length > 0 ? criteria : undefined;
}

/** Entries matching the criteria (all of them, the same array, when there are none). */
export function filterTraffic(entries: readonly TrafficEntry[], criteria: TrafficCriteria | undefined): TrafficEntry[] {
  const match = criteria ? trafficMatcher(criteria) : undefined;
  return match ? entries.filter(match) : (entries as TrafficEntry[]);
}

/**
 * What the screen lists while filtering: live matches and the server's matches together, newest
 * first, each once. While the server may hold older matches not fetched yet, live matches older
 * than its oldest one wait for them (else the list would skip some).
 */
export function mergeMatches(live: readonly TrafficEntry[], found: readonly TrafficEntry[], more: boolean): TrafficEntry[] {
  const byId = new Map<string, TrafficEntry>();
  for (const entry of found) byId.set(entry.id, entry);
  let oldest = -Infinity;
  if (more && found.length > 0) {
    oldest = Infinity;
    for (const entry of found) oldest = Math.min(oldest, entry.at);
  }
  for (const entry of live) if (!byId.has(entry.id) && entry.at >= oldest) byId.set(entry.id, entry);
  return [...byId.values()].sort((a, b) => b.at - a.at);
}
