/**
 * spike-control-flex: at most `maximumRequests` admitted in any sliding window of
 * `timePeriodInMilliseconds` (per binding, in this process). An excess request waits
 * `delayTimeInMillis` and tries again, up to `delayAttempts` times, with at most `queuingLimit`
 * requests waiting at once; then 429. Waiting stops when the client goes away.
 */
import type { SpikeControlConfig } from '../../shared/policies/spike-control';
import { exposeRateLimit, tooManyRequests } from './rate-limit-headers';
import type { PolicyDecision, PolicyDefinition, PolicyRequest } from './types';

export const SPIKE_CONTROL = 'SPIKE_CONTROL';
export const CLIENT_CLOSED = 'CLIENT_CLOSED_REQUEST';

/** Admission times of the last `size` admitted requests, oldest first. */
export class SlidingWindow {
  private readonly times: Float64Array;
  private head = 0;
  private count = 0;

  constructor(
    private readonly size: number,
    private readonly period: number,
  ) {
    this.times = new Float64Array(size);
  }

  /** Admits and records the request when fewer than `size` were admitted in the last `period`. */
  tryAdmit(now: number): boolean {
    if (this.count === this.size) {
      if (now - this.times[this.head]! < this.period) return false;
      this.times[this.head] = now;
      this.head = (this.head + 1) % this.size;
      return true;
    }
    this.times[(this.head + this.count) % this.size] = now;
    this.count++;
    return true;
  }

  /** Requests still counted at `now`, and ms until the oldest of them leaves the window. */
  usage(now: number): { used: number; resetMs: number } {
    // Times are in admission order, so the expired ones are a prefix: binary search for its end.
    let low = 0;
    let high = this.count;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (now - this.times[(this.head + mid) % this.size]! >= this.period) low = mid + 1;
      else high = mid;
    }
    const used = this.count - low;
    const resetMs = used === 0 ? 0 : this.times[(this.head + low) % this.size]! + this.period - now;
    return { used, resetMs };
  }
}

export const spikeControlPolicy: PolicyDefinition<SpikeControlConfig> = {
  name: 'spike-control-flex',
  create(config) {
    const window = new SlidingWindow(config.maximumRequests, config.timePeriodInMilliseconds);
    const waiters = new Set<{ timer: NodeJS.Timeout; finish: (decision: PolicyDecision) => void }>();
    let disposed = false;

    const expose = (request: PolicyRequest, now: number) => {
      if (!config.exposeHeaders) return;
      const { used, resetMs } = window.usage(now);
      exposeRateLimit(request, { limit: config.maximumRequests, remaining: Math.max(0, config.maximumRequests - used), resetMs });
    };

    const admitted = (request: PolicyRequest, now: number, attempts: number): PolicyDecision => {
      expose(request, now);
      return { action: 'continue', detail: attempts === 0 ? 'admitted' : `admitted after waiting ${attempts}×${config.delayTimeInMillis} ms` };
    };

    const rejected = (request: PolicyRequest, now: number, why: string): PolicyDecision => {
      expose(request, now);
      const { resetMs } = window.usage(now);
      return tooManyRequests(
        SPIKE_CONTROL,
        `too many requests: at most ${config.maximumRequests} per ${config.timePeriodInMilliseconds} ms; ${why}`,
        resetMs,
        why,
      );
    };

    return {
      onRequest(request) {
        const now = performance.now();
        if (window.tryAdmit(now)) return admitted(request, now, 0);
        if (config.delayAttempts === 0 || waiters.size >= config.queuingLimit || disposed)
          return rejected(request, now, config.queuingLimit === 0 ? 'queuing is off' : `queue full (${config.queuingLimit} waiting)`);
        const signal = request.signal;
        if (signal.aborted) return { action: 'reject', status: 499, code: CLIENT_CLOSED, message: 'the client went away' };

        return new Promise<PolicyDecision>((resolve) => {
          let attempts = 0;
          const waiter = { timer: undefined as unknown as NodeJS.Timeout, finish: (decision: PolicyDecision) => settle(decision) };
          const onAbort = () => settle({ action: 'reject', status: 499, code: CLIENT_CLOSED, message: 'the client went away while queued', detail: 'client went away while queued' });
          const settle = (decision: PolicyDecision) => {
            clearTimeout(waiter.timer);
            waiters.delete(waiter);
            signal.removeEventListener('abort', onAbort);
            resolve(decision);
          };
          const retry = () => {
            attempts++;
            const at = performance.now();
            if (window.tryAdmit(at)) return settle(admitted(request, at, attempts));
            if (attempts >= config.delayAttempts) return settle(rejected(request, at, `still over the limit after ${attempts} wait${attempts > 1 ? 's' : ''} of ${config.delayTimeInMillis} ms`));
            waiter.timer = setTimeout(retry, config.delayTimeInMillis);
          };
          waiter.timer = setTimeout(retry, config.delayTimeInMillis);
          waiters.add(waiter);
          signal.addEventListener('abort', onAbort, { once: true });
        });
      },
      dispose() {
        disposed = true;
        for (const waiter of [...waiters])
          waiter.finish({ action: 'reject', status: 503, code: SPIKE_CONTROL, message: 'the gateway configuration changed while the request was queued; retry' });
      },
    };
  },
};
