/**
 * The replica routes on a real admin server, with a recording ReplicaService: gateway-token
 * auth (the admin token is refused), routing errors, body validation naming the field, the
 * long poll answering 204 after the hold time, and a client that goes away ending its poll.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SnapshotReply } from '../gateway/connected/protocol';
import { request } from '../testing/net';
import type { ReplicaService } from './replica-routes';
import { createReplicaRoutes } from './replica-routes';
import { startTestAdmin, type TestAdmin } from './test-support';

const TOKEN = 'ghr.gw_1.secret';
const calls: string[] = [];
let aborted = 0;
/** Polls being held right now, so a test aborts one only once the server holds it. */
let holding = 0;

const service: ReplicaService = {
  authenticate: (token) => (token === TOKEN ? 'gw_1' : undefined),
  register: (gatewayId, body) => {
    calls.push(`register ${gatewayId} ${body.name}`);
    return { gatewayId, gatewayName: 'edge', name: body.name, heartbeatIntervalMs: 2000, telemetryIntervalMs: 1000 };
  },
  snapshot: (_gatewayId, after, _name, holdMs, signal) =>
    new Promise<SnapshotReply | undefined>((resolve) => {
      if (after !== 'v1') return resolve({ version: 'v1', snapshot: { version: 'v1', listeners: [], sources: [], identity: { applications: [], tiers: [], contracts: [] } } });
      holding++;
      let done = false;
      const end = () => {
        done = true;
        holding--;
        resolve(undefined);
      };
      const timer = setTimeout(end, holdMs);
      signal.addEventListener('abort', () => {
        if (done) return; // the poll had already answered
        aborted++;
        clearTimeout(timer);
        end();
      });
    }),
  heartbeat: (gatewayId, beat) => {
    calls.push(`heartbeat ${gatewayId} ${beat.name} ${beat.status}`);
    return { snapshotVersion: 'v1' };
  },
  telemetry: (gatewayId, batch) => {
    calls.push(`telemetry ${gatewayId} ${batch.facts.length}`);
  },
};

let admin: TestAdmin;
beforeAll(async () => {
  admin = await startTestAdmin({}, { extraRoutes: createReplicaRoutes(service, { holdMs: 300 }) });
});
afterAll(() => admin?.close());

const call = (method: string, path: string, options: { token?: string; body?: unknown } = {}) =>
  request(`${admin.server.url}/api/v1/replicas${path}`, {
    method,
    headers: { ...(options.token ? { authorization: `Bearer ${options.token}` } : {}), ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: options.body !== undefined ? JSON.stringify(options.body) : undefined,
  });

describe('replica routes', () => {
  it('need the gateway token, not the admin token', async () => {
    const missing = await call('POST', '/register', { body: { name: 'r' } });
    expect(missing.status).toBe(401);
    expect(missing.headers['www-authenticate']).toMatch(/Bearer/);
    expect(missing.json().error.message).toMatch(/gateway's token, not the admin token/);
    expect((await call('POST', '/register', { token: admin.server.token, body: { name: 'r' } })).status).toBe(401);
    expect((await call('POST', '/register', { token: TOKEN, body: { name: 'r1', listenPort: 8000 } })).json()).toMatchObject({ gatewayId: 'gw_1', name: 'r1' });
    expect(calls).toContain('register gw_1 r1');
  });

  it('answer unknown routes and wrong methods clearly, and name bad fields', async () => {
    expect((await call('GET', '/nope', { token: TOKEN })).status).toBe(404);
    const wrong = await call('GET', '/heartbeat', { token: TOKEN });
    expect(wrong.status).toBe(405);
    expect(wrong.headers.allow).toBe('POST');
    const bad = await call('POST', '/heartbeat', { token: TOKEN, body: { name: 'r1', status: 'fine', counters: 'local' } });
    expect(bad.status).toBe(400);
    expect(bad.json().error.details[0].path).toBe('status');
    const notJson = await request(`${admin.server.url}/api/v1/replicas/telemetry`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}` }, body: '{' });
    expect(notJson.status).toBe(400);
    expect((await call('POST', '/telemetry', { token: TOKEN, body: { name: 'r1', facts: [] } })).status).toBe(204);
  });

  it('long-poll: a new version at once, 204 after the hold time, and a poll ends when its client leaves', async () => {
    const first = await call('GET', '/snapshot?name=r1', { token: TOKEN });
    expect(first.status).toBe(200);
    expect(first.json().version).toBe('v1');
    const started = Date.now();
    const held = await call('GET', '/snapshot?name=r1&after=v1', { token: TOKEN });
    expect(held.status).toBe(204);
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);

    const before = aborted;
    const controller = new AbortController();
    const pending = fetch(`${admin.server.url}/api/v1/replicas/snapshot?after=v1`, { headers: { authorization: `Bearer ${TOKEN}` }, signal: controller.signal }).catch(() => undefined);
    // Leave once the server holds the poll (not after a fixed time: on a busy machine the request may not have arrived yet).
    while (holding === 0) await new Promise((resolve) => setTimeout(resolve, 2));
    controller.abort();
    await pending;
    while (aborted === before) await new Promise((resolve) => setTimeout(resolve, 2));
    expect(aborted).toBe(before + 1);
  });
});
