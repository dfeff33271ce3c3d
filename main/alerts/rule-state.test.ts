import { describe, expect, it } from 'vitest';
import { compare } from './rule';
import { RuleState } from './rule-state';

/** Feeds checks one second apart; returns the transitions by second. */
function run(state: RuleState, breaches: boolean[], holdMs: number): string[] {
  return breaches.map((breach, second) => state.observe(breach, second * 1000, holdMs) ?? '.');
}

describe('RuleState', () => {
  it('fires once and stays Alerting without firing again, then resolves once', () => {
    const state = new RuleState();
    expect(run(state, [false, true, true, true, true, false, false, true], 0)).toEqual(['.', 'fire', '.', '.', '.', 'resolve', '.', 'fire']);
  });

  it('fires only after the condition held for N back-to-back windows', () => {
    // 3 periods of a 2-second window: the breach must hold at every check for 2 × 2 s.
    const state = new RuleState();
    const hold = (3 - 1) * 2000;
    expect(run(state, [true, true, true, true, true, true], hold)).toEqual(['.', '.', '.', '.', 'fire', '.']);
  });

  it('damps flapping: every flip restarts the count, so an alternating condition never notifies', () => {
    const state = new RuleState();
    const flapping = Array.from({ length: 20 }, (_, i) => i % 3 !== 2); // two checks over, one under, …
    expect(run(state, flapping, 2000).filter((t) => t !== '.')).toEqual([]);
    expect(state.alerting).toBe(false);
  });

  it('needs N periods of OK to resolve as well', () => {
    const state = new RuleState('alerting');
    expect(run(state, [false, false, true, false, false, false], 2000)).toEqual(['.', '.', '.', '.', '.', 'resolve']);
  });

  it('restores Alerting after a restart: a breach that continues does not fire again', () => {
    const restored = new RuleState('alerting');
    expect(run(restored, [true, true, true], 0)).toEqual(['.', '.', '.']);
    expect(restored.alerting).toBe(true);
  });

  it('reset returns to OK and says whether it was Alerting', () => {
    const state = new RuleState('alerting');
    expect(state.reset()).toBe(true);
    expect(state.reset()).toBe(false);
    expect(state.observe(true, 0, 0)).toBe('fire');
  });
});

describe('compare', () => {
  it('applies every comparator', () => {
    expect([compare(5, 'gt', 5), compare(6, 'gt', 5)]).toEqual([false, true]);
    expect([compare(5, 'gte', 5), compare(4, 'gte', 5)]).toEqual([true, false]);
    expect([compare(4, 'lt', 5), compare(5, 'lt', 5)]).toEqual([true, false]);
    expect([compare(5, 'lte', 5), compare(6, 'lte', 5)]).toEqual([true, false]);
    expect([compare(5, 'eq', 5), compare(5.5, 'eq', 5)]).toEqual([true, false]);
  });
});
