/**
 * The gateway runtime (data plane): takes config snapshots and serves traffic. `apply` compiles
 * and validates the whole snapshot and binds any new port before anything changes; then the
 * routing tables are swapped in one synchronous step. Requests already running finish on the
 * snapshot they started on; its policy instances are disposed when the last one ends.
 */
import type { CounterStore } from '../policies/counters';
import { MemoryCounterStore } from '../policies/counters';
import { BindingStates, type BindingStateChange } from './binding-states';
import type { BreakpointController } from './breakpoints';
import { compileSnapshot, type CompiledSnapshot, type GatewayLog, type PolicyCatalogueLookup, type PolicyDefinitionLookup } from './compile';
import { Dispatcher } from './dispatcher';
import { buildHealth, type ConfigErrorReport, type GatewayHealth } from './health';
import { ListenerHost, type ListenerTimeouts } from './listener';
import type { RecordedResponseListener } from './mock';
import type { GatewaySnapshot } from './snapshot';
import { SnapshotError } from './snapshot-error';
import type { RequestFactListener } from './telemetry';
import { AgentPool } from './upstream';
import { UpstreamProber, type UpstreamStatus, type UpstreamTransition } from './upstream-probes';

export { SnapshotError } from './snapshot-error';
export type { GatewayHealth } from './health';
export type { UpstreamStatus, UpstreamTransition } from './upstream-probes';
export type { BindingStateChange } from './binding-states';

export interface GatewayRuntimeOptions {
  counters?: CounterStore;
  onRequest?: RequestFactListener;
  log?: GatewayLog;
  timeouts?: { headersMs?: number; requestBodyMs?: number; keepAliveMs?: number; upstreamMs?: number };
  env?: Record<string, string | undefined>;
  name?: string;
  /** Copy request and response headers into every RequestFact (costs an object per request). */
  captureHeaders?: boolean;
  /** Keep the first N bytes of each request and response body in its RequestFact (default 0: none). */
  captureBodyBytes?: number;
  /** Catalogue schemas: policy configs are parsed (and defaults filled in) when a snapshot is applied. */
  catalogue?: PolicyCatalogueLookup;
  /** How long removed listeners may take to drain on reload (default 10 s). */
  reloadGraceMs?: number;
  /** Enables dry runs for callers that send this token in `x-gatehouse-dry-run` (the app's Try it). */
  dryRunToken?: string;
  /** Gets the upstream responses of APIs whose snapshot asks for a recording. */
  onRecorded?: RecordedResponseListener;
  /** Breakpoints: pause matching requests/responses for the developer (embedded gateway and local mode). */
  breakpoints?: BreakpointController;
  /** Custom policies' implementations by name (CustomPolicyLibrary.definition), before the built-ins. */
  policies?: PolicyDefinitionLookup;
}

export interface ListenerAddress {
  host: string;
  port: number;
  protocol: 'http' | 'https';
}

const DEFAULTS = { headersMs: 10_000, requestBodyMs: 30_000, keepAliveMs: 5_000, upstreamMs: 30_000 };

const defaultLog: GatewayLog = (level, message) => {
  if (level !== 'info') process.stderr.write(`gatehouse ${level}: ${message}\n`);
};

export class GatewayRuntime {
  private current: CompiledSnapshot | undefined;
  private readonly hosts = new Map<string, ListenerHost>();
  /** Listeners removed by a reload that are still finishing their requests. */
  private readonly retiring = new Set<ListenerHost>();
  private readonly live = new Set<CompiledSnapshot>();
  private readonly agents = new AgentPool();
  private readonly dispatcher: Dispatcher;
  /** health-check-flex probes of the serving snapshot's upstreams. */
  private readonly prober: UpstreamProber;
  /** States bindings report (an open circuit). */
  private readonly states: BindingStates;
  private readonly counters: CounterStore;
  private readonly log: GatewayLog;
  private readonly timeouts: ListenerTimeouts;
  private readonly defaultUpstreamMs: number;
  private readonly startedAt = Date.now();
  private lastConfigError: ConfigErrorReport | null = null;
  private queue: Promise<unknown> = Promise.resolve();
  private stopped = false;

