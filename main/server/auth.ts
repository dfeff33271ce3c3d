/**
 * Admin API authentication (DESIGN.md "Interfaces"):
 * - a bearer token from `<data-dir>/admin-token` (created on first start, mode 0600) unless
 *   GATEHOUSE_ADMIN_TOKEN is set;
 * - one-time login tokens (printed as `http://127.0.0.1:PORT/?token=…`, as Jupyter does) that a
 *   browser exchanges for an HttpOnly, SameSite=Strict session cookie; only those work in a URL
 *   (the admin token works as a bearer, or pasted into the login form, which POSTs it);
 * - cookie-authenticated unsafe requests must come from our own Origin (CSRF), and the Host
 *   header must name this server (DNS rebinding).
 * Sessions are HMAC-signed with the admin token, so they survive a restart of `serve` and die
 * when the token changes.
 */
import { createHmac, randomBytes, timingSafeEqual, createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import path from 'node:path';

export const ADMIN_TOKEN_FILE = 'admin-token';
const SESSION_MAX_AGE_SECONDS = 30 * 24 * 3600;
const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export interface AdminToken {
  token: string;
  /** Absent when the token came from GATEHOUSE_ADMIN_TOKEN. */
  file?: string;
}

/** Reads the admin token, creating the file (0600) on first start. */
export function loadAdminToken(dataDir: string, env: NodeJS.ProcessEnv = process.env): AdminToken {
  const fromEnv = env.GATEHOUSE_ADMIN_TOKEN?.trim();
  if (fromEnv) return { token: fromEnv };
  const file = path.join(dataDir, ADMIN_TOKEN_FILE);
  if (existsSync(file)) {
    const token = readFileSync(file, 'utf8').trim();
    if (token.length < 16) throw new Error(`${file}: the admin token is shorter than 16 characters; delete the file to generate a new one`);
    chmodSync(file, 0o600);
    return { token, file };
  }
  mkdirSync(dataDir, { recursive: true });
  const token = randomToken();
  // `wx`: never overwrite a token another process created in the meantime.
  writeFileSync(file, `${token}\n`, { mode: 0o600, flag: 'wx' });
  chmodSync(file, 0o600); // the umask may have narrowed or widened the create mode
  return { token, file };
}

export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

/** Constant-time string comparison (hashing first makes lengths equal). */
export function safeEqual(a: string, b: string): boolean {
  const ha = createHash('sha256').update(a).digest();
  const hb = createHash('sha256').update(b).digest();
  return timingSafeEqual(ha, hb);
}

export type AuthResult = { ok: true; via: 'bearer' | 'cookie' } | { ok: false; status: 401 | 403; code: 'UNAUTHORIZED' | 'FORBIDDEN'; message: string };

export interface AuthOptions {
  token: string;
  /** The port the server listens on (cookie name and Host check). */
  port: number;
  /** The host it is bound to; a wildcard (0.0.0.0, ::) turns the Host check off. */
  host: string;
}

export class AdminAuth {
  private readonly loginTokens = new Set<string>();
  private readonly revoked = new Set<string>();
  readonly cookieName: string;
  private readonly allowedHosts: Set<string> | undefined;

  constructor(private readonly options: AuthOptions) {
    // Cookies ignore ports: two instances on one machine must not overwrite each other's cookie.
    this.cookieName = `gatehouse_session_${options.port}`;
    const wildcard = options.host === '0.0.0.0' || options.host === '::' || options.host === '';
    this.allowedHosts = wildcard
      ? undefined
      : new Set(['127.0.0.1', 'localhost', '[::1]', options.host.includes(':') ? `[${options.host}]` : options.host].map((h) => `${h}:${options.port}`));
  }

  /** A new single-use login token. */
  issueLoginToken(): string {
    const token = randomToken(24);
    this.loginTokens.add(token);
    return token;
  }

  /**
   * Consumes a one-time login token; true when it was valid. The admin token is never redeemed
   * here: a URL carrying it would leave a long-lived credential in browser history and logs.
   */
  redeem(token: string): boolean {
    for (const candidate of this.loginTokens) {
      if (safeEqual(candidate, token)) {
        this.loginTokens.delete(candidate);
        return true;
      }
    }
    return false;
  }

  /** True for the long-lived admin token (accepted as a bearer and in a POST body, not in a URL). */
  isAdminToken(token: string): boolean {
    return safeEqual(token, this.options.token);
  }

  /** Set-Cookie value for a new session. */
  sessionCookie(now = Date.now()): string {
    const payload = `${now}.${randomToken(18)}`;
    const value = `${payload}.${this.sign(payload)}`;
    return `${this.cookieName}=${value}; HttpOnly; SameSite=Strict; Path=/; Max-Age=${SESSION_MAX_AGE_SECONDS}`;
  }

  clearCookie(req: IncomingMessage): string {
    const value = readCookie(req, this.cookieName);
    if (value) this.revoked.add(value);
    return `${this.cookieName}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0`;
  }

  /** Host header check, for every request (open ones included). */
  checkHost(req: IncomingMessage): AuthResult | undefined {
    if (!this.allowedHosts) return undefined;
    const host = (req.headers.host ?? '').toLowerCase();
    if (this.allowedHosts.has(host)) return undefined;
    return { ok: false, status: 403, code: 'FORBIDDEN', message: `Host "${host}" is not this server; use http://127.0.0.1:${this.options.port}` };
  }

  /** Origin of this server as the browser sees it (from the already-checked Host header). */
  ownOrigin(req: IncomingMessage): string {
    return `http://${req.headers.host ?? `127.0.0.1:${this.options.port}`}`;
  }

  /** Bearer or session cookie; cookie-authenticated unsafe requests need our own Origin. */
  authenticate(req: IncomingMessage): AuthResult {
    const header = req.headers.authorization;
    if (header !== undefined) {
      const match = /^Bearer\s+(.+)$/i.exec(header.trim());
      if (match && safeEqual(match[1]!.trim(), this.options.token)) return { ok: true, via: 'bearer' };
      return { ok: false, status: 401, code: 'UNAUTHORIZED', message: 'the bearer token is not valid' };
    }
    const cookie = readCookie(req, this.cookieName);
    if (cookie === undefined)
      return { ok: false, status: 401, code: 'UNAUTHORIZED', message: 'missing credentials: send "Authorization: Bearer <token>" (the token is in the admin-token file) or log in with the URL gatehouse serve printed' };
    if (!this.validSession(cookie)) return { ok: false, status: 401, code: 'UNAUTHORIZED', message: 'the session has expired or is not valid; log in again' };
    if (UNSAFE_METHODS.has(req.method ?? 'GET')) {
      const origin = req.headers.origin;
      if (origin !== this.ownOrigin(req))
        return { ok: false, status: 403, code: 'FORBIDDEN', message: origin ? `requests from origin ${origin} are not allowed` : 'a cookie-authenticated change must carry an Origin header' };
    }
    return { ok: true, via: 'cookie' };
  }

  private validSession(value: string): boolean {
    if (this.revoked.has(value)) return false;
    const parts = value.split('.');
    if (parts.length !== 3) return false;
    const [issuedAt, nonce, signature] = parts as [string, string, string];
    if (!safeEqual(signature, this.sign(`${issuedAt}.${nonce}`))) return false;
    const age = Date.now() - Number(issuedAt);
    return Number.isFinite(age) && age >= 0 && age < SESSION_MAX_AGE_SECONDS * 1000;
  }

  private sign(payload: string): string {
    return createHmac('sha256', this.options.token).update(`gatehouse-session:${payload}`).digest('base64url');
  }
}

export function readCookie(req: IncomingMessage, name: string): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const index = part.indexOf('=');
    if (index < 0) continue;
    if (part.slice(0, index).trim() === name) return part.slice(index + 1).trim();
  }
  return undefined;
}
