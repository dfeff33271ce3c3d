/**
 * Upstream idle timeouts without a timer per request. `socket.setTimeout` per proxied request
 * costs a Timeout object, bound functions, listener churn and, on every keep-alive reuse, a
 * reset of the agent's own idle timer (measured at ~4 % of the gateway's CPU per request).
 * Instead, exchanges waiting on an upstream sit in one set that a single unref'd interval
 * sweeps: an exchange whose upstream socket has neither read nor written a byte for its
 * timeout is destroyed with UPSTREAM_TIMEOUT. Same idle semantics as socket.setTimeout
 * (covers waiting for the head and a body that stalls), at the sweep's granularity: a timeout
 * fires between `timeoutMs` and `timeoutMs + timeoutMs / 4` (at most + 1 s) after the last byte.
 */
import type { ClientRequest } from 'node:http';
import { GatewayErrorCode } from '../../shared/errors';

/** What the sweeper needs to know about one exchange (kept on the request context). */
export interface UpstreamWatch {
  upstreamRequest: ClientRequest | undefined;
  /** Idle timeout of this exchange (ms). */
  upstreamDeadlineMs: number;
  /** Bytes read + written on the upstream socket at the last sweep that saw them change. */
  upstreamActivity: number;
  /** performance.now() when that change was seen (or the watch began). */
  upstreamIdleSince: number;
  /** Position in the sweeper's list, -1 when not watched. */
  upstreamWatchIndex: number;
}

const MIN_TICK_MS = 10;
const MAX_TICK_MS = 1000;

export class UpstreamDeadlines {
  /**
   * Watched exchanges, each knowing its index: O(1) add and swap-remove. (A Set here made
   * every scavenge several times slower under load: measured, not understood in detail.)
   */
  private readonly watched: UpstreamWatch[] = [];
  private timer: NodeJS.Timeout | undefined;
  private tickMs = MAX_TICK_MS;
  /** Sweeps in a row that found nothing to watch: the interval stops after two. */
  private idleSweeps = 0;

  watch(exchange: UpstreamWatch, timeoutMs: number): void {
    exchange.upstreamDeadlineMs = timeoutMs;
    exchange.upstreamActivity = -1;
    exchange.upstreamIdleSince = performance.now();
    if (exchange.upstreamWatchIndex < 0) exchange.upstreamWatchIndex = this.watched.push(exchange) - 1;
    const tick = Math.min(MAX_TICK_MS, Math.max(MIN_TICK_MS, Math.floor(timeoutMs / 4)));
    if (this.timer === undefined || tick < this.tickMs) this.start(tick);
  }

  unwatch(exchange: UpstreamWatch): void {
    const index = exchange.upstreamWatchIndex;
    if (index < 0) return;
    exchange.upstreamWatchIndex = -1;
    const last = this.watched.pop()!;
    if (last !== exchange) {
      this.watched[index] = last;
      last.upstreamWatchIndex = index;
    }
  }

  /** How many exchanges are watched. */
  get size(): number {
    return this.watched.length;
  }

  private start(tickMs: number): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.tickMs = tickMs;
    this.idleSweeps = 0;
    this.timer = setInterval(() => this.sweep(), tickMs);
    this.timer.unref();
  }

  private sweep(): void {
    if (this.watched.length === 0) {
      // Stop when idle; the tick also goes back to the longest once nothing short is watched.
      if (++this.idleSweeps >= 2) {
        clearInterval(this.timer);
        this.timer = undefined;
        this.tickMs = MAX_TICK_MS;
      }
      return;
    }
    this.idleSweeps = 0;
    const now = performance.now();
    // Backwards, so that a swap-remove only moves an entry already visited.
    for (let i = this.watched.length - 1; i >= 0; i--) {
      const exchange = this.watched[i]!;
      const request = exchange.upstreamRequest;
      const socket = request?.socket;
      if (request === undefined || request.destroyed || socket == null) {
        this.unwatch(exchange);
        continue;
      }
      // Like setTimeout on a connecting socket, the idle clock starts once it is connected.
      const activity = socket.connecting ? -1 : socket.bytesRead + socket.bytesWritten;
      if (activity !== exchange.upstreamActivity || activity === -1) {
        exchange.upstreamActivity = activity;
        exchange.upstreamIdleSince = now;
      } else if (now - exchange.upstreamIdleSince >= exchange.upstreamDeadlineMs) {
        this.unwatch(exchange);
        const error = new Error('upstream timed out') as NodeJS.ErrnoException;
        error.code = GatewayErrorCode.upstreamTimeout;
        request.destroy(error);
      }
    }
  }
}
