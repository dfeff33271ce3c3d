/**
 * Turns buckets (stored rows plus not-yet-flushed aggregates) into the numbers the contract
 * serves: an API's metrics over a window with a chart series, and window statistics for the
 * alert evaluator.
 */
import type { ApiMetrics, StatusClass } from '../../../shared/contract/telemetry-models';
import { Aggregate, type BucketData, OTHER_CLIENTS } from './aggregator';
import { addSparse, newHistogram, quantile } from './histogram';
import type { BucketKind } from './telemetry-db';

/** A bucket from either side of the flush: a stored row or a pending in-memory aggregate. */
export type BucketSource = { apiId: string; t: number } & ({ data: BucketData; aggregate?: undefined } | { data?: undefined; aggregate: Aggregate });

export interface WindowPlan {
  kind: BucketKind;
  /** Bucket width, ms. */
  resolution: number;
  /** First bucket start included. */
  fromT: number;
  /** End, exclusive: the current bucket's end. */
  toT: number;
  /** Width of one series point, ms (a multiple of the resolution). */
  step: number;
}

const STEPS_SECONDS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10_800, 21_600, 43_200, 86_400];
const MAX_POINTS = 120;
export const TOP_CLIENTS = 10;

/**
 * The last `windowSeconds` ending now: 1-second buckets while they are kept, else 1-minute
 * buckets. The window ends with the current (partial) bucket, so just-sent traffic counts.
 */
export function planWindow(now: number, windowSeconds: number, secondBucketsMs: number): WindowPlan {
  const kind: BucketKind = windowSeconds * 1000 <= secondBucketsMs ? 'second' : 'minute';
  const resolution = kind === 'second' ? 1000 : 60_000;
  const toT = Math.floor(now / resolution) * resolution + resolution;
  const buckets = Math.max(1, Math.ceil((windowSeconds * 1000) / resolution));
  const fromT = toT - buckets * resolution;
  const stepSeconds = STEPS_SECONDS.find((s) => s * 1000 >= resolution && windowSeconds / s <= MAX_POINTS) ?? 86_400;
  return { kind, resolution, fromT, toT, step: stepSeconds * 1000 };
}

export function addSource(target: Aggregate, source: BucketSource): void {
  if (source.aggregate !== undefined) target.merge(source.aggregate);
  else target.mergeData(source.data);
}

function statusClasses(total: Aggregate): Record<StatusClass, number> {
  const [c2, c3, c4, c5] = total.classes;
  return { '2xx': c2, '3xx': c3, '4xx': c4, '5xx': c5 };
}

function round3(value: number): number {
  return Math.round(value * 1000) / 1000;
}

export function summarizeMetrics(plan: WindowPlan, sources: readonly BucketSource[]): ApiMetrics {
  const total = new Aggregate();
  const firstPoint = Math.floor(plan.fromT / plan.step) * plan.step;
  const pointCount = Math.floor((plan.toT - plan.resolution - firstPoint) / plan.step) + 1;
  const points = Array.from({ length: pointCount }, () => ({ requests: 0, errors: 0, histogram: undefined as Float64Array | undefined }));

  for (const source of sources) {
    if (source.t < plan.fromT || source.t >= plan.toT) continue;
    addSource(total, source);
    const point = points[Math.floor((source.t - firstPoint) / plan.step)];
    if (point === undefined) continue;
    point.histogram ??= newHistogram();
    if (source.aggregate !== undefined) {
      point.requests += source.aggregate.requests;
      point.errors += source.aggregate.errors;
      const from = source.aggregate.histogram;
      for (let i = 0; i < from.length; i++) point.histogram[i] += from[i]!;
    } else {
      point.requests += source.data.requests;
      point.errors += source.data.errors;
      addSparse(point.histogram, source.data.hist);
    }
  }

  const topClients = [...total.clients]
    .filter(([clientId]) => clientId !== OTHER_CLIENTS)
    .sort((a, b) => b[1][0] - a[1][0] || (a[0] < b[0] ? -1 : 1))
    .slice(0, TOP_CLIENTS)
    .map(([clientId, [requests, errors]]) => ({ clientId, requests, errors }));

  return {
    requests: total.requests,
    status: statusClasses(total),
    latencyMs: { p50: total.quantile(0.5), p95: total.quantile(0.95), p99: total.quantile(0.99) },
    policyViolations: total.violationCount,
    violationsByPolicy: Object.fromEntries(total.violations),
    topClients,
    series: points.map((point, i) => ({
      t: firstPoint + i * plan.step,
      requests: point.requests,
      errors: point.errors,
      p95: point.histogram === undefined ? 0 : quantile(point.histogram, point.requests, 0.95),
    })),
  };
}

/** What the alert evaluator reads over a time range. */
export interface WindowStats {
  requests: number;
  errors: number;
  /** Count per exact status code (500, 502, 503, …). */
  byStatus: Record<number, number>;
  statusClasses: Record<StatusClass, number>;
  p95: number;
  avgLatencyMs: number;
  violations: number;
  violationsByPolicy: Record<string, number>;
}

export function summarizeWindow(sources: readonly BucketSource[]): WindowStats {
  const total = new Aggregate();
  for (const source of sources) addSource(total, source);
  return {
    requests: total.requests,
    errors: total.errors,
    byStatus: Object.fromEntries(total.byStatus) as Record<number, number>,
    statusClasses: statusClasses(total),
    p95: total.quantile(0.95),
    avgLatencyMs: total.requests === 0 ? 0 : round3(total.latencySumMs / total.requests),
    violations: total.violationCount,
    violationsByPolicy: Object.fromEntries(total.violations),
  };
}
