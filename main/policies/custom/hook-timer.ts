/**
 * The time limit of a custom policy hook's asynchronous part. Only a hook that returned a
 * promise is timed (a synchronous hook costs nothing more); past the limit the request fails
 * with a 504 PolicyFailure naming the policy, the hook and the limit, and whatever the hook
 * settles with later is ignored (its rejection included: it is handled here, never unhandled).
 * The timer is cleared as soon as the hook settles or the client goes away (a gateway that
 * stops closes its connections, so no timer outlives it).
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
  /** The request's: aborted when the client goes away. */
  signal: AbortSignal;
  reads: BodyReads;
  /**
   * What the hook's result becomes when the client goes away first: a value to go on with, or
   * undefined to stop the request's chain here (it is never settled: nothing is left to answer).
   */
  whenClientGone: { value: T } | undefined;
}

export function hookTimeoutMessage(policy: string, hook: TimedHook, limitMs: number): string {
  return `custom policy ${policy} did not answer in ${hook} within ${limitMs} ms`;
}

/** The hook's promise, bounded by the limit (see the module's comment). */
export function settleWithin<T>(pending: Promise<T>, wait: HookWait<T>): Promise<T> {
  const { signal } = wait;
  if (signal.aborted) {
    pending.then(ignore, ignore);
    return wait.whenClientGone === undefined ? new Promise<T>(ignore) : Promise.resolve(wait.whenClientGone.value);
  }
  return new Promise<T>((resolve, reject) => {
    let done = false;
    let timer: NodeJS.Timeout;
    const finish = (): boolean => {
      if (done) return false;
      done = true;
      clearTimeout(timer);
      signal.removeEventListener('abort', clientGone);
      return true;
    };
    const expire = (): void => {
      if (done) return;
      // A body still arriving is the client's or the upstream's delay, bounded by their deadlines.
      if (wait.reads.reading > 0) return arm();
      finish();
      reject(new PolicyFailure(504, POLICY_TIMEOUT_CODE, hookTimeoutMessage(wait.policy, wait.hook, wait.limitMs)));
    };
    const arm = (): void => {
      timer = setTimeout(expire, wait.limitMs);
    };
    function clientGone(): void {
      if (!finish()) return;
      if (wait.whenClientGone !== undefined) resolve(wait.whenClientGone.value);
    }
    arm();
    signal.addEventListener('abort', clientGone);
    pending.then(
      (value) => {
        if (finish()) resolve(value);
      },
      (error: unknown) => {
        if (finish()) reject(error);
      },
    );
  });
}

function ignore(): void {}
