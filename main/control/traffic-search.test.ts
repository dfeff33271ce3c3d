import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TrafficEntry } from '../../shared/contract/telemetry-models';
import type { RequestFact } from '../gateway/telemetry';
import { startTestAdmin, type TestAdmin } from '../server/test-support';
import { request } from '../testing/net';
import { rejection, startControlFixture, type ControlFixture } from './testing/control-fixture';

// 'traffic.list' searches the whole stored request log, not only what a screen has loaded:
// 4,000 facts from a replica (through the replica telemetry path) and real requests through the
// embedded gateway, read back from the SQLite file after a restart, then filtered and paged.
let fx: ControlFixture;
let admin: TestAdmin;
let ordersApiId: string;
let now: number;
const facts: RequestFact[] = [];

const HOUR = 3_600_000;
const REPLICA_FACTS = 4000;

function replicaFact(i: number): RequestFact {
  const orders = i % 4 === 0;
  const status = i % 50 === 0 ? 503 : i % 50 === 25 ? 502 : i % 10 === 3 ? 429 : 200;
  return {
    id: `rep-${i}`,
    // Two hours ago up to twenty minutes ago, oldest first.
    at: now - 2 * HOUR + i * 1500,
    apiId: orders ? ordersApiId : 'api_users',
    listener: '0.0.0.0:8081',
    method: i % 3 === 0 ? 'POST' : 'GET',
    path: orders ? `/orders/${i}` : `/users/${i}`,
    status,
    latencyMs: 4,
    bytesIn: 0,
    bytesOut: 20,
    ...(i % 7 === 0 ? { clientId: 'acme-mobile' } : i % 7 === 1 ? { clientId: 'acme-web' } : {}),
    remoteAddress: '10.0.0.9',
    source: status === 502 || status === 429 ? 'gateway' : 'upstream',
    ...(status === 502 ? { errorCode: 'UPSTREAM_UNAVAILABLE' } : {}),
    ...(status === 429 ? { violatedPolicy: 'rate-limiting-flex' } : {}),
    trace: [],
  };
}

/** Ids the query should return: the facts it describes, newest first. */
const expected = (keep: (fact: RequestFact) => boolean) =>
  facts
    .filter(keep)
    .map((fact) => fact.id)
    .reverse();
const ids = (entries: TrafficEntry[]) => entries.map((entry) => entry.id);

async function allPages(query: Record<string, unknown>, limit: number): Promise<TrafficEntry[]> {
  const out: TrafficEntry[] = [];
  for (;;) {
    const page = await fx.call('traffic.list', { ...query, limit, ...(out.length ? { before: out.at(-1)!.id } : {}) });
    out.push(...page);
    if (page.length < limit) return out;
  }
}

beforeAll(async () => {
  fx = await startControlFixture();
  now = Date.now();
  ordersApiId = (await fx.call('apis.create', { name: 'Orders', implementationUrl: fx.upstream.url, basePath: '/orders' })).id;
  for (let i = 0; i < REPLICA_FACTS; i++) facts.push(replicaFact(i));
  for (let i = 0; i < REPLICA_FACTS; i += 1000) fx.plane.replicaService.telemetry('gw_embedded', { name: 'replica-a', facts: facts.slice(i, i + 1000) });
  // Newer than every replica fact: through the gateway, now.
  for (let i = 0; i < 6; i++) await request(`${fx.gatewayUrl}/orders/live-${i}`);
  for (let i = 0; i < 3; i++) await request(`${fx.gatewayUrl}/nowhere/${i}`);
  // The log is read back from the SQLite file.
  await fx.restart();
  admin = await startTestAdmin(fx.plane.handlers);
}, 60_000);

afterAll(async () => {
  await admin?.close();
  await fx?.close();
});

