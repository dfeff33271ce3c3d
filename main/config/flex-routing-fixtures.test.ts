/**
 * Flex routing, from Flex's own documentation examples (examples/flex-fixtures/routing): every
 * file passes `gatehouse validate` (the built CLI) as written, then runs in a live gateway on
 * real sockets, with its ports moved to free ones, in front of recording upstreams; each case
 * asserts the exact path, method and headers the upstream received.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http, { type IncomingHttpHeaders } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { toTrafficEntry } from '../control/telemetry/request-log';
import { GatewayRuntime } from '../gateway/runtime';
import type { RequestFact } from '../gateway/telemetry';
import type { UpstreamTransition } from '../gateway/upstream-probes';
import { freePort, request, startServer, type TestServer } from '../testing/net';
import { loadConfig } from './load';

const root = fileURLToPath(new URL('../..', import.meta.url));
const fixtures = path.join(root, 'examples', 'flex-fixtures', 'routing');
const files = readdirSync(fixtures).filter((name) => name.endsWith('.yaml')).sort();

interface Seen {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
}

/** Records what reached it; `GET /health` answers 503 while `sick`. */
interface Upstream extends TestServer {
  seen: Seen[];
  sick: boolean;
}

async function startUpstream(): Promise<Upstream> {
  let self: Upstream | undefined;
  const server = await startServer((req, res) => {
    req.resume();
    req.on('end', () => {
      if (req.url === '/health') {
        res.writeHead(self!.sick ? 503 : 200).end();
        return;
      }
      self!.seen.push({ method: req.method!, url: req.url!, headers: req.headers });
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    });
  });
  self = Object.assign(server, { seen: [] as Seen[], sick: false });
  return self;
}

const upstreamPorts = ['19001', '19002', '19003', '19011', '19012'] as const;
const upstreams = new Map<string, Upstream>();
const listenerPorts = new Map<string, number>();
let runtime: GatewayRuntime;
const facts: RequestFact[] = [];
let workDir: string;
const keepAlive = new http.Agent({ keepAlive: true, maxSockets: 4 });

/** The gateway URL of a fixture's listener (by the port written in the fixture). */
const gw = (fixturePort: number, requestPath: string) => `http://127.0.0.1:${listenerPorts.get(String(fixturePort))}${requestPath}`;
const up = (fixturePort: (typeof upstreamPorts)[number]) => upstreams.get(fixturePort)!;

/** Clears every upstream's record, sends one request, and returns it with who saw what. */
async function send(url: string, options: { method?: string; headers?: Record<string, string> } = {}) {
  for (const upstream of upstreams.values()) upstream.seen.length = 0;
  const res = await request(url, options);
  const seenBy = [...upstreams].filter(([, upstream]) => upstream.seen.length > 0);
  return { res, seenBy: seenBy.map(([port]) => port), seen: seenBy[0]?.[1].seen[0] };
}

async function expectForwarded(url: string, fixtureUpstream: string, upstreamPath: string, options: { method?: string; headers?: Record<string, string> } = {}) {
  const { res, seenBy, seen } = await send(url, options);
  expect(res.status, `${options.method ?? 'GET'} ${url}: ${res.body}`).toBe(200);
  expect(seenBy).toEqual([fixtureUpstream]);
  expect(seen).toMatchObject({ method: options.method ?? 'GET', url: upstreamPath });
  return seen!;
}

async function expectNoRoute(url: string, options: { method?: string; headers?: Record<string, string> } = {}) {
  const { res, seenBy } = await send(url, options);
  expect(res.status).toBe(404);
  expect(res.json().error.code).toBe('NO_ROUTE');
  expect(seenBy).toEqual([]);
}

function gatehouseValidate(target: string): Promise<{ code: number; stdout: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [path.join(root, 'bin', 'gatehouse.cjs'), 'validate', target], { cwd: root, timeout: 50_000 }, (error, stdout) => {
      resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout });
    });
  });
}

