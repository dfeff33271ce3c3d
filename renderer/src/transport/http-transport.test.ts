/**
 * The web transport against the real admin server (main/server) on a real socket: routes built
 * from the contract, the session login, error envelopes, YAML routes, and events over the real
 * SSE endpoint (read with undici's standard EventSource, as a browser would).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent, EventSource as UndiciEventSource } from 'undici';
import { createClient } from '../../../shared/contract/client';
import { ContractError } from '../../../shared/contract/errors';
import type { ContractHandlers } from '../../../shared/contract/methods';
import type { Api } from '../../../shared/contract/models';
import { startTestAdmin, type TestAdmin } from '../../../main/server/test-support';
import { createHttpTransport, type EventSourceLike } from './http-transport';

const api: Api = { id: 'a/b', name: 'Orders', version: 'v1', type: 'http', implementationUrl: 'http://127.0.0.1:3000', basePath: '/orders', gatewayId: 'gw', enabled: true, createdAt: 1, updatedAt: 1 };
const seen: { method: string; input: unknown }[] = [];

const handlers: Partial<ContractHandlers> = {
  'apis.list': async (input) => (seen.push({ method: 'apis.list', input }), [api]),
  'apis.create': async (input) => {
    seen.push({ method: 'apis.create', input });
    if (input.name === 'taken') throw ContractError.conflict('base path /taken is already used', [{ path: 'basePath', message: 'already used' }]);
    return { ...api, ...input, id: 'new', gatewayId: 'gw', createdAt: 2, updatedAt: 2 };
  },
  'policies.remove': async (input) => void seen.push({ method: 'policies.remove', input }),
  'config.export': async () => 'apiVersion: gatehouse.dev/v1\nkind: Gateway\n',
  'config.import': async (input) => (seen.push({ method: 'config.import', input }), { imported: { Gateway: 1 }, warnings: [], mode: input.mode, changes: [], applied: true }),
  'metrics.get': async (input) => {
    seen.push({ method: 'metrics.get', input });
    return { requests: 0, status: { '2xx': 0, '3xx': 0, '4xx': 0, '5xx': 0 }, latencyMs: { p50: 0, p95: 0, p99: 0 }, policyViolations: 0, violationsByPolicy: {}, topClients: [], series: [] };
  },
};

let admin: TestAdmin;
beforeAll(async () => {
  admin = await startTestAdmin(handlers);
});
afterAll(() => admin.close());

/** Node's fetch with what a browser adds on its own: our Origin, and a cookie jar. */
function browserLikeFetch(origin: string) {
  const jar = new Map<string, string>();
  const fetchLike = (async (input: RequestInfo | URL, init: RequestInit = {}) => {
    const headers = new Headers(init.headers);
    if (init.method && init.method !== 'GET') headers.set('origin', origin);
    if (jar.size) headers.set('cookie', [...jar].map(([k, v]) => `${k}=${v}`).join('; '));
    const response = await fetch(input, { ...init, headers });
    for (const cookie of response.headers.getSetCookie()) {
      const [pair] = cookie.split(';');
      const [name, value] = pair!.split('=');
      jar.set(name!, value!);
    }
    return response;
  }) as typeof fetch;
  return { fetchLike, jar };
}

function signedInClient() {
  const { fetchLike, jar } = browserLikeFetch(admin.server.url);
  const transport = createHttpTransport({ baseUrl: admin.server.url, fetch: fetchLike });
  return { transport, client: createClient(transport), jar };
}

