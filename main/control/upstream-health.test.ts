/**
 * An upstream service that goes down shows as down on every API in front of it, through the
 * real admin API: one API health-checks it, another on the same service has no check of its
 * own, a third is on another service. The upstream is a real server, stopped and restarted on
 * the same port.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startAdminPlane, type AdminPlane } from '../testing/admin-plane';
import { startEchoUpstream, type TestServer } from '../testing/net';

let plane: AdminPlane;
let other: TestServer;
const service = http.createServer((_req, res) => res.end('ok'));
let port = 0;

const listen = (at = 0) => new Promise<void>((resolve) => service.listen(at, '127.0.0.1', resolve));
const stopService = () => {
  service.closeAllConnections();
  return new Promise<void>((resolve) => service.close(() => resolve()));
};

beforeAll(async () => {
  await listen();
  port = (service.address() as AddressInfo).port;
  other = await startEchoUpstream();
  plane = await startAdminPlane();
});

afterAll(async () => {
  await plane?.close();
  await other?.close();
  if (service.listening) await stopService();
});

/** name → upstreamHealth as GET /apis shows it. */
async function healthByName(): Promise<Record<string, string | undefined>> {
  const { body } = await plane.api('GET', '/apis');
  return Object.fromEntries((body as { name: string; upstreamHealth?: string }[]).map((api) => [api.name, api.upstreamHealth]));
}

describe('upstream health on every API of a service', () => {
  it('shows a down service on the API that probes it and on the other APIs in front of it, and healthy again for all', async () => {
    const orders = await plane.api('POST', '/apis', { name: 'Orders', implementationUrl: `http://127.0.0.1:${port}/orders`, basePath: '/orders' });
    expect(orders.status).toBe(201);
    expect((await plane.api('POST', '/apis', { name: 'Billing', implementationUrl: `http://127.0.0.1:${port}/billing/`, basePath: '/billing' })).status).toBe(201);
    expect((await plane.api('POST', '/apis', { name: 'Elsewhere', implementationUrl: other.url, basePath: '/elsewhere' })).status).toBe(201);
    const check = await plane.api('POST', `/apis/${orders.body.id}/policies`, {
      policyRef: 'health-check-flex',
      config: { path: '/health', intervalSeconds: 1, unhealthyThreshold: 1, healthyThreshold: 1 },
    });
    expect(check.status, JSON.stringify(check.body)).toBe(201);

    await eventually(async () => (await healthByName()).Orders === 'healthy');
    expect(await healthByName()).toEqual({ Orders: 'healthy', Billing: 'healthy', Elsewhere: undefined });

    await stopService();
    await eventually(async () => (await healthByName()).Orders === 'unhealthy');
    // Billing has no health check of its own: the same service, so the same answer.
    expect(await healthByName()).toEqual({ Orders: 'unhealthy', Billing: 'unhealthy', Elsewhere: undefined });
    const billing = (await plane.api('GET', '/apis')).body.find((api: { name: string }) => api.name === 'Billing');
    expect((await plane.api('GET', `/apis/${billing.id}`)).body.upstreamHealth).toBe('unhealthy');

    await listen(port);
    await eventually(async () => (await healthByName()).Orders === 'healthy');
    expect(await healthByName()).toEqual({ Orders: 'healthy', Billing: 'healthy', Elsewhere: undefined });
  });
});
