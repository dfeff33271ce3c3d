/**
 * http-caching-flex over real sockets: Flex's settings (key, entries, ttl, useHttpCacheHeaders,
 * invalidation header, request/response expressions), Gatehouse's byte bounds, reloads and
 * config validation. The RFC 9111 behaviours are in http-caching.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { findPolicy } from '../../shared/policies/catalogue';
import { useCacheHarness } from '../testing/http-cache-harness';

const { answers, hits, seen, gatewayWith, lastApiId, upstreamUrl, freshPath, advance, get } = useCacheHarness();

describe('http-caching-flex: Flex settings and bounds', () => {
  it('maxCacheEntries: the least recently used entry goes first', async () => {
    const gateway = await gatewayWith({ maxCacheEntries: 2 });
    const [a, b, c] = [freshPath(), freshPath(), freshPath()];
    for (const path of [a, b, c]) answers.set(path, { headers: { 'cache-control': 'max-age=60' } });
    await get(gateway, a);
    await get(gateway, b);
    await get(gateway, a); // a is now the most recent
    await get(gateway, c); // evicts b
    expect((await get(gateway, a)).headers['x-gatehouse-cache']).toBe('hit');
    expect((await get(gateway, b)).headers['x-gatehouse-cache']).toBe('miss');
  });

  it('maxEntryBytes: a larger body passes through whole but is not stored; maxCacheBytes bounds the total', async () => {
    const gateway = await gatewayWith({ maxEntryBytes: 1000, maxCacheBytes: 3000 });
    const big = freshPath();
    answers.set(big, { headers: { 'cache-control': 'max-age=60' }, body: 'x'.repeat(50_000) });
    const first = await get(gateway, big);
    expect(first.body.length).toBe(50_000);
    expect((await get(gateway, big)).headers['x-gatehouse-cache']).toBe('miss');
    // Each entry is ~900 bytes with its headers: three fit at most, the oldest goes.
    const small = [freshPath(), freshPath(), freshPath(), freshPath()];
    for (const path of small) {
      answers.set(path, { headers: { 'cache-control': 'max-age=60' }, body: 'y'.repeat(600) });
      await get(gateway, path);
    }
    expect((await get(gateway, small[0]!)).headers['x-gatehouse-cache']).toBe('miss');
    expect((await get(gateway, small[3]!)).headers['x-gatehouse-cache']).toBe('hit');
  });

  it('ttl: without freshness information a response is fresh for ttl seconds', async () => {
    const gateway = await gatewayWith({ ttl: 30 });
    const path = freshPath();
    await get(gateway, path);
    advance(25);
    expect((await get(gateway, path)).headers['x-gatehouse-cache']).toBe('hit');
    advance(10);
    expect((await get(gateway, path)).headers['x-gatehouse-cache']).toBe('miss');
  });

  it('useHttpCacheHeaders false: Cache-Control is ignored and every matching response is kept for ttl', async () => {
    const gateway = await gatewayWith({ useHttpCacheHeaders: false, ttl: 60 });
    const path = freshPath();
    answers.set(path, { headers: { 'cache-control': 'no-store' } });
    await get(gateway, path);
    expect((await get(gateway, path)).headers['x-gatehouse-cache']).toBe('hit');
    expect(hits.get(path)).toBe(1);
  });

  it('invalidationHeader: "invalidate" drops the entry, "invalidate-all" every entry; the header is not forwarded', async () => {
    const gateway = await gatewayWith({ invalidationHeader: 'x-cache-invalidate' });
    const [a, b] = [freshPath(), freshPath()];
    for (const path of [a, b]) answers.set(path, { headers: { 'cache-control': 'max-age=60' } });
    await get(gateway, a);
    await get(gateway, b);
    const refreshed = await get(gateway, a, { 'x-cache-invalidate': 'invalidate' });
    expect(refreshed.headers['x-gatehouse-cache']).toBe('miss');
    expect(seen.get(a)!['x-cache-invalidate']).toBeUndefined();
    expect((await get(gateway, b)).headers['x-gatehouse-cache']).toBe('hit');
    await get(gateway, b, { 'x-cache-invalidate': 'invalidate-all' });
    expect((await get(gateway, a)).headers['x-gatehouse-cache']).toBe('miss');
  });

  it("responseExpression: by default a 404 is stored and a 500 is not", async () => {
    const gateway = await gatewayWith();
    const missing = freshPath();
    const broken = freshPath();
    answers.set(missing, { status: 404, headers: { 'cache-control': 'max-age=60' } });
    answers.set(broken, { status: 500, headers: { 'cache-control': 'max-age=60' } });
    await get(gateway, missing);
    await get(gateway, broken);
    expect((await get(gateway, missing)).headers['x-gatehouse-cache']).toBe('hit');
    expect((await get(gateway, broken)).headers['x-gatehouse-cache']).toBe('miss');
  });

  it('requestExpression: requests it refuses bypass the cache', async () => {
    const gateway = await gatewayWith({ requestExpression: "#[attributes.method == 'GET' and attributes.headers['x-no-cache'] != 'yes']" });
    const path = freshPath();
    answers.set(path, { headers: { 'cache-control': 'max-age=60' } });
    await get(gateway, path);
    const bypass = await get(gateway, path, { 'x-no-cache': 'yes' });
    expect(bypass.headers['x-gatehouse-cache']).toBe('bypass');
    expect(hits.get(path)).toBe(2);
    expect((await get(gateway, path)).headers['x-gatehouse-cache']).toBe('hit');
  });

  it('httpCachingKey: an expression over a header makes one entry per value', async () => {
    const gateway = await gatewayWith({ httpCachingKey: "#[attributes.headers['x-tenant']]" });
    const path = freshPath();
    answers.set(path, (req) => ({ headers: { 'cache-control': 'max-age=60' }, body: `tenant ${String(req.headers['x-tenant'])}` }));
    await get(gateway, path, { 'x-tenant': 'a' });
    expect((await get(gateway, path, { 'x-tenant': 'b' })).body).toBe('tenant b');
    expect((await get(gateway, path, { 'x-tenant': 'a' })).headers['x-gatehouse-cache']).toBe('hit');
  });

  it('a reload with the same binding keeps the cache', async () => {
    const gateway = await gatewayWith();
    const path = freshPath();
    answers.set(path, { headers: { 'cache-control': 'max-age=60' } });
    await get(gateway, path);
    await gateway.apply({ id: lastApiId(), basePath: '/api', upstream: upstreamUrl(), policies: [{ name: 'http-caching-flex', config: {} }] });
    expect((await get(gateway, path)).headers['x-gatehouse-cache']).toBe('hit');
  });

  it('refuses a config it cannot run, naming the field', () => {
    const schema = findPolicy('http-caching-flex')!.schema;
    const bad = schema.safeParse({ requestExpression: '#[attributes.statusCode == 200]' });
    expect(bad.success).toBe(false);
    expect(bad.error!.issues[0]!.path).toEqual(['requestExpression']);
    expect(bad.error!.issues[0]!.message).toMatch(/only known for responses/);
    const flex = schema.parse({
      httpCachingKey: '#[attributes.requestPath]',
      maxCacheEntries: 10000,
      ttl: 600,
      distributed: false,
      persistCache: false,
      useHttpCacheHeaders: true,
      invalidationHeader: '',
      requestExpression: "#[attributes.method == 'GET' or attributes.method == 'HEAD']",
      responseExpression: '#[[200, 203, 204, 206, 300, 301, 404, 405, 410, 414, 501] contains attributes.statusCode]',
    });
    expect((flex as { maxEntryBytes: number }).maxEntryBytes).toBe(1024 * 1024);
  });
});
