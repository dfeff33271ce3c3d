/**
 * A connected replica (`gatehouse gateway --connect URL --token T`): registers with the control
 * plane, long-polls its gateway's snapshot and applies it to a local GatewayRuntime, sends a
 * heartbeat every 2 s and the requests it served every second; it answers 503 TRAFFIC_PAUSED
 * while the app has paused all traffic (a flag in the snapshot). When the control plane is
 * unreachable it keeps serving its last snapshot (also kept in a cache file, so a restarted
 * container serves at once) and retries with backoff, at most 5 s apart.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { findPolicy } from '../../../shared/policies/catalogue';
import { CustomPolicyLibrary, formatPolicyError } from '../../policies/custom/library';
import { GatewayRuntime } from '../runtime';
import type { CustomPolicySnapshot, GatewaySnapshot, SharedStorageSnapshot } from '../snapshot';
import type { RequestFact, RequestFactListener } from '../telemetry';
import { ControlClient, ControlPlaneError } from './control-client';
import { HEARTBEAT_INTERVAL_MS, TELEMETRY_INTERVAL_MS, type Heartbeat } from './protocol';
import { SharedCounters } from './shared-counters';
import { REPLICA_BODY_BYTES, TelemetryQueue } from './telemetry-queue';

export type ConnectionState = 'connecting' | 'connected' | 'unreachable' | 'rejected';
export type ConnectedLog = (level: 'info' | 'warn' | 'error', message: string) => void;

export interface ConnectedGatewayOptions {
  url: string;
  token: string;
  /** Replica name shown by the control plane (unique per gateway). */
  name: string;
  /** Overrides the snapshot listener's port (each replica of a gateway listens on its own). */
  listenPort?: number;
  /** Overrides the listener's interface (`0.0.0.0` inside a bridge-networked container). */
  listenHost?: string;
  /**
   * Host that stands for the host machine's loopback (`host.docker.internal` in a bridge-networked
   * container): upstream URLs on 127.0.0.1 / localhost / [::1] are rewritten to it.
   */
  loopbackAlias?: string;
  /** Where the last snapshot is kept for a restart while the control plane is away. */
  cacheFile?: string;
  version?: string;
  log?: ConnectedLog;
  /** Every finished request (access log); telemetry is sent to the control plane regardless. */
  onRequest?: RequestFactListener;
  heartbeatMs?: number;
  telemetryMs?: number;
  maxBackoffMs?: number;
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });

export class ConnectedGateway {
  readonly runtime: GatewayRuntime;
  /** Custom policies shipped with the snapshot as bundled code (no compiler in a replica). */
  readonly customPolicies: CustomPolicyLibrary;
  private readonly client: ControlClient;
  private readonly counters: SharedCounters;
  private readonly telemetry = new TelemetryQueue();
  private readonly log: ConnectedLog;
  private readonly abort = new AbortController();
  private stateValue: ConnectionState = 'connecting';
  private stateListeners = new Set<(state: ConnectionState) => void>();
  /** The newest version received (applied or not), so a rejected snapshot is not fetched again and again. */
  private seenVersion: string | undefined;
  private registered = false;
  private loop: Promise<void> | undefined;
  private timers: NodeJS.Timeout[] = [];
  private sendingTelemetry = false;

  constructor(private readonly options: ConnectedGatewayOptions) {
    this.log = options.log ?? ((level, message) => process.stderr.write(`gatehouse ${level}: ${message}\n`));
    this.client = new ControlClient(options.url, options.token);
    this.counters = new SharedCounters((level, message) => this.log(level, message));
    const library = new CustomPolicyLibrary({
      onBlocked: (report) => this.log('warn', `custom policy ${report.policy} blocked the event loop for ${Math.round(report.durationMs)} ms in ${report.hook} (limit ${report.limitMs} ms)`),
    });
    this.customPolicies = library;
    this.runtime = new GatewayRuntime({
      name: options.name,
      catalogue: (name) => findPolicy(name) ?? library.catalogueEntry(name),
      policies: (name) => library.definition(name),
      counters: this.counters,
      log: this.log,
      // The control plane's traffic view shows the bodies' first bytes (bounded in the queue too).
      captureBodyBytes: REPLICA_BODY_BYTES,
      onRequest: (fact: RequestFact) => {
        this.telemetry.push(fact);
        options.onRequest?.(fact);
      },
    });
  }

  get state(): ConnectionState {
    return this.stateValue;
  }

  /** Resolves at once; the replica serves as soon as it has a snapshot (cached or fetched). */
  async start(): Promise<void> {
    const cached = this.readCache();
    if (cached) {
      this.log('info', `serving the cached config ${cached.version} until the control plane answers`);
      await this.applySnapshot(cached, false);
    }
    this.loop = this.pollLoop();
    this.timers.push(setInterval(() => void this.sendHeartbeat(), this.options.heartbeatMs ?? HEARTBEAT_INTERVAL_MS));
    this.timers.push(setInterval(() => void this.sendTelemetry(), this.options.telemetryMs ?? TELEMETRY_INTERVAL_MS));
  }

