/** The hook time limit on its own: what settles, what expires, what a client going away does, and that no timer is left. */
import { describe, expect, it } from 'vitest';
import { PolicyFailure } from '../policy-failure';
import { settleWithin, type HookWait } from './hook-timer';

const timers = (): number => process.getActiveResourcesInfo().filter((name) => name === 'Timeout').length;
const pendingMarker = Symbol('still pending');
/** The promise's value, or the marker when it has not settled by the time a later timer ran. */
const settledOrMarker = <T>(promise: Promise<T>): Promise<T | typeof pendingMarker> =>
  Promise.race([promise, new Promise<typeof pendingMarker>((resolve) => setTimeout(resolve, 50, pendingMarker))]);

function wait<T>(overrides: Partial<HookWait<T>> = {}): HookWait<T> & { controller: AbortController } {
  const controller = new AbortController();
  return { policy: 'slowpoke', hook: 'onRequest', limitMs: 600_000, signal: controller.signal, reads: { reading: 0 }, whenClientGone: undefined, controller, ...overrides };
}

function deferred<T>(): { promise: Promise<T>; resolve(value: T): void; reject(error: unknown): void } {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((yes, no) => ((resolve = yes), (reject = no)));
  return { promise, resolve, reject };
}

describe('hook time limit', () => {
  it("settles with the hook's value and clears its timer", async () => {
    const before = timers();
    const hook = deferred<string>();
    const bounded = settleWithin(hook.promise, wait());
    expect(timers()).toBe(before + 1);
    hook.resolve('done');
    expect(await bounded).toBe('done');
    expect(timers()).toBe(before);
  });

  it("passes the hook's own rejection through and clears its timer", async () => {
    const before = timers();
    const hook = deferred<string>();
    const bounded = settleWithin(hook.promise, wait());
    hook.reject(new Error('kaboom'));
    await expect(bounded).rejects.toThrow('kaboom');
    expect(timers()).toBe(before);
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

  it('stops waiting when the client goes away: goes on with the given value, or never settles; no timer is left', async () => {
    const before = timers();
    const response = deferred<string>();
    const goOn = wait<string>({ whenClientGone: { value: 'gone' } });
    const bounded = settleWithin(response.promise, goOn);
    goOn.controller.abort();
    expect(await bounded).toBe('gone');
    expect(timers()).toBe(before);

    const request = deferred<string>();
    const stop = wait<string>();
    const dropped = settleWithin(request.promise, stop);
    stop.controller.abort();
    expect(timers()).toBe(before);
    request.reject(new Error('after the client left'));
    expect(await settledOrMarker(dropped)).toBe(pendingMarker);
  });

  it('starts no timer when the client is already gone', async () => {
    const before = timers();
    const gone = wait<string>({ whenClientGone: { value: 'gone' } });
    gone.controller.abort();
    const hook = deferred<string>();
    expect(await settleWithin(hook.promise, gone)).toBe('gone');
    expect(timers()).toBe(before);
    hook.reject(new Error('ignored'));
  });
});
