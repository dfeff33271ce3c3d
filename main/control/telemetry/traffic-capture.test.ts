// What went through, captured: requests through a real gateway to a real upstream, logged by a
// real telemetry file (query, bodies, truncation, decoding, retention by bytes, restart).
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { type StartedGateway, startGateway } from '../../gateway/testing';
import { request, startEchoUpstream, startServer, type TestServer } from '../../testing/net';
import { Telemetry } from './telemetry';

let dir: string;
let upstreams: TestServer[];
let gateway: StartedGateway | undefined;
let telemetry: Telemetry | undefined;

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'gatehouse-capture-'));
  upstreams = [];
});

afterEach(async () => {
  await gateway?.close();
  gateway = undefined;
  telemetry?.close();
  telemetry = undefined;
  for (const upstream of upstreams) await upstream.close();
  rmSync(dir, { recursive: true, force: true });
});

async function setUp(upstream: TestServer, options: { captureBodyBytes?: number; bodyStoreBytes?: number } = {}): Promise<Telemetry> {
  upstreams.push(upstream);
  const live = new Telemetry({ file: path.join(dir, 'telemetry.sqlite'), ...(options.bodyStoreBytes !== undefined ? { bodyStoreBytes: options.bodyStoreBytes } : {}) });
  telemetry = live;
  gateway = await startGateway({ basePath: '/api', upstream: upstream.url }, { captureHeaders: true, captureBodyBytes: options.captureBodyBytes ?? 256 * 1024, onRequest: (fact) => live.ingest(fact) });
  return live;
}

async function logged(live: Telemetry, count: number) {
  return vi.waitFor(
    () => {
      const entries = live.traffic({ limit: 1000 });
      expect(entries).toHaveLength(count);
      return entries;
    },
    { timeout: 5000, interval: 10 },
  );
}

function text(base64: string | undefined): string {
  return Buffer.from(base64 ?? '', 'base64').toString('utf8');
}

it('keeps the query string of every request, and the upstream gets it too', async () => {
  const live = await setUp(await startEchoUpstream());
  const res = await request(gateway!.url('/api/posts?userId=3&_limit=2'));
  expect(res.json().url).toBe('/posts?userId=3&_limit=2');
  await request(gateway!.url('/api/posts'));
  const [plain, withQuery] = await logged(live, 2);
  expect(withQuery).toMatchObject({ path: '/api/posts', query: 'userId=3&_limit=2' });
  expect(plain!.query).toBeUndefined();
  // The search finds it by its query.
  expect(live.traffic({ q: 'userId=3' }).map((e) => e.id)).toEqual([withQuery!.id]);
  expect(live.traffic({ path: '_limit=2' }).map((e) => e.id)).toEqual([withQuery!.id]);
});

it('keeps JSON request and response bodies with their sizes', async () => {
  const live = await setUp(await startEchoUpstream());
  const sent = JSON.stringify({ title: 'hello', userId: 3 });
  await request(gateway!.url('/api/posts'), { method: 'POST', headers: { 'content-type': 'application/json' }, body: sent });
  const [entry] = await logged(live, 1);
  expect(entry!.captured).toEqual({ request: sent.length, response: entry!.bytesOut });
  const bodies = (await live.requestBodies(entry!.id))!;
  expect(bodies.request).toMatchObject({ size: sent.length, captured: sent.length, truncated: false, contentType: 'application/json' });
  expect(text(bodies.request!.base64)).toBe(sent);
  expect(bodies.response).toMatchObject({ truncated: false, contentType: 'application/json' });
  expect(JSON.parse(text(bodies.response!.base64))).toMatchObject({ method: 'POST', body: sent });
});

