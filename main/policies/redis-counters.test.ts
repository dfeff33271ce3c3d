import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisServerMissing, startRedis, type TestRedis } from '../testing/redis-server';
import { FailoverCounterStore, parseRedisAddress, REDIS_UNREACHABLE, RedisCounterStore } from './redis-counters';

async function until(check: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('parseRedisAddress', () => {
  it('reads host:port, a bare host and redis:// URLs', () => {
    expect(parseRedisAddress('127.0.0.1:6380')).toMatchObject({ host: '127.0.0.1', port: 6380, tls: false });
    expect(parseRedisAddress('redis')).toMatchObject({ host: 'redis', port: 6379 });
    expect(parseRedisAddress('redis://user:p%40ss@cache:7000/2')).toEqual({ host: 'cache', port: 7000, tls: false, username: 'user', password: 'p@ss', db: 2 });
    expect(() => parseRedisAddress('a:b:c')).toThrow(/sharedStorage\.redis\.address/);
  });
});

describe.skipIf(redisServerMissing)('Redis counter store', () => {
  let redis: TestRedis;
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    await redis?.stop();
  });

  it('is atomic under concurrency: 60 parallel hits against a limit of 20 admit exactly 20, across clients', async () => {
    const prefix = `test:${Date.now()}:`;
    // Three clients stand for three replicas.
    const stores = [0, 1, 2].map(() => new RedisCounterStore({ address: redis.address }, { keyPrefix: prefix }));
    await until(() => stores.every((store) => store.ready));
    const windows = [{ maximumRequests: 20, timePeriodInMilliseconds: 60_000 }];
    const results = await Promise.all(Array.from({ length: 60 }, (_, i) => stores[i % 3]!.hit('api/binding', windows)));
    expect(results.filter((result) => result.allowed)).toHaveLength(20);
    const rejected = results.find((result) => !result.allowed)!;
    expect(rejected).toMatchObject({ limit: 20, remaining: 0 });
    expect(rejected.retryAfterMs).toBeGreaterThan(50_000);
    // Another key is counted on its own.
    expect((await stores[0]!.hit('other', windows)).allowed).toBe(true);
    await Promise.all(stores.map((store) => store.close()));
  });

  it('needs quota in every window, and a rejected hit consumes nothing', async () => {
    const store = new RedisCounterStore({ address: redis.address }, { keyPrefix: `test2:${Date.now()}:` });
    await until(() => store.ready);
    const windows = [
      { maximumRequests: 3, timePeriodInMilliseconds: 300 },
      { maximumRequests: 5, timePeriodInMilliseconds: 60_000 },
    ];
    const first = await Promise.all([1, 2, 3, 4].map(() => store.hit('k', windows)));
    expect(first.map((r) => r.allowed)).toEqual([true, true, true, false]);
    // The 4th was rejected by the short window: the long one still has 2 left, not 1.
    await new Promise((resolve) => setTimeout(resolve, 350));
    const second = await Promise.all([1, 2, 3].map(() => store.hit('k', windows)));
    expect(second.map((r) => r.allowed)).toEqual([true, true, false]);
    expect(second[2]).toMatchObject({ allowed: false, limit: 5, remaining: 0 });
    await store.close();
  });

  it('fails over to local counters while Redis is down, says so, and goes back when it returns', async () => {
    const logs: string[] = [];
    const store = new FailoverCounterStore({ address: redis.address }, { keyPrefix: `test3:${Date.now()}:`, log: (_level, message) => logs.push(message) });
    await until(() => store.kind === 'redis');
    const windows = [{ maximumRequests: 1000, timePeriodInMilliseconds: 60_000 }];
    expect((await store.hit('k', windows)).remaining).toBe(999);

    await redis.stop();
    await until(() => store.kind === REDIS_UNREACHABLE);
    // Local counters start from scratch, and the request is served at once.
    const started = Date.now();
    const local = await store.hit('k', windows);
    expect(Date.now() - started).toBeLessThan(100);
    expect(local).toMatchObject({ allowed: true, remaining: 999 });
    expect(logs.some((line) => /unreachable/.test(line))).toBe(true);

    await redis.start();
    await until(() => store.kind === 'redis', 8000);
    // Back on Redis: the fresh server has no counters, so this is the first hit there.
    expect((await store.hit('k', windows)).remaining).toBe(999);
    expect((await store.hit('k', windows)).remaining).toBe(998);
    expect(logs.some((line) => /is back/.test(line))).toBe(true);
    await store.close();
  });

  it('reports an unreachable Redis from the start and keeps counting locally', async () => {
    const store = new FailoverCounterStore({ address: '127.0.0.1:1' });
    await until(() => store.kind === REDIS_UNREACHABLE);
    const windows = [{ maximumRequests: 2, timePeriodInMilliseconds: 60_000 }];
    const results = await Promise.all([1, 2, 3].map(() => store.hit('k', windows)));
    expect(results.map((r) => r.allowed)).toEqual([true, true, false]);
    await store.close();
  });
});