  constructor(private readonly options: GatewayRuntimeOptions = {}) {
    this.counters = options.counters ?? new MemoryCounterStore();
    this.log = options.log ?? defaultLog;
    const timeouts = { ...DEFAULTS, ...definedOnly(options.timeouts ?? {}) };
    this.timeouts = { headersMs: timeouts.headersMs, requestBodyMs: timeouts.requestBodyMs, keepAliveMs: timeouts.keepAliveMs };
    this.defaultUpstreamMs = timeouts.upstreamMs;
    this.dispatcher = new Dispatcher({
      log: this.log,
      upstreamTimeoutMs: timeouts.upstreamMs,
      onRequest: options.onRequest,
      captureHeaders: options.captureHeaders ?? false,
      captureBodyBytes: options.captureBodyBytes ?? 0,
      health: () => this.health(),
      ...(options.dryRunToken ? { dryRunToken: options.dryRunToken } : {}),
      ...(options.onRecorded ? { onRecorded: options.onRecorded } : {}),
      ...(options.breakpoints ? { breakpoints: options.breakpoints } : {}),
    });
    this.prober = new UpstreamProber({ log: this.log });
    this.states = new BindingStates((error) => this.log('error', `binding state listener failed: ${error.message}`));
  }

  /** Bytes of each body captured from now on (the app's setting; 0 turns capture off). */
  setCaptureBodyBytes(bytes: number): void {
    if (!(Number.isInteger(bytes) && bytes >= 0)) throw new RangeError(`captureBodyBytes must be an integer ≥ 0, got ${bytes}`);
    this.dispatcher.captureBodyBytes = this.options.onRequest === undefined ? 0 : bytes;
  }

  /** The token Try it sends for a dry run (undefined: dry runs are off). */
  get dryRunToken(): string | undefined {
    return this.options.dryRunToken;
  }

  /** Version of the snapshot serving traffic, if any. */
  get version(): string | undefined {
    return this.current?.version;
  }

  currentSnapshot(): GatewaySnapshot | undefined {
    return this.current?.snapshot;
  }

