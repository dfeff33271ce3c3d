/**
 * The JWKS of one jwt-validation-flex binding: each URL fetched once per time-to-live, again
 * when a token names a `kid` it does not hold (at most once per UNKNOWN_KID_REFETCH_MS, so a
 * stream of made-up kids cannot turn the gateway into a JWKS flood), and kept while its server
 * is down: an expired set keeps verifying tokens, retried with a growing back-off, as Flex's
 * page describes. With nothing cached and the server down, callers get JwksUnavailableError
 * (Flex answers 503).
 */
import { createPublicKey, type KeyObject } from 'node:crypto';

export const UNKNOWN_KID_REFETCH_MS = 10_000;
const MAX_BACKOFF_MS = 60_000;
const MAX_JWKS_BYTES = 1024 * 1024;

export interface JwksKey {
  kid?: string;
  alg?: string;
  key: KeyObject;
  /** Why the key may not verify signatures (use: enc, key_ops without verify). */
  refused?: string;
}

export class JwksUnavailableError extends Error {}

interface Source {
  url: string;
  keys?: JwksKey[];
  fetchedAt: number;
  /** When a token's unknown kid last caused a fetch (the rate limit is on those, not on scheduled fetches). */
  lastKidRefetch: number;
  failures: number;
  nextRetryAt: number;
  lastError?: string;
  inFlight?: Promise<void>;
}

export interface JwksLookup {
  keys: JwksKey[];
  /** Set when an expired set was used because its server did not answer. */
  stale?: string;
  fetched: boolean;
}

export interface JwksCacheOptions {
  ttlMs: number;
  timeoutMs: number;
  now?: () => number;
}

export class JwksCache {
  private readonly sources: Source[];
  private readonly now: () => number;
  private readonly controller = new AbortController();

  constructor(
    urls: readonly string[],
    private readonly options: JwksCacheOptions,
  ) {
    this.sources = urls.map((url) => ({ url, fetchedAt: 0, lastKidRefetch: -Infinity, failures: 0, nextRetryAt: 0 }));
    this.now = options.now ?? Date.now;
  }

  /** Keys from every URL, refreshed as needed; `kid` asks for a refetch when no source holds it. */
  async lookup(kid: string | undefined): Promise<JwksLookup> {
    let fetched = false;
    await Promise.all(
      this.sources.map(async (source) => {
        if (this.due(source)) fetched = (await this.refresh(source)) || fetched;
      }),
    );
    if (kid !== undefined && !this.holds(kid)) {
      const retry = this.sources.filter((source) => this.now() - source.lastKidRefetch >= UNKNOWN_KID_REFETCH_MS && this.now() >= source.nextRetryAt);
      for (const source of retry) source.lastKidRefetch = this.now();
      const results = await Promise.all(retry.map((source) => this.refresh(source)));
      fetched = results.some(Boolean) || fetched;
    }
    const usable = this.sources.filter((source) => source.keys !== undefined);
    if (usable.length === 0) {
      const errors = this.sources.map((source) => `${source.url}: ${source.lastError ?? 'not fetched'}`).join('; ');
      throw new JwksUnavailableError(`no JWKS could be fetched (${errors})`);
    }
    const stale = usable.filter((source) => source.lastError !== undefined && this.expired(source));
    return {
      keys: usable.flatMap((source) => source.keys!),
      fetched,
      ...(stale.length ? { stale: stale.map((source) => `${source.url} unreachable (${source.lastError})`).join('; ') } : {}),
    };
  }

  dispose(): void {
    this.controller.abort();
  }

  private holds(kid: string): boolean {
    return this.sources.some((source) => source.keys?.some((key) => key.kid === kid));
  }

  private expired(source: Source): boolean {
    return this.now() - source.fetchedAt >= this.options.ttlMs;
  }

  private due(source: Source): boolean {
    if (source.keys !== undefined && !this.expired(source)) return false;
    // Backing off after failures: an expired set keeps serving; without one the request fails fast.
    return this.now() >= source.nextRetryAt;
  }

  /** One fetch per source at a time; resolves true when new keys arrived. */
  private refresh(source: Source): Promise<boolean> {
    if (!source.inFlight) {
      source.inFlight = this.fetchKeys(source.url)
        .then(
          (keys) => {
            source.keys = keys;
            source.fetchedAt = this.now();
            source.failures = 0;
            source.nextRetryAt = 0;
            source.lastError = undefined;
          },
          (error: unknown) => {
            source.failures += 1;
            source.nextRetryAt = this.now() + Math.min(MAX_BACKOFF_MS, 500 * 2 ** (source.failures - 1));
            source.lastError = (error as Error).message;
          },
        )
        .finally(() => {
          source.inFlight = undefined;
        });
    }
    return source.inFlight.then(() => source.lastError === undefined);
  }

  private async fetchKeys(url: string): Promise<JwksKey[]> {
    const signal = AbortSignal.any([this.controller.signal, AbortSignal.timeout(this.options.timeoutMs)]);
    let response: Response;
    try {
      response = await fetch(url, { signal, headers: { accept: 'application/json, application/jwk-set+json' } });
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause?.code;
      throw new Error((error as Error).name === 'TimeoutError' ? `no answer within ${this.options.timeoutMs} ms` : (cause ?? (error as Error).message));
    }
    if (!response.ok) {
      await response.body?.cancel();
      throw new Error(`HTTP ${response.status}`);
    }
    const text = await response.text();
    if (text.length > MAX_JWKS_BYTES) throw new Error('the JWKS is larger than 1 MiB');
    let document: unknown;
    try {
      document = JSON.parse(text);
    } catch {
      throw new Error('the JWKS is not JSON');
    }
    const keys = (document as { keys?: unknown })?.keys;
    if (!Array.isArray(keys)) throw new Error('the JWKS has no keys array');
    return keys.flatMap((jwk) => importJwk(jwk));
  }
}

/** A public key from one JWK; symmetric and unreadable keys are left out. */
export function importJwk(jwk: unknown): JwksKey[] {
  if (jwk === null || typeof jwk !== 'object') return [];
  const { kid, alg, use, key_ops: keyOps, kty } = jwk as Record<string, unknown>;
  if (kty !== 'RSA' && kty !== 'EC' && kty !== 'OKP') return [];
  let key: KeyObject;
  try {
    // Only the public members: a JWKS that leaks `d` still yields just the public key.
    const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...publicJwk } = jwk as Record<string, unknown>;
    key = createPublicKey({ key: publicJwk as never, format: 'jwk' });
  } catch {
    return [];
  }
  const refused =
    use !== undefined && use !== 'sig'
      ? `its use is ${String(use)}, not sig`
      : keyOps !== undefined && !(Array.isArray(keyOps) && keyOps.includes('verify'))
        ? 'its key_ops do not include verify'
        : undefined;
  return [{ ...(typeof kid === 'string' ? { kid } : {}), ...(typeof alg === 'string' ? { alg } : {}), key, ...(refused ? { refused } : {}) }];
}
