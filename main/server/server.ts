/**
 * The admin server of `gatehouse serve`: the contract over REST (`/api/v1`), its events over
 * SSE, login/session exchange, and the web UI. Listens on 127.0.0.1 by default.
 */
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ContractEventBus } from '../../shared/contract/events';
import type { ContractHandlers } from '../../shared/contract/methods';
import { contractMethods } from '../../shared/contract/methods';
import { API_PREFIX, compileRoutes, matchRoute } from '../../shared/contract/routes';
import { AdminAuth, loadAdminToken } from './auth';
import { createHttpAdapter, sendError } from './http-adapter';
import { createReplicaRoutes, type ReplicaService } from './replica-routes';
import { createSseEndpoint } from './sse';
import { createStaticHandler, securityHeaders } from './static';

export interface AdminServerOptions {
  host?: string;
  port?: number;
  dataDir: string;
  handlers: Partial<ContractHandlers>;
  bus: ContractEventBus;
  /** The renderer build (`dist/renderer`); a placeholder page when absent. */
  staticDir?: string;
  env?: NodeJS.ProcessEnv;
  version?: string;
  /** Extra fields for `GET /api/v1/health` (gateway status, config version, …). */
  health?: () => Record<string, unknown>;
  sseHeartbeatMs?: number;
  /** Connected replicas' endpoints (`/api/v1/replicas/*`, gateway-token auth): the control plane's `replicaService`. */
  replicas?: ReplicaService;
  /** Routes with their own auth (e.g. replica endpoints); return true when handled. */
  extraRoutes?: (req: IncomingMessage, res: ServerResponse, url: URL) => boolean | Promise<boolean>;
  logError?: (message: string, error: unknown) => void;
}

export interface AdminServer {
  /** `http://127.0.0.1:PORT` (what a browser on this machine opens). */
  url: string;
  host: string;
  port: number;
  /** The UI URL with a one-time login token. */
  loginUrl: string;
  /** A fresh one-time login URL (e.g. to open the UI again). */
  createLoginUrl(): string;
  /** Absent when the token came from GATEHOUSE_ADMIN_TOKEN. */
  tokenFile?: string;
  token: string;
  close(): Promise<void>;
}

const WILDCARD_HOSTS = new Set(['0.0.0.0', '::', '']);

