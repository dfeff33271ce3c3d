import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findPolicy } from '../../shared/policies/catalogue';
import { mockRouteSnapshots } from '../config/mock-routes';
import { freePort, request, startServer, type TestServer } from '../testing/net';
import type { RecordedResponse } from './mock';
import { canonicalQuery, pathMatcher } from './mock';
import type { ApiSnapshot, GatewaySnapshot } from './snapshot';
import type { RequestFact } from './telemetry';
import { apiSnapshot, startGateway, type StartedGateway } from './testing';

const openapi = {
  openapi: '3.0.3',
  info: { title: 'Users', version: '1' },
  paths: {
    '/users/{id}': { get: { responses: { '200': { description: 'one', headers: { 'X-Mocked': { schema: { type: 'string' }, example: 'yes' } }, content: { 'application/json': { example: { id: 1, name: 'Leanne' } } } } } } },
    '/things': { get: { responses: { '200': { description: 'list', content: { 'application/json': { schema: { type: 'array', items: { type: 'object', properties: { id: { type: 'integer' }, label: { type: 'string' } } } } } } } } } },
  },
};

function snapshotOf(port: number, apis: ApiSnapshot[]): GatewaySnapshot {
  return { version: `mock-${Math.random()}`, sources: [], identity: { applications: [], tiers: [], contracts: [] }, listeners: [{ host: '127.0.0.1', port, apis }] };
}

describe('mock matching', () => {
  it('matches {param}, :param and a final *, and compares queries in any order', () => {
    expect(pathMatcher('/users/{id}')('/users/7')).toBe(true);
    expect(pathMatcher('/users/{id}')('/users/7/posts')).toBe(false);
    expect(pathMatcher('/users/:id/posts')('/users/7/posts')).toBe(true);
    expect(pathMatcher('/files/*')('/files/a/b.txt')).toBe(true);
    expect(pathMatcher('/a.b')('/axb')).toBe(false);
    expect(canonicalQuery('?b=2&a=1')).toBe(canonicalQuery('a=1&b=2'));
  });
});

describe('mock answers over sockets', () => {
  let gateway: StartedGateway;
  let port: number;
  const facts: RequestFact[] = [];

  beforeAll(async () => {
    port = await freePort();
    // Mock only, with no upstream service at all.
    const api: ApiSnapshot = { ...apiSnapshot({ id: 'users', basePath: '/users-api', upstream: 'http://127.0.0.1:9' }), services: [], mock: { mode: 'only', routes: mockRouteSnapshots({ openapi }) } };
    gateway = await startGateway(snapshotOf(port, [api]), { catalogue: findPolicy, onRequest: (fact) => facts.push(fact) });
  });
  afterAll(async () => {
    await gateway?.close();
  });

  it('answers from the OpenAPI example with no upstream, marked as a mock', async () => {
    const res = await request(gateway.url('/users-api/users/42'));
    expect(res.status).toBe(200);
    expect(res.headers['x-gatehouse-source']).toBe('mock');
    expect(res.headers['x-mocked']).toBe('yes');
    expect(res.json()).toEqual({ id: 1, name: 'Leanne' });
    // The trace says the mock answered, and from which route.
    await waitFor(() => facts.length > 0);
    expect(facts[0]!.trace).toEqual([expect.objectContaining({ policy: 'mock', verdict: 'respond', status: 200, detail: 'mock: GET /users/{id} (openapi example)' })]);
  });

  it('a schema without an example answers a generated value of the right shape', async () => {
    const res = await request(gateway.url('/users-api/things'));
    expect(res.status).toBe(200);
    expect(res.json()).toEqual([{ id: 1, label: 'string' }]);
  });

  it('a request the mock has no answer for is a 404 naming it, still from the mock', async () => {
    const res = await request(gateway.url('/users-api/nothing?x=1'));
    expect(res.status).toBe(404);
    expect(res.headers['x-gatehouse-source']).toBe('mock');
    expect(res.json().error.code).toBe('MOCK_NO_MATCH');
    expect(res.json().error.message).toContain('GET /nothing?x=1');
  });
});

