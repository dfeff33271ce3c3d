/** The hook time limit on its own: what settles, what expires, what a client gone away changes, and that the timer is cleared. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { PolicyFailure } from '../policy-failure';
import { settleWithin, type HookWait } from './hook-timer';

const pendingMarker = Symbol('still pending');
/** The promise's value, or the marker when it has not settled by the time a later timer ran. */
const settledOrMarker = <T>(promise: Promise<T>): Promise<T | typeof pendingMarker> =>
  Promise.race([promise, new Promise<typeof pendingMarker>((resolve) => setTimeout(resolve, 50, pendingMarker))]);

function wait<T>(overrides: Partial<HookWait<T>> = {}): HookWait<T> {
  return { policy: 'slowpoke', hook: 'onRequest', limitMs: 600_000, clientGone: () => false, reads: { reading: 0 }, whenClientGone: undefined, ...overrides };
}

function deferred<T>(): { promise: Promise<T>; resolve(value: T): void; reject(error: unknown): void } {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((yes, no) => ((resolve = yes), (reject = no)));
  return { promise, resolve, reject };
}

/** The timers settleWithin starts, and whether each was cleared. */
function watchTimers(): { started: () => unknown[]; cleared: (timer: unknown) => boolean } {
  const set = vi.spyOn(globalThis, 'setTimeout');
  const clear = vi.spyOn(globalThis, 'clearTimeout');
  return { started: () => set.mock.results.map((result) => result.value), cleared: (timer) => clear.mock.calls.some(([handle]) => handle === timer) };
}

afterEach(() => vi.restoreAllMocks());

describe('hook time limit', () => {
  it("settles with the hook's value and clears its one timer, which never holds the process", async () => {
    const timers = watchTimers();
    const hook = deferred<string>();
    const bounded = settleWithin(hook.promise, wait());
    const [timer] = timers.started() as NodeJS.Timeout[];
    expect(timers.started()).toHaveLength(1);
    expect(timer!.hasRef()).toBe(false);
    hook.resolve('done');
    expect(await bounded).toBe('done');
    expect(timers.cleared(timer)).toBe(true);
  });

  it("passes the hook's own rejection through and clears its timer", async () => {
    const timers = watchTimers();
    const hook = deferred<string>();
    const bounded = settleWithin(hook.promise, wait());
    hook.reject(new Error('kaboom'));
    await expect(bounded).rejects.toThrow('kaboom');
    expect(timers.cleared(timers.started()[0])).toBe(true);
  });

  it('fails with a 504 naming the policy, the hook and the limit; a late value or rejection is ignored', async () => {
    const hook = deferred<string>();
    const failure = await settleWithin(hook.promise, wait({ limitMs: 20, hook: 'onResponse' })).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(PolicyFailure);
    expect(failure).toMatchObject({ status: 504, code: 'POLICY_TIMEOUT', message: 'custom policy slowpoke did not answer in onResponse within 20 ms' });
    // Handled by the time limit: vitest fails the run on an unhandled rejection.
    hook.reject(new Error('too late'));
    const other = deferred<string>();
    const expired = settleWithin(other.promise, wait({ limitMs: 20 }));
    await expect(expired).rejects.toBeInstanceOf(PolicyFailure);
    other.resolve('too late');
  });

  it('does not expire while the gateway reads a body for the hook', async () => {
    const reads = { reading: 1 };
    const hook = deferred<string>();
    const bounded = settleWithin(hook.promise, wait({ limitMs: 5, reads }));
    // Many limits go by while the body is still arriving.
    expect(await settledOrMarker(bounded)).toBe(pendingMarker);
    reads.reading = 0;
    await expect(bounded).rejects.toBeInstanceOf(PolicyFailure);
    hook.resolve('late');
  });

  it('reports nothing when the client went away: goes on with the given value, or never settles', async () => {
    let gone = false;
    const response = deferred<string>();
    const goOn = settleWithin(response.promise, wait<string>({ limitMs: 5, clientGone: () => gone, whenClientGone: { value: 'gone' }, reads: { reading: 1 } }));
    gone = true;
    // A body read the closed client never finishes does not keep the timer going.
    expect(await goOn).toBe('gone');

    const request = deferred<string>();
    const dropped = settleWithin(request.promise, wait<string>({ limitMs: 5, clientGone: () => true }));
    expect(await settledOrMarker(dropped)).toBe(pendingMarker);
    request.reject(new Error('after the client left'));
    expect(await settledOrMarker(dropped)).toBe(pendingMarker);
  });
});
