/**
 * "Pause all traffic" end to end, through the real admin API (the contract's HTTP adapter), the
 * real embedded gateway and a real connected replica (ConnectedGateway against the replica
 * endpoints, all on loopback sockets): pause → both answer 503 TRAFFIC_PAUSED while their health
 * endpoints still answer, the state shows in system.info and streams as `traffic.state` over
 * SSE → resume → both answer 200 again. Also: the pause reaches replicas of a gateway whose
 * newest change cannot be compiled, and a restart resumes traffic (the pause is not stored).
 */
import http from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectedGateway } from '../gateway/connected/connected-gateway';
import { Store } from '../store/store';
import { eventually, startAdminPlane, type AdminPlane } from '../testing/admin-plane';
import { freePort, request, startEchoUpstream, type TestServer } from '../testing/net';

let plane: AdminPlane;
let upstream: TestServer;
let replica: ConnectedGateway | undefined;
let replicaPort: number;
const cacheDir = mkdtempSync(path.join(tmpdir(), 'gatehouse-pause-replica-'));

beforeAll(async () => {
  upstream = await startEchoUpstream();
  // No Docker engine needed: the replica is connected by hand, as `gatehouse gateway --connect`.
  plane = await startAdminPlane({ docker: { env: { DOCKER_HOST: `tcp://127.0.0.1:${await freePort()}` } } });
});

afterAll(async () => {
  await replica?.stop({ graceMs: 100 });
  await plane?.close();
  await upstream?.close();
  rmSync(cacheDir, { recursive: true, force: true });
});

/** `traffic.state` events as the browser UI receives them (SSE). */
function streamTrafficState(): { events: { paused: boolean; pausedAt?: number }[]; close(): void; ready: Promise<void> } {
  const events: { paused: boolean; pausedAt?: number }[] = [];
  let buffer = '';
  let req: http.ClientRequest | undefined;
  const ready = new Promise<void>((resolve, reject) => {
    req = http.get(`${plane.url}/api/v1/events?events=traffic.state`, { headers: { authorization: `Bearer ${plane.admin.token}` }, agent: false }, (res) => {
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffer += chunk;
        for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
          const frame = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const data = /^data: (.*)$/m.exec(frame)?.[1];
          if (/^event: traffic\.state$/m.test(frame) && data) events.push(JSON.parse(data));
        }
      });
      resolve();
    });
    req.on('error', reject);
  });
  return { events, ready, close: () => req?.destroy() };
}

