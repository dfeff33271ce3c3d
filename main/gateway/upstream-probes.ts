/**
 * Active upstream health checks (`health-check-flex`): one probe loop per service of each API
 * that has the binding (its URL path + the configured path), over real HTTP(S) with the
 * service's outbound TLS settings. Healthy/unhealthy thresholds damp single blips; every change
 * of state is reported once through `onTransition`. The API's first service is its upstream in
 * `status()` (the health endpoint, the UI, alerts); every service's state is also kept in a
 * HealthCell that weighted routes read, so an unhealthy upstream gets no traffic. A new
 * snapshot keeps a probe (and its state) when neither the target nor the config changed.
 */
import http from 'node:http';
import https from 'node:https';
import { expectedStatuses, healthCheckSchema, type HealthCheckConfig } from '../../shared/policies/health-check';
import type { GatewayLog } from './compile';
import type { HealthCell } from './routes';
import type { ApiSnapshot, GatewaySnapshot, UpstreamTlsSnapshot } from './snapshot';

export const HEALTH_CHECK_POLICY = 'health-check-flex';

export interface UpstreamStatus {
  /** null until the thresholds have decided (no probe finished yet, or not enough in a row). */
  healthy: boolean | null;
  /** Epoch ms of the last finished probe. */
  lastCheckAt: number | null;
  /** Why the last probe failed (absent after a success). */
  lastError?: string;
  consecutiveFailures: number;
  consecutiveSuccesses: number;
  apiName: string;
  /** What is probed. */
  url: string;
  /** Epoch ms of the last change of `healthy`. */
  since: number | null;
}

export interface UpstreamTransition {
  apiId: string;
  apiName: string;
  /** Present for a service other than the API's first (one of a weighted route's upstreams). */
  service?: string;
  healthy: boolean;
  previous: boolean | null;
  /** Epoch ms. */
  at: number;
  url: string;
  /** What the deciding probe saw: `HTTP 200`, `connect ECONNREFUSED 127.0.0.1:3000`, … */
  detail: string;
}

export interface UpstreamProberOptions {
  log?: GatewayLog;
  onTransition?: (transition: UpstreamTransition) => void;
}

interface ProbeTarget {
  apiId: string;
  apiName: string;
  service: string;
  /** The API's first service: the one `status()` reports. */
  primary: boolean;
  url: string;
  tls?: UpstreamTlsSnapshot;
  config: HealthCheckConfig;
  /** Equal keys: same probe, keep its state across snapshots. */
  key: string;
}

const cellKey = (apiId: string, service: string) => `${apiId}\u0000${service}`;

export class UpstreamProber {
  /** By API id and service name (cellKey). */
  private readonly probes = new Map<string, Probe>();
  private readonly cells = new Map<string, HealthCell>();
  private readonly transitionListeners = new Set<(transition: UpstreamTransition) => void>();
  private readonly log: GatewayLog;
  private stopped = false;

  constructor(options: UpstreamProberOptions = {}) {
    this.log = options.log ?? (() => {});
    if (options.onTransition) this.transitionListeners.add(options.onTransition);
  }

  /** Starts, keeps, replaces or stops probes to match the snapshot's health-check bindings. */
  update(snapshot: GatewaySnapshot): void {
    if (this.stopped) return;
    const targets = new Map<string, ProbeTarget>();
    const services = new Set<string>();
    for (const listener of snapshot.listeners)
      for (const api of listener.apis) {
        for (const service of api.services) services.add(cellKey(api.id, service.name));
        for (const target of this.targetsOf(api)) targets.set(cellKey(target.apiId, target.service), target);
      }
    for (const [key, probe] of this.probes) {
      const target = targets.get(key);
      if (target && target.key === probe.target.key) {
        probe.target.apiName = target.apiName;
        continue;
      }
      probe.stop();
      this.probes.delete(key);
    }
    for (const [key, target] of targets) {
      if (this.probes.has(key)) continue;
      const probe = new Probe(target, this.cell(target.apiId, target.service), (transition) => this.emit(transition));
      this.probes.set(key, probe);
      probe.start();
    }
    // Compiled snapshots hold their cells; services that are gone need no entry here.
    for (const key of this.cells.keys()) if (!services.has(key)) this.cells.delete(key);
  }

