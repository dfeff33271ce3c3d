/**
 * Window security per Electron's checklist, as plain data and small functions so each rule is
 * tested without Electron: the webPreferences, what a navigation or `window.open` may do, which
 * IPC sender is trusted, and the (almost empty) permission list. window.ts applies them.
 */
import type { WebPreferences } from 'electron';
import { CONTENT_SECURITY_POLICY } from '../server/static';

/** The renderer is served from this privileged custom scheme, never from file:// or the network. */
export const APP_SCHEME = 'gatehouse';
export const APP_HOST = 'app';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;

/** The same policy as the web UI served by `gatehouse serve`: scripts only from the app itself. */
export const APP_CONTENT_SECURITY_POLICY = CONTENT_SECURITY_POLICY;

export function secureWebPreferences(preloadPath: string, options: { devTools?: boolean } = {}): WebPreferences {
  return {
    preload: preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    experimentalFeatures: false,
    navigateOnDragDrop: false,
    safeDialogs: true,
    devTools: options.devTools ?? false,
  };
}

function parse(url: string): URL | undefined {
  try {
    return new URL(url);
  } catch {
    return undefined;
  }
}

/** A page of the app itself (`gatehouse://app/…`). */
export function isAppUrl(url: string): boolean {
  const parsed = parse(url);
  return parsed !== undefined && parsed.protocol === `${APP_SCHEME}:` && parsed.host === APP_HOST && parsed.username === '' && parsed.password === '';
}

/** Only web links leave the app, and only to the system browser. */
export function isExternalWebUrl(url: string): boolean {
  const parsed = parse(url);
  return parsed !== undefined && (parsed.protocol === 'http:' || parsed.protocol === 'https:') && parsed.hostname !== '';
}

export type NavigationDecision = 'allow' | 'external' | 'deny';

/** In-app pages load in the window; http(s) opens in the browser; anything else (file:, javascript:, custom schemes) is refused. */
export function navigationDecision(url: string): NavigationDecision {
  if (isAppUrl(url)) return 'allow';
  if (isExternalWebUrl(url)) return 'external';
  return 'deny';
}

/** `window.open` never creates an Electron window: web links go to the browser, the rest is denied. */
export function windowOpenDecision(url: string): 'external' | 'deny' {
  return isExternalWebUrl(url) ? 'external' : 'deny';
}

export interface FrameLike {
  url: string;
  parent: unknown;
}

export interface SenderLike {
  sender: unknown;
  senderFrame: FrameLike | null;
}

/**
 * HTTP Toolkit's rule: an IPC call is served only when it comes from the app's own window, from
 * its main frame (no iframe, even a same-origin one) and while that frame shows the app's page.
 */
export function isTrustedSender(event: SenderLike, trustedContents: unknown): boolean {
  if (trustedContents === undefined || trustedContents === null || event.sender !== trustedContents) return false;
  const frame = event.senderFrame;
  if (!frame || frame.parent !== null) return false;
  return isAppUrl(frame.url);
}

/**
 * Every permission request is denied except writing text to the clipboard from the app's own
 * page ("Copy as curl"), which Chromium routes through the permission handler.
 */
export const ALLOWED_PERMISSIONS: ReadonlySet<string> = new Set(['clipboard-sanitized-write']);

export function permissionAllowed(permission: string, requestingUrl: string | undefined): boolean {
  return ALLOWED_PERMISSIONS.has(permission) && requestingUrl !== undefined && isAppUrl(requestingUrl);
}