describe('pause all traffic', () => {
  it('pauses the embedded gateway and connected replicas, streams the state, and resumes', async () => {
    const embeddedUrl = `http://127.0.0.1:${plane.gatewayPort}`;
    expect((await plane.api('POST', '/apis', { name: 'Orders', implementationUrl: `${upstream.url}/`, basePath: '/orders' })).status).toBe(201);

    // A second gateway served by a connected replica on its own port.
    const side = (await plane.api('POST', '/gateways', { name: 'side', port: await freePort() })).body;
    expect((await plane.api('POST', '/apis', { name: 'Side', implementationUrl: `${upstream.url}/`, basePath: '/side', gatewayId: side.id })).status).toBe(201);
    const { token } = (await plane.api('POST', `/gateways/${side.id}/token`)).body;
    replicaPort = await freePort();
    replica = new ConnectedGateway({ url: plane.url, token, name: 'laptop-1', listenPort: replicaPort, cacheFile: path.join(cacheDir, 'snapshot.json'), log: () => {} });
    await replica.start();
    const replicaUrl = `http://127.0.0.1:${replicaPort}`;
    await eventually(async () => (await request(`${replicaUrl}/side/a`)).status === 200);
    expect((await request(`${embeddedUrl}/orders/a`)).status).toBe(200);

    const initial = (await plane.api('GET', '/system')).body;
    expect(initial.traffic).toEqual({ paused: false });
    const stream = streamTrafficState();
    await stream.ready;
    await eventually(() => plane.plane.bus.listenerCount('traffic.state') > 0);

    // Pause over REST.
    const paused = await plane.api('POST', '/traffic/pause');
    expect(paused.status).toBe(200);
    expect(paused.body).toEqual({ paused: true, pausedAt: expect.any(Number) });
    const embedded = await request(`${embeddedUrl}/orders/a`);
    expect(embedded.status).toBe(503);
    expect(embedded.headers['x-gatehouse-source']).toBe('gateway');
    expect(embedded.json().error.code).toBe('TRAFFIC_PAUSED');
    expect((await request(`${embeddedUrl}/.gatehouse/health`)).json().status).toBe('paused');
    // The replica's long poll is answered at once with a paused snapshot.
    const pausedAt = Date.now();
    const fromReplica = await eventually(async () => {
      const response = await request(`${replicaUrl}/side/a`);
      return response.status === 503 ? response : undefined;
    }, 3000, 20);
    expect(Date.now() - pausedAt).toBeLessThan(1500);
    expect(fromReplica.json().error.code).toBe('TRAFFIC_PAUSED');
    expect((await request(`${replicaUrl}/.gatehouse/health`)).json().status).toBe('paused');
    expect((await plane.api('GET', '/system')).body.traffic).toEqual(paused.body);
    await eventually(() => stream.events.length === 1);
    expect(stream.events[0]).toEqual(paused.body);

    // Pausing again changes nothing and sends no event.
    expect((await plane.api('POST', '/traffic/pause')).body).toEqual(paused.body);

    // Resume: both serve again.
    const resumed = await plane.api('POST', '/traffic/resume');
    expect(resumed.status).toBe(200);
    expect(resumed.body).toEqual({ paused: false });
    expect((await request(`${embeddedUrl}/orders/a`)).status).toBe(200);
    await eventually(async () => (await request(`${replicaUrl}/side/a`)).status === 200, 3000, 20);
    await eventually(() => stream.events.length === 2);
    expect(stream.events).toEqual([paused.body, { paused: false }]);
    stream.close();
  });

  it('reaches replicas of a gateway whose newest change cannot be compiled (they keep its last good config)', async () => {
    const side = (await plane.api('GET', '/gateways')).body.find((g: { name: string }) => g.name === 'side');
    const sideApi = (await plane.api('GET', `/apis?gatewayId=${side.id}`)).body[0];
    const before = plane.plane.dockerGateways.snapshots.current(side.id)!;
    // Written behind the control plane's back (as another process could): a config the catalogue rejects.
    const writer = Store.open(plane.dataDir, { migrate: false });
    try {
      const broken = writer.policies.insert({ apiId: sideApi.id, policyRef: 'rate-limiting-flex', config: { rateLimits: 'none' } });
      try {
        await plane.api('POST', '/traffic/pause');
        const paused = plane.plane.dockerGateways.snapshots.current(side.id)!;
        expect(plane.plane.dockerGateways.snapshots.error(side.id)).toMatch(/replicas keep their last config: .*rateLimits/);
        expect(paused.snapshot.trafficPaused).toBe(true);
        expect(paused.snapshot.listeners).toEqual(before.snapshot.listeners);
        await eventually(async () => (await request(`http://127.0.0.1:${replicaPort}/side/a`)).status === 503, 3000, 20);
        await plane.api('POST', '/traffic/resume');
        expect(plane.plane.dockerGateways.snapshots.current(side.id)).toEqual(before);
        await eventually(async () => (await request(`http://127.0.0.1:${replicaPort}/side/a`)).status === 200, 3000, 20);
      } finally {
        writer.policies.delete(broken.id);
      }
    } finally {
      writer.close();
    }
    await plane.plane.reload();
  });

  it('is not stored: a restarted control plane serves traffic again', async () => {
    expect((await plane.api('POST', '/traffic/pause')).body.paused).toBe(true);
    expect((await request(`http://127.0.0.1:${plane.gatewayPort}/orders/a`)).status).toBe(503);
    await plane.stop();
    await plane.start();
    expect((await plane.api('GET', '/system')).body.traffic).toEqual({ paused: false });
    expect((await request(`http://127.0.0.1:${plane.gatewayPort}/orders/a`)).status).toBe(200);
  });
});
