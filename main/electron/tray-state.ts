/**
 * The tray's state, kept current from the control plane: gateways and their APIs (re-read on
 * `resource.changed` and `gateway.status`), firing alert rules, requests per second from
 * `traffic.tick`, and whether traffic is paused (`system.info`, then `traffic.state`). A change
 * made in the window reaches the tray through the same bus events as one made from the tray
 * reaches the window.
 */
import type { ContractEventBus } from '../../shared/contract/events';
import type { ContractHandlers, MethodName, MethodOutput } from '../../shared/contract/methods';
import { callContract, type ErrorLogger } from './contract-call';
import type { TrayState } from './tray-menu';

export interface TrayStateSource {
  handlers: Partial<ContractHandlers>;
  bus: ContractEventBus;
  /** Whether the app starts at login; `undefined` where the platform cannot. */
  startAtLogin(): boolean | undefined;
  logError?: ErrorLogger;
}

export interface TrayStateOptions {
  /** Coalesces bursts of resource events into one re-read. */
  refreshDelayMs?: number;
  /** Ticks come only while there is traffic: after this long without one the rate is 0. */
  rateStaleMs?: number;
}

const REFRESH_KINDS = new Set(['api', 'gateway', 'alertRule', 'config']);

export class TrayStateStore {
  private current: TrayState = { gateways: [], paused: false, requestsPerSecond: 0, activeAlerts: 0, startAtLogin: undefined };
  private readonly listeners = new Set<(state: TrayState) => void>();
  private readonly offs: Array<() => void> = [];
  private refreshTimer: NodeJS.Timeout | undefined;
  private staleTimer: NodeJS.Timeout | undefined;
  private refreshing: Promise<void> | undefined;
  private again = false;
  private disposed = false;
  private readonly refreshDelayMs: number;
  private readonly rateStaleMs: number;

  constructor(
    private readonly source: TrayStateSource,
    options: TrayStateOptions = {},
  ) {
    this.refreshDelayMs = options.refreshDelayMs ?? 50;
    this.rateStaleMs = options.rateStaleMs ?? 2_500;
    const { bus } = source;
    this.offs.push(
      bus.on('resource.changed', (change) => {
        if (REFRESH_KINDS.has(change.kind)) this.scheduleRefresh();
      }),
      bus.on('gateway.status', (gateway) => {
        const known = this.current.gateways.some((g) => g.id === gateway.id);
        if (!known) return this.scheduleRefresh();
        this.update({ gateways: this.current.gateways.map((g) => (g.id === gateway.id ? { ...g, status: gateway.status, port: gateway.port, lastError: gateway.lastError } : g)) });
      }),
      bus.on('alert.fired', () => this.scheduleRefresh()),
      bus.on('alert.resolved', () => this.scheduleRefresh()),
      bus.on('traffic.tick', (tick) => this.onTick(tick.apis.reduce((sum, api) => sum + api.requests, 0))),
      bus.on('traffic.state', (traffic) => this.update({ paused: traffic.paused })),
    );
  }

  get state(): TrayState {
    return this.current;
  }

  /** Called with every new state; returns the unsubscribe function. */
  onChange(listener: (state: TrayState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Re-reads everything now (start-up, after a tray action). Concurrent calls share one read. */
  refresh(): Promise<void> {
    if (this.refreshing) {
      this.again = true;
      return this.refreshing;
    }
    this.refreshing = this.read().finally(() => {
      this.refreshing = undefined;
      if (this.again && !this.disposed) {
        this.again = false;
        void this.refresh();
      }
    });
    return this.refreshing;
  }

  dispose(): void {
    this.disposed = true;
    for (const off of this.offs.splice(0)) off();
    clearTimeout(this.refreshTimer);
    clearTimeout(this.staleTimer);
    this.listeners.clear();
  }

  private scheduleRefresh(): void {
    if (this.disposed || this.refreshTimer) return;
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = undefined;
      void this.refresh();
    }, this.refreshDelayMs);
  }

  private onTick(requests: number): void {
    clearTimeout(this.staleTimer);
    this.staleTimer = setTimeout(() => this.update({ requestsPerSecond: 0 }), this.rateStaleMs);
    this.staleTimer.unref?.();
    this.update({ requestsPerSecond: requests });
  }

  private async list<M extends MethodName>(method: M): Promise<MethodOutput<M> | undefined> {
    const reply = await callContract(this.source.handlers, method, {}, { transport: 'internal' }, this.source.logError);
    if ('error' in reply) {
      this.source.logError?.(`tray: ${method} failed: ${reply.error.message}`, undefined);
      return undefined;
    }
    return reply.result as MethodOutput<M>;
  }

  private async read(): Promise<void> {
    const [gateways, apis, rules, system] = await Promise.all([this.list('gateways.list'), this.list('apis.list'), this.list('alertRules.list'), this.list('system.info')]);
    if (this.disposed) return;
    const next: Partial<TrayState> = { startAtLogin: this.source.startAtLogin() };
    if (system) next.paused = system.traffic.paused;
    if (gateways && apis) {
      next.gateways = gateways.map((gateway) => ({
        id: gateway.id,
        name: gateway.name,
        kind: gateway.kind,
        port: gateway.port,
        status: gateway.status,
        ...(gateway.lastError ? { lastError: gateway.lastError } : {}),
        apis: apis
          .filter((api) => api.gatewayId === gateway.id)
          .sort((a, b) => a.name.localeCompare(b.name))
          .map((api) => ({ id: api.id, name: api.name, basePath: api.basePath, enabled: api.enabled, ...(api.upstreamHealth ? { upstreamHealth: api.upstreamHealth } : {}) })),
      }));
    }
    if (rules) next.activeAlerts = rules.filter((rule) => rule.enabled && rule.state === 'alerting').length;
    this.update(next);
  }

  private update(patch: Partial<TrayState>): void {
    if (this.disposed) return;
    this.current = { ...this.current, ...patch };
    for (const listener of [...this.listeners]) listener(this.current);
  }
}
