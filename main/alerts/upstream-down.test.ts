// "Upstream down" and "gateway down" alerts: a real upstream is stopped and started again on the
// same port while health checks probe it; gateway status comes as the control plane reports it.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { snapshotFor } from '../gateway/testing';
import { UpstreamProber } from '../gateway/upstream-probes';
import { EMBEDDED_GATEWAY_ID } from '../store/gateways';
import { AlertHarness, sleep } from './testing/harness';
import type { GatewayView } from './measure';

let h: AlertHarness;
let prober: UpstreamProber | undefined;

beforeEach(() => {
  h = new AlertHarness();
});

afterEach(async () => {
  prober?.stop();
  await h.close();
});

async function listen(server: http.Server, port = 0): Promise<number> {
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

async function close(server: http.Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

describe('upstream-down alerts', () => {
  it('fires once when probes find the upstream stopped, and resolves once when it is back', async () => {
    const upstream = http.createServer((_req, res) => res.end('ok'));
    const port = await listen(upstream);
    const url = `http://127.0.0.1:${port}`;
    h.store.apis.insert({ id: 'orders', name: 'Orders', implementationUrl: url, basePath: '/orders', gatewayId: EMBEDDED_GATEWAY_ID });
    const interval = 0.3;
    prober = new UpstreamProber();
    prober.update(
      snapshotFor([{ id: 'orders', name: 'Orders', basePath: '/orders', upstream: url, policies: [{ name: 'health-check-flex', config: { path: '/health', intervalSeconds: interval, unhealthyThreshold: 1 } }] }], 18_090),
    );
    const webhook = await h.webhook();
    const rule = h.rule({ name: 'Orders upstream', kind: 'upstream-down', apiId: 'orders', spec: { threshold: 0, windowSeconds: 1, severity: 'critical', webhookUrl: webhook.url } });
    const probes = prober;
    h.start({ upstreamHealth: () => probes.status() });

    await vi.waitFor(() => expect(prober!.status().orders?.healthy).toBe(true), { timeout: 10_000, interval: 10 });
    await sleep(200);
    expect(h.fired).toEqual([]);

    await close(upstream);
    // How soon it fires is the probe interval's business (a bench matter); here: it fires, once.
    await vi.waitFor(() => expect(h.fired).toHaveLength(1), { timeout: 10_000, interval: 10 });
    expect(h.fired[0]).toMatchObject({ ruleId: rule.id, value: 1, severity: 'critical', message: expect.stringMatching(/upstream of Orders down \(Orders: connection refused/) });

    await sleep(3 * interval * 1000); // still down: no repeat
    expect(h.fired).toHaveLength(1);

    await listen(upstream, port);
    await vi.waitFor(() => expect(h.resolved).toHaveLength(1), { timeout: 10_000, interval: 10 });
    await sleep(2 * interval * 1000);
    expect(h.fired).toHaveLength(1);
    expect(h.resolved).toHaveLength(1);
    expect(h.resolved[0]!.message).toContain('upstream of Orders healthy again');
    expect(h.events(rule.id).map((e) => [e.state, e.value])).toEqual([
      ['fired', 1],
      ['resolved', 0],
    ]);
    await vi.waitFor(() => expect(webhook.received.map((r) => r.body.state)).toEqual(['fired', 'resolved']), { timeout: 10_000, interval: 10 });
    await close(upstream);
  });
});

describe('gateway-down alerts', () => {
  it('fires when the gateway errors or docker replicas disconnect, not when the user stops it', async () => {
    const gateway = h.store.gateways.insert({ id: 'gw_docker', name: 'docker-gw', kind: 'docker', port: 18_200, desiredReplicas: 2 });
    let view: GatewayView = { id: gateway.id, name: 'docker-gw', kind: 'docker', status: 'running', desiredReplicas: 2, replicas: [{ status: 'connected' }, { status: 'connected' }] };
    const rule = h.rule({ name: 'Replicas', kind: 'gateway-down', gatewayId: gateway.id, spec: { threshold: 0, windowSeconds: 1 } });
    h.start({ gateways: () => [view], gatewayName: (id) => h.store.gateways.get(id)?.name });
    await sleep(200);
    expect(h.fired).toEqual([]);

    view = { ...view, status: 'degraded', replicas: [{ status: 'connected' }, { status: 'disconnected' }] };
    await vi.waitFor(() => expect(h.fired).toHaveLength(1), { timeout: 1000, interval: 10 });
    expect(h.fired[0]).toMatchObject({ ruleId: rule.id, value: 1, message: expect.stringContaining('gateway docker-gw: 1 down (docker-gw: 1 of 2 replica(s) not connected)') });

    view = { ...view, status: 'stopped', replicas: [] }; // stopped on purpose: not an outage
    await vi.waitFor(() => expect(h.resolved).toHaveLength(1), { timeout: 1000, interval: 10 });

    view = { ...view, status: 'error', replicas: [] };
    await vi.waitFor(() => expect(h.fired).toHaveLength(2), { timeout: 1000, interval: 10 });
    expect(h.fired[1]!.value).toBe(2);
  });
});
