/**
 * A replica's counters follow the snapshot's shared storage: two replicas with Redis share a
 * rate limit, `clusterizable: false` keeps a binding's counters per replica, and without shared
 * storage each replica counts on its own.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compilePolicy, decide, fakeRequest } from '../../policies/testing';
import { redisServerMissing, startRedis, type TestRedis } from '../../testing/redis-server';
import { SharedCounters } from './shared-counters';

async function until(check: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

const limit = (clusterizable: boolean, bindingId: string) => ({ config: { rateLimits: [{ maximumRequests: 2, timePeriodInMilliseconds: 60_000 }], clusterizable }, bindingId });

describe.skipIf(redisServerMissing)('replica counters', () => {
  let redis: TestRedis;
  const replicas = [new SharedCounters(), new SharedCounters()];
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    await Promise.all(replicas.map((counters) => counters.close()));
    await redis?.stop();
  });

  it('are local without shared storage, and shared through Redis when the snapshot says so', async () => {
    const runOnBoth = async (clusterizable: boolean, bindingId: string) => {
      const { config } = limit(clusterizable, bindingId);
      const policies = replicas.map((counters) => compilePolicy('rate-limiting-flex', config, { counters, bindingId }));
      const actions: string[] = [];
      for (let i = 0; i < 4; i++) actions.push((await decide(policies[i % 2]!, fakeRequest())).action);
      return actions;
    };

    expect(replicas[0]!.kind).toBe('local');
    // Per replica: 2 + 2 admitted.
    expect(await runOnBoth(true, 'b-local')).toEqual(['continue', 'continue', 'continue', 'continue']);

    for (const counters of replicas) counters.use({ redis: { address: redis.address } });
    await until(() => replicas.every((counters) => counters.kind === 'redis'));
    // Shared: 2 admitted in total.
    expect(await runOnBoth(true, 'b-shared')).toEqual(['continue', 'continue', 'reject', 'reject']);
    // clusterizable: false stays per replica even with Redis.
    expect(await runOnBoth(false, 'b-own')).toEqual(['continue', 'continue', 'continue', 'continue']);

    // The same settings again change nothing; no settings → local again.
    replicas[0]!.use({ redis: { address: redis.address } });
    expect(replicas[0]!.kind).toBe('redis');
    replicas[0]!.use(undefined);
    expect(replicas[0]!.kind).toBe('local');
  });
});
