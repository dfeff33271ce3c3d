/**
 * rate-limiting-flex: fixed windows starting at a key's first request; every window must have
 * quota. Counters live in the CounterStore (memory, or Redis shared across replicas), keyed by
 * API, binding and keySelector value, so a reload keeps them and two bindings never share one.
 */
import type { RateLimitingConfig } from '../../shared/policies/rate-limiting';
import type { CounterResult } from './counters';
import { exposeRateLimit, isPromise, tooManyRequests, usageDetail } from './rate-limit-headers';
import { compileRequestExpression } from './request-expression';
import type { PolicyDecision, PolicyDefinition, PolicyRequest } from './types';

export const RATE_LIMITED = 'RATE_LIMITED';

export const rateLimitingPolicy: PolicyDefinition<RateLimitingConfig> = {
  name: 'rate-limiting-flex',
  create(config, context) {
    const windows = config.rateLimits.map((window) => ({ ...window }));
    const selectKey = config.keySelector ? compileRequestExpression(config.keySelector) : undefined;
    const prefix = `rate-limiting\u0000${context.api.id}\u0000${context.binding.id}\u0000`;
    const expose = config.exposeHeaders;
    // clusterizable: false keeps this binding's counters in this replica even when Redis is configured.
    const counters = config.clusterizable === false ? (context.counters.local ?? context.counters) : context.counters;

    const decide = (request: PolicyRequest, result: CounterResult): PolicyDecision => {
      if (expose) exposeRateLimit(request, result);
      if (result.allowed) return new UsageContinue(result);
      const retryMs = result.retryAfterMs ?? result.resetMs;
      return tooManyRequests(
        RATE_LIMITED,
        `rate limit exceeded: ${result.limit} requests per ${describePeriod(windowOf(windows, result.limit))}; retry in ${Math.ceil(retryMs / 1000)}s`,
        retryMs,
        `limit ${result.limit} reached, resets in ${Math.ceil(retryMs / 1000)}s`,
      );
    };

    return {
      onRequest(request) {
        const key = selectKey ? prefix + (selectKey(request) ?? '') : prefix;
        const result = counters.hit(key, windows);
        // The memory store answers synchronously: no promise, no microtask per request.
        return isPromise(result) ? result.then((settled) => decide(request, settled)) : decide(request, result);
      },
    };
  },
};

/** An allowed request: its trace line ("3/10 used, …") is only formatted when a trace reads it. */
class UsageContinue {
  declare readonly action: 'continue';
  declare private readonly result: CounterResult;
  constructor(result: CounterResult) {
    this.action = 'continue';
    this.result = result;
  }
  get detail(): string {
    return usageDetail(this.result);
  }
}

function windowOf(windows: readonly { maximumRequests: number; timePeriodInMilliseconds: number }[], limit: number) {
  return windows.find((window) => window.maximumRequests === limit)?.timePeriodInMilliseconds ?? windows[0]!.timePeriodInMilliseconds;
}

export function describePeriod(ms: number): string {
  if (ms % 3_600_000 === 0) return plural(ms / 3_600_000, 'hour');
  if (ms % 60_000 === 0) return plural(ms / 60_000, 'minute');
  if (ms % 1000 === 0) return plural(ms / 1000, 'second');
  return `${ms} ms`;
}

function plural(count: number, unit: string): string {
  return count === 1 ? unit : `${count} ${unit}s`;
}
