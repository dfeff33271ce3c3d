// Requests through a real gateway on real sockets, counted by a real telemetry file.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { type StartedGateway, startGateway } from '../../gateway/testing';
import { request, startEchoUpstream, startServer, type TestServer } from '../../testing/net';
import { Telemetry } from './telemetry';

let dir: string;
let upstreams: TestServer[];
let gateway: StartedGateway | undefined;
let telemetry: Telemetry | undefined;

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'gatehouse-telemetry-gw-'));
  upstreams = [];
});

afterEach(async () => {
  await gateway?.close();
  telemetry?.close();
  for (const upstream of upstreams) await upstream.close();
  rmSync(dir, { recursive: true, force: true });
});

it('counts requests sent through the embedded gateway exactly (send N, read N), across a restart', async () => {
  const file = path.join(dir, 'telemetry.sqlite');
  const echo = await startEchoUpstream();
  const failing = await startServer((_req, res) => {
    res.writeHead(500, { 'content-type': 'text/plain' });
    res.end('boom');
  });
  upstreams.push(echo, failing);
  const live = new Telemetry({ file });
  telemetry = live;
  gateway = await startGateway(
    [
      { id: 'users', basePath: '/users', upstream: echo.url },
      { id: 'orders', basePath: '/orders', upstream: failing.url },
    ],
    { onRequest: (fact) => live.ingest(fact) },
  );

  const sends: Promise<unknown>[] = [];
  for (let i = 0; i < 20; i++) sends.push(request(gateway.url(`/users/${i}`)));
  for (let i = 0; i < 5; i++) sends.push(request(gateway.url('/orders/1'), { method: 'POST', body: '{}' }));
  for (let i = 0; i < 3; i++) sends.push(request(gateway.url('/nowhere')));
  await Promise.all(sends);

  // The gateway reports a request when its response has closed, just after the client got it.
  await vi.waitFor(() => expect(live.traffic({ limit: 1000 })).toHaveLength(28), { timeout: 2000, interval: 10 });
  expect(live.metrics('users', 60)).toMatchObject({ requests: 20, status: { '2xx': 20, '3xx': 0, '4xx': 0, '5xx': 0 } });
  expect(live.metrics('orders', 60)).toMatchObject({ requests: 5, status: { '2xx': 0, '5xx': 5 } });
  expect(live.traffic({ apiId: 'orders' })[0]).toMatchObject({ apiId: 'orders', method: 'POST', path: '/orders/1', status: 500, source: 'upstream' });
  expect(live.traffic({ statusClass: '4xx' }).map((e) => [e.apiId, e.status, e.source])).toEqual([
    [null, 404, 'gateway'],
    [null, 404, 'gateway'],
    [null, 404, 'gateway'],
  ]);

  await gateway.close();
  gateway = undefined;
  live.close();
  telemetry = new Telemetry({ file });
  expect(telemetry.metrics('users', 60).requests).toBe(20);
  expect(telemetry.metrics('orders', 60).status['5xx']).toBe(5);
  expect(telemetry.traffic({ limit: 1000 })).toHaveLength(28);
});