beforeAll(async () => {
  await new Promise<void>((resolve, reject) =>
    execFile(process.execPath, ['scripts/build.mjs'], { cwd: root }, (error, _out, stderr) => (error ? reject(new Error(stderr)) : resolve())),
  );
  for (const port of upstreamPorts) upstreams.set(port, await startUpstream());
  // The fixtures as written, with their ports moved to free ones.
  workDir = mkdtempSync(path.join(tmpdir(), 'gatehouse-flex-routing-'));
  for (const file of files) {
    let text = readFileSync(path.join(fixtures, file), 'utf8');
    text = text.replace(/127\.0\.0\.1:(19\d\d\d)/g, (_all, port: string) => `127.0.0.1:${upstreams.get(port)!.port}`);
    for (const match of text.matchAll(/0\.0\.0\.0:(\d+)/g)) if (!listenerPorts.has(match[1]!)) listenerPorts.set(match[1]!, await freePort());
    text = text.replace(/0\.0\.0\.0:(\d+)/g, (_all, port: string) => `127.0.0.1:${listenerPorts.get(port)}`);
    writeFileSync(path.join(workDir, file), text);
  }
  const loaded = loadConfig(workDir, { env: {} });
  expect(loaded.errors).toEqual([]);
  runtime = new GatewayRuntime({ log: () => {}, onRequest: (fact) => facts.push(fact) });
  await runtime.apply(loaded.snapshot!);
}, 60_000);