  /** Resolves when the state becomes `state` (tests, start-up messages). */
  waitFor(state: ConnectionState, timeoutMs = 10_000): Promise<void> {
    if (this.stateValue === state) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.stateListeners.delete(listener);
        reject(new Error(`replica not ${state} within ${timeoutMs} ms (it is ${this.stateValue})`));
      }, timeoutMs);
      const listener = (next: ConnectionState) => {
        if (next !== state) return;
        clearTimeout(timer);
        this.stateListeners.delete(listener);
        resolve();
      };
      this.stateListeners.add(listener);
    });
  }

  private setState(next: ConnectionState, why?: string): void {
    if (next === this.stateValue) return;
    const previous = this.stateValue;
    this.stateValue = next;
    if (next === 'connected') this.log('info', `${previous === 'connecting' ? 'connected to' : 'reconnected to'} the control plane at ${this.client.endpoint}`);
    else if (next === 'unreachable') this.log('warn', `${why ?? 'control plane unreachable'}; still serving config ${this.runtime.version ?? '(none yet)'}, retrying`);
    else if (next === 'rejected') this.log('error', `${why ?? 'token rejected'}; the gateway was deleted or its token revoked. Still serving config ${this.runtime.version ?? '(none yet)'}, retrying`);
    for (const listener of [...this.stateListeners]) listener(next);
  }

  private async pollLoop(): Promise<void> {
    const signal = this.abort.signal;
    const maxBackoff = this.options.maxBackoffMs ?? 5000;
    let backoff = 250;
    while (!signal.aborted) {
      try {
        if (!this.registered) {
          const serving = this.runtime.version;
          const reply = await this.client.register(
            { name: this.options.name, listenPort: this.options.listenPort, version: this.options.version, ...(serving ? { configVersion: serving } : {}) },
            signal,
          );
          this.registered = true;
          this.setState('connected');
          if (this.seenVersion === undefined) this.log('info', `registered as replica "${reply.name}" of gateway "${reply.gatewayName}"`);
        }
        const reply = await this.client.snapshot(this.seenVersion, this.options.name, signal);
        this.setState('connected');
        backoff = 250;
        if (reply) {
          this.seenVersion = reply.version;
          await this.applySnapshot(reply.snapshot, true);
        }
      } catch (error) {
        if (signal.aborted) break;
        this.registered = false;
        const rejected = error instanceof ControlPlaneError && error.rejected;
        this.setState(rejected ? 'rejected' : 'unreachable', (error as Error).message);
        await sleep(backoff, signal);
        backoff = Math.min(backoff * 2, maxBackoff);
      }
    }
  }

  private localize(snapshot: GatewaySnapshot): GatewaySnapshot {
    const { listenPort, listenHost, loopbackAlias } = this.options;
    if (listenPort === undefined && listenHost === undefined && loopbackAlias === undefined) return snapshot;
    return {
      ...snapshot,
      listeners: snapshot.listeners.map((listener, index) => ({
        ...listener,
        ...(listenPort !== undefined && index === 0 ? { port: listenPort } : {}),
        ...(listenHost !== undefined ? { host: listenHost } : {}),
        apis: loopbackAlias === undefined ? listener.apis : listener.apis.map((api) => ({ ...api, services: api.services.map((service) => ({ ...service, url: rewriteLoopback(service.url, loopbackAlias) })) })),
      })),
    };
  }

  /** Redis on the host's loopback is the alias host inside a bridge-networked container, too. */
  private localStorage(storage: SharedStorageSnapshot | undefined): SharedStorageSnapshot | undefined {
    const alias = this.options.loopbackAlias;
    const redis = storage?.redis;
    if (!alias || !redis) return storage;
    const [host, ...port] = redis.address.split(':');
    const address = /^rediss?:\/\//.test(redis.address) ? rewriteLoopback(redis.address, alias) : ['127.0.0.1', 'localhost'].includes(host!) ? [alias, ...port].join(':') : redis.address;
    return { ...storage, redis: { ...redis, address } };
  }

  private async applySnapshot(snapshot: GatewaySnapshot, fromControlPlane: boolean): Promise<void> {
    const previous = this.runtime.version;
    // "Pause all traffic" holds even when the config that came with it is rejected.
    const paused = snapshot.trafficPaused === true;
    if (paused !== this.runtime.paused) this.log(paused ? 'warn' : 'info', paused ? 'traffic paused from Gatehouse: answering 503 TRAFFIC_PAUSED' : 'traffic resumed');
    this.runtime.setPaused(paused);
    try {
      this.loadCustomPolicies(snapshot.customPolicies ?? []);
      await this.runtime.apply(this.localize(snapshot));
      this.counters.use(this.localStorage(snapshot.sharedStorage));
      this.runtime.reportConfigError(undefined);
      const ports = this.runtime.listenerAddresses().map((a) => `${a.protocol}://${a.host}:${a.port}`).join(', ');
      this.log('info', `config ${previous ? `${previous} → ` : ''}${snapshot.version} applied; listening on ${ports || '(no listener: the gateway is stopped)'}`);
      if (fromControlPlane) this.writeCache(snapshot);
      void this.sendHeartbeat();
    } catch (error) {
      const message = (error as Error).message;
      this.runtime.reportConfigError({ message });
      this.log('error', `config ${snapshot.version} rejected, still serving ${previous ?? '(none)'}: ${message}`);
    }
  }

  /**
   * Instantiates the shipped code of each custom policy whose checksum is new. One that fails
   * (checksum mismatch, throws on load) rejects the whole snapshot: the last good config serves.
   */
  private loadCustomPolicies(policies: readonly CustomPolicySnapshot[]): void {
    for (const shipped of policies) {
      const current = this.customPolicies.policies().find((policy) => policy.name === shipped.name);
      if (current?.checksum === shipped.checksum) continue;
      const loaded = this.customPolicies.loadCode(shipped.code, shipped.source, shipped.checksum);
      if (loaded.error || loaded.policy?.checksum !== shipped.checksum)
        throw new Error(`custom policy ${shipped.name} ${shipped.version}: ${loaded.error ? formatPolicyError(loaded.error) : 'did not load'}`);
      this.log('info', `custom policy ${shipped.name} ${shipped.version} loaded (sha256 ${shipped.checksum.slice(0, 12)})`);
    }
  }

  private heartbeat(): Heartbeat {
    const health = this.runtime.health();
    return {
      name: this.options.name,
      ...(this.options.listenPort !== undefined ? { listenPort: this.options.listenPort } : {}),
      ...(health.configVersion ? { configVersion: health.configVersion } : {}),
      status: health.configVersion ? health.status : 'starting',
      counters: health.counters,
      ...(health.lastConfigError ? { lastConfigError: health.lastConfigError.message } : {}),
    };
  }

  private async sendHeartbeat(): Promise<void> {
    if (this.abort.signal.aborted || !this.registered) return;
    try {
      await this.client.heartbeat(this.heartbeat(), this.abort.signal);
    } catch {
      // The poll loop notices and reports connection trouble; a heartbeat just tries again.
    }
  }

  private async sendTelemetry(): Promise<void> {
    if (this.sendingTelemetry || this.telemetry.size === 0 || !this.registered) return;
    this.sendingTelemetry = true;
    const batch = this.telemetry.take(5000);
    try {
      await this.client.telemetry({ name: this.options.name, facts: batch.facts, ...(batch.dropped ? { dropped: batch.dropped } : {}) });
    } catch {
      this.telemetry.giveBack(batch);
    } finally {
      this.sendingTelemetry = false;
    }
  }

  private readCache(): GatewaySnapshot | undefined {
    if (!this.options.cacheFile) return undefined;
    try {
      const snapshot = JSON.parse(readFileSync(this.options.cacheFile, 'utf8')) as GatewaySnapshot;
      return typeof snapshot.version === 'string' && Array.isArray(snapshot.listeners) ? snapshot : undefined;
    } catch {
      return undefined;
    }
  }

  private writeCache(snapshot: GatewaySnapshot): void {
    const file = this.options.cacheFile;
    if (!file) return;
    try {
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(`${file}.tmp`, JSON.stringify(snapshot), { mode: 0o600 });
      renameSync(`${file}.tmp`, file);
    } catch (error) {
      this.log('warn', `cannot cache the config in ${file}: ${(error as Error).message}`);
    }
  }

  /** Stops polling, sends what telemetry it can, drains the runtime. */
  async stop(options: { graceMs?: number } = {}): Promise<void> {
    if (this.abort.signal.aborted) return;
    this.abort.abort();
    for (const timer of this.timers) clearInterval(timer);
    await this.loop;
    await this.runtime.stop({ graceMs: options.graceMs ?? 10_000 });
    if (this.telemetry.size > 0 && this.registered) {
      const batch = this.telemetry.take(50_000);
      await this.client.telemetry({ name: this.options.name, facts: batch.facts }).catch(() => undefined);
    }
    await this.counters.close();
  }
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** `http://127.0.0.1:3000/x` → `http://host.docker.internal:3000/x`; other hosts unchanged. */
export function rewriteLoopback(url: string, alias: string): string {
  try {
    const parsed = new URL(url);
    if (!LOOPBACK_HOSTS.has(parsed.hostname)) return url;
    parsed.hostname = alias;
    return parsed.toString();
  } catch {
    return url;
  }
}
