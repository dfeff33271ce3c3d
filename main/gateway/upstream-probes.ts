/**
 * Active upstream health checks (`health-check-flex`): one probe loop per API that has the
 * binding, against the API's first service (its URL path + the configured path), over real
 * HTTP(S) with the service's outbound TLS settings. Healthy/unhealthy thresholds damp single
 * blips; every change of state is reported once through `onTransition`. A new snapshot keeps a
 * probe (and its state) when neither the target nor the config changed.
 */
import http from 'node:http';
import https from 'node:https';
import { expectedStatuses, healthCheckSchema, type HealthCheckConfig } from '../../shared/policies/health-check';
import type { GatewayLog } from './compile';
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
  url: string;
  tls?: UpstreamTlsSnapshot;
  config: HealthCheckConfig;
  /** Equal keys: same probe, keep its state across snapshots. */
  key: string;
}

export class UpstreamProber {
  private readonly probes = new Map<string, Probe>();
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
    for (const listener of snapshot.listeners)
      for (const api of listener.apis) {
        const target = this.targetOf(api);
        if (target) targets.set(target.apiId, target);
      }
    for (const [apiId, probe] of this.probes) {
      const target = targets.get(apiId);
      if (target && target.key === probe.target.key) {
        probe.target.apiName = target.apiName;
        continue;
      }
      probe.stop();
      this.probes.delete(apiId);
    }
    for (const [apiId, target] of targets) {
      if (this.probes.has(apiId)) continue;
      const probe = new Probe(target, (transition) => this.emit(transition));
      this.probes.set(apiId, probe);
      probe.start();
    }
  }

  status(): Record<string, UpstreamStatus> {
    const out: Record<string, UpstreamStatus> = {};
    for (const [apiId, probe] of this.probes) out[apiId] = probe.snapshot();
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

  private targetOf(api: ApiSnapshot): ProbeTarget | undefined {
    if (api.enabled === false) return undefined;
    const binding = api.policies.find((p) => p.name === HEALTH_CHECK_POLICY && p.enabled !== false);
    if (!binding) return undefined;
    const apiName = api.name || api.id;
    const service = api.services[0];
    if (!service) {
      this.log('warn', `API "${apiName}": ${HEALTH_CHECK_POLICY} has no service to probe`);
      return undefined;
    }
    const parsed = healthCheckSchema.safeParse(binding.config ?? {});
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      this.log('warn', `API "${apiName}": ${HEALTH_CHECK_POLICY} config.${issue.path.map(String).join('.')}: ${issue.message}; not probing`);
      return undefined;
    }
    let url: string;
    try {
      const base = new URL(service.url);
      url = `${base.origin}${base.pathname.replace(/\/+$/, '')}${parsed.data.path}`;
    } catch {
      return undefined; // the runtime rejects such a snapshot before it gets here
    }
    const config = parsed.data;
    return { apiId: api.id, apiName, url, tls: service.tls, config, key: JSON.stringify([url, service.tls ?? null, config]) };
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
    private readonly onTransition: (transition: UpstreamTransition) => void,
  ) {}

  start(): void {
    this.schedule(0);
  }

  stop(): void {
    this.stopped = true;
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
    state.since = state.lastCheckAt;
    this.onTransition({
      apiId: this.target.apiId,
      apiName: this.target.apiName,
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
