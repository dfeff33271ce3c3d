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

/** Counters of one window (its position, limit and period) for every key. */
interface WindowTable {
  readonly period: number;
  readonly states: Map<string, WindowState>;
}

export class MemoryCounterStore implements CounterStore {
  readonly kind = 'local';
  /**
   * One table per window signature `index:limit/period`, so a reload that keeps a window keeps
   * its counts and a changed window starts afresh. Hot path: no key string is built per request.
   */
  private readonly tables = new Map<string, WindowTable>();
  /** The tables of each windows array callers pass (compiled once per snapshot, so few). */
  private readonly tablesOf = new WeakMap<readonly CounterWindow[], WindowTable[]>();
  /** Reused between the two passes of one synchronous hit. */
  private readonly scratch: WindowState[] = [];
  private lastSweep = 0;
  private lastSizeCheck = 0;

  hit(key: string, windows: readonly CounterWindow[], now = Date.now()): CounterResult {
    this.sweep(now);
    const tables = this.tablesFor(windows);
    const states = this.scratch;
    const n = windows.length;
    let allowed = true;
    for (let i = 0; i < n; i++) {
      const window = windows[i]!;
      const table = tables[i]!;
      let state = table.states.get(key);
      if (state === undefined) {
        state = { start: now, count: 0 };
        table.states.set(key, state);
      } else if (now - state.start >= window.timePeriodInMilliseconds) {
        state.start = now;
        state.count = 0;
      }
      states[i] = state;
      if (state.count >= window.maximumRequests) allowed = false;
    }
    // Report the window closest to exhaustion, as clients care about the first one to bite.
    let tightest = 0;
    let tightestLeft = Infinity;
    let retryAfterMs: number | undefined;
    if (!allowed) retryAfterMs = 0;
    for (let i = 0; i < n; i++) {
      const window = windows[i]!;
      const state = states[i]!;
      if (allowed) state.count += 1;
      else if (state.count >= window.maximumRequests) retryAfterMs = Math.max(retryAfterMs!, state.start + window.timePeriodInMilliseconds - now);
      const left = window.maximumRequests - state.count;
      if (left < tightestLeft) {
        tightest = i;
        tightestLeft = left;
      }
    }
    const window = windows[tightest]!;
    const state = states[tightest]!;
    states.length = 0;
    return {
      allowed,
      retryAfterMs,
      limit: window.maximumRequests,
      remaining: Math.max(0, window.maximumRequests - state.count),
      resetMs: Math.max(0, state.start + window.timePeriodInMilliseconds - now),
    };
  }

  private tablesFor(windows: readonly CounterWindow[]): WindowTable[] {
    const known = this.tablesOf.get(windows);
    if (known !== undefined && known.length === windows.length) return known;
    const tables = windows.map((window, index) => {
      const signature = `${index}:${window.maximumRequests}/${window.timePeriodInMilliseconds}`;
      let table = this.tables.get(signature);
      if (table === undefined) {
        table = { period: window.timePeriodInMilliseconds, states: new Map() };
        this.tables.set(signature, table);
      }
      return table;
    });
    this.tablesOf.set(windows, tables);
    return tables;
  }

  /** Drops expired windows now and then so that a keySelector with many values cannot grow memory forever. */
  private sweep(now: number): void {
    if (now - this.lastSweep < 60_000 || now - this.lastSizeCheck < 1000) return;
    this.lastSizeCheck = now;
    let size = 0;
    for (const table of this.tables.values()) size += table.states.size;
    if (size < 10_000) return;
    this.lastSweep = now;
    for (const table of this.tables.values())
      for (const [key, state] of table.states) if (now - state.start >= table.period) table.states.delete(key);
  }
}