describe('traffic.list filters the whole stored log', () => {
  it('holds everything: the replica facts and the gateway requests', async () => {
    const all = await allPages({}, 1000);
    expect(all).toHaveLength(REPLICA_FACTS + 9);
    expect(all.slice(0, 3).map((e) => [e.status, e.source, e.errorCode])).toEqual(Array(3).fill([404, 'gateway', 'NO_ROUTE']));
    expect(all.at(-1)).toMatchObject({ id: 'rep-0', replica: 'replica-a' });
  });

  it('5xx on /orders in the last hour', async () => {
    const since = now - HOUR;
    const found = await fx.call('traffic.list', { statusClass: '5xx', path: '/ORDERS', since, limit: 1000 });
    const want = expected((f) => f.status >= 500 && f.path.startsWith('/orders') && f.at >= since);
    expect(want.length).toBeGreaterThan(5);
    expect(ids(found)).toEqual(want);
    // The same with an ISO date, as a script would send it.
    expect(ids(await fx.call('traffic.list', { statusClass: '5xx', path: '/orders', since: new Date(since).toISOString(), limit: 1000 }))).toEqual(want);
  });

  it('each filter, and all of them together', async () => {
    const check = async (query: Record<string, unknown>, keep: (fact: RequestFact) => boolean) => {
      const want = expected(keep);
      expect(want.length, JSON.stringify(query)).toBeGreaterThan(0);
      expect(ids(await fx.call('traffic.list', { limit: 1000, ...query })), JSON.stringify(query)).toEqual(want);
    };
    await check({ apiId: ordersApiId, source: 'upstream', status: 200, method: 'post' }, (f) => f.apiId === ordersApiId && f.status === 200 && f.method === 'POST');
    await check({ clientId: 'acme-web' }, (f) => f.clientId === 'acme-web');
    await check({ client: 'ACME', status: 429 }, (f) => f.clientId !== undefined && f.status === 429);
    await check({ source: 'gateway', q: 'upstream_unavail' }, (f) => f.status === 502);
    await check({ q: 'post /users/3' }, (f) => f.method === 'POST' && f.path.startsWith('/users/3'));
    await check({ q: 'rate-limiting', until: now - HOUR, since: now - 2 * HOUR + 60_000 }, (f) => f.status === 429 && f.at < now - HOUR && f.at >= now - 2 * HOUR + 60_000);
    const live = await fx.call('traffic.list', { apiId: ordersApiId, since: now - 1000, limit: 1000 });
    expect(live.map((e) => e.path)).toEqual([5, 4, 3, 2, 1, 0].map((i) => `/orders/live-${i}`));
    expect(await fx.call('traffic.list', { status: 418 })).toEqual([]);
  });

  it('pages through the matches by id and by time', async () => {
    const query = { statusClass: '2xx', path: '/users' } as const;
    const want = expected((f) => f.status === 200 && f.path.startsWith('/users'));
    expect(want.length).toBeGreaterThan(2000);
    const paged = await allPages(query, 250);
    expect(ids(paged)).toEqual(want);
    expect(new Set(ids(paged)).size).toBe(want.length);

    const cut = facts[3000]!.at;
    const older = await fx.call('traffic.list', { ...query, before: cut, limit: 5 });
    expect(ids(older)).toEqual(want.filter((id) => Number(id.slice(4)) < 3000).slice(0, 5));
  });

  it('a bad filter is a 400 naming the field, through the contract and over HTTP', async () => {
    const cases: [Record<string, unknown>, string, RegExp][] = [
      [{ status: 'abc' }, 'status', /number/i],
      [{ status: 404, statusClass: '5xx' }, 'status', /404 is not a 5xx status/],
      [{ statusClass: '6xx' }, 'statusClass', /2xx/],
      [{ method: 'GE T' }, 'method', /HTTP method/],
      [{ source: 'proxy' }, 'source', /gateway/],
      [{ since: 'yesterday' }, 'since', /ISO 8601/],
      [{ since: now, until: now - 1 }, 'until', /later than since/],
      [{ stauts: 500 }, 'stauts', /unknown field/],
    ];
    for (const [query, field, message] of cases) {
      const error = await rejection(fx.call('traffic.list', query as never));
      expect(error, JSON.stringify(query)).toMatchObject({ code: 'VALIDATION_FAILED', status: 400 });
      expect(error.details?.map((d) => d.path), JSON.stringify(query)).toEqual([field]);
      expect(error.details?.[0]?.message).toMatch(message);

      const http = await admin.call('GET', `/api/v1/traffic?${new URLSearchParams(query as Record<string, string>)}`);
      expect(http.status, JSON.stringify(query)).toBe(400);
      expect(http.json().error.details[0].path).toBe(field);
    }
  });

  it('over HTTP, query strings filter like typed input', async () => {
    const since = now - HOUR;
    const response = await admin.call('GET', `/api/v1/traffic?statusClass=5xx&path=%2Forders&since=${since}&limit=1000`);
    expect(response.status).toBe(200);
    expect(ids(response.json() as TrafficEntry[])).toEqual(expected((f) => f.status >= 500 && f.path.startsWith('/orders') && f.at >= since));
  });
});
