import { afterEach, expect, it } from 'vitest';
import { startDemoUpstream } from '../demo/server';
import { freePort, request, startServer, type TestServer } from '../testing/net';
import { DemoUpstreamService } from './demo-upstream-service';

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of cleanup.splice(0).reverse()) await close();
});

it('starts the demo API on the preferred port once, and serves its data', async () => {
  const port = await freePort();
  const service = new DemoUpstreamService(port);
  cleanup.push(() => service.stop());
  const [first, second] = await Promise.all([service.ensure(), service.ensure()]);
  expect(first).toEqual({ url: `http://127.0.0.1:${port}`, started: true });
  expect(second).toEqual(first);
  expect(await service.ensure()).toEqual({ url: first.url, started: false });
  expect((await request(`${first.url}/users/1`)).json()).toMatchObject({ id: 1 });
  await service.stop();
  await expect(request(`${first.url}/users/1`)).rejects.toThrow(/ECONNREFUSED/);
});

it('reuses a demo upstream the user already runs on the preferred port', async () => {
  const running = await startDemoUpstream({ port: 0 });
  cleanup.push(() => running.close());
  const service = new DemoUpstreamService(running.port);
  cleanup.push(() => service.stop());
  expect(await service.ensure()).toEqual({ url: running.url, started: false });
});

it('picks a free port when something else holds the preferred one', async () => {
  const other: TestServer = await startServer((_req, res) => res.end('not the demo'));
  cleanup.push(() => other.close());
  const service = new DemoUpstreamService(other.port);
  cleanup.push(() => service.stop());
  const info = await service.ensure();
  expect(info.started).toBe(true);
  expect(info.url).not.toBe(other.url);
  expect((await request(`${info.url}/todos/1`)).status).toBe(200);
});
