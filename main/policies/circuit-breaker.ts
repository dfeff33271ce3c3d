/**
 * circuit-breaker-flex, after Envoy's circuit breaking (which Flex's policy extends), for
 * HTTP/1.1 where each request in flight holds one upstream connection:
 * - up to `maxConnections` requests go on at once; later ones wait, FIFO, for one to finish;
 * - up to `maxPendingRequests` may wait; beyond that, or once `maxRequests` are outstanding,
 *   the gateway answers 503 at once and the upstream is not called.
 * A request holds its place from this policy's turn until its exchange is over (the request's
 * signal). The first refusal opens the circuit (reported to the runtime: the API shows it, an
 * event is published); it closes once nothing waits and a place is free, at least a second
 * after the last refusal, so a saturated upstream does not flap the state.
 */
import { CIRCUIT_DEFAULTS, type CircuitBreakerConfig } from '../../shared/policies/circuit-breaker';
import type { PolicyCompileContext, PolicyDecision, PolicyDefinition, PolicyInstance, PolicyRequest } from './types';

export const CIRCUIT_OPEN_CODE = 'CIRCUIT_OPEN';

/** How long the circuit stays open after the last refusal, at least. */
export const CIRCUIT_MIN_OPEN_MS = 1000;

interface Waiter {
  request: PolicyRequest;
  since: number;
  resolve: (decision: PolicyDecision) => void;
}

export const circuitBreakerPolicy: PolicyDefinition<CircuitBreakerConfig> = {
  name: 'circuit-breaker-flex',
  create(config, context) {
    return new CircuitBreaker(config, context);
  },
};

class CircuitBreaker implements PolicyInstance {
  private readonly maxConnections: number;
  private readonly maxPending: number;
  private readonly maxRequests: number;
  private active = 0;
  private readonly waiting: Waiter[] = [];
  private open = false;
  private lastRefusal = 0;
  private closeTimer: NodeJS.Timeout | undefined;
  private readonly apiName: string;

  constructor(
    config: CircuitBreakerConfig,
    private readonly context: PolicyCompileContext,
  ) {
    const t = config.thresholds;
    this.maxConnections = t.maxConnections ?? CIRCUIT_DEFAULTS.maxConnections;
    this.maxPending = t.maxPendingRequests ?? CIRCUIT_DEFAULTS.maxPendingRequests;
    this.maxRequests = t.maxRequests ?? CIRCUIT_DEFAULTS.maxRequests;
    this.apiName = context.api.name || context.api.id;
  }

  onRequest(request: PolicyRequest): PolicyDecision | Promise<PolicyDecision> {
    if (this.active >= this.maxRequests) return this.refuse('maxRequests', this.maxRequests, `${this.active} requests outstanding`);
    if (this.active < this.maxConnections) {
      this.hold(request);
      return { action: 'continue', detail: `${this.active}/${this.maxConnections} connections in use` };
    }
    if (this.waiting.length >= this.maxPending) return this.refuse('maxPendingRequests', this.maxPending, `${this.maxConnections} connections in use, ${this.waiting.length} waiting`);
    return new Promise<PolicyDecision>((resolve) => {
      const waiter: Waiter = { request, since: Date.now(), resolve };
      this.waiting.push(waiter);
      // A client that leaves while waiting gives its place up.
      request.signal.addEventListener('abort', () => this.forget(waiter), { once: true });
    });
  }

  dispose(): void {
    if (this.closeTimer !== undefined) clearTimeout(this.closeTimer);
    this.closeTimer = undefined;
    if (this.open) this.setOpen(false, 'the configuration was reloaded');
  }

  /** Takes a place until the exchange is over. */
  private hold(request: PolicyRequest): void {
    this.active++;
    const signal = request.signal;
    if (signal.aborted) return this.release();
    signal.addEventListener('abort', () => this.release(), { once: true });
  }

  private release(): void {
    this.active--;
    const next = this.waiting.shift();
    if (next !== undefined) {
      this.hold(next.request);
      next.resolve({ action: 'continue', detail: `waited ${Date.now() - next.since} ms for a connection (${this.maxConnections} in use)` });
    }
    if (this.open) this.scheduleClose();
  }

  private forget(waiter: Waiter): void {
    const index = this.waiting.indexOf(waiter);
    if (index < 0) return;
    this.waiting.splice(index, 1);
    waiter.resolve({ action: 'continue', detail: 'the client left while waiting' });
  }

  private refuse(threshold: string, limit: number, state: string): PolicyDecision {
    this.lastRefusal = Date.now();
    const detail = `circuit open: ${threshold} (${limit}) reached: ${state}`;
    if (!this.open) this.setOpen(true, detail);
    this.scheduleClose();
    return {
      action: 'reject',
      status: 503,
      code: CIRCUIT_OPEN_CODE,
      message: `circuit open: the upstream of API "${this.apiName}" has ${threshold} (${limit}) reached; the request was not sent`,
      detail,
    };
  }

  private scheduleClose(): void {
    if (this.closeTimer !== undefined) return;
    const wait = Math.max(0, this.lastRefusal + CIRCUIT_MIN_OPEN_MS - Date.now());
    this.closeTimer = setTimeout(() => {
      this.closeTimer = undefined;
      if (!this.open) return;
      const calm = this.waiting.length === 0 && this.active < Math.min(this.maxConnections, this.maxRequests);
      if (calm && Date.now() - this.lastRefusal >= CIRCUIT_MIN_OPEN_MS) this.setOpen(false, `closed: ${this.active} in flight, none waiting`);
      else this.scheduleClose();
    }, Math.max(wait, 50));
    this.closeTimer.unref();
  }

  private setOpen(open: boolean, detail: string): void {
    this.open = open;
    this.context.log(open ? 'warn' : 'info', detail);
    this.context.reportState?.({ tripped: open, detail });
  }
}
