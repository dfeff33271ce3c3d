/**
 * The desktop app itself (Playwright's Electron driver), running the web project's main flows
 * (e2e/flows/main-flows.ts: the newcomer flow and the sample API) through the preload bridge and
 * the IPC adapter instead of HTTP, plus what only the app has: the narrow bridge, no Node in the
 * renderer, close to tray. Skips, saying why, where Electron cannot run (binary not downloaded,
 * no display).
 */
import { _electron as electron, expect, test, type ElectronApplication, type Page } from '@playwright/test';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startDemoUpstream, type DemoUpstream } from '../../main/demo/server';
import { electronBinary, electronLaunchCheck, ensureElectronSqlite } from '../../scripts/electron-native.cjs';
import { freePort } from '../fixtures';
import { newcomerFlow, sampleApiFlow } from '../flows/main-flows';

const root = path.resolve(__dirname, '..', '..');
const check = electronLaunchCheck();
const binary = electronBinary();
// The missing binary first: it is the reason on an offline install, display or not.
const skipReason = check.ok
  ? undefined
  : !binary || !existsSync(binary)
    ? 'Electron binary not installed: node_modules/electron has no executable (offline install); `npx install-electron` fetches it'
    : `Electron cannot run here: ${check.reason}`;
// The list reporter does not print skip reasons; this line is printed once, when the file is collected.
if (skipReason) console.log(`[electron] skipped: ${skipReason}`);

type Bridge = { invoke(method: string, input?: unknown): Promise<unknown> };

test.describe('Gatehouse desktop app', () => {
  test.skip(!check.ok, skipReason ?? '');
  // One app for the whole run, in order: a first run, then the flows.
  test.describe.configure({ mode: 'serial' });

  let app: ElectronApplication;
  let page: Page;
  let dataDir: string;
  let upstream: DemoUpstream;
  let gatewayPort: number;
  const problems: string[] = [];

  test.beforeAll(async () => {
    if (!check.ok) return;
    upstream = await startDemoUpstream({ port: 0 });
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'gatehouse-electron-e2e-'));
    gatewayPort = await freePort();
    const binding = ensureElectronSqlite();
    const args = [path.join(root, 'dist', 'electron', 'app.cjs'), '--data-dir', dataDir, '--gateway-port', String(gatewayPort), '--port', String(await freePort())];
    // Chromium refuses to start as root (CI containers) with its OS sandbox on.
    if (process.getuid?.() === 0) args.unshift('--no-sandbox');
    app = await electron.launch({ executablePath: check.binary, args, cwd: root, env: { ...process.env, GATEHOUSE_SQLITE_BINDING: binding } as Record<string, string> });
    page = await app.firstWindow();
    page.on('pageerror', (error) => problems.push(error.message));
    await expect(page.getByRole('navigation', { name: 'Main' })).toBeVisible();
  });

  test.afterEach(() => {
    expect(problems, 'uncaught errors in the page').toEqual([]);
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

  test('add API → rate limit 3/min → 4 requests: the 4th is a 429 from the rate limit, and analytics and traffic show all 4', async () => {
    await newcomerFlow(page, { upstreamUrl: upstream.url, gatewayPort });
  });

  test('the sample API works in two clicks on a fresh install', async () => {
    await sampleApiFlow(page, () =>
      page.evaluate(async () => {
        const bridge = (window as unknown as { gatehouse: Bridge }).gatehouse;
        for (const api of (await bridge.invoke('apis.list', {})) as Array<{ id: string }>) await bridge.invoke('apis.remove', { id: api.id });
      }),
    );
  });

  test('refuses calls outside the contract and reports bad input as data', async () => {
    const result = await page.evaluate(async () => {
      const bridge = (window as unknown as { gatehouse: Bridge }).gatehouse;
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
