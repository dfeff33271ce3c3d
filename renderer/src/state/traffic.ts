/**
 * Live traffic: the request log (newest first, capped) fed by `traffic.request` events in
 * per-frame batches, and the last minutes of `traffic.tick`s for live charts and sparklines.
 */
import type { ContractClient } from '../../../shared/contract/client';
import type { TrafficEntry, TrafficTick } from '../../../shared/contract/telemetry-models';
import { errorMessage } from '../lib/errors';
import { idle, type LoadState } from './load-state';
import type { Slice } from './store';

/** Entries kept in memory; older ones are still in the server's request log. */
export const TRAFFIC_CAP = 5000;
/** Seconds of ticks kept (the Overview chart shows 5 minutes). */
export const TICK_HISTORY = 600;

export interface TrafficSlice {
  traffic: TrafficEntry[];
  trafficLoad: LoadState;
  trafficPaused: boolean;
  /** Entries that arrived while paused, shown as "N new" and merged on resume. */
  trafficHeld: TrafficEntry[];
  ticks: TrafficTick[];
  loadTraffic(): Promise<void>;
  /** A batch in arrival order (oldest first). */
  ingestTraffic(entries: TrafficEntry[]): void;
  applyTick(tick: TrafficTick): void;
  /** Merges ticks rebuilt from history (by second), e.g. when a screen opens. */
  seedTicks(ticks: TrafficTick[]): void;
  setTrafficPaused(paused: boolean): void;
  clearTraffic(): void;
}

/**
 * Two reports of the same second (a live tick and one rebuilt from history): per API the one
 * that saw more requests wins; a tick sent before the second was fully counted may be short.
 */
export function mergeTick(a: TrafficTick, b: TrafficTick): TrafficTick {
  const byApi = new Map(a.apis.map((entry) => [entry.apiId, entry]));
  for (const entry of b.apis) {
    const existing = byApi.get(entry.apiId);
    if (!existing || entry.requests >= existing.requests) byApi.set(entry.apiId, entry);
  }
  return { t: a.t, apis: [...byApi.values()] };
}

function prepend(existing: TrafficEntry[], batch: TrafficEntry[]): TrafficEntry[] {
  const incoming = batch.slice().reverse();
  if (incoming.length >= TRAFFIC_CAP) return incoming.slice(0, TRAFFIC_CAP);
  const keep = existing.length + incoming.length > TRAFFIC_CAP ? existing.slice(0, TRAFFIC_CAP - incoming.length) : existing;
  return incoming.concat(keep);
}

export const createTrafficSlice =
  (client: ContractClient): Slice<TrafficSlice> =>
  (set, get) => ({
    traffic: [],
    trafficLoad: idle,
    trafficPaused: false,
    trafficHeld: [],
    ticks: [],
    async loadTraffic() {
      if (get().trafficLoad.status !== 'ready') set({ trafficLoad: { status: 'loading' } });
      try {
        const recent = await client.traffic.list({ limit: 1000 });
        // Live entries that raced the list stay; duplicates (same id) are dropped.
        const live = get().traffic;
        const seen = new Set(live.map((entry) => entry.id));
        const merged = live.concat(recent.filter((entry) => !seen.has(entry.id))).sort((a, b) => b.at - a.at);
        set({ traffic: merged.slice(0, TRAFFIC_CAP), trafficLoad: { status: 'ready' } });
      } catch (error) {
        set({ trafficLoad: { status: 'error', error: errorMessage(error) } });
      }
    },
    ingestTraffic(entries) {
      if (entries.length === 0) return;
      if (get().trafficPaused) {
        set({ trafficHeld: get().trafficHeld.concat(entries).slice(-TRAFFIC_CAP) });
        return;
      }
      set({ traffic: prepend(get().traffic, entries) });
    },
    applyTick(tick) {
      const ticks = get().ticks;
      // Usually the newest second; an older one (a late tick) is merged or slotted in order.
      let index = ticks.length;
      while (index > 0 && ticks[index - 1]!.t > tick.t) index--;
      const same = ticks[index - 1];
      let next: TrafficTick[];
      if (same && same.t === tick.t) {
        next = ticks.slice();
        next[index - 1] = mergeTick(same, tick);
      } else next = [...ticks.slice(0, index), tick, ...ticks.slice(index)];
      set({ ticks: next.length > TICK_HISTORY ? next.slice(next.length - TICK_HISTORY) : next });
    },
    seedTicks(seed) {
      const byT = new Map<number, TrafficTick>();
      for (const tick of [...get().ticks, ...seed]) {
        const existing = byT.get(tick.t);
        byT.set(tick.t, existing ? mergeTick(existing, tick) : tick);
      }
      const ticks = [...byT.values()].sort((a, b) => a.t - b.t).slice(-TICK_HISTORY);
      set({ ticks });
    },
    setTrafficPaused(paused) {
      if (paused) return set({ trafficPaused: true });
      const held = get().trafficHeld;
      set({ trafficPaused: false, trafficHeld: [], traffic: prepend(get().traffic, held) });
    },
    clearTraffic() {
      set({ traffic: [], trafficHeld: [] });
    },
  });
