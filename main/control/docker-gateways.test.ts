/**
 * Docker gateways in the control plane, without an engine: with DOCKER_HOST pointing at a closed
 * port the app starts, the embedded gateway serves, and system.info and docker-gateway creation
 * say "Docker is not running …" (503, no stack trace). Also: the replica endpoints over the real
 * admin server (token auth, per-gateway snapshots, long poll, heartbeats, telemetry).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startAdminPlane, type AdminPlane } from '../testing/admin-plane';
import { freePort, request, startEchoUpstream, type TestServer } from '../testing/net';

let plane: AdminPlane;
let upstream: TestServer;
let closedPort: number;

beforeAll(async () => {
  upstream = await startEchoUpstream();
  closedPort = await freePort();
  plane = await startAdminPlane({ docker: { env: { DOCKER_HOST: `tcp://127.0.0.1:${closedPort}` } } });
});

afterAll(async () => {
  await plane?.close();
  await upstream?.close();
});

const replicaCall = (token: string | undefined, method: string, path: string, body?: unknown) =>
  request(`${plane.url}/api/v1/replicas${path}`, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: body !== undefined ? JSON.stringify(body) : undefined,
  });

describe('without a Docker engine', () => {
  it('starts, serves the embedded gateway, and says Docker is not running', async () => {
    const api = await plane.api('POST', '/apis', { name: 'Local', implementationUrl: `${upstream.url}/`, basePath: '/local' });
    expect(api.status).toBe(201);
    await eventually(async () => (await request(`http://127.0.0.1:${plane.gatewayPort}/local/x`)).status === 200);

    const info = await eventually(async () => {
      const body = (await plane.api('GET', '/system')).body;
      return body.docker.status === 'unavailable' ? body : undefined;
    });
    expect(info.docker.message).toMatch(/^Docker is not running — start Docker Desktop or `sudo systemctl start docker`; the embedded gateway keeps working/);
    expect(info.docker.message).toContain(`tcp://127.0.0.1:${closedPort}`);

    const created = await plane.api('POST', '/gateways', { name: 'edge', kind: 'docker', replicas: 2, port: await freePort() });
    expect(created.status).toBe(503);
    expect(created.body.error.code).toBe('UNAVAILABLE');
    expect(created.body.error.message).toMatch(/^Docker is not running/);
    expect(JSON.stringify(created.body)).not.toMatch(/\n\s+at /);
    // Nothing half-created.
    expect((await plane.api('GET', '/gateways')).body.map((g: { kind: string }) => g.kind)).toEqual(['embedded']);
    expect((await plane.api('GET', '/docker/orphans')).status).toBe(503);
  });

  it('rejects a bad create body naming the field, and replicas vs desiredReplicas disagreeing', async () => {
    const bad = await plane.api('POST', '/gateways', { name: 'x', kind: 'docker', replicas: 2, desiredReplicas: 3, port: 9100 });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details).toEqual([expect.objectContaining({ path: 'replicas' })]);
    const badRedis = await plane.api('POST', '/gateways', { name: 'x', kind: 'docker', port: 9100, sharedStorage: { redis: { address: 'not a host' } } });
    expect(badRedis.status).toBe(400);
    expect(badRedis.body.error.details[0].path).toBe('sharedStorage.redis.address');
  });
});

describe('replica endpoints', () => {
  it('authenticate with the gateway token, serve only that gateway, long-poll, take heartbeats and telemetry', async () => {
    const gatewayPort = await freePort();
    const gateway = (await plane.api('POST', '/gateways', { name: 'side', port: gatewayPort })).body;
    const sideApi = (await plane.api('POST', '/apis', { name: 'Side', implementationUrl: `${upstream.url}/`, basePath: '/side', gatewayId: gateway.id })).body;

    expect((await replicaCall(undefined, 'POST', '/register', { name: 'r1' })).status).toBe(401);
    expect((await replicaCall('ghr.nope.abc', 'POST', '/register', { name: 'r1' })).status).toBe(401);
    const { token } = (await plane.api('POST', `/gateways/${gateway.id}/token`)).body;
    // Stored hashed: the token itself is nowhere in the settings.
    expect(JSON.stringify(plane.plane.store.settings.all())).not.toContain(token);

    const invalid = await replicaCall(token, 'POST', '/register', { name: '' });
    expect(invalid.status).toBe(400);
    expect(invalid.json().error.details[0].path).toBe('name');
    const registered = await replicaCall(token, 'POST', '/register', { name: 'r1', listenPort: 9999 });
    expect(registered.status).toBe(200);
    expect(registered.json()).toMatchObject({ gatewayId: gateway.id, gatewayName: 'side', name: 'r1', heartbeatIntervalMs: 2000 });

    const first = await replicaCall(token, 'GET', '/snapshot?name=r1');
    expect(first.status).toBe(200);
    const snapshot = first.json();
    expect(snapshot.snapshot.listeners).toHaveLength(1);
    expect(snapshot.snapshot.listeners[0].apis.map((api: { name: string }) => api.name)).toEqual(['Side']);
    expect(snapshot.snapshot.version).toBe(snapshot.version);

    // Same version: held until a change, then answered at once.
    const started = Date.now();
    const waiting = replicaCall(token, 'GET', `/snapshot?name=r1&after=${snapshot.version}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
    await plane.api('PATCH', `/apis/${sideApi.id}`, { enabled: false });
    const changed = await waiting;
    expect(changed.status).toBe(200);
    expect(changed.json().version).not.toBe(snapshot.version);
    expect(Date.now() - started).toBeLessThan(2000);

    const beat = await replicaCall(token, 'POST', '/heartbeat', { name: 'r1', configVersion: changed.json().version, status: 'ok', counters: 'local' });
    expect(beat.json()).toEqual({ snapshotVersion: changed.json().version });
    expect(plane.plane.dockerGateways.registry.get(gateway.id, 'r1')).toMatchObject({ connection: 'connected', configVersion: changed.json().version, counters: 'local' });

    const fact = { id: 'f1', at: Date.now(), apiId: sideApi.id, apiName: 'Side', listener: '127.0.0.1:9999', method: 'GET', path: '/side/z', status: 200, latencyMs: 3, bytesIn: 0, bytesOut: 10, remoteAddress: '127.0.0.1', source: 'upstream', trace: [] };
    expect((await replicaCall(token, 'POST', '/telemetry', { name: 'r1', facts: [fact] })).status).toBe(204);
    const traffic = (await plane.api('GET', `/traffic?apiId=${sideApi.id}`)).body;
    expect(traffic[0]).toMatchObject({ id: 'f1', replica: 'r1', path: '/side/z' });

    // Revoked: refused from then on.
    expect((await plane.api('DELETE', `/gateways/${gateway.id}/token`)).status).toBe(204);
    expect((await replicaCall(token, 'POST', '/heartbeat', { name: 'r1', status: 'ok', counters: 'local' })).status).toBe(401);
    await plane.api('DELETE', `/apis/${sideApi.id}`);
    expect((await plane.api('DELETE', `/gateways/${gateway.id}`)).status).toBe(204);
  });
});
