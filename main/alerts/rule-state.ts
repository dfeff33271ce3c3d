/**
 * The state machine of one rule: OK → Alerting (one "fire") → OK (one "resolve").
 *
 * The evaluator checks the rule's window (the last `windowSeconds`) every tick. A change of
 * state needs the opposite condition at every check for `holdMs` = (periods − 1) windows, so
 * N back-to-back windows all agree: one spike cannot fire a rule that asks for 3 periods, and a
 * flapping condition resets the count on every flip instead of notifying each time. While
 * Alerting, further breaching checks change nothing: no repeated notification.
 */
export type RuleTransition = 'fire' | 'resolve';

export class RuleState {
  /** Start of the current run of checks that disagree with the state (undefined: none). */
  private pendingSince: number | undefined;

  /** `alerting` restores a rule that was Alerting before a restart (its last stored event was "fired"). */
  constructor(private state: 'ok' | 'alerting' = 'ok') {}

  get alerting(): boolean {
    return this.state === 'alerting';
  }

  /** Feeds one check; returns the transition it causes, if any. */
  observe(breach: boolean, at: number, holdMs: number): RuleTransition | undefined {
    const agrees = breach === this.alerting;
    if (agrees) {
      this.pendingSince = undefined;
      return undefined;
    }
    this.pendingSince ??= at;
    if (at - this.pendingSince < holdMs) return undefined;
    this.pendingSince = undefined;
    this.state = breach ? 'alerting' : 'ok';
    return breach ? 'fire' : 'resolve';
  }

  /** Back to OK without a check (the rule was disabled); true when it was Alerting. */
  reset(): boolean {
    const was = this.alerting;
    this.state = 'ok';
    this.pendingSince = undefined;
    return was;
  }
}
