/**
 * Rebuilds per-second ticks from each API's metrics series, so the live charts show the last
 * minutes at once instead of starting empty. Wider points are spread evenly over their seconds.
 */
import type { ContractClient } from '../../../../shared/contract/client';
import type { ApiMetrics, TrafficTick } from '../../../../shared/contract/telemetry-models';

export function ticksFromSeries(apiId: string, series: ApiMetrics['series'], now: number): TrafficTick[] {
  // The last point is the current, partial interval: its requests are spread over the seconds
  // that have passed, never into the future (where the live chart would not show them yet).
  const lastFull = Math.floor(now / 1000) * 1000 - 1000;
  const ticks: TrafficTick[] = [];
  for (let i = 0; i < series.length; i++) {
    const point = series[i]!;
    if (point.requests === 0 && point.errors === 0) continue;
    const next = series[i + 1];
    const stepMs = next ? next.t - point.t : i > 0 ? point.t - series[i - 1]!.t : 1000;
    const starts: number[] = [];
    for (let t = point.t; t < point.t + Math.max(1000, stepMs) && t <= lastFull; t += 1000) starts.push(t);
    if (starts.length === 0) starts.push(Math.min(point.t, lastFull));
    for (const t of starts) ticks.push({ t, apis: [{ apiId, requests: point.requests / starts.length, errors: point.errors / starts.length, p95: point.p95 }] });
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

/**
 * Per API: the whole window (coarse points, spread evenly) overlaid with the last two minutes
 * at one-second resolution (exact), so the recent part of the chart is what really happened.
 */
export async function loadTickHistory(client: ContractClient, apiIds: string[], windowSeconds = 300, now = () => Date.now()): Promise<TrafficTick[]> {
  const perApi = await Promise.allSettled(
    apiIds.slice(0, 25).map(async (apiId) => {
      const [coarse, fine] = await Promise.all([client.metrics.get({ apiId, window: windowSeconds }), client.metrics.get({ apiId, window: 120 })]);
      const exact = ticksFromSeries(apiId, fine.series, now());
      const from = fine.series[0]?.t ?? Number.POSITIVE_INFINITY;
      return [...ticksFromSeries(apiId, coarse.series, now()).filter((tick) => tick.t < from), ...exact];
    }),
  );
  return mergeTicks(perApi.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : [])));
}
