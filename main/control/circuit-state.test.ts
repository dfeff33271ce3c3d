/**
 * circuit-breaker-flex through the real control plane: an open circuit shows on the API in
 * the admin API (what the UI lists) and is published as an `api.circuit` event, open then
 * closed. The upstream holds requests until the test releases them.
 */
import type { ServerResponse } from 'node:http';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { startAdminPlane, type AdminPlane } from '../testing/admin-plane';
import { request, startServer, type TestServer } from '../testing/net';

let plane: AdminPlane;
let upstream: TestServer;
const held: ServerResponse[] = [];

beforeAll(async () => {
  upstream = await startServer((_req, res) => void held.push(res));
  plane = await startAdminPlane();
});
afterAll(async () => {
  for (const res of held.splice(0)) res.end();
  await plane?.close();
  await upstream?.close();
});

it('shows "circuit open" on the API and publishes the open and close events', async () => {
  const api = await plane.api('POST', '/apis', { name: 'Fragile', implementationUrl: upstream.url, basePath: '/fragile' });
  expect(api.status).toBe(201);
  const binding = await plane.api('POST', `/apis/${api.body.id}/policies`, { policyRef: 'circuit-breaker-flex', config: { thresholds: { maxRequests: 1 } } });
  expect(binding.status).toBe(201);
  const url = `http://127.0.0.1:${plane.gatewayPort}/fragile/slow`;
  const events: { state: string; apiId: string; detail: string }[] = [];
  plane.plane.bus.on('api.circuit', (event) => void events.push(event));

  // Once the binding is live, one request holds the only place and the next is refused.
  const first = request(url);
  await vi.waitFor(() => expect(held.length).toBe(1), { timeout: 5000, interval: 20 });
  const refused = await request(url);
  expect(refused.status).toBe(503);
  expect(refused.headers['x-gatehouse-source']).toBe('gateway');

  const shown = await plane.api('GET', `/apis/${api.body.id}`);
  expect(shown.body.circuit).toMatchObject({ state: 'open', detail: expect.stringContaining('maxRequests (1)') });
  expect((await plane.api('GET', '/apis')).body.find((a: { id: string }) => a.id === api.body.id).circuit.state).toBe('open');
  expect(events).toEqual([expect.objectContaining({ apiId: api.body.id, state: 'open' })]);

  held.shift()!.end('done');
  expect((await first).status).toBe(200);
  await vi.waitFor(() => expect(events.map((event) => event.state)).toEqual(['open', 'closed']), { timeout: 10_000, interval: 50 });
  expect((await plane.api('GET', `/apis/${api.body.id}`)).body.circuit).toBeUndefined();
});
