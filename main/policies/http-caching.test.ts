/**
 * http-caching-flex over real sockets: one test per RFC 9111 behaviour, a real gateway in front
 * of a real upstream that counts the requests it serves; the cache's clock is moved instead of
 * sleeping. Flex's settings and the bounds are in http-caching-settings.test.ts.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { describe, expect, it } from 'vitest';
import { startServer } from '../testing/net';
import { until, useCacheHarness, type Answer } from '../testing/http-cache-harness';

const { answers, hits, seen, facts, gatewayWith, freshPath, advance, get, now } = useCacheHarness();

describe('http-caching-flex: storing and serving', () => {
  it('answers a second GET from the cache without calling the upstream, with Age and x-gatehouse-cache, and traces it', async () => {
    const gateway = await gatewayWith();
    const path = freshPath();
    answers.set(path, { headers: { 'cache-control': 'max-age=60' }, body: 'hello' });
    const first = await get(gateway, path);
    expect(first.headers['x-gatehouse-cache']).toBe('miss');
    advance(5);
    const second = await get(gateway, path);
    expect(second.status).toBe(200);
    expect(second.body).toBe('hello');
    expect(second.headers['x-gatehouse-cache']).toBe('hit');
    expect(second.headers.age).toBe('5');
    expect(second.headers['content-type']).toBe('text/plain');
    expect(hits.get(path)).toBe(1);
    await until(() => facts.length === 2);
    expect(facts[0]!.trace[0]!.detail).toMatch(/^miss: nothing stored for "\/api\/p\d+"/);
    expect(facts[0]!.trace[1]!.detail).toMatch(/^stored "\/api\/p\d+": 5 bytes, fresh for 60 s/);
    expect(facts[1]!.trace[0]).toMatchObject({ policy: 'http-caching-flex', verdict: 'respond' });
    expect(facts[1]!.trace[0]!.detail).toMatch(/^hit: "\/api\/p\d+", age 5 s of 60 s fresh/);
  });

  it('keeps the query string in the key: another query is another entry', async () => {
    const gateway = await gatewayWith();
    const path = freshPath();
    answers.set(path, { headers: { 'cache-control': 'max-age=60' } });
    await get(gateway, `${path}?page=1`);
    const other = await get(gateway, `${path}?page=2`);
    expect(other.headers['x-gatehouse-cache']).toBe('miss');
    expect((await get(gateway, `${path}?page=1`)).headers['x-gatehouse-cache']).toBe('hit');
    expect(hits.get(path)).toBe(2);
  });

  it('§4.2.1 max-age: fresh until max-age, then fetched again', async () => {
    const gateway = await gatewayWith();
    const path = freshPath();
    answers.set(path, { headers: { 'cache-control': 'max-age=30' } });
    await get(gateway, path);
    advance(29);
    expect((await get(gateway, path)).headers['x-gatehouse-cache']).toBe('hit');
    advance(2);
    const stale = await get(gateway, path);
    expect(stale.headers['x-gatehouse-cache']).toBe('miss');
    expect(hits.get(path)).toBe(2);
  });

  it('§4.2.1 s-maxage wins over max-age in a shared cache', async () => {
    const gateway = await gatewayWith();
    const path = freshPath();
    answers.set(path, { headers: { 'cache-control': 'max-age=5, s-maxage=100' } });
    await get(gateway, path);
    advance(50);
    expect((await get(gateway, path)).headers['x-gatehouse-cache']).toBe('hit');
    expect(hits.get(path)).toBe(1);
  });

  it('§4.2.1 Expires minus Date gives the lifetime when Cache-Control has none', async () => {
    const gateway = await gatewayWith();
    const path = freshPath();
    const date = new Date(now());
    answers.set(path, { headers: { date: date.toUTCString(), expires: new Date(date.getTime() + 20_000).toUTCString() } });
    await get(gateway, path);
    advance(10);
    expect((await get(gateway, path)).headers['x-gatehouse-cache']).toBe('hit');
    advance(15);
    expect((await get(gateway, path)).headers['x-gatehouse-cache']).toBe('miss');
    expect(hits.get(path)).toBe(2);
  });

  it('§4.2.2 heuristic freshness: 10% of the time since Last-Modified for a heuristically cacheable status', async () => {
    const gateway = await gatewayWith();
    const path = freshPath();
    // Modified 1000 s before the response: fresh for 100 s.
    answers.set(path, { headers: { date: new Date(now()).toUTCString(), 'last-modified': new Date(now() - 1_000_000).toUTCString() } });
    await get(gateway, path);
    advance(90);
    expect((await get(gateway, path)).headers['x-gatehouse-cache']).toBe('hit');
    advance(20);
    // Stale now, and it has a validator: revalidated rather than refetched blindly.
    expect((await get(gateway, path)).headers['x-gatehouse-cache']).not.toBe('hit');
  });

  it('§4.2.2 no heuristic for a status that is not heuristically cacheable: a 302 without explicit freshness is not stored', async () => {
    const gateway = await gatewayWith({ responseExpression: '#[[200, 302] contains attributes.statusCode]' });
    const plain = freshPath();
    const explicit = freshPath();
    answers.set(plain, { status: 302, headers: { location: '/elsewhere' } });
    answers.set(explicit, { status: 302, headers: { location: '/elsewhere', 'cache-control': 'max-age=60' } });
    await get(gateway, plain);
    expect((await get(gateway, plain)).headers['x-gatehouse-cache']).toBe('miss');
    expect(hits.get(plain)).toBe(2);
    await get(gateway, explicit);
    const hit = await get(gateway, explicit);
    expect(hit.status).toBe(302);
    expect(hit.headers['x-gatehouse-cache']).toBe('hit');
  });

  it('§5.2.2.5 no-store: the response is never stored', async () => {
    const gateway = await gatewayWith();
    const path = freshPath();
    answers.set(path, { headers: { 'cache-control': 'no-store, max-age=60' } });
    await get(gateway, path);
    await get(gateway, path);
    expect(hits.get(path)).toBe(2);
  });

  it('§5.2.2.7 private: a shared cache never stores it', async () => {
    const gateway = await gatewayWith();
    const path = freshPath();
    answers.set(path, { headers: { 'cache-control': 'private, max-age=60' } });
    await get(gateway, path);
    expect((await get(gateway, path)).headers['x-gatehouse-cache']).toBe('miss');
    expect(hits.get(path)).toBe(2);
    await until(() => facts.length === 2);
    expect(facts[0]!.trace[1]!.detail).toBe('not stored: the response is private (never kept by a shared cache)');
  });

  it('§5.2.2.4 no-cache: stored, but revalidated with If-None-Match every time; the 304 is answered with the stored body', async () => {
    const gateway = await gatewayWith();
    const path = freshPath();
    answers.set(path, (req) =>
      req.headers['if-none-match'] === '"v1"' ? { status: 304, headers: { etag: '"v1"' } } : { headers: { 'cache-control': 'no-cache', etag: '"v1"' }, body: 'version one' },
    );
    expect((await get(gateway, path)).headers['x-gatehouse-cache']).toBe('miss');
    const again = await get(gateway, path);
    expect(again.status).toBe(200);
    expect(again.body).toBe('version one');
    expect(again.headers['x-gatehouse-cache']).toBe('revalidated');
    expect(again.headers['content-length']).toBe(String('version one'.length));
    expect(seen.get(path)!['if-none-match']).toBe('"v1"');
    expect(hits.get(path)).toBe(2);
  });

  it('§4.3.4 a 304 updates the stored headers (a new max-age makes the entry fresh again)', async () => {
    const gateway = await gatewayWith();
    const path = freshPath();
    let revalidations = 0;
    answers.set(path, (req) =>
      req.headers['if-none-match'] === '"a"'
        ? { status: 304, headers: { etag: '"a"', 'cache-control': 'max-age=100', 'x-revision': String(++revalidations) } }
        : { headers: { 'cache-control': 'max-age=10', etag: '"a"', 'x-revision': '0' }, body: 'payload' },
    );
    await get(gateway, path);
    advance(11);
    const revalidated = await get(gateway, path);
    expect(revalidated.headers['x-gatehouse-cache']).toBe('revalidated');
    expect(revalidated.headers['x-revision']).toBe('1');
    expect(revalidated.body).toBe('payload');
    advance(50);
    const hit = await get(gateway, path);
    expect(hit.headers['x-gatehouse-cache']).toBe('hit');
    expect(hit.headers['x-revision']).toBe('1');
    expect(hit.headers['cache-control']).toBe('max-age=100');
    expect(hits.get(path)).toBe(2);
  });

  it('§4.3.1 revalidates with If-Modified-Since when the validator is Last-Modified', async () => {
    const gateway = await gatewayWith();
    const path = freshPath();
    const modified = new Date(now() - 60_000).toUTCString();
    answers.set(path, (req) =>
      req.headers['if-modified-since'] === modified ? { status: 304 } : { headers: { 'cache-control': 'max-age=1', 'last-modified': modified }, body: 'dated' },
    );
    await get(gateway, path);
    advance(2);
    const again = await get(gateway, path);
    expect(again.headers['x-gatehouse-cache']).toBe('revalidated');
    expect(again.body).toBe('dated');
    expect(seen.get(path)!['if-modified-since']).toBe(modified);
  });

  it('§4.2.4 a stale entry answers an upstream error (stale), but never when it says must-revalidate', async () => {
    const gateway = await gatewayWith();
    const lenient = freshPath();
    const strict = freshPath();
    let failing = false;
    const script =
      (directives: string) =>
      (req: { headers: IncomingHttpHeaders }): Answer =>
        failing && req.headers['if-none-match'] !== undefined ? { status: 503, body: 'down' } : { headers: { 'cache-control': directives, etag: '"e"' }, body: 'kept' };
    answers.set(lenient, script('max-age=5'));
    answers.set(strict, script('max-age=5, must-revalidate'));
    await get(gateway, lenient);
    await get(gateway, strict);
    advance(10);
    failing = true;
    const stale = await get(gateway, lenient);
    expect(stale.status).toBe(200);
    expect(stale.body).toBe('kept');
    expect(stale.headers['x-gatehouse-cache']).toBe('stale');
    expect(Number(stale.headers.age)).toBeGreaterThanOrEqual(10);
    const refused = await get(gateway, strict);
    expect(refused.status).toBe(503);
    expect(refused.body).toBe('down');
  });

  it('§4.2.4 an unreachable upstream is answered with the stale entry', async () => {
    const own = await startServer((_req, res) => {
      res.sendDate = false;
      res.writeHead(200, { 'cache-control': 'max-age=5', etag: '"u"' });
      res.end('from the upstream that went away');
    });
    const gateway = await gatewayWith({}, own.url);
    await get(gateway, '/gone');
    await own.close();
    advance(10);
    const stale = await get(gateway, '/gone');
    expect(stale.status).toBe(200);
    expect(stale.body).toBe('from the upstream that went away');
    expect(stale.headers['x-gatehouse-cache']).toBe('stale');
  });

  it('§4.1 Vary: a request with other values of the varying header is a miss; the same values hit', async () => {
    const gateway = await gatewayWith();
    const path = freshPath();
    answers.set(path, (req) => ({ headers: { 'cache-control': 'max-age=60', vary: 'Accept-Language' }, body: `in ${String(req.headers['accept-language'])}` }));
    await get(gateway, path, { 'accept-language': 'fr' });
    const english = await get(gateway, path, { 'accept-language': 'en' });
    expect(english.body).toBe('in en');
    expect(english.headers['x-gatehouse-cache']).toBe('miss');
    const again = await get(gateway, path, { 'accept-language': 'en' });
    expect(again.body).toBe('in en');
    expect(again.headers['x-gatehouse-cache']).toBe('hit');
    expect(hits.get(path)).toBe(2);
  });

  it('§4.2.3 Age on every cached response counts the age the upstream gave it', async () => {
    const gateway = await gatewayWith();
    const path = freshPath();
    answers.set(path, { headers: { 'cache-control': 'max-age=600', age: '100' } });
    await get(gateway, path);
    advance(20);
    const hit = await get(gateway, path);
    expect(hit.headers.age).toBe('120');
  });

  it('§4.3.5 / RFC 9110 §9.3.2: HEAD is answered from a stored GET, without a body', async () => {
    const gateway = await gatewayWith();
    const path = freshPath();
    answers.set(path, { headers: { 'cache-control': 'max-age=60' }, body: 'twelve bytes' });
    await get(gateway, path);
    const head = await get(gateway, path, {}, 'HEAD');
    expect(head.status).toBe(200);
    expect(head.body).toBe('');
    expect(head.headers['x-gatehouse-cache']).toBe('hit');
    expect(head.headers['content-length']).toBe('12');
    expect(hits.get(path)).toBe(1);
  });

  it('§4.4 a successful unsafe request invalidates the URL; a failed one does not', async () => {
    const gateway = await gatewayWith();
    const path = freshPath();
    answers.set(path, (req) => (req.method === 'GET' ? { headers: { 'cache-control': 'max-age=60' } } : { status: req.headers['x-fail'] ? 500 : 201 }));
    await get(gateway, path);
    await get(gateway, path, { 'x-fail': '1' }, 'POST');
    expect((await get(gateway, path)).headers['x-gatehouse-cache']).toBe('hit');
    await get(gateway, path, {}, 'DELETE');
    expect((await get(gateway, path)).headers['x-gatehouse-cache']).toBe('miss');
  });

  it('§3.5 a request with Authorization is stored only when the response allows it (public, s-maxage, must-revalidate)', async () => {
    const gateway = await gatewayWith();
    const personal = freshPath();
    const shared = freshPath();
    answers.set(personal, (req) => ({ headers: { 'cache-control': 'max-age=60' }, body: `for ${String(req.headers.authorization)}` }));
    answers.set(shared, { headers: { 'cache-control': 'public, max-age=60' }, body: 'for everyone' });
    await get(gateway, personal, { authorization: 'Bearer alice' });
    const bob = await get(gateway, personal, { authorization: 'Bearer bob' });
    expect(bob.body).toBe('for Bearer bob');
    expect(hits.get(personal)).toBe(2);
    await get(gateway, shared, { authorization: 'Bearer alice' });
    const hit = await get(gateway, shared, { authorization: 'Bearer bob' });
    expect(hit.headers['x-gatehouse-cache']).toBe('hit');
    expect(hits.get(shared)).toBe(1);
  });

  it('§3.5 a response stored for anonymous requests is not used for a request with Authorization', async () => {
    const gateway = await gatewayWith();
    const path = freshPath();
    answers.set(path, (req) => ({ headers: { 'cache-control': 'max-age=60' }, body: req.headers.authorization ? 'private view' : 'public view' }));
    await get(gateway, path);
    const authorized = await get(gateway, path, { authorization: 'Bearer carol' });
    expect(authorized.body).toBe('private view');
    expect(authorized.headers['x-gatehouse-cache']).toBe('miss');
  });

  it('§5.2.1.4 a request with no-cache goes to the upstream even when the entry is fresh', async () => {
    const gateway = await gatewayWith();
    const path = freshPath();
    answers.set(path, { headers: { 'cache-control': 'max-age=60' } });
    await get(gateway, path);
    const forced = await get(gateway, path, { 'cache-control': 'no-cache' });
    expect(forced.headers['x-gatehouse-cache']).toBe('miss');
    expect(hits.get(path)).toBe(2);
  });
});
