/**
 * Rebuilds per-second ticks from each API's metrics series, so the live charts show the last
 * minutes at once instead of starting empty. Wider points are spread evenly over their seconds.
 */
import type { ContractClient } from '../../../../shared/contract/client';
import type { ApiMetrics, TrafficTick } from '../../../../shared/contract/telemetry-models';

export function ticksFromSeries(apiId: string, series: ApiMetrics['series']): TrafficTick[] {
  const ticks: TrafficTick[] = [];
  for (let i = 0; i < series.length; i++) {
    const point = series[i]!;
    const next = series[i + 1];
    const stepMs = next ? next.t - point.t : i > 0 ? point.t - series[i - 1]!.t : 1000;
    const seconds = Math.max(1, Math.round(stepMs / 1000));
    for (let s = 0; s < seconds; s++) {
      ticks.push({ t: point.t + s * 1000, apis: [{ apiId, requests: point.requests / seconds, errors: point.errors / seconds, p95: point.p95 }] });
    }
  }
  return ticks;
}

/** Merges several APIs' ticks by second. */
export function mergeTicks(lists: TrafficTick[][]): TrafficTick[] {
  const byT = new Map<number, TrafficTick>();
  for (const list of lists)
    for (const tick of list) {
      const existing = byT.get(tick.t);
      if (existing) existing.apis.push(...tick.apis);
      else byT.set(tick.t, { t: tick.t, apis: [...tick.apis] });
    }
  return [...byT.values()].sort((a, b) => a.t - b.t);
}

export async function loadTickHistory(client: ContractClient, apiIds: string[], windowSeconds = 300): Promise<TrafficTick[]> {
  const results = await Promise.allSettled(apiIds.slice(0, 25).map((apiId) => client.metrics.get({ apiId, window: windowSeconds }).then((m) => ticksFromSeries(apiId, m.series))));
  return mergeTicks(results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : [])));
}
