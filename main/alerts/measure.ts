/**
 * The value a rule compares with its threshold, read from the sources the control plane hands
 * in: telemetry windows (traffic kinds), the upstream health checks, and gateway status. The
 * sources are plain interfaces so that alerts depend on no control-plane module.
 */
import type { GatewayStatus } from '../../shared/contract/models';
import type { AlertRuleDefinition } from './rule';

/** What the evaluator needs from telemetry (main/control/telemetry's `windowStats` fits). */
export interface AlertWindowStats {
  requests: number;
  byStatus: Record<number, number>;
  p95: number;
  avgLatencyMs: number;
  violations: number;
  violationsByPolicy: Record<string, number>;
}

export interface AlertTelemetry {
  windowStats(query: { apiId?: string; apiIds?: readonly string[]; fromMs: number; toMs: number }): AlertWindowStats;
}

/** One upstream's health as the prober reports it (main/gateway/upstream-probes' UpstreamStatus fits). */
export interface UpstreamHealthView {
  healthy: boolean | null;
  lastError?: string;
  apiName?: string;
}

/** A gateway as the contract shows it (the `Gateway` model fits). */
export interface GatewayView {
  id: string;
  name: string;
  kind: 'embedded' | 'docker';
  status: GatewayStatus;
  desiredReplicas: number;
  replicas: { status: string }[];
  lastError?: string;
}

export interface AlertSources {
  telemetry: AlertTelemetry;
  /** By API id. */
  upstreamHealth?: () => Record<string, UpstreamHealthView>;
  /** Open circuits (circuit-breaker-flex) by API id: why each is open. */
  openCircuits?: () => Record<string, string>;
  gateways?: () => GatewayView[];
  /** The APIs a gateway serves: a traffic rule scoped to a gateway sums them. */
  gatewayApiIds?: (gatewayId: string) => string[];
}

export interface Measurement {
  /** undefined: nothing to compare (e.g. no requests for a response-time rule); never breaches. */
  value: number | undefined;
  /** Why, in words, for the notification (the failing health check, the replicas down). */
  detail?: string;
}

export function measure(rule: AlertRuleDefinition, sources: AlertSources, now: number): Measurement {
  switch (rule.kind) {
    case 'upstream-down':
      return upstreamsDown(rule, sources);
    case 'gateway-down':
      return gatewaysDown(rule, sources);
    case 'circuit-open':
      return circuitsOpen(rule, sources);
    default:
      return fromTraffic(rule, sources, now);
  }
}

const NO_TRAFFIC: AlertWindowStats = { requests: 0, byStatus: {}, p95: 0, avgLatencyMs: 0, violations: 0, violationsByPolicy: {} };

function fromTraffic(rule: AlertRuleDefinition, sources: AlertSources, now: number): Measurement {
  const range = { fromMs: now - rule.windowSeconds * 1000, toMs: now + 1 }; // the current second's bucket counts too
  let stats: AlertWindowStats;
  if (rule.apiId !== undefined) stats = sources.telemetry.windowStats({ apiId: rule.apiId, ...range });
  else if (rule.gatewayId !== undefined && sources.gatewayApiIds) {
    const apiIds = sources.gatewayApiIds(rule.gatewayId);
    stats = apiIds.length > 0 ? sources.telemetry.windowStats({ apiIds, ...range }) : NO_TRAFFIC;
  } else stats = sources.telemetry.windowStats(range);
  switch (rule.kind) {
    case 'request-count':
      return { value: stats.requests };
    case 'response-codes': {
      let count = 0;
      for (const [code, n] of Object.entries(stats.byStatus)) if (codeMatches(Number(code), rule.codes)) count += n;
      return { value: count };
    }
    case 'response-time':
      if (stats.requests === 0) return { value: undefined };
      return { value: rule.statistic === 'p95' ? stats.p95 : stats.avgLatencyMs };
    case 'policy-violations':
      return { value: rule.policy !== undefined ? (stats.violationsByPolicy[rule.policy] ?? 0) : stats.violations };
    default:
      return { value: undefined };
  }
}

export function codeMatches(status: number, codes: readonly (number | string)[]): boolean {
  const statusClass = `${Math.floor(status / 100)}xx`;
  return codes.some((code) => code === status || code === statusClass);
}

/** 1 when the API's upstream fails its health check; without an API, how many upstreams fail. */
function upstreamsDown(rule: AlertRuleDefinition, sources: AlertSources): Measurement {
  const health = sources.upstreamHealth?.() ?? {};
  const down = Object.entries(health).filter(([apiId, status]) => status.healthy === false && (rule.apiId === undefined || apiId === rule.apiId));
  const detail = down.map(([apiId, status]) => `${status.apiName ?? apiId}: ${status.lastError ?? 'health check failing'}`).join('; ');
  return { value: down.length, ...(detail ? { detail } : {}) };
}

/** 1 while the API's circuit is open; without an API, how many circuits are. */
function circuitsOpen(rule: AlertRuleDefinition, sources: AlertSources): Measurement {
  const open = Object.entries(sources.openCircuits?.() ?? {}).filter(([apiId]) => rule.apiId === undefined || apiId === rule.apiId);
  const detail = open.map(([, why]) => why).join('; ');
  return { value: open.length, ...(detail ? { detail } : {}) };
}

/**
 * Units down: an embedded gateway in error counts 1; a docker gateway counts each desired
 * replica that is not connected. A gateway the user stopped is not down.
 */
function gatewaysDown(rule: AlertRuleDefinition, sources: AlertSources): Measurement {
  const gateways = (sources.gateways?.() ?? []).filter((g) => rule.gatewayId === undefined || g.id === rule.gatewayId);
  let value = 0;
  const details: string[] = [];
  for (const gateway of gateways) {
    if (gateway.status === 'stopped' || gateway.status === 'starting') continue;
    let down = 0;
    if (gateway.kind === 'docker') {
      const connected = gateway.replicas.filter((r) => r.status === 'connected').length;
      down = Math.max(0, gateway.desiredReplicas - connected);
      if (down > 0) details.push(`${gateway.name}: ${down} of ${gateway.desiredReplicas} replica(s) not connected`);
    } else if (gateway.status === 'error') {
      down = 1;
      details.push(`${gateway.name}: ${gateway.lastError ?? 'not running'}`);
    }
    value += down;
  }
  return { value, ...(details.length ? { detail: details.join('; ') } : {}) };
}
