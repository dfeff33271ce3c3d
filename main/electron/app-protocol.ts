/**
 * Serves the renderer build (dist/renderer) on `gatehouse://app/…`. A privileged standard
 * scheme instead of file://: relative and absolute asset URLs resolve as on the web, the page
 * gets a real origin for the CSP and the sender checks, and no other file on disk is reachable.
 */
import type { Protocol } from 'electron';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { CONTENT_TYPES } from '../server/static';
import { APP_CONTENT_SECURITY_POLICY, APP_HOST, APP_SCHEME } from './security';

/**
 * Must run before `app.whenReady()` (Electron's rule for privileged schemes). No `corsEnabled`:
 * the page's own module scripts are same-origin, and the privilege would let other origins read
 * the scheme without any Access-Control-Allow-Origin check.
 */
export function registerAppScheme(protocol: Pick<Protocol, 'registerSchemesAsPrivileged'>): void {
  protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
}


export type AssetLookup = { kind: 'file'; file: string; contentType: string } | { kind: 'not-found' };

/**
 * The file a `gatehouse://app/…` URL maps to, inside `root` only. A path without an extension
 * is a client-side route of the single-page app and gets index.html.
 */
export function resolveAppAsset(root: string, requestUrl: string): AssetLookup {
  let url: URL;
  try {
    url = new URL(requestUrl);
  } catch {
    return { kind: 'not-found' };
  }
  if (url.protocol !== `${APP_SCHEME}:` || url.host !== APP_HOST) return { kind: 'not-found' };
  let pathname: string;
  try {
    pathname = decodeURIComponent(url.pathname);
  } catch {
    return { kind: 'not-found' };
  }
  if (pathname.includes('\0')) return { kind: 'not-found' };
  const base = path.resolve(root);
  const relative = path.posix.normalize(pathname === '/' || pathname === '' ? '/index.html' : pathname);
  if (path.extname(relative) === '') return { kind: 'file', file: path.join(base, 'index.html'), contentType: CONTENT_TYPES['.html']! };
  const file = path.resolve(base, `.${relative}`);
  if (!file.startsWith(base + path.sep)) return { kind: 'not-found' };
  return { kind: 'file', file, contentType: CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream' };
}

const SECURITY_HEADERS = {
  'content-security-policy': APP_CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

const MISSING_BUILD_PAGE =
  '<!doctype html><meta charset="utf-8"><title>Gatehouse</title><body style="font:15px system-ui,sans-serif;margin:40px">' +
  '<h1>The Gatehouse UI is not built</h1><p>Run <code>npm run build</code> (or <code>npm start</code>, which builds first), then reopen the window.</p></body>';

/** Answers one request of the scheme: the file with the CSP header, or a plain 404. */
export async function appAssetResponse(root: string, requestUrl: string): Promise<Response> {
  const lookup = resolveAppAsset(root, requestUrl);
  if (lookup.kind === 'file') {
    try {
      if ((await stat(lookup.file)).isFile()) {
        const body = await readFile(lookup.file);
        return new Response(new Uint8Array(body), { status: 200, headers: { 'content-type': lookup.contentType, 'cache-control': 'no-cache', ...SECURITY_HEADERS } });
      }
    } catch {
      // Missing file: fall through to the answers below.
    }
    if (path.basename(lookup.file) === 'index.html' && path.dirname(lookup.file) === path.resolve(root))
      return new Response(MISSING_BUILD_PAGE, { status: 503, headers: { 'content-type': CONTENT_TYPES['.html']!, ...SECURITY_HEADERS } });
  }
  return new Response('not found\n', { status: 404, headers: { 'content-type': 'text/plain; charset=utf-8', ...SECURITY_HEADERS } });
}

/** Registers the handler on the app's session (after `ready`). */
export function serveAppScheme(protocol: Pick<Protocol, 'handle'>, rendererRoot: string): void {
  protocol.handle(APP_SCHEME, (request) => appAssetResponse(rendererRoot, request.url));
}
