/**
 * app.ts as a whole, with the real control plane, gateway, admin server and SQLite on a temp
 * data dir; only the 'electron' module is the stand-in. Start-up, the window and its IPC, the
 * tray toggling an API (seen by the window at once), close to tray, and, with that setting off,
 * a close that quits cleanly: gateway stopped, telemetry flushed.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createControlPlane } from '../control/control-plane';
import { freePort, request, startEchoUpstream, type TestServer } from '../testing/net';
import { EVENT_CHANNEL, methodChannel } from './ipc-channels';
import { FORBIDDEN_SENDER } from './ipc-adapter';
import { FakeBrowserWindow, fakeElectron, FakeTray, FakeWebContents, type FakeMenuItem } from './testing/fake-electron';

vi.mock('electron', async () => (await import('./testing/fake-electron')).fakeElectron);

let dataDir: string;
let configHome: string;
let gatewayPort: number;
let adminPort: number;
let upstream: TestServer;
const savedArgv = process.argv;

async function until(check: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const window = () => FakeBrowserWindow.created[0]!;
const tray = () => FakeTray.created[0]!;
const invoke = (method: Parameters<typeof methodChannel>[0], input: unknown, sender: FakeWebContents = window().webContents) =>
  fakeElectron.ipcMain.invoke(methodChannel(method), { sender }, input) as Promise<{ result?: any; error?: { code: string; message: string } }>;

function menuItem(items: FakeMenuItem[], label: RegExp): FakeMenuItem | undefined {
  for (const item of items) {
    if (item.label && label.test(item.label)) return item;
    const inner = item.submenu && menuItem(item.submenu, label);
    if (inner) return inner;
  }
  return undefined;
}

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'gatehouse-app-'));
  configHome = mkdtempSync(path.join(os.tmpdir(), 'gatehouse-app-config-'));
  process.env.XDG_CONFIG_HOME = configHome;
  [gatewayPort, adminPort] = [await freePort(), await freePort()];
  upstream = await startEchoUpstream();
  process.argv = [process.execPath, 'dist/electron/app.cjs', '--data-dir', dataDir, '--gateway-port', String(gatewayPort), '--port', String(adminPort)];
  await import('./app');
  await until(() => FakeBrowserWindow.created.length === 1 && FakeTray.created.length === 1, 'the window and the tray');
});

afterAll(async () => {
  process.argv = savedArgv;
  await upstream.close();
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(configHome, { recursive: true, force: true });
});

describe('start-up', () => {
  it('keeps its profile in the data dir, registers the app scheme and locks down the session', async () => {
    expect(fakeElectron.app.name).toBe('Gatehouse');
    expect(fakeElectron.app.getPath('userData')).toBe(dataDir);
    expect(fakeElectron.protocol.privileged).toEqual([{ scheme: 'gatehouse', privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
    expect(fakeElectron.protocol.handlers.has('gatehouse')).toBe(true);
    expect(fakeElectron.session.defaultSession.requestHandler).toBeTypeOf('function');
    expect(fakeElectron.dialog.errors).toEqual([]);
  });

  it('opens the window on the app scheme with the sandboxed preload', () => {
    expect(window().loaded).toEqual(['gatehouse://app/index.html']);
    const prefs = window().options.webPreferences as Record<string, unknown>;
    expect(prefs).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false });
    expect(path.basename(prefs.preload as string)).toBe('preload.cjs');
  });

  it('runs the embedded gateway and the admin API on the given ports', async () => {
    expect((await request(`http://127.0.0.1:${gatewayPort}/.gatehouse/health`)).status).toBe(200);
    const health = await request(`http://127.0.0.1:${adminPort}/api/v1/health`);
    expect(health.json()).toMatchObject({ status: 'ok', gateway: { port: gatewayPort } });
    const info = await invoke('system.info', {});
    expect(info.result).toMatchObject({ dataDir, gatewayPort, adminUrl: `http://127.0.0.1:${adminPort}` });
  });
});

describe('window and tray', () => {
  let apiId: string;

  it('serves the contract to the window only', async () => {
    const created = await invoke('apis.create', { name: 'Desk Orders', implementationUrl: upstream.url });
    expect(created.result).toMatchObject({ name: 'Desk Orders', basePath: '/desk-orders' });
    apiId = created.result.id;
    expect(await invoke('apis.list', {}, new FakeWebContents())).toEqual(FORBIDDEN_SENDER);
    expect((await request(`http://127.0.0.1:${gatewayPort}/desk-orders/x`)).status).toBe(200);
  });

  it('lists the API in the tray; unticking it there disables it and the window hears at once', async () => {
    await until(() => Boolean(tray().menu && menuItem(tray().menu!.items, /^Desk Orders/)), 'the API in the tray menu');
    window().webContents.sent.length = 0;
    menuItem(tray().menu!.items, /^Desk Orders/)!.click!();
    await until(() => window().webContents.sent.some((m) => m.channel === EVENT_CHANNEL && m.args[0] === 'resource.changed' && (m.args[1] as { id: string }).id === apiId), 'resource.changed in the window');
    expect((await invoke('apis.get', { id: apiId })).result.enabled).toBe(false);
    expect((await request(`http://127.0.0.1:${gatewayPort}/desk-orders/x`)).status).toBe(503);
    await until(() => menuItem(tray().menu!.items, /^Desk Orders/)!.checked === false, 'the tray checkbox to clear');
  });

  it('reflects a change made in the window in the tray', async () => {
    await invoke('apis.update', { id: apiId, enabled: true });
    await until(() => menuItem(tray().menu!.items, /^Desk Orders/)!.checked === true, 'the tray checkbox to tick');
  });

  it('hides the window on close and shows it again from the tray or a second launch', async () => {
    window().visible = true;
    window().close();
    expect(window().destroyed).toBe(false);
    expect(window().visible).toBe(false);
    menuItem(tray().menu!.items, /^Open Gatehouse$/)!.click!();
    await until(() => window().visible, 'the window to show');
    window().hide();
    fakeElectron.app.emit('second-instance');
    expect(window().visible).toBe(true);
  });

  it('keeps running in the tray when Electron reports that no window is left', () => {
    fakeElectron.app.emit('window-all-closed');
    expect(fakeElectron.app.quitCalls).toBe(0);
    expect(tray().destroyed).toBe(false);
  });
});

describe('quit', () => {
  it('with "Keep running in the tray" off, closing the window quits: the gateway and the admin API stop, telemetry is flushed', async () => {
    for (let i = 0; i < 3; i++) expect((await request(`http://127.0.0.1:${gatewayPort}/desk-orders/${i}`)).status).toBe(200);
    expect((await invoke('settings.update', { closeToTray: false })).result).toMatchObject({ closeToTray: false });
    // The app re-reads the setting when it changes; until then a close still hides the window.
    await until(() => {
      if (!window().destroyed) window().close();
      return window().destroyed;
    }, 'the window to really close');
    // The fake, as Electron, emits window-all-closed; the app quits, after its shutdown.
    expect(fakeElectron.app.quitCalls).toBe(1);
    expect(fakeElectron.app.quitted).toBe(false);
    await until(() => fakeElectron.app.quitted, 'the app to quit', 15_000);
    expect(tray().destroyed).toBe(true);
    await expect(request(`http://127.0.0.1:${gatewayPort}/.gatehouse/health`)).rejects.toThrow(/ECONNREFUSED/);
    await expect(request(`http://127.0.0.1:${adminPort}/api/v1/health`)).rejects.toThrow(/ECONNREFUSED/);

    // Everything counted is on disk: a fresh control plane on the same data dir sees it.
    const plane = await createControlPlane({ dataDir, gatewayPort: await freePort() });
    try {
      const traffic = await plane.handlers['traffic.list']({ limit: 100 } as never, { transport: 'internal' });
      expect(traffic.filter((entry) => entry.path.startsWith('/desk-orders/')).length).toBeGreaterThanOrEqual(4);
    } finally {
      await plane.stop();
    }
  });
});
