/**
 * The replica's HTTP client for the control plane's `/api/v1/replicas/*` endpoints. Every call
 * has a deadline; failures are ControlPlaneErrors that say whether retrying can help (network
 * trouble, 5xx) or not without the user's help (a rejected token).
 */
import type { Heartbeat, HeartbeatReply, RegisterReply, RegisterRequest, SnapshotReply, TelemetryBatch } from './protocol';
import { REPLICA_PATH_PREFIX, SNAPSHOT_HOLD_MS } from './protocol';

export class ControlPlaneError extends Error {
  override readonly name = 'ControlPlaneError';
  constructor(
    message: string,
    /** HTTP status, absent for network errors. */
    readonly status?: number,
  ) {
    super(message);
  }

  /** The token was refused: the gateway was deleted or its token revoked or rotated. */
  get rejected(): boolean {
    return this.status === 401 || this.status === 403;
  }
}

export class ControlClient {
  private readonly base: string;

  constructor(
    url: string,
    private readonly token: string,
  ) {
    const parsed = new URL(url);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error(`--connect must be an http(s) URL, got "${url}"`);
    this.base = `${parsed.origin}${parsed.pathname.replace(/\/+$/, '').replace(/\/api\/v1$/, '')}${REPLICA_PATH_PREFIX}`;
  }

  /** Where the replica endpoints are, for messages. */
  get endpoint(): string {
    return this.base;
  }

  register(body: RegisterRequest, signal?: AbortSignal): Promise<RegisterReply> {
    return this.call<RegisterReply>('POST', '/register', body, 5000, signal);
  }

  /** Long poll: the snapshot when its version differs from `after`, else undefined after the hold time. */
  async snapshot(after: string | undefined, name: string, signal?: AbortSignal): Promise<SnapshotReply | undefined> {
    const query = new URLSearchParams({ name });
    if (after !== undefined) query.set('after', after);
    return this.call<SnapshotReply | undefined>('GET', `/snapshot?${query}`, undefined, SNAPSHOT_HOLD_MS + 10_000, signal);
  }

  heartbeat(body: Heartbeat, signal?: AbortSignal): Promise<HeartbeatReply> {
    return this.call<HeartbeatReply>('POST', '/heartbeat', body, 5000, signal);
  }

  async telemetry(body: TelemetryBatch, signal?: AbortSignal): Promise<void> {
    await this.call<undefined>('POST', '/telemetry', body, 10_000, signal);
  }

  private async call<T>(method: 'GET' | 'POST', path: string, body: unknown, timeoutMs: number, signal?: AbortSignal): Promise<T> {
    const deadline = AbortSignal.timeout(timeoutMs);
    let response: Response;
    try {
      response = await fetch(`${this.base}${path}`, {
        method,
        headers: { authorization: `Bearer ${this.token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
        body: body !== undefined ? JSON.stringify(body) : undefined,
        signal: signal ? AbortSignal.any([signal, deadline]) : deadline,
      });
    } catch (error) {
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      const why = deadline.aborted ? `no answer within ${timeoutMs} ms` : (cause?.code ?? cause?.message ?? (error as Error).message);
      throw new ControlPlaneError(`control plane ${this.base} unreachable: ${why}`);
    }
    if (response.status === 204) return undefined as T;
    const text = await response.text();
    if (!response.ok) {
      let message = text.slice(0, 300);
      try {
        message = (JSON.parse(text) as { error?: { message?: string } }).error?.message ?? message;
      } catch {
        // not JSON: keep the text
      }
      throw new ControlPlaneError(`control plane answered ${response.status}: ${message}`, response.status);
    }
    return JSON.parse(text) as T;
  }
}
