// Alerting as the app runs it: rules created through the contract's handlers on a real control
// plane, traffic through its embedded gateway, health checks against a real upstream that is
// stopped and started again, and a webhook receiver.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, expect, it, vi } from 'vitest';
import type { EventPayload } from '../../shared/contract/events';
import { startControlFixture, type ControlFixture } from '../control/testing/control-fixture';
import { request, startServer, type TestServer } from '../testing/net';

let fx: ControlFixture | undefined;
const servers: { close(): Promise<void> }[] = [];

afterEach(async () => {
  await fx?.close();
  fx = undefined;
  for (const server of servers.splice(0)) await server.close();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function flakyUpstream(): Promise<{ url: string; stop(): Promise<void>; start(): Promise<void> }> {
  let server: http.Server | undefined;
  let port = 0;
  const start = async () => {
    const s = http.createServer((req, res) => {
      res.writeHead(req.url?.includes('fail') ? 503 : 200);
      res.end();
    });
    await new Promise<void>((resolve) => s.listen(port, '127.0.0.1', resolve));
    port = (s.address() as AddressInfo).port;
    server = s;
  };
  const stop = async () => {
    const s = server;
    server = undefined;
    if (!s) return;
    s.closeAllConnections();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  };
  await start();
  servers.push({ close: stop });
  return { url: `http://127.0.0.1:${port}`, stop, start };
}

it('fires and resolves upstream-down and 5xx alerts once each, stores them, notifies a webhook and shows health on the API', async () => {
  fx = await startControlFixture({ alertIntervalMs: 100 });
  const plane = fx.plane;
  const fired: EventPayload<'alert.fired'>[] = [];
  const resolved: EventPayload<'alert.resolved'>[] = [];
  plane.bus.on('alert.fired', (event) => fired.push(event));
  plane.bus.on('alert.resolved', (event) => resolved.push(event));
  const hooks: Record<string, unknown>[] = [];
  const receiver: TestServer = await startServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      hooks.push(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      res.end();
    });
  });
  servers.push(receiver);

  const upstream = await flakyUpstream();
  const api = await fx.call('apis.create', { name: 'Orders', implementationUrl: upstream.url, basePath: '/orders' });
  await fx.call('policies.add', { apiId: api.id, policyRef: 'health-check-flex', config: { path: '/health', intervalSeconds: 0.2, unhealthyThreshold: 1 } });
  const down = await fx.call('alertRules.create', { name: 'Orders down', kind: 'upstream-down', apiId: api.id, windowSeconds: 1, severity: 'critical', webhookUrl: `${receiver.url}/hook` });
  const errors = await fx.call('alertRules.create', { name: 'Orders 503s', kind: 'response-codes', apiId: api.id, codes: [503], threshold: 3, windowSeconds: 4 });

  await vi.waitFor(async () => expect((await fx!.call('apis.get', { id: api.id })).upstreamHealth).toBe('healthy'), { timeout: 2000, interval: 20 });

  // A burst of 503s through the embedded gateway.
  const statuses = await Promise.all(Array.from({ length: 6 }, () => request(`${fx!.gatewayUrl}/orders/fail`)));
  expect(statuses.map((r) => r.status)).toEqual([503, 503, 503, 503, 503, 503]);
  await vi.waitFor(() => expect(fired.map((e) => e.ruleId)).toEqual([errors.id]), { timeout: 1000, interval: 10 });

  // The upstream stops: one "down" within two probe intervals, and the API shows red.
  await upstream.stop();
  const stoppedAt = Date.now();
  await vi.waitFor(() => expect(fired.map((e) => e.ruleId)).toEqual([errors.id, down.id]), { timeout: 2000, interval: 10 });
  expect(Date.now() - stoppedAt).toBeLessThan(400);
  expect((await fx.call('apis.get', { id: api.id })).upstreamHealth).toBe('unhealthy');
  expect((await fx.call('alertRules.list', { apiId: api.id })).find((r) => r.id === down.id)?.state).toBe('alerting');

  await sleep(600);
  await upstream.start();
  await vi.waitFor(() => expect(resolved.map((e) => e.ruleId)).toContain(down.id), { timeout: 2000, interval: 10 });
  await vi.waitFor(() => expect(hooks.map((h) => h.state)).toEqual(['fired', 'resolved']), { timeout: 2000, interval: 10 });
  expect(hooks[0]).toMatchObject({ rule: { id: down.id, name: 'Orders down', kind: 'upstream-down' }, api: { id: api.id, name: 'Orders' }, value: 1, threshold: 0, severity: 'critical' });
  expect(fired.filter((e) => e.ruleId === down.id)).toHaveLength(1);
  expect(resolved.filter((e) => e.ruleId === down.id)).toHaveLength(1);

  // History through the contract, with the webhook's delivery.
  await vi.waitFor(
    async () =>
      expect((await fx!.call('alertEvents.list', { ruleId: down.id })).map((e) => [e.state, e.delivery?.status])).toEqual([
        ['resolved', 'delivered'],
        ['fired', 'delivered'],
      ]),
    { timeout: 2000, interval: 20 },
  );
  const history = await fx.call('alertEvents.list', { ruleId: down.id });
  expect(history[1]).toMatchObject({ ruleName: 'Orders down', apiId: api.id, severity: 'critical', value: 1, threshold: 0, message: expect.stringContaining('upstream of Orders down') });

  // After a restart the 503 rule, still alerting in the store, does not fire again; it resolves once.
  expect((await fx.call('alertRules.list', { apiId: api.id })).find((r) => r.id === errors.id)?.state).toBe('alerting');
  await fx.restart();
  const firedAfter: string[] = [];
  fx.plane.bus.on('alert.fired', (event) => firedAfter.push(event.ruleId));
  await sleep(300);
  expect(firedAfter).toEqual([]);
  await vi.waitFor(async () => expect((await fx!.call('alertEvents.list', { ruleId: errors.id })).map((e) => e.state)).toEqual(['resolved', 'fired']), {
    timeout: 5000,
    interval: 20,
  });
});
