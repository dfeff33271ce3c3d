import { describe, expect, it } from 'vitest';
import { MemoryCounterStore } from './counters';

const T0 = 1_000_000;

describe('MemoryCounterStore', () => {
  it('admits only while every window has quota, reports the tightest window, and a rejected hit consumes nothing', () => {
    const store = new MemoryCounterStore();
    const windows = [
      { maximumRequests: 5, timePeriodInMilliseconds: 60_000 },
      { maximumRequests: 2, timePeriodInMilliseconds: 1_000 },
    ];
    expect(store.hit('k', windows, T0)).toEqual({ allowed: true, retryAfterMs: undefined, limit: 2, remaining: 1, resetMs: 1_000 });
    expect(store.hit('k', windows, T0 + 100)).toMatchObject({ allowed: true, limit: 2, remaining: 0, resetMs: 900 });
    expect(store.hit('k', windows, T0 + 200)).toEqual({ allowed: false, retryAfterMs: 800, limit: 2, remaining: 0, resetMs: 800 });
    // The per-second window reset; the minute window still holds 2 of 5 (the rejected hit was not counted).
    expect(store.hit('k', windows, T0 + 1_000)).toMatchObject({ allowed: true, limit: 2, remaining: 1, resetMs: 1_000 });
    expect(store.hit('k', windows, T0 + 1_001)).toMatchObject({ allowed: true, limit: 2, remaining: 0 });
    expect(store.hit('k', windows, T0 + 2_000)).toMatchObject({ allowed: true, limit: 5, remaining: 0, resetMs: 58_000 });
    // The minute window is exhausted: Retry-After waits for it, not for the per-second one.
    expect(store.hit('k', windows, T0 + 2_001)).toMatchObject({ allowed: false, retryAfterMs: 57_999, limit: 5 });
    // Other keys are counted apart.
    expect(store.hit('other', windows, T0 + 2_001)).toMatchObject({ allowed: true, remaining: 1 });
  });

  it('keeps counts for an equal window passed as a new array (a reload) and starts a changed window afresh', () => {
    const store = new MemoryCounterStore();
    const before = [
      { maximumRequests: 3, timePeriodInMilliseconds: 60_000 },
      { maximumRequests: 10, timePeriodInMilliseconds: 3_600_000 },
    ];
    store.hit('k', before, T0);
    store.hit('k', before, T0);
    const same = before.map((window) => ({ ...window }));
    expect(store.hit('k', same, T0)).toMatchObject({ allowed: true, limit: 3, remaining: 0 });
    const changed = [{ maximumRequests: 4, timePeriodInMilliseconds: 60_000 }, { ...before[1]! }];
    // The first window changed (new limit): it counts from zero; the hour window kept its 3.
    expect(store.hit('k', changed, T0)).toMatchObject({ allowed: true, limit: 4, remaining: 3 });
    expect(store.hit('k', [changed[1]!, changed[0]!], T0)).toMatchObject({ allowed: true });
    // Back to the old windows: their own counts were kept, the minute window is full.
    expect(store.hit('k', before, T0)).toMatchObject({ allowed: false, limit: 3, remaining: 0 });
  });

  it('starts a window again once its period is over', () => {
    const store = new MemoryCounterStore();
    const windows = [{ maximumRequests: 1, timePeriodInMilliseconds: 1_000 }];
    expect(store.hit('k', windows, T0).allowed).toBe(true);
    expect(store.hit('k', windows, T0 + 999).allowed).toBe(false);
    expect(store.hit('k', windows, T0 + 1_000)).toMatchObject({ allowed: true, resetMs: 1_000 });
  });
});
