import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, request, startServer, type TestServer } from '../testing/net';
import type { RequestFact } from './telemetry';
import { snapshotFor, startGateway, type StartedGateway } from './testing';

describe('health endpoint', () => {
  let upstream: TestServer;
  let gateway: StartedGateway;
  let upstreamCalls = 0;
  const facts: RequestFact[] = [];

  beforeAll(async () => {
    upstream = await startServer((_req, res) => {
      upstreamCalls++;
      res.end('upstream');
    });
    gateway = await startGateway(
      [
        { id: 'root', name: 'Everything', basePath: '/', upstream: upstream.url },
        { id: 'off', name: 'Off', basePath: '/off', upstream: upstream.url, enabled: false },
      ],
      { version: 'v42', sources: ['/etc/gatehouse/conf.d/api.yaml'], onRequest: (fact) => facts.push(fact), name: 'replica-1' },
    );
  });

  afterAll(async () => {
    await gateway.close();
    await upstream.close();
  });

  it('answers on the listener before routing, even under a root API, and is never forwarded', async () => {
    const before = upstreamCalls;
    const res = await request(gateway.url('/.gatehouse/health'));
    expect(res.status).toBe(200);
    expect(res.headers['x-gatehouse-source']).toBe('gateway');
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    const body = res.json();
    expect(body).toMatchObject({
      status: 'ok',
      configVersion: 'v42',
      files: ['/etc/gatehouse/conf.d/api.yaml'],
      apis: [
        { id: 'root', name: 'Everything', basePath: '/', enabled: true },
        { id: 'off', name: 'Off', basePath: '/off', enabled: false },
      ],
      lastConfigError: null,
      counters: 'local',
      name: 'replica-1',
    });
    expect(typeof body.uptimeSeconds).toBe('number');
    expect(upstreamCalls).toBe(before);
    expect(facts.some((f) => f.path === '/.gatehouse/health')).toBe(false);
  });

  it('reports the last config error as degraded, and clears it', async () => {
    gateway.runtime.reportConfigError({ file: 'conf.d/bad.yaml', line: 7, message: 'spec.policies[0]: unknown policy "nope"' });
    const degraded = (await request(gateway.url('/.gatehouse/health'))).json();
    expect(degraded.status).toBe('degraded');
    expect(degraded.lastConfigError).toMatchObject({ file: 'conf.d/bad.yaml', line: 7, message: 'spec.policies[0]: unknown policy "nope"' });
    expect(Number.isNaN(Date.parse(degraded.lastConfigError.at))).toBe(false);
    expect(gateway.runtime.health().status).toBe('degraded');
    gateway.runtime.reportConfigError(undefined);
    expect((await request(gateway.url('/.gatehouse/health'))).json()).toMatchObject({ status: 'ok', lastConfigError: null });
  });

  it('pauses traffic with 503 TRAFFIC_PAUSED while health still answers', async () => {
    gateway.runtime.setPaused(true);
    try {
      const res = await request(gateway.url('/anything'));
      expect(res.status).toBe(503);
      expect(res.json().error.code).toBe('TRAFFIC_PAUSED');
      expect((await request(gateway.url('/.gatehouse/health'))).json().status).toBe('paused');
    } finally {
      gateway.runtime.setPaused(false);
    }
    expect((await request(gateway.url('/anything'))).body).toBe('upstream');
  });

  it('refuses other methods with 405', async () => {
    const res = await request(gateway.url('/.gatehouse/health'), { method: 'POST' });
    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe('GET, HEAD');
  });

  it('answers on every listener, with the new version after a reload', async () => {
    const second = await freePort();
    const snapshot = snapshotFor([{ basePath: '/a', upstream: upstream.url }], gateway.port, { version: 'v43' });
    snapshot.listeners.push(snapshotFor([{ id: 'b', basePath: '/b', upstream: upstream.url }], second).listeners[0]!);
    await gateway.runtime.apply(snapshot);
    for (const port of [gateway.port, second]) {
      const body = (await request(`http://127.0.0.1:${port}/.gatehouse/health`)).json();
      expect(body.configVersion).toBe('v43');
      expect(body.apis.map((a: { id: string }) => a.id).sort()).toEqual(['api-1', 'b']);
    }
  });
});
