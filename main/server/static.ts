/**
 * The web UI: files from the renderer build (`dist/renderer/`), `index.html` for client-side
 * routes, strict security headers. Without a build, a small page says so and lists the API.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { compileRoutes, API_PREFIX } from '../../shared/contract/routes';
import { contractMethods } from '../../shared/contract/methods';

export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  // React and chart libraries set inline style attributes.
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'self'",
].join('; ');

/** Content types of the built web UI's files (also used by the desktop app's scheme). */
export const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.txt': 'text/plain; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
  '.wasm': 'application/wasm',
};

export function securityHeaders(res: ServerResponse): void {
  res.setHeader('content-security-policy', CONTENT_SECURITY_POLICY);
  res.setHeader('x-content-type-options', 'nosniff');
  res.setHeader('x-frame-options', 'DENY');
  // The login URL carries a token: never leak it in a Referer.
  res.setHeader('referrer-policy', 'no-referrer');
}

export interface StaticHandler {
  /** True when the UI build was found. */
  readonly built: boolean;
  handle(req: IncomingMessage, res: ServerResponse, pathname: string): void;
}

export function createStaticHandler(root: string | undefined): StaticHandler {
  const base = root ? path.resolve(root) : undefined;
  const built = Boolean(base && existsSync(path.join(base, 'index.html')));

  function send(res: ServerResponse, status: number, body: string | Buffer, type: string, cache: string): void {
    securityHeaders(res);
    res.writeHead(status, { 'content-type': type, 'cache-control': cache, 'content-length': Buffer.byteLength(body) });
    res.end(body);
  }

  function handle(req: IncomingMessage, res: ServerResponse, pathname: string): void {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('allow', 'GET, HEAD');
      return send(res, 405, 'method not allowed\n', 'text/plain; charset=utf-8', 'no-store');
    }
    if (!built || !base) return send(res, 200, placeholderPage(), 'text/html; charset=utf-8', 'no-store');

    let decoded: string;
    try {
      decoded = decodeURIComponent(pathname);
    } catch {
      return send(res, 400, 'bad path\n', 'text/plain; charset=utf-8', 'no-store');
    }
    const file = path.resolve(base, `.${path.posix.normalize(decoded)}`);
    if (file !== base && !file.startsWith(base + path.sep)) return send(res, 404, 'not found\n', 'text/plain; charset=utf-8', 'no-store');
    const found = isFile(file) ? file : relativeAssetFallback(base, decoded);
    if (found) {
      const file = found;
      const type = CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
      // Vite puts content-hashed files under assets/: safe to cache for good.
      const cache = path.relative(base, file).split(path.sep)[0] === 'assets' ? 'public, max-age=31536000, immutable' : 'no-cache';
      return send(res, 200, readFileSync(file), type, cache);
    }
    // A missing asset is a 404; a path without an extension is a client route of the SPA.
    if (path.extname(decoded) !== '') return send(res, 404, 'not found\n', 'text/plain; charset=utf-8', 'no-store');
    return send(res, 200, readFileSync(path.join(base, 'index.html')), 'text/html; charset=utf-8', 'no-cache');
  }

  return { built, handle };
}

/**
 * The renderer is built with relative asset URLs (`./assets/…`, so it also loads from file://
 * in Electron); on a nested client route such as /apis/a1 the browser then asks for
 * /apis/assets/app.js. Dropping leading segments finds the real file.
 */
function relativeAssetFallback(base: string, decoded: string): string | undefined {
  if (path.extname(decoded) === '') return undefined;
  const segments = path.posix.normalize(decoded).split('/').filter(Boolean);
  for (let skip = 1; skip < segments.length; skip++) {
    const candidate = path.resolve(base, ...segments.slice(skip));
    if (candidate.startsWith(base + path.sep) && isFile(candidate)) return candidate;
  }
  return undefined;
}

function isFile(file: string): boolean {
  try {
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Shown until the renderer is built: what is missing and what the API offers meanwhile. */
export function placeholderPage(): string {
  const rows = compileRoutes()
    .slice()
    .sort((a, b) => a.path.localeCompare(b.path) || a.method.localeCompare(b.method))
    .map((route) => `<tr><td><code>${route.method}</code></td><td><code>${escapeHtml(API_PREFIX + route.path)}</code></td><td>${escapeHtml(contractMethods[route.name].summary)}</td></tr>`)
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Gatehouse</title>
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:900px;margin:40px auto;padding:0 16px;color:#1d2330}
code{font:13px ui-monospace,monospace}table{border-collapse:collapse;width:100%}td{padding:3px 10px 3px 0;vertical-align:top;border-bottom:1px solid #e3e6ec}
@media (prefers-color-scheme:dark){body{background:#14171d;color:#dfe3ea}td{border-color:#2a2f39}}</style></head>
<body><h1>Gatehouse is running</h1>
<p>The web UI is not built yet (no <code>dist/renderer/index.html</code>). Build it with <code>npm run build</code>, then reload this page.</p>
<p>Meanwhile the admin API answers under <code>${API_PREFIX}</code> with <code>Authorization: Bearer &lt;token&gt;</code> (the token is in the <code>admin-token</code> file of the data directory). <code>GET ${API_PREFIX}/health</code> needs no token; live events stream from <code>GET ${API_PREFIX}/events</code>.</p>
<table>
<tr><td><code>GET</code></td><td><code>${API_PREFIX}/health</code></td><td>Health (no token)</td></tr>
<tr><td><code>GET</code></td><td><code>${API_PREFIX}/events</code></td><td>Server-Sent Events</td></tr>
${rows}
</table></body></html>
`;
}
