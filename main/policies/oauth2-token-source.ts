/**
 * Access tokens for credential-injection-oauth2-flex: fetched from the token endpoint with the
 * client-credentials (or password) grant, cached until shortly before they expire, and shared:
 * concurrent requests wait on one fetch instead of each asking the token endpoint.
 * Error messages name the endpoint and what went wrong, never a credential.
 */
import type { CredentialInjectionOAuth2Config } from '../../shared/policies/credential-injection';

/** Why no token could be had; the message is safe to show to the client. */
export class TokenFetchError extends Error {}

interface CachedToken {
  token: string;
  /** Clock time (ms) after which it is not used any more. */
  renewAt: number;
  /** Obtained because the upstream refused the previous token. */
  renewed: boolean;
}

/** Renew this long before the token expires: 10% of its lifetime, at most 30 s. */
function marginMs(lifetimeMs: number): number {
  return Math.min(30_000, lifetimeMs / 10);
}

export class OAuth2TokenSource {
  private cached: CachedToken | undefined;
  private pending: Promise<CachedToken> | undefined;
  /** How many times the token endpoint was called (for traces and tests). */
  fetches = 0;

  constructor(
    private readonly config: CredentialInjectionOAuth2Config,
    private readonly now: () => number = Date.now,
  ) {}

  /** The cached token while it is still good to use. */
  current(): string | undefined {
    const cached = this.cached;
    return cached !== undefined && this.now() < cached.renewAt ? cached.token : undefined;
  }

  /** A usable token: the cached one or a new one (one fetch for every request waiting). */
  async token(): Promise<string> {
    return this.current() ?? (await this.fetchOnce(false)).token;
  }

  /**
   * The upstream answered 401 to `used`. Another request may already have replaced it: then
   * that token is the answer. A token that was itself a renewal is not renewed again before it
   * expires, so an upstream that refuses every token costs one extra fetch, not one per request.
   * Undefined: do not retry.
   */
  async renew(used: string): Promise<string | undefined> {
    const cached = this.cached;
    if (cached !== undefined && cached.token !== used && this.now() < cached.renewAt) return cached.token;
    if (cached?.renewed && cached.token === used) return undefined;
    if (cached?.token === used) this.cached = undefined;
    return (await this.fetchOnce(true)).token;
  }

  private fetchOnce(renewal: boolean): Promise<CachedToken> {
    this.pending ??= this.fetch(renewal).finally(() => {
      this.pending = undefined;
    });
    return this.pending;
  }

  private async fetch(renewal: boolean): Promise<CachedToken> {
    const config = this.config;
    const endpoint = config.oauthService;
    const timeoutMs = config.tokenFetchTimeout * 1000;
    this.fetches++;
    let response: Response;
    try {
      response = await fetch(endpoint, { method: 'POST', ...tokenRequest(config), redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause;
      const name = (error as Error).name;
      if (name === 'TimeoutError' || name === 'AbortError') throw new TokenFetchError(`the token endpoint ${endpoint} did not answer within ${config.tokenFetchTimeout} s`);
      throw new TokenFetchError(`the token endpoint ${endpoint} could not be reached (${cause?.code ?? (error as Error).message})`);
    }
    const text = await response.text().catch(() => '');
    let body: Record<string, unknown> = {};
    try {
      const parsed: unknown = JSON.parse(text);
      if (parsed && typeof parsed === 'object') body = parsed as Record<string, unknown>;
    } catch {
      // Reported below: a token endpoint must answer JSON (RFC 6749 §5.1).
    }
    if (!response.ok) {
      const reason = typeof body.error === 'string' ? ` (${body.error.slice(0, 100)})` : '';
      throw new TokenFetchError(`the token endpoint ${endpoint} answered ${response.status}${reason}`);
    }
    const token = body.access_token;
    if (typeof token !== 'string' || token === '' || /[\r\n\0]/.test(token)) throw new TokenFetchError(`the token endpoint ${endpoint} answered without a usable access_token`);
    const expiresIn = Number(body.expires_in);
    const ttlSeconds = Number.isFinite(expiresIn) && expiresIn > 0 ? Math.min(expiresIn, config.cachingTtl) : config.cachingTtl;
    const lifetimeMs = ttlSeconds * 1000;
    const entry: CachedToken = { token, renewAt: this.now() + lifetimeMs - marginMs(lifetimeMs), renewed: renewal };
    this.cached = entry;
    return entry;
  }
}

/** Headers and body of the token request (RFC 6749 §4.4 and §4.3, client auth per §2.3.1). */
function tokenRequest(config: CredentialInjectionOAuth2Config): { headers: Record<string, string>; body: string } {
  const fields: Record<string, string> = { grant_type: config.grantType === 'password' ? 'password' : 'client_credentials' };
  if (config.grantType === 'password') {
    fields.username = config.username ?? '';
    fields.password = config.password ?? '';
  }
  if (config.scope.length > 0) fields.scope = config.scope.join(' ');
  const headers: Record<string, string> = { accept: 'application/json' };
  for (const { name, value } of config.customRequestHeaders) headers[name.toLowerCase()] = value;
  if (config.clientId !== undefined) {
    if (config.credentialLocation === 'header') {
      const pair = `${encodeURIComponent(config.clientId)}:${encodeURIComponent(config.clientSecret ?? '')}`;
      headers.authorization = `Basic ${Buffer.from(pair, 'utf8').toString('base64')}`;
    } else {
      fields.client_id = config.clientId;
      if (config.clientSecret !== undefined) fields.client_secret = config.clientSecret;
    }
  }
  if (config.tokenRequestBodyFormat === 'json') {
    headers['content-type'] = 'application/json';
    return { headers, body: JSON.stringify(fields) };
  }
  headers['content-type'] = 'application/x-www-form-urlencoded';
  return { headers, body: new URLSearchParams(fields).toString() };
}
