/**
 * http-caching-flex with `distributed` / `persistCache`: entries live in a real redis-server
 * (started here), shared by two gateway replicas and outliving a gateway's restart.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findPolicy } from '../../shared/policies/catalogue';
import { startGateway, type StartedGateway } from '../gateway/testing';
import { request, startServer, type TestServer } from '../testing/net';
import { redisServerMissing, startRedis, type TestRedis } from '../testing/redis-server';
import { FailoverCounterStore } from './redis-counters';

describe.skipIf(redisServerMissing)('http-caching-flex in Redis', () => {
  let redis: TestRedis;
  let upstream: TestServer;
  let served = 0;
  const stores: FailoverCounterStore[] = [];

  beforeAll(async () => {
    redis = await startRedis();
    upstream = await startServer((_req, res) => {
      served++;
      res.writeHead(200, { 'content-type': 'text/plain', 'cache-control': 'max-age=300' });
      res.end(`answer ${served}`);
    });
  });
  afterAll(async () => {
    await Promise.all(stores.map((store) => store.close()));
    await upstream?.close();
    await redis?.stop();
  });

  /** A replica: its own gateway and its own connection to the shared Redis. */
  async function replica(config: Record<string, unknown>): Promise<StartedGateway> {
    const counters = new FailoverCounterStore({ address: redis.address });
    stores.push(counters);
    await until(() => counters.kind === 'redis');
    return startGateway(
      { id: 'shared-api', basePath: '/api', upstream: upstream.url, policies: [{ name: 'http-caching-flex', config }] },
      { catalogue: findPolicy, counters },
    );
  }

  /** The cache's own Redis connection comes up on its own: a miss until it does. */
  async function firstHit(gateway: StartedGateway, path: string): Promise<void> {
    const started = Date.now();
    while ((await request(gateway.url(path))).headers['x-gatehouse-cache'] !== 'hit') {
      if (Date.now() - started > 5000) throw new Error('the entry never reached Redis');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  it('distributed: a response stored by one replica is a hit on another', async () => {
    const a = await replica({ distributed: true });
    const b = await replica({ distributed: true });
    try {
      await firstHit(a, '/api/shared');
      const before = served;
      const fromB = await request(b.url('/api/shared'));
      expect(fromB.headers['x-gatehouse-cache']).toBe('hit');
      expect(fromB.body).toBe(`answer ${before}`);
      expect(served).toBe(before);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('persistCache: a restarted gateway still has the entries', async () => {
    const first = await replica({ persistCache: true });
    await firstHit(first, '/api/persisted');
    const body = (await request(first.url('/api/persisted'))).body;
    await first.close();
    const restarted = await replica({ persistCache: true });
    try {
      await firstHit(restarted, '/api/persisted');
      expect((await request(restarted.url('/api/persisted'))).body).toBe(body);
    } finally {
      await restarted.close();
    }
  });
});

async function until(check: () => boolean, timeoutMs = 5000): Promise<void> {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > timeoutMs) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
