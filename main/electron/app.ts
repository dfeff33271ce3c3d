/**
 * The desktop app's entry (bundled to dist/electron/app.cjs). One instance per data dir; the
 * control plane and the embedded gateway run in this process, the renderer talks to them over
 * the contract's IPC adapter, and the admin API listens on 127.0.0.1 as with `gatehouse serve`
 * (Docker replicas and "open in a browser" use it). Closing the window keeps the app in the
 * tray unless the closeToTray setting is off; quitting stops the gateway, flushes telemetry and
 * leaves Docker replicas running or stops them per the onQuit setting (bounded: it never hangs).
 */
import { app, BrowserWindow, dialog, ipcMain, Notification, protocol, safeStorage, session, shell } from 'electron';
import path from 'node:path';
import { version } from '../../package.json';
import { startGatehouse } from '../server/start-gatehouse';
import { ensurePrivateDir } from '../store/private-files';
import { registerAppScheme, serveAppScheme } from './app-protocol';
import { callContract } from './contract-call';
import { desktopOptions, type DesktopOptions } from './desktop-options';
import { registerIpcAdapter } from './ipc-adapter';
import { safeStorageKeyProvider } from './safe-storage-key';
import { autostartFile, electronLoginItem, linuxLoginItem, type LoginItem } from './login-item';
import { startAlertNotifications, windowsAppUserModelId } from './notifications';
import { isExternalWebUrl, isTrustedSender } from './security';
import { createAppTray } from './tray';
import { describeTrayFailure, runTrayAction } from './tray-actions';
import { TrayStateStore } from './tray-state';
import { createMainWindow, guardContents, guardSession, revealWindow } from './window';

type Level = 'info' | 'warn' | 'error';
const log = (level: Level, message: string) => process.stderr.write(`gatehouse ${level}: ${message}\n`);
const logError = (message: string, error: unknown) => log('error', error === undefined ? message : `${message}: ${(error as Error)?.stack ?? String(error)}`);

app.setName('Gatehouse');
if (process.platform === 'win32') app.setAppUserModelId(windowsAppUserModelId(app.isPackaged, process.execPath));
const options = readOptions();
// Chromium's profile and the single-instance lock live in the data dir: one app per data dir.
ensurePrivateDir(options.dataDir);
app.setPath('userData', options.dataDir);
registerAppScheme(protocol);

function readOptions(): DesktopOptions {
  try {
    return desktopOptions(process.argv, process.env, path.join(app.getPath('appData'), 'Gatehouse'));
  } catch (error) {
    process.stderr.write(`gatehouse: ${(error as Error).message}\n`);
    process.exit(2);
  }
}

if (!app.requestSingleInstanceLock()) {
  log('info', `Gatehouse is already running for ${options.dataDir}; showing its window`);
  app.quit();
} else {
  main().catch((error: unknown) => {
    logError('cannot start', error);
    dialog.showErrorBox('Gatehouse cannot start', (error as Error)?.message ?? String(error));
    app.exit(1);
  });
}

function openExternal(url: string): Promise<void> {
  return isExternalWebUrl(url) ? shell.openExternal(url) : Promise.resolve();
}

function loginItem(): LoginItem {
  if (process.platform === 'darwin' || process.platform === 'win32') return electronLoginItem(app);
  // An AppImage must be started through its own file; in development, electron + this script.
  const command = process.env.APPIMAGE ? [process.env.APPIMAGE] : app.isPackaged ? [process.execPath] : [process.execPath, process.argv[1] ?? '.'];
  return linuxLoginItem(autostartFile(), command);
}

