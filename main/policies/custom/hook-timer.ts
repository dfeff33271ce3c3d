/**
 * The time limit of a custom policy hook's asynchronous part. Only a hook that returned a
 * promise is timed (a synchronous hook costs nothing more); past the limit the request fails
 * with a 504 PolicyFailure naming the policy, the hook and the limit, and whatever the hook
 * settles with later is ignored (its rejection included: it is handled here, never unhandled).
 *
 * Cost per timed hook: one timer, cleared when the hook settles. Whether the client went away
 * is asked only when the limit is reached: listening to the request's abort signal would cost
 * an AbortController per request, several times the timer. The timer is unref'd, so a hook
 * whose client left never keeps a stopping process alive while it waits for the limit.
 */
import { PolicyFailure } from '../policy-failure';

/** Long enough for a lookup through `context.fetch` (5 s by default), well under the upstream's own 30 s. */
export const DEFAULT_HOOK_TIMEOUT_MS = 10_000;
/** The most a policy may set with `timeoutMs`: ten minutes. */
export const MAX_HOOK_TIMEOUT_MS = 600_000;
export const POLICY_TIMEOUT_CODE = 'POLICY_TIMEOUT';

export type TimedHook = 'onRequest' | 'onResponse';

/** Body reads the gateway does for a hook (the client's request body, the upstream's response body). */
export interface BodyReads {
  /** How many are under way: their own deadlines (the listener's body timeout, the upstream's) apply, not the hook's. */
  readonly reading: number;
}

export interface HookWait<T> {
  policy: string;
  hook: TimedHook;
  limitMs: number;
  /** The client went away (asked once the limit is reached). */
  clientGone(): boolean;
  reads: BodyReads;
  /**
   * What the hook's result becomes when the limit is reached after the client went away: a
   * value to go on with, or undefined to stop the request's chain there (it is never settled:
   * nothing is left to answer). Either way nothing is reported: the hook may not have hung.
   */
  whenClientGone: { value: T } | undefined;
}

export function hookTimeoutMessage(policy: string, hook: TimedHook, limitMs: number): string {
  return `custom policy ${policy} did not answer in ${hook} within ${limitMs} ms`;
}

/** The hook's promise, bounded by the limit (see the module's comment). */
export function settleWithin<T>(pending: Promise<T>, wait: HookWait<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let done = false;
    let timer = arm();
    function arm(): NodeJS.Timeout {
      return setTimeout(expire, wait.limitMs).unref();
    }
    function expire(): void {
      if (done) return;
      if (wait.clientGone()) {
        done = true;
        if (wait.whenClientGone !== undefined) resolve(wait.whenClientGone.value);
        return;
      }
      // A body still arriving is the client's or the upstream's delay, bounded by their deadlines.
      if (wait.reads.reading > 0) {
        timer = arm();
        return;
      }
      done = true;
      reject(new PolicyFailure(504, POLICY_TIMEOUT_CODE, hookTimeoutMessage(wait.policy, wait.hook, wait.limitMs)));
    }
    pending.then(
      (value) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}
