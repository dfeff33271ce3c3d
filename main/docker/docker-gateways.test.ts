/**
 * Docker gateways against the real engine, through the real control plane and admin server:
 * create a gateway with 2 replicas over REST, traffic through both replica ports to an upstream
 * on the host's 127.0.0.1, a policy change on both within 2 s, "pause all traffic" on both, a
 * killed replica shown disconnected and brought back, rate limits per replica without shared
 * storage and exactly shared with Redis, delete without leftovers, and orphan cleanup. Skips
 * (saying why) when no engine answers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Gateway } from '../../shared/contract/models';
import { eventually, startAdminPlane, type AdminPlane } from '../testing/admin-plane';
import { freePort, request, startEchoUpstream, type TestServer } from '../testing/net';
import { redisServerMissing, startRedis, type TestRedis } from '../testing/redis-server';
import { createDockerClient, engineConnection, probeDocker } from './engine';
import { LABEL_GATEWAY, LABEL_INSTANCE, LABEL_REPLICA } from './replica-containers';

const docker = createDockerClient(engineConnection());
const engine = await probeDocker(docker, engineConnection().endpoint);
const title = engine.available ? 'docker gateways (real engine)' : `docker gateways — SKIPPED: ${engine.message}`;

describe.skipIf(!engine.available)(title, () => {
  let plane: AdminPlane;
  let upstream: TestServer;
  let redis: TestRedis | undefined;
  let gateway: Gateway;
  let apiId: string;
  const statuses: { index: number; status: string }[] = [];

  beforeAll(async () => {
    upstream = await startEchoUpstream();
    if (!redisServerMissing) redis = await startRedis();
    plane = await startAdminPlane({ docker: { reconcileIntervalMs: 1000 } });
    plane.plane.bus.on('gateway.status', (view) => {
      if (view.id === gateway?.id) for (const replica of view.replicas) statuses.push({ index: replica.index, status: replica.status });
    });
  }, 30_000);

  afterAll(async () => {
    if (gateway) await plane.api('DELETE', `/gateways/${gateway.id}`).catch(() => undefined);
    await plane?.close();
    await upstream?.close();
    await redis?.stop();
  });

  const get = async () => (await plane.api<Gateway>('GET', `/gateways/${gateway.id}`)).body;
  const replicaUrls = (view: Gateway, path: string) => view.replicas.map((replica) => `http://127.0.0.1:${replica.hostPort}${path}`);
  const allConnected = async (count = 2) => {
    const view = await get();
    return view.replicas.length === count && view.replicas.every((replica) => replica.status === 'connected') ? view : undefined;
  };
  /** Waits until every replica runs the gateway's current config. */
  const inSync = async () =>
    eventually(async () => {
      const view = await get();
      return view.replicas.length === 2 && view.replicas.every((replica) => replica.status === 'connected' && replica.configVersion === view.configVersion) ? view : undefined;
    }, 10_000);

  it('creates a gateway with 2 replicas that connect, and serves an API through both ports', async () => {
    const port = await freePort();
    const created = await plane.api<Gateway>('POST', '/gateways', { name: 'edge', kind: 'docker', replicas: 2, port });
    expect(created.status).toBe(201);
    gateway = created.body;
    expect(gateway).toMatchObject({ kind: 'docker', desiredReplicas: 2, port, sharedCounters: false });
    expect(gateway.countersMessage).toMatch(/per replica/);

    const api = await plane.api('POST', '/apis', { name: 'Orders', implementationUrl: `${upstream.url}/v1/`, basePath: '/orders', gatewayId: gateway.id });
    expect(api.status).toBe(201);
    apiId = api.body.id;

    // The first run builds the image (on a base made from the local Node runtime when no registry answers).
    const view = await eventually(allConnected, 120_000, 250);
    expect(view.status).toBe('running');
    expect(view.networkMode).toBe(engine.networkMode);
    expect(view.networkModeMessage).toBeTruthy();
    expect(view.replicas.map((replica) => replica.index)).toEqual([0, 1]);
    expect(new Set(view.replicas.map((replica) => replica.hostPort)).size).toBe(2);
    for (const replica of view.replicas) {
      expect(replica.containerId).toMatch(/^[0-9a-f]{64}$/);
      expect(replica.lastHeartbeatAt).toBeGreaterThan(Date.now() - 10_000);
    }
    const info = (await plane.api('GET', '/system')).body;
    expect(info.docker).toMatchObject({ status: 'available', image: { status: 'ready' } });

    await inSync();
    for (const url of replicaUrls(view, '/orders/7')) {
      const response = await request(url);
      expect(response.status).toBe(200);
      expect(response.json().url).toBe('/v1/7');
    }
    const logs = await plane.api('GET', `/gateways/${gateway.id}/replicas/0/logs?tail=50`);
    expect(logs.status).toBe(200);
    const logText = logs.body.map((line: { text: string }) => line.text).join('\n');
    expect(logText).toMatch(/registered as replica "replica-0"/);
    // The replica runs as an unprivileged user and can still keep its last config for restarts.
    expect(logText).not.toMatch(/cannot cache the config/);
  }, 150_000);

  it('delivers a policy change to both replicas within 2 s', async () => {
    const view = await get();
    const added = await plane.api('POST', `/apis/${apiId}/policies`, { policyRef: 'header-injection-flex', config: { outboundHeaders: [{ key: 'x-edge', value: 'v2' }] } });
    expect(added.status).toBe(201);
    const changedAt = Date.now();
    await Promise.all(replicaUrls(view, '/orders/1').map((url) => eventually(async () => (await request(url)).headers['x-edge'] === 'v2', 3000, 20)));
    expect(Date.now() - changedAt).toBeLessThan(2000);
    await plane.api('DELETE', `/apis/${apiId}/policies/${added.body.id}`);
  });

  it('pauses all traffic on both replicas within 2 s, and resumes it', async () => {
    const view = await get();
    const urls = replicaUrls(view, '/orders/1');
    expect((await plane.api('POST', '/traffic/pause')).body.paused).toBe(true);
    const pausedAt = Date.now();
    await Promise.all(urls.map((url) => eventually(async () => (await request(url)).status === 503, 3000, 20)));
    expect(Date.now() - pausedAt).toBeLessThan(2000);
    expect((await request(urls[0]!)).json().error.code).toBe('TRAFFIC_PAUSED');
    expect((await plane.api('POST', '/traffic/resume')).body.paused).toBe(false);
    await Promise.all(urls.map((url) => eventually(async () => (await request(url)).status === 200, 3000, 20)));
  });

  it('shows a killed replica disconnected and brings it back', async () => {
    const before = await get();
    const victim = before.replicas[1]!;
    statuses.length = 0;
    await docker.getContainer(victim.containerId).kill();
    await eventually(() => statuses.some((entry) => entry.index === 1 && entry.status === 'disconnected'), 5000, 20);
    const after = await eventually(allConnected, 20_000, 100);
    expect(after.replicas[1]!.hostPort).toBe(victim.hostPort);
    expect((await request(`http://127.0.0.1:${victim.hostPort}/orders/1`)).status).toBe(200);
  }, 30_000);

  it('counts rate limits per replica without shared storage', async () => {
    const limit = await plane.api('POST', `/apis/${apiId}/policies`, { policyRef: 'rate-limiting-flex', config: { rateLimits: [{ maximumRequests: 10, timePeriodInMilliseconds: 60_000 }] } });
    expect(limit.status).toBe(201);
    const view = await inSync();
    expect(view.sharedCounters).toBe(false);
    for (const url of replicaUrls(view, '/orders/1')) {
      const statuses = await Promise.all(Array.from({ length: 11 }, () => request(url).then((response) => response.status)));
      // Each replica admits its own 10.
      expect(statuses.filter((status) => status === 200)).toHaveLength(10);
      expect(statuses.filter((status) => status === 429)).toHaveLength(1);
    }
    await plane.api('DELETE', `/apis/${apiId}/policies/${limit.body.id}`);
  }, 20_000);

  it.skipIf(redisServerMissing)('shares a 10/min limit exactly across both replicas with Redis', async () => {
    const patched = await plane.api<Gateway>('PATCH', `/gateways/${gateway.id}`, { sharedStorage: { redis: { address: redis!.address } } });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ sharedCounters: true, sharedStorage: { redis: { address: redis!.address, hasPassword: false } } });
    const limit = await plane.api('POST', `/apis/${apiId}/policies`, { policyRef: 'rate-limiting-flex', config: { rateLimits: [{ maximumRequests: 10, timePeriodInMilliseconds: 60_000 }] } });
    expect(limit.status).toBe(201);
    const view = await eventually(async () => {
      const current = await inSync();
      return current.replicas.every((replica) => replica.counters === 'redis') ? current : undefined;
    }, 15_000);
    const urls = replicaUrls(view, '/orders/1');
    const statuses = await Promise.all(Array.from({ length: 20 }, (_, i) => request(urls[i % 2]!).then((response) => response.status)));
    expect(statuses.filter((status) => status === 200)).toHaveLength(10);
    expect(statuses.filter((status) => status === 429)).toHaveLength(10);

    // Redis goes away: replicas keep serving on local counters, and the gateway says so.
    await redis!.stop();
    const degraded = await eventually(async () => {
      const current = await get();
      return current.replicas.every((replica) => replica.counters === 'redis (unreachable, using local counters)') ? current : undefined;
    }, 10_000, 100);
    expect(degraded.countersMessage).toMatch(/cannot reach it and count locally until it returns/);
    expect((await request(urls[0]!)).status).toBe(200);
    const health = (await request(urls[0]!.replace('/orders/1', '/.gatehouse/health'))).json();
    expect(health.counters).toBe('redis (unreachable, using local counters)');
    await redis!.start();
    await eventually(async () => (await get()).replicas.every((replica) => replica.counters === 'redis'), 15_000, 100);
    await plane.api('DELETE', `/apis/${apiId}/policies/${limit.body.id}`);
  }, 45_000);

  it('scales up and down, and stops and starts every replica', async () => {
    const containers = async (all = true) => docker.listContainers({ all, filters: { label: [`${LABEL_GATEWAY}=${gateway.id}`] } });
    const up = await plane.api<Gateway>('PATCH', `/gateways/${gateway.id}`, { desiredReplicas: 3 });
    expect(up.body.desiredReplicas).toBe(3);
    const three = await eventually(() => allConnected(3), 30_000, 100);
    expect((await request(`http://127.0.0.1:${three.replicas[2]!.hostPort}/orders/3`)).status).toBe(200);

    await plane.api('PATCH', `/gateways/${gateway.id}`, { desiredReplicas: 2 });
    await eventually(async () => (await containers()).length === 2, 10_000);
    await eventually(allConnected, 10_000);

    const stopped = await plane.api<Gateway>('POST', `/gateways/${gateway.id}/stop`);
    expect(stopped.body.status).toBe('stopped');
    await eventually(async () => (await containers(false)).length === 0, 15_000);
    expect((await containers()).length).toBe(2);
    await expect(request(`http://127.0.0.1:${three.replicas[0]!.hostPort}/orders/1`)).rejects.toThrow(/ECONNREFUSED/);

    expect((await plane.api<Gateway>('POST', `/gateways/${gateway.id}/start`)).status).toBe(200);
    await eventually(allConnected, 20_000, 100);
    expect((await request(`http://127.0.0.1:${three.replicas[0]!.hostPort}/orders/1`)).status).toBe(200);
  }, 60_000);

  it('lists orphaned containers and cleans them up', async () => {
    const image = plane.plane.dockerGateways.manager.image.state.tag!;
    const instance = plane.plane.store.settings.get<string>('docker.instance')!;
    const orphan = await docker.createContainer({ Image: image, Labels: { [LABEL_GATEWAY]: 'gw_gone', [LABEL_REPLICA]: '0', [LABEL_INSTANCE]: instance } });
    try {
      const listed = await plane.api('GET', '/docker/orphans');
      expect(listed.body).toEqual([expect.objectContaining({ containerId: orphan.id, gatewayId: 'gw_gone', foreign: false })]);
      const cleaned = await plane.api('POST', '/docker/orphans/cleanup', {});
      expect(cleaned.body.map((entry: { containerId: string }) => entry.containerId)).toEqual([orphan.id]);
      expect((await plane.api('GET', '/docker/orphans')).body).toEqual([]);
    } finally {
      await orphan.remove({ force: true }).catch(() => undefined);
    }
  });

  it('deleting the gateway removes every container it had', async () => {
    await plane.api('DELETE', `/apis/${apiId}`);
    const removed = await plane.api('DELETE', `/gateways/${gateway.id}`);
    expect(removed.status).toBe(204);
    const left = await docker.listContainers({ all: true, filters: { label: [`${LABEL_GATEWAY}=${gateway.id}`] } });
    expect(left).toEqual([]);
    gateway = undefined as unknown as Gateway;
  });
});
