/**
 * Counters for rate limiting and spike control. The in-memory store is exact under
 * concurrency because Node runs each `hit` to completion. A Redis-backed store (shared across
 * replicas) implements the same interface asynchronously.
 */

export interface CounterWindow {
  maximumRequests: number;
  timePeriodInMilliseconds: number;
}

export interface CounterResult {
  allowed: boolean;
  /** The tightest window's limit and what is left of it after this hit. */
  limit: number;
  remaining: number;
  /** Milliseconds until the tightest window resets. */
  resetMs: number;
  /**
   * On a rejected hit: milliseconds until every exhausted window has quota again (what
   * Retry-After should say when several windows are exhausted). Absent: use `resetMs`.
   */
  retryAfterMs?: number;
}

export interface CounterStore {
  /**
   * Counts one request against every window for `key` (fixed windows starting at the first
   * request). Allowed only if every window has quota; a rejected hit consumes nothing.
   */
  hit(key: string, windows: readonly CounterWindow[], now?: number): CounterResult | Promise<CounterResult>;
  /** Where counters live, for health output: `local` or `redis`. */
  readonly kind: string;
  /** This process's own counters, when `hit` shares them (Redis): for `clusterizable: false` bindings. */
  readonly local?: CounterStore;
}

interface WindowState {
  start: number;
  count: number;
}

export class MemoryCounterStore implements CounterStore {
  readonly kind = 'local';
  private readonly windows = new Map<string, WindowState>();
  private lastSweep = 0;

  hit(key: string, windows: readonly CounterWindow[], now = Date.now()): CounterResult {
    this.sweep(now);
    const states = windows.map((window, index) => {
      const stateKey = `${key}\u0000${index}:${window.maximumRequests}/${window.timePeriodInMilliseconds}`;
      let state = this.windows.get(stateKey);
      if (!state || now - state.start >= window.timePeriodInMilliseconds) {
        state = { start: now, count: 0 };
        this.windows.set(stateKey, state);
      }
      return { window, state };
    });
    const allowed = states.every(({ window, state }) => state.count < window.maximumRequests);
    if (allowed) for (const { state } of states) state.count += 1;
    // Report the window closest to exhaustion, as clients care about the first one to bite.
    let tightest = states[0]!;
    for (const entry of states) {
      const left = entry.window.maximumRequests - entry.state.count;
      const tightestLeft = tightest.window.maximumRequests - tightest.state.count;
      if (left < tightestLeft) tightest = entry;
    }
    let retryAfterMs: number | undefined;
    if (!allowed) {
      retryAfterMs = 0;
      for (const { window, state } of states)
        if (state.count >= window.maximumRequests) retryAfterMs = Math.max(retryAfterMs, state.start + window.timePeriodInMilliseconds - now);
    }
    return {
      allowed,
      retryAfterMs,
      limit: tightest.window.maximumRequests,
      remaining: Math.max(0, tightest.window.maximumRequests - tightest.state.count),
      resetMs: Math.max(0, tightest.state.start + tightest.window.timePeriodInMilliseconds - now),
    };
  }

  /** Drops expired windows now and then so that a keySelector with many values cannot grow memory forever. */
  private sweep(now: number): void {
    if (now - this.lastSweep < 60_000 || this.windows.size < 10_000) return;
    this.lastSweep = now;
    for (const [key, state] of this.windows) {
      const period = Number(key.slice(key.lastIndexOf('/') + 1));
      if (now - state.start >= period) this.windows.delete(key);
    }
  }
}