export async function startAdminServer(options: AdminServerOptions): Promise<AdminServer> {
  const host = options.host ?? '127.0.0.1';
  const { token, file: tokenFile } = loadAdminToken(options.dataDir, options.env ?? process.env);
  const adapter = createHttpAdapter({ handlers: options.handlers, logError: options.logError });
  const sse = createSseEndpoint({ bus: options.bus, heartbeatMs: options.sseHeartbeatMs });
  const statics = createStaticHandler(options.staticDir);
  const replicaRoutes = options.replicas ? createReplicaRoutes(options.replicas) : undefined;
  const publicRoutes = compileRoutes().filter((route) => contractMethods[route.name].http.public);
  const startedAt = Date.now();
  let auth: AdminAuth | undefined;

  const server = http.createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      (options.logError ?? console.error)('admin request failed', error);
      sendError(res, 500, { code: 'INTERNAL_ERROR', message: 'internal error' });
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const guard = auth;
    if (!guard) return sendError(res, 503, { code: 'UNAVAILABLE', message: 'starting' });
    const url = new URL(req.url ?? '/', 'http://localhost');
    // Replicas in bridge-networked containers come as host.docker.internal; their gateway token
    // (not a cookie) is the credential, so the DNS-rebinding Host check does not apply.
    if (replicaRoutes && (await replicaRoutes(req, res, url))) return;
    const isApi = url.pathname === API_PREFIX || url.pathname.startsWith(`${API_PREFIX}/`);
    const hostProblem = guard.checkHost(req);
    if (hostProblem && !hostProblem.ok) return sendError(res, hostProblem.status, { code: hostProblem.code, message: hostProblem.message });

    if (options.extraRoutes && (await options.extraRoutes(req, res, url))) return;

    if (isApi) {
      res.setHeader('x-content-type-options', 'nosniff');
      const pathname = url.pathname.slice(API_PREFIX.length) || '/';
      if (pathname === '/health' && req.method === 'GET') {
        res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
        res.end(JSON.stringify({ status: 'ok', version: options.version ?? 'dev', uptimeSeconds: Math.round((Date.now() - startedAt) / 1000), ...options.health?.() }));
        return;
      }
      if (pathname === '/session') return session(req, res, guard);
      // Public data only (an API's JWKS): a gateway fetches it like any JWKS URL, without a token.
      if (matchRoute(publicRoutes, req.method ?? 'GET', pathname).kind === 'match') return adapter(req, res, pathname, url.searchParams);
      const result = guard.authenticate(req);
      if (!result.ok) {
        if (result.status === 401) res.setHeader('www-authenticate', 'Bearer realm="gatehouse"');
        return sendError(res, result.status, { code: result.code, message: result.message });
      }
      if (pathname === '/events' && req.method === 'GET') return sse.handle(req, res, url.searchParams);
      if (pathname === '/session/login-link') return loginLink(req, res, result.via);
      return adapter(req, res, pathname, url.searchParams);
    }
    if (url.pathname.startsWith('/api/')) return sendError(res, 404, { code: 'NOT_FOUND', message: `no route ${req.method} ${url.pathname}; the admin API is under ${API_PREFIX}` });

    const loginToken = url.searchParams.get('token');
    if (loginToken !== null && req.method === 'GET') return login(res, guard, loginToken, url);
    statics.handle(req, res, url.pathname);
  }

  /**
   * `GET /?token=…`: trade the one-time token for a session cookie, then drop it from the URL. A
   * refused token goes to the UI's own sign-in page (`/?signin=…` says why, the page says what to
   * do), without a cookie; a browser that already has a session simply opens the UI.
   */
  function login(res: ServerResponse, guard: AdminAuth, loginToken: string, url: URL): void {
    securityHeaders(res);
    if (!guard.redeem(loginToken)) {
      const adminToken = guard.isAdminToken(loginToken);
      const why = adminToken
        ? 'The admin token is not accepted in a URL (URLs stay in browser history and logs). Use the one-time login URL <code>gatehouse serve</code> printed'
        : 'This login link is not valid or was already used. Open the login URL <code>gatehouse serve</code> printed most recently';
      const target = `/?signin=${adminToken ? 'admin-token-in-url' : 'link-used'}`;
      res.writeHead(303, { location: target, 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      res.end(
        `<!doctype html><meta charset="utf-8"><title>Gatehouse: sign in</title><p>${why}, ` +
          `or open <a href="${target}">the web UI</a> and paste the admin token from the <code>admin-token</code> file into its sign-in form.</p>`,
      );
      return;
    }
    url.searchParams.delete('token');
    res.writeHead(302, { location: url.pathname + (url.search || ''), 'set-cookie': guard.sessionCookie(), 'cache-control': 'no-store' });
    res.end();
  }

  /**
   * `POST /api/v1/session/login-link`: a fresh one-time login URL, so a script holding the admin
   * token can open the UI without putting that token in a URL. Bearer only: a session must not
   * mint further sessions.
   */
  function loginLink(req: IncomingMessage, res: ServerResponse, via: 'bearer' | 'cookie'): void {
    if (req.method !== 'POST') {
      res.setHeader('allow', 'POST');
      return sendError(res, 405, { code: 'METHOD_NOT_ALLOWED', message: `${req.method} is not allowed on ${API_PREFIX}/session/login-link; use POST` });
    }
    if (via !== 'bearer') return sendError(res, 403, { code: 'FORBIDDEN', message: 'login links are issued to "Authorization: Bearer <admin token>" only' });
    res.writeHead(201, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
    res.end(JSON.stringify({ url: createLoginUrl() }));
  }

  /** `POST /api/v1/session {token}` logs in (for pages that hold the token); DELETE logs out. */
  async function session(req: IncomingMessage, res: ServerResponse, guard: AdminAuth): Promise<void> {
    const origin = req.headers.origin;
    if (origin !== undefined && origin !== guard.ownOrigin(req)) return sendError(res, 403, { code: 'FORBIDDEN', message: `requests from origin ${origin} are not allowed` });
    if (req.method === 'DELETE') {
      res.writeHead(204, { 'set-cookie': guard.clearCookie(req), 'cache-control': 'no-store' }).end();
      return;
    }
    if (req.method !== 'POST') {
      res.setHeader('allow', 'POST, DELETE');
      return sendError(res, 405, { code: 'METHOD_NOT_ALLOWED', message: `${req.method} is not allowed on ${API_PREFIX}/session; use POST or DELETE` });
    }
    const body = await readSmallJson(req);
    const given = body && typeof body === 'object' ? (body as { token?: unknown }).token : undefined;
    if (typeof given !== 'string' || given === '')
      return sendError(res, 400, { code: 'VALIDATION_FAILED', message: 'token: required', details: [{ path: 'token', message: 'required: the one-time login token or the admin token' }] });
    // A request body stays out of history and logs, so the admin token is fine here.
    if (!guard.isAdminToken(given) && !guard.redeem(given)) return sendError(res, 401, { code: 'UNAUTHORIZED', message: 'the token is not valid or was already used' });
    res.writeHead(204, { 'set-cookie': guard.sessionCookie(), 'cache-control': 'no-store' }).end();
  }

  await new Promise<void>((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      reject(error.code === 'EADDRINUSE' ? Object.assign(new Error(`port ${options.port ?? 4680} on ${host} is already in use; choose another with --port`), { code: error.code }) : error);
    };
    server.once('error', onError);
    server.listen(options.port ?? 4680, host, () => {
      server.off('error', onError);
      resolve();
    });
  });

  const port = (server.address() as AddressInfo).port;
  auth = new AdminAuth({ token, port, host });
  const displayHost = WILDCARD_HOSTS.has(host) ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  const url = `http://${displayHost}:${port}`;
  const createLoginUrl = () => `${url}/?token=${auth!.issueLoginToken()}`;

  let closing: Promise<void> | undefined;
  return {
    url,
    host,
    port,
    loginUrl: createLoginUrl(),
    createLoginUrl,
    tokenFile,
    token,
    close() {
      closing ??= new Promise<void>((resolve) => {
        sse.close();
        server.close(() => resolve());
        server.closeIdleConnections();
        // In-flight requests get a moment to finish, then the rest is cut.
        setTimeout(() => server.closeAllConnections(), 2000).unref();
      });
      return closing;
    },
  };
}

function readSmallJson(req: IncomingMessage): Promise<unknown> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= 16 * 1024) chunks.push(chunk);
    });
    req.on('end', () => {
      if (size > 16 * 1024) return resolve(undefined);
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      } catch {
        resolve(undefined);
      }
    });
    req.on('error', () => resolve(undefined));
  });
}
