/**
 * A filtered search of the server's whole request log (the live window holds only the newest
 * TRAFFIC_CAP entries). One search at a time: a newer one makes answers to older ones stale,
 * and they are dropped. Pages go older with the `before` cursor.
 */
import type { ContractClient } from '../../../shared/contract/client';
import type { TrafficEntry, TrafficQuery } from '../../../shared/contract/telemetry-models';
import { errorMessage } from '../lib/errors';
import type { Slice } from './store';

/** Matches fetched per page. */
export const SEARCH_PAGE = 500;

/** The filters of a search: 'traffic.list' input without paging. */
export type TrafficSearchCriteria = Omit<TrafficQuery, 'limit' | 'before'>;

export interface TrafficSearch {
  /** Identifies the criteria (stable JSON), so a screen can tell whether this is its search. */
  key: string;
  criteria: TrafficSearchCriteria;
  status: 'searching' | 'ready' | 'error';
  /** Matches in the server's order (newest first); the last one is the paging cursor. */
  entries: TrafficEntry[];
  /** The last page was full: the log may hold older matches. */
  more: boolean;
  loadingMore: boolean;
  error?: string;
}

export interface TrafficSearchSlice {
  trafficSearch: TrafficSearch | undefined;
  /** Starts a search (unless the same one is already there); resolves when its first page is in. */
  searchTraffic(criteria: TrafficSearchCriteria): Promise<void>;
  /** The next page of older matches of the current search. */
  searchOlderTraffic(): Promise<void>;
  clearTrafficSearch(): void;
}

export function searchKey(criteria: TrafficSearchCriteria): string {
  return JSON.stringify(Object.entries(criteria).filter(([, value]) => value !== undefined && value !== '').sort(([a], [b]) => a.localeCompare(b)));
}

export const createTrafficSearchSlice =
  (client: ContractClient): Slice<TrafficSearchSlice> =>
  (set, get) => {
    /** Whether `search` is still the current one (not replaced or cleared meanwhile). */
    const current = (search: TrafficSearch) => get().trafficSearch?.key === search.key;

    return {
      trafficSearch: undefined,
      async searchTraffic(criteria) {
        const key = searchKey(criteria);
        const existing = get().trafficSearch;
        if (existing?.key === key && existing.status !== 'error') return;
        const search: TrafficSearch = { key, criteria, status: 'searching', entries: [], more: false, loadingMore: false };
        set({ trafficSearch: search });
        try {
          const entries = await client.traffic.list({ ...criteria, limit: SEARCH_PAGE });
          if (current(search)) set({ trafficSearch: { ...search, status: 'ready', entries, more: entries.length === SEARCH_PAGE } });
        } catch (error) {
          if (current(search)) set({ trafficSearch: { ...search, status: 'error', error: errorMessage(error) } });
        }
      },
      async searchOlderTraffic() {
        const search = get().trafficSearch;
        const cursor = search?.entries.at(-1);
        if (!search || search.status !== 'ready' || !search.more || search.loadingMore || !cursor) return;
        set({ trafficSearch: { ...search, loadingMore: true } });
        try {
          const older = await client.traffic.list({ ...search.criteria, limit: SEARCH_PAGE, before: cursor.id });
          const latest = get().trafficSearch;
          if (latest && current(search)) set({ trafficSearch: { ...latest, entries: latest.entries.concat(older), more: older.length === SEARCH_PAGE, loadingMore: false } });
        } catch (error) {
          const latest = get().trafficSearch;
          if (latest && current(search)) set({ trafficSearch: { ...latest, loadingMore: false, error: errorMessage(error) } });
        }
      },
      clearTrafficSearch() {
        if (get().trafficSearch !== undefined) set({ trafficSearch: undefined });
      },
    };
  };
