/**
 * The desktop app itself (Playwright's Electron driver): the same main flow as the web
 * project (open the app, add the sample API, see it listed), through the preload bridge and
 * the IPC adapter instead of HTTP. Skips, saying why, where Electron cannot run (the binary is
 * not downloaded, no display); runs wherever it can.
 */
import { _electron as electron, expect, test, type ElectronApplication, type Page } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { electronLaunchCheck, ensureElectronSqlite } from '../../scripts/electron-native.cjs';

const root = path.resolve(__dirname, '..', '..');
const check = electronLaunchCheck();
const skipReason = check.ok ? undefined : check.reason.startsWith('Electron binary not installed') ? `Electron binary not installed: ${check.reason}` : `Electron cannot run here: ${check.reason}`;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

test.describe('Gatehouse desktop app', () => {
  test.skip(!check.ok, skipReason ?? '');

  let app: ElectronApplication;
  let page: Page;
  let dataDir: string;

  test.beforeAll(async () => {
    if (!check.ok) return;
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'gatehouse-electron-e2e-'));
    const binding = ensureElectronSqlite();
    const args = [path.join(root, 'dist', 'electron', 'app.cjs'), '--data-dir', dataDir, '--gateway-port', String(await freePort()), '--port', String(await freePort())];
    // Chromium refuses to start as root (CI containers) with its OS sandbox on.
    if (process.getuid?.() === 0) args.unshift('--no-sandbox');
    app = await electron.launch({ executablePath: check.binary, args, cwd: root, env: { ...process.env, GATEHOUSE_SQLITE_BINDING: binding } as Record<string, string> });
    page = await app.firstWindow();
  });

  test.afterAll(async () => {
    await app?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  test('opens on the app page with the narrow bridge and no Node in the renderer', async () => {
    await expect(page).toHaveTitle(/Gatehouse/);
    expect(page.url()).toMatch(/^gatehouse:\/\/app\//);
    const exposed = await page.evaluate(() => ({
      bridge: Object.keys((window as unknown as { gatehouse: object }).gatehouse).sort(),
      require: typeof (window as unknown as { require?: unknown }).require,
      process: typeof (window as unknown as { process?: unknown }).process,
    }));
    expect(exposed).toEqual({ bridge: ['invoke', 'platform', 'subscribe'], require: 'undefined', process: 'undefined' });
  });

  test('adds the sample API and lists it', async () => {
    await page.getByRole('button', { name: 'Add the sample API' }).click();
    await page.getByRole('link', { name: /^APIs/ }).first().click();
    await expect(page.getByRole('heading', { name: 'APIs' })).toBeVisible();
    await expect(page.getByText('JSONPlaceholder sample')).toBeVisible();
  });

  test('refuses calls outside the contract and reports bad input as data', async () => {
    const result = await page.evaluate(async () => {
      const bridge = (window as unknown as { gatehouse: { invoke(m: string, i: unknown): Promise<unknown> } }).gatehouse;
      return { unknown: await bridge.invoke('shell.exec', {}), invalid: await bridge.invoke('apis.create', { name: '' }) };
    });
    expect(result.unknown).toMatchObject({ error: { code: 'NOT_FOUND' } });
    expect(result.invalid).toMatchObject({ error: { code: 'VALIDATION_FAILED', details: expect.arrayContaining([expect.objectContaining({ path: 'name' })]) } });
  });

  test('closing the window keeps the app running in the tray', async () => {
    const before = await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows().length);
    await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows()[0]!.close());
    const after = await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows().map((w) => w.isVisible()));
    expect(before).toBe(1);
    expect(after).toEqual([false]);
  });
});
