/**
 * The main window and the guards on its contents and session (security.ts decides, this file
 * applies): navigation and `window.open` outside the app go to the system browser (http/https
 * only), webviews are refused, and permission requests are denied.
 */
import { BrowserWindow, type Session, type WebContents } from 'electron';
import { APP_ENTRY_URL, navigationDecision, permissionAllowed, secureWebPreferences, windowOpenDecision } from './security';

export interface MainWindowOptions {
  preloadPath: string;
  /** Shown once the page is ready; false when started hidden (at login, to the tray). */
  show: boolean;
  devTools?: boolean;
  openExternal(url: string): void;
}

type NavigationEvent = { url: string; isMainFrame: boolean; preventDefault(): void };

const guarded = new WeakSet<object>();

/** Applies the navigation rules to a webContents, once (app.ts also guards every new webContents). */
export function guardContents(contents: Pick<WebContents, 'on' | 'setWindowOpenHandler'>, openExternal: (url: string) => void): void {
  if (guarded.has(contents)) return;
  guarded.add(contents);
  const onNavigate = (event: NavigationEvent) => {
    const decision = navigationDecision(event.url);
    if (decision === 'allow') return;
    event.preventDefault();
    if (decision === 'external' && event.isMainFrame) openExternal(event.url);
  };
  // will-frame-navigate covers the main frame and any subframe; redirects are checked too.
  contents.on('will-frame-navigate', onNavigate as never);
  contents.on('will-redirect', onNavigate as never);
  contents.setWindowOpenHandler(({ url }) => {
    if (windowOpenDecision(url) === 'external') openExternal(url);
    return { action: 'deny' };
  });
  contents.on('will-attach-webview', ((event: { preventDefault(): void }) => event.preventDefault()) as never);
}

/** Denies every permission but the few in security.ts, for requests and for checks. */
export function guardSession(session: Pick<Session, 'setPermissionRequestHandler' | 'setPermissionCheckHandler'>): void {
  session.setPermissionRequestHandler((contents, permission, callback, details) => {
    callback(permissionAllowed(permission, details.requestingUrl ?? contents.getURL()));
  });
  session.setPermissionCheckHandler((_contents, permission, requestingOrigin) => permissionAllowed(permission, requestingOrigin));
}

export function createMainWindow(options: MainWindowOptions): BrowserWindow {
  const window = new BrowserWindow({
    title: 'Gatehouse',
    width: 1280,
    height: 800,
    minWidth: 960,
    minHeight: 600,
    show: false,
    autoHideMenuBar: true,
    webPreferences: secureWebPreferences(options.preloadPath, { devTools: options.devTools }),
  });
  guardContents(window.webContents, options.openExternal);
  if (options.show) window.once('ready-to-show', () => window.show());
  void window.loadURL(APP_ENTRY_URL);
  return window;
}

/** The app URL of a renderer route (`/alerts` → `gatehouse://app/index.html#/alerts`). */
export function appRouteUrl(route: string): string {
  return `${APP_ENTRY_URL}#${route.startsWith('/') ? route : `/${route}`}`;
}

/** Brings the window to the front (restoring it if minimized) and optionally shows a route. */
export function revealWindow(window: BrowserWindow, route?: string): void {
  if (route) void window.loadURL(appRouteUrl(route));
  if (window.isMinimized()) window.restore();
  window.show();
  window.focus();
}