async function main(): Promise<void> {
  let window: BrowserWindow | undefined;
  let ready = false;
  let quitting = false;
  let stopped = false;
  let stopping: Promise<void> | undefined;

  const showWindow = (route?: string) => {
    // A second instance may knock before this one has finished starting.
    if (!ready || quitting) return;
    if (!window || window.isDestroyed()) window = openWindow(true);
    revealWindow(window, route);
  };
  app.on('second-instance', () => showWindow());
  app.on('activate', () => showWindow());

  await app.whenReady();
  serveAppScheme(protocol, path.join(__dirname, '..', 'renderer'));
  guardSession(session.defaultSession);
  // Every webContents, not only the main window's, gets the navigation guards.
  app.on('web-contents-created', (_event, contents) => guardContents(contents, (url) => void openExternal(url)));

  const running = await startGatehouse({
    dataDir: options.dataDir,
    gatewayPort: options.gatewayPort,
    adminPort: options.adminPort,
    staticDir: path.join(__dirname, '..', 'renderer'),
    version,
    log,
    adminRequired: false,
    // Stored secrets are encrypted with a key the OS keychain wraps (safeStorage works once the app is ready).
    secretKeys: safeStorageKeyProvider(safeStorage, options.dataDir, log),
  });
  const { plane, admin, embeddedPort } = running;
  const { handlers } = plane;

  const disposeIpc = registerIpcAdapter({
    ipcMain,
    handlers,
    bus: plane.bus,
    isTrustedSender: (event) => isTrustedSender(event, window && !window.isDestroyed() ? window.webContents : undefined),
    eventTarget: () => (window && !window.isDestroyed() ? window.webContents : undefined),
    openExternal,
    logError,
  });

  let closeToTray = true;
  const readSettings = async () => {
    const reply = await callContract(handlers, 'settings.get', {}, { transport: 'internal' }, logError);
    if ('result' in reply) closeToTray = (reply.result as { closeToTray: boolean }).closeToTray;
  };
  await readSettings();
  const offSettings = plane.bus.on('resource.changed', (change) => {
    if (change.kind === 'settings' || change.kind === 'config') void readSettings();
  });

  const login = loginItem();
  const trayState = new TrayStateStore({
    handlers,
    bus: plane.bus,
    startAtLogin: () => login.get(),
    logError,
  });
  await trayState.refresh();
  const notices = new Set<Notification>();
  const notify = (title: string, body: string, onClick?: () => void, urgency: 'normal' | 'critical' = 'normal') => {
    if (!Notification.isSupported()) return;
    const notice = new Notification({ title, body, urgency });
    // Held until closed: a collected Notification no longer delivers its click.
    notices.add(notice);
    notice.on('close', () => notices.delete(notice));
    if (onClick) notice.on('click', onClick);
    notice.show();
  };
  const tray = createAppTray(
    trayState,
    (action) => {
      void runTrayAction(action, {
        handlers,
        showWindow: () => showWindow(),
        setStartAtLogin: (enabled) => login.set(enabled),
        quit: () => app.quit(),
        logError,
      }).then((result) => {
        if (!result.ok) notify('Gatehouse', describeTrayFailure(action, result.message));
        return trayState.refresh();
      });
    },
    () => showWindow(),
  );
  const offNotifications = startAlertNotifications({
    bus: plane.bus,
    handlers,
    show: (content, onClick) => notify(content.title, content.body, onClick, content.urgency),
    openRoute: (route) => showWindow(route),
  });

  function openWindow(show: boolean): BrowserWindow {
    const created = createMainWindow({ preloadPath: path.join(__dirname, 'preload.cjs'), show, devTools: options.devTools, openExternal: (url) => void openExternal(url) });
    created.on('close', (event) => {
      if (quitting || !closeToTray) return;
      event.preventDefault();
      created.hide();
    });
    return created;
  }
  window = openWindow(!options.hidden);
  ready = true;

  app.on('window-all-closed', () => {
    if (!closeToTray) app.quit();
  });

  async function shutdown(): Promise<void> {
    offNotifications();
    offSettings();
    tray.dispose();
    trayState.dispose();
    disposeIpc();
    await running.stop();
  }

  app.on('before-quit', (event) => {
    quitting = true;
    if (stopped) return;
    event.preventDefault();
    stopping ??= shutdown();
    stopping
      .catch((error: unknown) => logError('shutdown failed', error))
      .finally(() => {
        stopped = true;
        app.quit();
      });
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => app.quit());
  log('info', `Gatehouse ${version} running; data in ${options.dataDir}; gateway on port ${embeddedPort()}${admin ? `; admin API ${admin.url}` : ''}`);
}
