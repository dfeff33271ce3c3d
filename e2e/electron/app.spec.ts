/**
 * The desktop app itself (Playwright's Electron driver): the web project's main flows (first
 * run, add an API with a validation error on the way, see it listed, send a request from Try
 * it, add the sample API) through the preload bridge and the IPC adapter instead of HTTP.
 * Skips, saying why, where Electron cannot run (binary not downloaded, no display).
 */
import { _electron as electron, expect, test, type ElectronApplication, type Page } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startEchoUpstream, type TestServer } from '../../main/testing/net';
import { electronLaunchCheck, ensureElectronSqlite } from '../../scripts/electron-native.cjs';
import { freePort } from '../fixtures';

const root = path.resolve(__dirname, '..', '..');
const check = electronLaunchCheck();
const skipReason = check.ok
  ? undefined
  : check.reason.startsWith('Electron binary not installed')
    ? 'Electron binary not installed: node_modules/electron has no executable (offline install); `npx install-electron` fetches it'
    : `Electron cannot run here: ${check.reason}`;

test.describe('Gatehouse desktop app', () => {
  test.skip(!check.ok, skipReason ?? '');
  // One app for the whole flow, in order.
  test.describe.configure({ mode: 'serial' });

  let app: ElectronApplication;
  let page: Page;
  let dataDir: string;
  let upstream: TestServer;

  test.beforeAll(async () => {
    if (!check.ok) return;
    upstream = await startEchoUpstream();
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
    await upstream?.close();
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

  test('first run: adds the sample API and lists it', async () => {
    await expect(page.getByRole('heading', { name: 'Put a gateway in front of your first API' })).toBeVisible();
    await page.getByRole('button', { name: 'Add the sample API' }).click();
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'APIs' }).click();
    await expect(page.getByText('JSONPlaceholder sample')).toBeVisible();
  });

  test('adds an API (a bad URL is explained first), lists it and sends a request from Try it', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'APIs' }).click();
    await page.getByRole('button', { name: 'Add API' }).first().click();
    const dialog = page.getByRole('dialog', { name: 'Add API' });
    await dialog.getByLabel('Name').fill('Orders');
    await dialog.getByLabel('Implementation URL').fill('not a url');
    await dialog.getByRole('button', { name: 'Create API' }).click();
    await expect(dialog.getByText(/must be an absolute http\(s\) URL/)).toBeVisible();
    await dialog.getByLabel('Implementation URL').fill(upstream.url);
    await dialog.getByLabel('Base path').fill('/orders');
    await dialog.getByRole('button', { name: 'Create API' }).click();
    await expect(dialog).toBeHidden();
    await expect(page.getByRole('heading', { level: 1 })).toContainText('Orders');

    await page.getByRole('link', { name: 'Try it' }).click();
    await page.getByLabel('Path').fill('/posts/1');
    await page.getByRole('button', { name: 'Send' }).click();
    await expect(page.getByTestId('try-status')).toHaveText(/^200/);

    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'APIs' }).click();
    await expect(page.getByRole('heading', { name: 'APIs', level: 1 })).toBeVisible();
    await expect(page.getByRole('link', { name: 'Orders' }).first()).toBeVisible();
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
