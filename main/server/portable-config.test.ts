/**
 * Issue 17 as a new user meets it: two Gatehouse instances running side by side (each its own
 * data dir, admin port and gateway port), a setup exported from A through the admin API and
 * imported into B with no edits. Before: "port already in use" (A's port was pinned). Now B
 * serves the APIs on its own port, and B's export is A's except for what differs by design
 * (the default of ${GATEHOUSE_GATEWAY_PORT}).
 */
import { afterEach, beforeEach, expect, it } from 'vitest';
import { startAdminPlane, type AdminPlane } from '../testing/admin-plane';
import { request, startEchoUpstream, type TestServer } from '../testing/net';

let a: AdminPlane;
let b: AdminPlane;
let upstream: TestServer;
beforeEach(async () => {
  upstream = await startEchoUpstream();
  a = await startAdminPlane();
  b = await startAdminPlane();
});
afterEach(async () => {
  await a.close();
  await b.close();
  await upstream.close();
});

async function yaml(plane: AdminPlane, method: 'GET' | 'PUT', query = '', body?: string): Promise<{ status: number; body: string }> {
  const response = await request(`${plane.url}/api/v1/config${query}`, {
    method,
    headers: { authorization: `Bearer ${plane.admin.token}`, ...(body !== undefined ? { 'content-type': 'application/yaml' } : {}) },
    ...(body !== undefined ? { body } : {}),
  });
  return { status: response.status, body: response.body };
}

it('export on A → import on B (other ports, other data dir) → export on B is the same but for the port default', async () => {
  expect(a.gatewayPort).not.toBe(b.gatewayPort);
  const orders = (await a.api('POST', '/apis', { name: 'Orders API', implementationUrl: upstream.url, basePath: '/orders' })).body;
  await a.api('POST', `/apis/${orders.id}/policies`, { policyRef: 'rate-limiting-flex', config: { rateLimits: [{ maximumRequests: 100, timePeriodInMilliseconds: 60_000 }], exposeHeaders: true } });
  const tier = (await a.api('POST', '/sla-tiers', { apiId: orders.id, name: 'gold', limits: [{ maximumRequests: 10, timePeriodInMilliseconds: 1000 }] })).body;
  const app = (await a.api('POST', '/applications', { name: 'mobile' })).body;
  expect((await a.api('POST', '/contracts', { applicationId: app.id, apiId: orders.id, tierId: tier.id })).status).toBe(201);

  const fromA = await yaml(a, 'GET');
  expect(fromA.status).toBe(200);
  expect(fromA.body).toContain(`\${GATEHOUSE_GATEWAY_PORT:-${a.gatewayPort}}`);
  expect(fromA.body).not.toContain(a.dataDir);

  // The preview first: everything is new on B, nothing changed yet.
  const preview = await yaml(b, 'PUT', '?mode=merge&dryRun=true', fromA.body);
  expect(preview.status, preview.body).toBe(200);
  const previewed = JSON.parse(preview.body) as { applied: boolean; changes: { action: string; kind: string; name: string }[] };
  expect(previewed.applied).toBe(false);
  expect(previewed.changes.map((change) => `${change.action} ${change.kind} ${change.name}`)).toEqual([
    'add ApiInstance Orders API',
    'add SlaTier Orders API/gold',
    'add Application mobile',
    'add Contract mobile → Orders API',
  ]);
  expect((await b.api('GET', '/apis')).body).toEqual([]);

  const imported = await yaml(b, 'PUT', '?mode=merge', fromA.body);
  expect(imported.status, imported.body).toBe(200);

  // B serves the API on B's own gateway port while A keeps serving on A's.
  const viaB = await request(`http://127.0.0.1:${b.gatewayPort}/orders/items`);
  expect(viaB.status).toBe(200);
  expect(viaB.headers['x-ratelimit-limit']).toBe('100');
  expect((await request(`http://127.0.0.1:${a.gatewayPort}/orders/items`)).status).toBe(200);

  const fromB = await yaml(b, 'GET');
  expect(fromB.body).toBe(fromA.body.replaceAll(`\${GATEHOUSE_GATEWAY_PORT:-${a.gatewayPort}}`, `\${GATEHOUSE_GATEWAY_PORT:-${b.gatewayPort}}`));

  // Applying the same file again changes nothing.
  const again = JSON.parse((await yaml(b, 'PUT', '?mode=sync', fromA.body)).body) as { applied: boolean; changes: unknown[] };
  expect(again).toMatchObject({ applied: false, changes: [] });
});