afterAll(async () => {
  keepAlive.destroy();
  await runtime?.stop({ graceMs: 200 });
  await Promise.all([...upstreams.values()].map((upstream) => upstream.close()));
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

describe('gatehouse validate on the routing fixtures', () => {
  // One CLI process at a time: eight at once on a loaded 2-core machine passed the time limit.
  it.each(files)('%s is valid as written', async (file) => {
    const result = await gatehouseValidate(path.join(fixtures, file));
    expect(result.stdout).toMatch(/: valid \(/);
    expect(result.code).toBe(0);
  }, 60_000);

  it('the folder is valid as one conf.d', async () => {
    const result = await gatehouseValidate(fixtures);
    expect(result.stdout).toMatch(/: valid \(19 APIs on 19 listeners/);
    expect(result.code).toBe(0);
  });
});

describe('capture groups (01, 02)', () => {
  it('forwards what the rule captures: /api/orders/123 → /123, keeping the query', async () => {
    await expectForwarded(gw(8201, '/api/orders/123'), '19001', '/123');
    await expectForwarded(gw(8201, '/api/orders/'), '19001', '/');
    await expectForwarded(gw(8201, '/api/orders/123?expand=items'), '19001', '/123?expand=items');
    await expectNoRoute(gw(8201, '/api/other'));
    await expectNoRoute(gw(8201, '/api/orders'));
  });

  it('appends the capture to destinationPath, without doubling the prefix', async () => {
    await expectForwarded(gw(8202, '/api/products/1'), '19001', '/api/1');
    await expectForwarded(gw(8202, '/api/users/7'), '19002', '/7');
    await expectForwarded(gw(8202, '/api/orders/123'), '19003', '/v1/123');
    await expectForwarded(gw(8202, '/api/products/7'), '19001', '/api/7', { method: 'DELETE' });
  });
});

describe('spec.services.*.routes[].rules (03)', () => {
  it('takes any of a route’s rules, each forwarding its capture', async () => {
    await expectForwarded(gw(8203, '/api/users/1'), '19001', '/users/1');
    await expectForwarded(gw(8203, '/api/comments/2'), '19001', '/comments/2');
    await expectNoRoute(gw(8203, '/api/posts/1'));
    await expectForwarded(gw(8204, '/api/users/1'), '19002', '/v1/apps/users/1');
    await expectForwarded(gw(8204, '/api/comments/9'), '19002', '/v1/apps/comments/9');
  });
});

describe('route PolicyBinding with rules (04, 05)', () => {
  it('routes the reference guide’s resource-based example', async () => {
    await expectForwarded(gw(8205, '/api/users/1'), '19001', '/users/1');
    await expectForwarded(gw(8205, '/api/comments/2'), '19001', '/comments/2', { method: 'POST' });
    await expectNoRoute(gw(8205, '/api/todos/1'));
  });

  // "Determining a Request Path": [row, request, upstream path or undefined for no match].
  const table: [number, string, string | undefined][] = [
    [1, '/api/foo/bar', '/api/foo/bar'],
    [2, '/api/foo/bar', '/foo/bar'],
    [3, '/api/foo/bar', '/orders/api/foo/bar'],
    [4, '/api/foo/bar', '/orders/foo/bar'],
    [5, '/api/foo/bar', '/foo/bar'],
    [6, '/api/foo/bar', '/bar'],
    [7, '/api/foo/bar', '/orders/foo/bar'],
    [8, '/api/foo/bar', '/orders/bar'],
    [9, '/api/foo/bar', undefined],
    [10, '/api/foo/abc/bar/def', '/abc/def'],
    [11, '/api/foo/abc/bar/def', '/orders/abc/def'],
  ];
  it.each(table)('row %i: %s → %s', async (row, input, output) => {
    const url = gw(8210 + row, input);
    if (output === undefined) await expectNoRoute(url);
    else await expectForwarded(url, '19001', output);
  });
});

describe('route-weighted (06, 07)', () => {
  const tutorialHeaders = { host: 'test.com', 'x-test': 'true' };

  it('matches the tutorial’s rules: methods, host and YAML-boolean header values as text', async () => {
    const post = await send(gw(8206, '/json/1'), { method: 'POST', headers: tutorialHeaders });
    expect(post.res.status).toBe(200);
    expect(post.seen).toMatchObject({ method: 'POST', url: '/posts/1', headers: { 'x-test': 'true', 'x-forwarded-host': 'test.com' } });
    expect(post.seen!.headers.host).toMatch(/^127\.0\.0\.1:\d+$/);
    const get = await send(gw(8206, '/json/1?x=1'), { headers: { ...tutorialHeaders, 'y-test': 'false' } });
    expect(get.seen).toMatchObject({ method: 'GET', url: '/posts/1?x=1', headers: { 'y-test': 'false' } });
    await expectNoRoute(gw(8206, '/json/1'), { headers: tutorialHeaders });
    await expectNoRoute(gw(8206, '/json/1'), { method: 'POST', headers: { ...tutorialHeaders, host: 'other.com' } });
    await expectNoRoute(gw(8206, '/json/1'), { method: 'POST', headers: { ...tutorialHeaders, 'x-test': 'truely' } });
  });

  it('splits 1,000 requests 75/25 within ±5 %, each upstream at its destinationPath', async () => {
    for (const upstream of upstreams.values()) upstream.seen.length = 0;
    for (let i = 0; i < 1000; i++) {
      const res = await request(gw(8206, `/json/${i}`), { method: 'POST', headers: tutorialHeaders, agent: keepAlive });
      expect(res.status).toBe(200);
    }
    const stable = up('19001').seen;
    const beta = up('19002').seen;
    expect(stable.length + beta.length).toBe(1000);
    expect(Math.abs(stable.length - 750)).toBeLessThanOrEqual(50);
    expect(Math.abs(beta.length - 250)).toBeLessThanOrEqual(50);
    expect(stable.every((seen) => /^\/posts\/\d+$/.test(seen.url))).toBe(true);
    expect(new Set([...stable, ...beta].map((seen) => seen.url)).size).toBe(1000);
    // Request facts (and the traffic view) name the upstream that served each request.
    await vi.waitFor(() => expect(facts.filter((fact) => /^\/json\/\d+$/.test(fact.path)).length).toBeGreaterThanOrEqual(1000));
    const served = facts.filter((fact) => fact.apiId === 'json-http' && fact.method === 'POST').slice(-1000);
    expect(served.filter((fact) => fact.upstream === 'products-api')).toHaveLength(stable.length);
    expect(served.filter((fact) => fact.upstream === 'products-api-beta')).toHaveLength(beta.length);
    expect(toTrafficEntry(served[0]!, undefined).upstream).toBe(served[0]!.upstream);
    expect(facts.find((fact) => fact.status === 404)?.upstream).toBeUndefined();
  });

  it('sends nothing to an upstream failing its health check while the other is healthy, and shares again once it recovers', async () => {
    const transitions: UpstreamTransition[] = [];
    const off = runtime.onUpstreamTransition((t) => transitions.push(t));
    const [a, b] = [up('19011'), up('19012')];
    const spread = async (count: number) => {
      a.seen.length = 0;
      b.seen.length = 0;
      for (let i = 0; i < count; i++) expect((await request(gw(8207, `/weighted/items/${i}`), { agent: keepAlive })).status).toBe(200);
      return [a.seen.length, b.seen.length];
    };
    try {
      await vi.waitFor(() => expect(runtime.upstreamHealth()['weighted-health']?.healthy).toBe(true), { timeout: 3000, interval: 20 });
      expect(await spread(200)).toEqual([100, 100]);
      expect(a.seen[0]!.url).toMatch(/^\/a\/items\/\d+$/);
      expect(b.seen[0]!.url).toMatch(/^\/b\/items\/\d+$/);

      b.sick = true;
      await vi.waitFor(() => expect(transitions).toContainEqual(expect.objectContaining({ service: 'health-b', healthy: false })), { timeout: 3000, interval: 20 });
      expect(await spread(200)).toEqual([200, 0]);

      b.sick = false;
      await vi.waitFor(() => expect(transitions).toContainEqual(expect.objectContaining({ service: 'health-b', healthy: true })), { timeout: 3000, interval: 20 });
      const [toA, toB] = await spread(200);
      expect(Math.abs(toA! - 100)).toBeLessThanOrEqual(10);
      expect(toA! + toB!).toBe(200);
    } finally {
      off();
      b.sick = false;
    }
  });
});

describe('rule matchers (08)', () => {
  const canary = { 'x-canary': 'true', 'x-version': '2', 'x-beta': 'yes' };

  it('takes methods and header values as whole-value regexes, YAML booleans and numbers as their text', async () => {
    const seen = await expectForwarded(gw(8208, '/shop/items/1'), '19002', '/canary/items/1', { headers: canary });
    expect(seen.headers).toMatchObject(canary);
    await expectForwarded(gw(8208, '/shop/items/1'), '19002', '/canary/items/1', { method: 'HEAD', headers: canary });
    await expectForwarded(gw(8208, '/shop/items/1'), '19001', '/items/1', { headers: { ...canary, 'x-version': '20' } });
    await expectForwarded(gw(8208, '/shop/items/1'), '19001', '/items/1', { headers: { 'x-canary': 'true', 'x-version': '2' } });
    await expectForwarded(gw(8208, '/shop/items/1'), '19001', '/items/1', { method: 'POST', headers: canary });
  });

  it('forwards the whole relative path when a rule has no capture group', async () => {
    const seen = await expectForwarded(gw(8208, '/shop/items'), '19003', '/items', { method: 'POST', headers: { 'x-team': 'beta' } });
    expect(seen.headers['x-team']).toBe('beta');
    await expectForwarded(gw(8208, '/shop/items/5'), '19003', '/items/5', { method: 'PATCH', headers: { 'x-team': 'alpha' } });
    await expectForwarded(gw(8208, '/shop/items'), '19001', '/items', { method: 'POST', headers: { 'x-team': 'gamma' } });
    await expectForwarded(gw(8208, '/shop/items'), '19001', '/items', { method: 'DELETE', headers: { 'x-team': 'alpha' } });
    await expectForwarded(gw(8208, '/shop'), '19001', '/');
  });
});