  /**
   * Validates, compiles and binds, then swaps. Throws SnapshotError (old snapshot still serving)
   * when anything is invalid, including a port that cannot be bound. Calls are serialized.
   */
  apply(snapshot: GatewaySnapshot): Promise<void> {
    const run = this.queue.then(() => this.applyNow(snapshot));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async applyNow(snapshot: GatewaySnapshot): Promise<void> {
    if (this.stopped) throw new SnapshotError('the gateway is stopped');
    let compiled: CompiledSnapshot;
    try {
      compiled = compileSnapshot(snapshot, {
        counters: this.counters,
        env: this.options.env ?? process.env,
        log: this.log,
        agents: this.agents,
        catalogue: this.options.catalogue,
        policies: this.options.policies,
        health: (apiId, service) => this.prober.cell(apiId, service),
        states: this.states,
      });
    } catch (error) {
      this.releaseAgents();
      throw error;
    }
    compiled.onDisposed = (disposed) => {
      this.live.delete(disposed);
      this.releaseAgents();
    };

    // Bind every new port first: a port that cannot be bound rejects the whole snapshot.
    const opened: ListenerHost[] = [];
    const switched: { old: ListenerHost; fresh: ListenerHost }[] = [];
    try {
      for (const [key, table] of compiled.listeners) {
        const existing = this.hosts.get(key);
        if (existing && existing.protocol === table.protocol) continue;
        const fresh = new ListenerHost(table, this.dispatcher, this.timeouts);
        if (existing) {
          switched.push({ old: existing, fresh });
          continue;
        }
        await this.bind(fresh, snapshot);
        opened.push(fresh);
      }
      // http ↔ https on the same port: the old server must let go of the port first.
      for (const { old, fresh } of switched) {
        this.retire(old);
        await this.bind(fresh, snapshot);
        opened.push(fresh);
      }
    } catch (error) {
      await Promise.all(opened.map((host) => host.close(0)));
      compiled.dispose();
      this.releaseAgents();
      throw error;
    }

    const previous = this.current;
    this.current = compiled;
    this.live.add(compiled);
    for (const host of opened) this.hosts.set(host.key, host);
    for (const [key, table] of compiled.listeners) {
      const host = this.hosts.get(key)!;
      if (host.table.tlsKey !== table.tlsKey) host.updateTls(table);
      host.table = table;
    }
    for (const [key, host] of this.hosts) {
      if (compiled.listeners.has(key)) continue;
      this.hosts.delete(key);
      this.retire(host);
    }
    previous?.retire();
    this.prober.update(snapshot);
    this.states.retain(new Set(snapshot.listeners.flatMap((listener) => listener.apis.flatMap((api) => api.policies.map((binding) => `${api.id}\u0000${binding.id}`)))));
    this.log('info', `config ${compiled.version} applied: ${[...compiled.listeners.values()].reduce((n, l) => n + l.apis.length, 0)} API(s) on ${compiled.listeners.size} listener(s)`);
  }

  private retire(host: ListenerHost): void {
    this.retiring.add(host);
    void host.close(this.options.reloadGraceMs ?? 10_000).then(() => this.retiring.delete(host));
  }

  private async bind(host: ListenerHost, snapshot: GatewaySnapshot): Promise<void> {
    try {
      await host.listen();
    } catch (error) {
      const index = snapshot.listeners.findIndex((l) => `${l.host}:${l.port}` === host.key);
      const code = (error as NodeJS.ErrnoException).code;
      const reason =
        code === 'EADDRINUSE' ? 'the port is already in use'
        : code === 'EACCES' ? 'permission denied (ports below 1024 need privileges)'
        : code === 'EADDRNOTAVAIL' ? 'that address is not on this machine'
        : (error as Error).message;
      throw SnapshotError.at(`listeners[${index}].port`, `cannot listen on ${host.key}: ${reason}`, snapshot.listeners[index]?.apis[0]?.source);
    }
  }

  private releaseAgents(): void {
    const keys = new Set<string>();
    for (const snapshot of this.live) for (const key of snapshot.agentKeys) keys.add(key);
    this.agents.retain(keys);
  }

  /**
   * The upstream timeout of requests without a response-timeout policy (local mode's
   * Configuration `timeouts`); undefined restores the one given at construction. It is read
   * when a request is forwarded, so requests forwarded from now on use it; listener timeouts
   * (headers, body, keep-alive) stay as constructed.
   */
  setUpstreamTimeout(ms: number | undefined): void {
    (this.dispatcher as { upstreamTimeoutMs: number }).upstreamTimeoutMs = ms ?? this.defaultUpstreamMs;
  }

  /** What the health endpoint and UI show about the last rejected config change; undefined clears it. */
  reportConfigError(error: { file?: string; line?: number; message: string } | undefined): void {
    this.lastConfigError = error ? { file: error.file ?? null, line: error.line ?? null, message: error.message, at: new Date().toISOString() } : null;
  }

  health(): GatewayHealth {
    return buildHealth({
      current: this.current,
      paused: this.dispatcher.paused,
      lastConfigError: this.lastConfigError,
      counters: this.counters.kind,
      startedAt: this.startedAt,
      name: this.options.name,
      upstreams: this.prober.status(),
    });
  }

  /** Health-check results by API id (APIs with a health-check-flex binding). */
  upstreamHealth(): Record<string, UpstreamStatus> {
    return this.prober.status();
  }

  /** Called once per change of an upstream's health; returns the unsubscribe function. */
  onUpstreamTransition(listener: (transition: UpstreamTransition) => void): () => void {
    return this.prober.onTransition(listener);
  }

  /** Bindings tripped right now (open circuits), for the API view. */
  trippedBindings(): BindingStateChange[] {
    return this.states.tripped();
  }

  /** Called once per change of a binding's state (a circuit opening or closing); returns the unsubscribe function. */
  onBindingState(listener: (change: BindingStateChange) => void): () => void {
    return this.states.onChange(listener);
  }

  listenerAddresses(): ListenerAddress[] {
    return [...this.hosts.values()].map((host) => ({ host: host.host, port: host.port, protocol: host.protocol }));
  }

  /** While paused every request is answered 503 TRAFFIC_PAUSED by the gateway (health still answers). */
  setPaused(paused: boolean): void {
    this.dispatcher.paused = paused;
  }

  get paused(): boolean {
    return this.dispatcher.paused;
  }

  /**
   * Drain (SIGTERM): stop accepting, let in-flight requests finish, close idle keep-alive
   * connections, force-close whatever is left after `graceMs` (default 10 s).
   */
  async stop(options: { graceMs?: number } = {}): Promise<void> {
    this.stopped = true;
    this.prober.stop();
    // Paused messages go on unchanged, so that the drain can finish them.
    this.options.breakpoints?.resumeAll();
    await this.queue;
    const hosts = [...this.hosts.values(), ...this.retiring];
    this.hosts.clear();
    await Promise.all(hosts.map((host) => host.close(options.graceMs ?? 10_000)));
    this.current?.retire();
    for (const snapshot of [...this.live]) snapshot.dispose();
    this.agents.destroyAll();
  }
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