describe('http transport: calls', () => {
  it('is refused without a session, and works after signing in with a login token', async () => {
    const { transport, client, jar } = signedInClient();
    const refused = await client.apis.list().catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ContractError);
    expect((refused as ContractError).code).toBe('UNAUTHORIZED');

    await expect(transport.login!('not-a-token')).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    const loginToken = new URL(admin.server.createLoginUrl()).searchParams.get('token')!;
    await transport.login!(loginToken);
    expect(jar.size).toBe(1);
    expect(await client.apis.list({ gatewayId: 'gw' })).toEqual([api]);
    expect(seen.at(-1)).toEqual({ method: 'apis.list', input: { gatewayId: 'gw' } });
  });

  it('sends bodies as JSON, path parameters encoded, numbers in the query', async () => {
    const { transport, client } = signedInClient();
    await transport.login!(admin.server.token);
    const created = await client.apis.create({ name: 'Billing', implementationUrl: 'http://127.0.0.1:4000' });
    expect(created).toMatchObject({ id: 'new', name: 'Billing', basePath: '/billing', version: 'v1' });
    await expect(client.policies.remove({ apiId: 'a/b', policyId: 'p 1' })).resolves.toBeUndefined();
    expect(seen.at(-1)).toEqual({ method: 'policies.remove', input: { apiId: 'a/b', policyId: 'p 1' } });
    await client.metrics.get({ apiId: 'a/b', window: 300 });
    expect(seen.at(-1)).toEqual({ method: 'metrics.get', input: { apiId: 'a/b', window: 300 } });
  });

  it('turns error envelopes into ContractErrors with their details', async () => {
    const { transport, client } = signedInClient();
    await transport.login!(admin.server.token);
    const conflict = (await client.apis.create({ name: 'taken', implementationUrl: 'http://127.0.0.1:4000' }).catch((e: unknown) => e)) as ContractError;
    expect(conflict).toMatchObject({ code: 'CONFLICT', message: 'base path /taken is already used', details: [{ path: 'basePath', message: 'already used' }] });
    const invalid = (await client.apis.create({ name: 'x', implementationUrl: 'nope' }).catch((e: unknown) => e)) as ContractError;
    expect(invalid.code).toBe('VALIDATION_FAILED');
    expect(invalid.details?.[0]?.path).toBe('implementationUrl');
  });

  it('speaks YAML on the config routes', async () => {
    const { transport, client } = signedInClient();
    await transport.login!(admin.server.token);
    expect(await client.config.export()).toBe('apiVersion: gatehouse.dev/v1\nkind: Gateway\n');
    expect(await client.config.import({ yaml: 'kind: Gateway\n' })).toEqual({ imported: { Gateway: 1 }, warnings: [], mode: 'sync', changes: [], applied: true });
    expect(seen.at(-1)).toEqual({ method: 'config.import', input: { yaml: 'kind: Gateway\n', mode: 'sync', dryRun: false } });
  });

  it('reports a server that is not there as UNAVAILABLE', async () => {
    const client = createClient(createHttpTransport({ baseUrl: 'http://127.0.0.1:9' }));
    const error = (await client.apis.list().catch((e: unknown) => e)) as ContractError;
    expect(error.code).toBe('UNAVAILABLE');
    expect(error.message).toMatch(/Gatehouse is not reachable/);
  });
});

describe('http transport: events', () => {
  /** undici's EventSource with the bearer token (a browser would send the session cookie). */
  function eventSource(token: string) {
    const dispatcher = new Agent().compose((dispatch) => (options, handler) => {
      const headers = { ...(options.headers as Record<string, string>), authorization: `Bearer ${token}` };
      return dispatch({ ...options, headers }, handler);
    });
    return (url: string) => new UndiciEventSource(url, { dispatcher }) as unknown as EventSourceLike;
  }

  it('delivers events to their subscribers and reports the connection', async () => {
    const transport = createHttpTransport({ baseUrl: admin.server.url, createEventSource: eventSource(admin.server.token) });
    const states: string[] = [];
    transport.onConnection((state) => states.push(state));
    const ticks: unknown[] = [];
    const changes: unknown[] = [];
    const offTick = transport.subscribe('traffic.tick', (tick) => ticks.push(tick));
    transport.subscribe('resource.changed', (change) => changes.push(change));
    await expect.poll(() => transport.connection).toBe('open');
    await expect.poll(() => admin.bus.listenerCount('traffic.tick')).toBeGreaterThan(0);

    admin.bus.emit('traffic.tick', { t: 1000, apis: [{ apiId: 'a', requests: 3, errors: 1, p95: 2 }] });
    admin.bus.emit('resource.changed', { kind: 'api', id: 'a', action: 'updated' });
    await expect.poll(() => ticks.length).toBe(1);
    await expect.poll(() => changes.length).toBe(1);
    expect(ticks[0]).toEqual({ t: 1000, apis: [{ apiId: 'a', requests: 3, errors: 1, p95: 2 }] });
    expect(changes[0]).toEqual({ kind: 'api', id: 'a', action: 'updated' });

    offTick();
    admin.bus.emit('traffic.tick', { t: 2000, apis: [] });
    admin.bus.emit('resource.changed', { kind: 'api', id: 'b', action: 'removed' });
    await expect.poll(() => changes.length).toBe(2);
    expect(ticks).toHaveLength(1);
    expect(states[0]).toBe('open');
  });

  it('says "closed" when the server refuses the stream, and reconnects by itself', async () => {
    let token = 'wrong-token';
    const transport = createHttpTransport({ baseUrl: admin.server.url, createEventSource: (url) => eventSource(token)(url), reconnectMs: 50 });
    transport.subscribe('traffic.tick', () => undefined);
    await expect.poll(() => transport.connection).toBe('closed');
    token = admin.server.token;
    await expect.poll(() => transport.connection, { timeout: 3000 }).toBe('open');
  });
});