describe('record, then replay and fall back', () => {
  let upstream: TestServer;
  let gateway: StartedGateway;
  const recorded: RecordedResponse[] = [];
  // Not valid UTF-8: replay must give the same bytes, not a re-encoded string.
  const binary = Buffer.from([0xff, 0x00, 0xfe, 0x41, 0x80]);

  beforeAll(async () => {
    upstream = await startServer((req, res) => {
      if (req.url === '/bin?b=2&a=1') {
        res.writeHead(200, { 'content-type': 'application/octet-stream', 'set-cookie': 'session=secret' });
        res.end(binary);
        return;
      }
      res.writeHead(201, { 'content-type': 'application/json', 'x-from': 'upstream' });
      res.end(JSON.stringify({ live: true, url: req.url }));
    });
    gateway = await startGateway({ id: 'rec', basePath: '/rec', upstream: upstream.url }, { catalogue: findPolicy, onRecorded: (entry) => recorded.push(entry) });
  });
  afterAll(async () => {
    await gateway?.close();
    await upstream?.close();
  });

  it('records responses while the switch is on, then replays them byte for byte with the upstream stopped', async () => {
    const base = apiSnapshot({ id: 'rec', basePath: '/rec', upstream: upstream.url });
    await gateway.apply(snapshotOf(gateway.port, [{ ...base, recording: { name: 'first', maxBodyBytes: 1024 } }]));
    const live = await request(gateway.url('/rec/posts?userId=3'));
    expect(live.status).toBe(201);
    const liveBinary = await fetchBytes(gateway.url('/rec/bin?b=2&a=1'));
    expect(liveBinary.equals(binary)).toBe(true);
    await waitFor(() => recorded.length === 2);
    expect(recorded[0]).toMatchObject({ apiId: 'rec', recording: 'first', method: 'GET', path: '/posts', query: 'userId=3', status: 201 });
    // Secrets in response headers are not recorded.
    expect(recorded[1]!.headers['set-cookie']).toBeUndefined();

    const exchanges = recorded.map((entry) => ({ method: entry.method, path: entry.path, query: entry.query, status: entry.status, headers: entry.headers, bodyBase64: entry.body.toString('base64'), truncated: entry.truncated }));
    await upstream.close();
    await gateway.apply(snapshotOf(gateway.port, [{ ...base, mock: { mode: 'only', routes: mockRouteSnapshots({ recording: { name: 'first', exchanges } }) } }]));
    const replayed = await request(gateway.url('/rec/posts?userId=3'));
    expect(replayed.status).toBe(201);
    expect(replayed.headers['x-gatehouse-source']).toBe('mock');
    expect(replayed.body).toBe(live.body);
    // Same query parameters in another order: the same recorded answer.
    expect((await fetchBytes(gateway.url('/rec/bin?a=1&b=2'))).equals(binary)).toBe(true);
    // Another query: not what was recorded.
    expect((await request(gateway.url('/rec/posts?userId=4'))).status).toBe(404);
  });
});

describe('fall back to the mock when the upstream is down', () => {
  it('serves the mock when the upstream refuses, and the real upstream when it is up', async () => {
    const upstream = await startServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('real answer');
    });
    const port = await freePort();
    const api: ApiSnapshot = {
      ...apiSnapshot({ id: 'fb', basePath: '/fb', upstream: upstream.url }),
      mock: { mode: 'fallback', routes: mockRouteSnapshots({ routes: [{ method: 'GET', path: '/hello/{name}', status: 200, headers: {}, body: { mocked: true } }] }) },
    };
    const gateway = await startGateway(snapshotOf(port, [api]), { catalogue: findPolicy });
    try {
      const up = await request(gateway.url('/fb/hello/ann'));
      expect(up.body).toBe('real answer');
      expect(up.headers['x-gatehouse-source']).toBe('upstream');
      await upstream.close();
      const down = await request(gateway.url('/fb/hello/ann'));
      expect(down.status).toBe(200);
      expect(down.headers['x-gatehouse-source']).toBe('mock');
      expect(down.json()).toEqual({ mocked: true });
      // Nothing in the mock for this one: the upstream's error goes through as before.
      const missing = await request(gateway.url('/fb/other'));
      expect(missing.status).toBe(502);
      expect(missing.headers['x-gatehouse-source']).toBe('gateway');
    } finally {
      await gateway.close();
    }
  });
});

async function fetchBytes(url: string): Promise<Buffer> {
  const res = await fetch(url);
  return Buffer.from(await res.arrayBuffer());
}

async function waitFor(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  expect(condition()).toBe(true);
}
