/**
 * What rate limiting, SLA limits and spike control tell clients: X-Ratelimit-* on every
 * response (when exposeHeaders) and Retry-After on the 429.
 */
import type { OutgoingHttpHeaders } from 'node:http';
import type { CounterResult } from './counters';
import type { PolicyDecision, PolicyRequest } from './types';

export function exposeRateLimit(request: PolicyRequest, result: Pick<CounterResult, 'limit' | 'remaining' | 'resetMs'>): void {
  const headers = request.responseHeaders;
  headers['x-ratelimit-limit'] = String(result.limit);
  headers['x-ratelimit-remaining'] = String(result.remaining);
  headers['x-ratelimit-reset'] = String(Math.max(0, Math.ceil(result.resetMs)));
}

/** Whole seconds, rounded up and at least 1: a client retrying sooner would be rejected again. */
export function retryAfterSeconds(ms: number): number {
  return Math.max(1, Math.ceil(ms / 1000));
}

export function tooManyRequests(code: string, message: string, retryAfterMs: number, detail: string): PolicyDecision {
  const headers: OutgoingHttpHeaders = { 'retry-after': String(retryAfterSeconds(retryAfterMs)) };
  return { action: 'reject', status: 429, code, message, headers, detail };
}

export function usageDetail(result: Pick<CounterResult, 'limit' | 'remaining' | 'resetMs'>): string {
  return `${result.limit - result.remaining}/${result.limit} used, resets in ${Math.ceil(result.resetMs / 1000)}s`;
}

export function isPromise<T>(value: T | Promise<T>): value is Promise<T> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}
