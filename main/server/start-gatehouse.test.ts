import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { freePort, request } from '../testing/net';
import { startGatehouse, StartError } from './start-gatehouse';

const dirs: string[] = [];
const servers: net.Server[] = [];
afterEach(() => {
  for (const server of servers.splice(0)) server.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function dataDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'gatehouse-start-'));
  dirs.push(dir);
  return dir;
}

async function occupiedPort(): Promise<number> {
  const server = net.createServer();
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as net.AddressInfo).port;
}

const quiet = () => {};

it('serves the admin API and the embedded gateway, and stops both', async () => {
  const [adminPort, gatewayPort] = [await freePort(), await freePort()];
  const running = await startGatehouse({ dataDir: dataDir(), gatewayPort, adminPort, staticDir: '/nonexistent', version: 'test', log: quiet, adminRequired: true });
  expect((await request(`http://127.0.0.1:${adminPort}/api/v1/health`)).status).toBe(200);
  expect((await request(`http://127.0.0.1:${gatewayPort}/.gatehouse/health`)).status).toBe(200);
  await running.stop();
  await expect(request(`http://127.0.0.1:${gatewayPort}/.gatehouse/health`)).rejects.toThrow(/ECONNREFUSED/);
});

it('a taken admin port fails serve with a one-line reason and leaves no gateway running', async () => {
  const [adminPort, gatewayPort] = [await occupiedPort(), await freePort()];
  const start = startGatehouse({ dataDir: dataDir(), gatewayPort, adminPort, staticDir: '/nonexistent', version: 'test', log: quiet, adminRequired: true });
  await expect(start).rejects.toThrow(StartError);
  await expect(start).rejects.toThrow(`the admin API could not start on 127.0.0.1:${adminPort}`);
  await expect(request(`http://127.0.0.1:${gatewayPort}/.gatehouse/health`)).rejects.toThrow(/ECONNREFUSED/);
});

it('the desktop app starts without its admin API and says why', async () => {
  const [adminPort, gatewayPort] = [await occupiedPort(), await freePort()];
  const lines: string[] = [];
  const running = await startGatehouse({ dataDir: dataDir(), gatewayPort, adminPort, staticDir: '/nonexistent', version: 'test', log: (level, message) => lines.push(`${level}: ${message}`), adminRequired: false });
  expect(running.admin).toBeUndefined();
  expect(lines.join('\n')).toMatch(/warn: the admin API could not start .*Docker replicas and the browser UI need it/);
  expect((await request(`http://127.0.0.1:${gatewayPort}/.gatehouse/health`)).status).toBe(200);
  await running.stop();
});