  /** The health of one service of an API, updated in place by its probe (null: not probed or undecided). */
  cell(apiId: string, service: string): HealthCell {
    const key = cellKey(apiId, service);
    let cell = this.cells.get(key);
    if (cell === undefined) {
      cell = { healthy: this.probes.get(key)?.snapshot().healthy ?? null };
      this.cells.set(key, cell);
    }
    return cell;
  }

  /** By API id: the state of each API's first service. */
  status(): Record<string, UpstreamStatus> {
    const out: Record<string, UpstreamStatus> = {};
    for (const probe of this.probes.values()) if (probe.target.primary) out[probe.target.apiId] = probe.snapshot();
    return out;
  }

  /** Returns the unsubscribe function. */
  onTransition(listener: (transition: UpstreamTransition) => void): () => void {
    this.transitionListeners.add(listener);
    return () => {
      this.transitionListeners.delete(listener);
    };
  }

  stop(): void {
    this.stopped = true;
    for (const probe of this.probes.values()) probe.stop();
    this.probes.clear();
    this.cells.clear();
  }

  private emit(transition: UpstreamTransition): void {
    for (const listener of [...this.transitionListeners]) {
      try {
        listener(transition);
      } catch (error) {
        this.log('error', `upstream health listener failed: ${(error as Error).message}`);
      }
    }
  }

  private targetsOf(api: ApiSnapshot): ProbeTarget[] {
    if (api.enabled === false) return [];
    const binding = api.policies.find((p) => p.name === HEALTH_CHECK_POLICY && p.enabled !== false);
    if (!binding) return [];
    const apiName = api.name || api.id;
    if (api.services.length === 0) {
      this.log('warn', `API "${apiName}": ${HEALTH_CHECK_POLICY} has no service to probe`);
      return [];
    }
    const parsed = healthCheckSchema.safeParse(binding.config ?? {});
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      this.log('warn', `API "${apiName}": ${HEALTH_CHECK_POLICY} config.${issue.path.map(String).join('.')}: ${issue.message}; not probing`);
      return [];
    }
    const config = parsed.data;
    const targets: ProbeTarget[] = [];
    api.services.forEach((service, index) => {
      let url: string;
      try {
        const base = new URL(service.url);
        url = `${base.origin}${base.pathname.replace(/\/+$/, '')}${config.path}`;
      } catch {
        return; // the runtime rejects such a snapshot before it gets here
      }
      const key = JSON.stringify([url, service.tls ?? null, config]);
      targets.push({ apiId: api.id, apiName, service: service.name, primary: index === 0, url, tls: service.tls, config, key });
    });
    return targets;
  }
}

/** The probe loop of one API. */
class Probe {
  private state: Omit<UpstreamStatus, 'apiName' | 'url'> = {
    healthy: null,
    lastCheckAt: null,
    consecutiveFailures: 0,
    consecutiveSuccesses: 0,
    since: null,
  };
  private timer: NodeJS.Timeout | undefined;
  private inFlight: http.ClientRequest | undefined;
  private stopped = false;

  constructor(
    readonly target: ProbeTarget,
    private readonly cell: HealthCell,
    private readonly onTransition: (transition: UpstreamTransition) => void,
  ) {}

  start(): void {
    this.cell.healthy = null;
    this.schedule(0);
  }

  stop(): void {
    this.stopped = true;
    // Unprobed from now on: an old verdict must not keep an upstream out of rotation.
    this.cell.healthy = null;
    if (this.timer) clearTimeout(this.timer);
    this.inFlight?.destroy();
  }