it('truncates a 1 MiB body at the limit and says so, while the upstream receives all of it', async () => {
  const received: string[] = [];
  const upstream = await startServer((req, res) => {
    const hash = createHash('sha256');
    let length = 0;
    req.on('data', (chunk: Buffer) => {
      hash.update(chunk);
      length += chunk.length;
    });
    req.on('end', () => {
      received.push(`${length}:${hash.digest('hex')}`);
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      res.end(Buffer.alloc(1024 * 1024, 7));
    });
  });
  const live = await setUp(upstream, { captureBodyBytes: 64 * 1024 });
  const body = Buffer.alloc(1024 * 1024);
  for (let i = 0; i < body.length; i++) body[i] = i % 251;
  const res = await request(gateway!.url('/api/upload'), { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body });
  expect(res.status).toBe(200);
  expect(received).toEqual([`${body.length}:${createHash('sha256').update(body).digest('hex')}`]);
  const [entry] = await logged(live, 1);
  const bodies = (await live.requestBodies(entry!.id))!;
  expect(bodies.request).toMatchObject({ size: 1024 * 1024, captured: 64 * 1024, truncated: true });
  expect(Buffer.from(bodies.request!.base64, 'base64').equals(body.subarray(0, 64 * 1024))).toBe(true);
  expect(bodies.response).toMatchObject({ size: 1024 * 1024, captured: 64 * 1024, truncated: true });
});

it('stores a gzip response as sent and shows it decoded; a decompression bomb is cut at the cap', async () => {
  const json = JSON.stringify({ items: Array.from({ length: 200 }, (_, i) => ({ id: i, name: `item ${i}` })) });
  const gzipped = zlib.gzipSync(json);
  const bomb = zlib.gzipSync(Buffer.alloc(64 * 1024 * 1024));
  const upstream = await startServer((req, res) => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
    res.end(req.url === '/bomb' ? bomb : gzipped);
  });
  const live = await setUp(upstream);
  await request(gateway!.url('/api/items'), { headers: { 'accept-encoding': 'gzip' } });
  const [entry] = await logged(live, 1);
  const bodies = (await live.requestBodies(entry!.id))!;
  expect(bodies.response).toMatchObject({ size: gzipped.length, captured: gzipped.length, truncated: false, contentEncoding: 'gzip' });
  expect(Buffer.from(bodies.response!.base64, 'base64').equals(gzipped)).toBe(true);
  expect(JSON.parse(text(bodies.response!.decoded!.base64))).toEqual(JSON.parse(json));
  expect(bodies.response!.decoded!.truncated).toBe(false);

  await request(gateway!.url('/api/bomb'));
  const [bombEntry] = (await logged(live, 2)).slice(0, 1);
  const bombBodies = (await live.requestBodies(bombEntry!.id))!;
  expect(bomb.length).toBeLessThan(256 * 1024);
  expect(bombBodies.response!.decoded).toMatchObject({ truncated: true });
  expect(Buffer.from(bombBodies.response!.decoded!.base64, 'base64').length).toBe(8 * 1024 * 1024);
});

it('keeps the bodies within their byte budget, dropping the oldest first', async () => {
  const upstream = await startServer((req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end(`${req.url} `.repeat(1000));
  });
  const live = await setUp(upstream, { bodyStoreBytes: 30_000 });
  for (let i = 0; i < 10; i++) await request(gateway!.url(`/api/n${i}`));
  const entries = await logged(live, 10);
  live.flush();
  expect(live.bodyBytes).toBeLessThanOrEqual(30_000);
  const kept: string[] = [];
  for (const entry of entries.slice().reverse()) if ((await live.requestBodies(entry.id))!.response !== null) kept.push(entry.path);
  // Each response is ~4 KB: the newest fit, the oldest went.
  expect(kept.length).toBeGreaterThanOrEqual(5);
  expect(kept.length).toBeLessThan(10);
  expect(kept).toEqual(entries.slice().reverse().slice(10 - kept.length).map((e) => e.path));
  expect(kept.at(-1)).toBe('/api/n9');
});

it('keeps bodies across a restart (the SQLite file reopened)', async () => {
  const file = path.join(dir, 'telemetry.sqlite');
  const live = await setUp(await startEchoUpstream());
  await request(gateway!.url('/api/posts?draft=1'), { method: 'PUT', headers: { 'content-type': 'application/json' }, body: '{"title":"kept"}' });
  const [entry] = await logged(live, 1);
  await gateway!.close();
  gateway = undefined;
  live.close();
  telemetry = new Telemetry({ file });
  const [reopened] = telemetry.traffic();
  expect(reopened).toMatchObject({ id: entry!.id, path: '/api/posts', query: 'draft=1', captured: entry!.captured });
  const bodies = (await telemetry.requestBodies(entry!.id))!;
  expect(text(bodies.request!.base64)).toBe('{"title":"kept"}');
  expect(JSON.parse(text(bodies.response!.base64))).toMatchObject({ url: '/posts?draft=1' });
});