  snapshot(): UpstreamStatus {
    return { ...this.state, apiName: this.target.apiName, url: this.target.url };
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => this.run(), delayMs);
    this.timer.unref();
  }

  private run(): void {
    const startedAt = Date.now();
    const { config } = this.target;
    this.probeOnce((ok, detail) => {
      if (this.stopped) return;
      this.record(ok, detail);
      // Probes start one interval apart; a slow probe is followed at once, never overlapped.
      this.schedule(Math.max(0, config.intervalSeconds * 1000 - (Date.now() - startedAt)));
    });
  }

  private probeOnce(done: (ok: boolean, detail: string) => void): void {
    const { url, tls, config } = this.target;
    const secure = url.startsWith('https:');
    const timeoutMs = config.timeoutSeconds * 1000;
    let finished = false;
    let timer: NodeJS.Timeout | undefined;
    const finish = (ok: boolean, detail: string) => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      this.inFlight = undefined;
      done(ok, detail);
    };
    const options: https.RequestOptions = {
      method: 'GET',
      // A fresh connection each time: a pooled socket could hide an upstream that went away.
      agent: false,
      headers: { 'user-agent': 'gatehouse-health-check', accept: '*/*' },
    };
    if (secure)
      Object.assign(options, {
        rejectUnauthorized: !tls?.skipValidation,
        ca: tls?.trustedCA,
        cert: tls?.certificate?.crt,
        key: tls?.certificate?.key,
        minVersion: tls?.minVersion,
        maxVersion: tls?.maxVersion,
        ciphers: tls?.ciphers?.join(':'),
      });
    let req: http.ClientRequest;
    try {
      req = (secure ? https : http).request(url, options, (res) => {
        const status = res.statusCode ?? 0;
        res.resume();
        res.on('error', () => {});
        const expected = expectedStatuses(config);
        finish(expected.includes(status), expected.includes(status) ? `HTTP ${status}` : `HTTP ${status}, expected ${expected.join(' or ')}`);
        res.destroy();
      });
    } catch (error) {
      finish(false, (error as Error).message);
      return;
    }
    timer = setTimeout(() => {
      finish(false, `no response within ${config.timeoutSeconds} s`);
      req.destroy();
    }, timeoutMs);
    timer.unref();
    req.on('error', (error: NodeJS.ErrnoException) => finish(false, describeError(error)));
    this.inFlight = req;
    req.end();
  }

  private record(ok: boolean, detail: string): void {
    const { config } = this.target;
    const state = this.state;
    state.lastCheckAt = Date.now();
    if (ok) {
      state.consecutiveSuccesses++;
      state.consecutiveFailures = 0;
      delete state.lastError;
    } else {
      state.consecutiveFailures++;
      state.consecutiveSuccesses = 0;
      state.lastError = detail;
    }
    let next = state.healthy;
    if (ok && state.healthy !== true && state.consecutiveSuccesses >= config.healthyThreshold) next = true;
    if (!ok && state.healthy !== false && state.consecutiveFailures >= config.unhealthyThreshold) next = false;
    if (next === state.healthy || next === null) return;
    const previous = state.healthy;
    state.healthy = next;
    this.cell.healthy = next;
    state.since = state.lastCheckAt;
    this.onTransition({
      apiId: this.target.apiId,
      apiName: this.target.apiName,
      ...(this.target.primary ? {} : { service: this.target.service }),
      healthy: next,
      previous,
      at: state.lastCheckAt,
      url: this.target.url,
      detail,
    });
  }
}

function describeError(error: NodeJS.ErrnoException): string {
  if (error.code === 'ECONNREFUSED') return `connection refused (${error.message.replace(/^connect ECONNREFUSED /, '')})`;
  if (error.code === 'ECONNRESET') return 'connection reset by the upstream';
  if (error.code === 'ENOTFOUND') return `host not found (${(error as { hostname?: string }).hostname ?? ''})`;
  return error.message || String(error.code ?? 'probe failed');
}
