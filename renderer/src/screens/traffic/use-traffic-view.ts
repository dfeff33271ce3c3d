/**
 * What the Traffic screen lists: the live window when nothing is filtered; with filters, the
 * server's matches from its whole request log (searched shortly after the filters stop
 * changing) with live matches arriving on top.
 */
import { useEffect, useMemo } from 'react';
import type { TrafficEntry } from '../../../../shared/contract/telemetry-models';
import { useActions, useAppStore } from '../../state/store';
import { searchKey, type TrafficSearch } from '../../state/traffic-search';
import { filterTraffic, mergeMatches, trafficCriteria, type TrafficFilter } from './traffic-filter';

/** Typing pauses this long before the log is searched. */
export const SEARCH_DEBOUNCE_MS = 300;

export interface TrafficView {
  entries: TrafficEntry[];
  filtered: boolean;
  /** The server search for these filters, once started. */
  search: TrafficSearch | undefined;
  /** Filters set, their search not answered yet (waiting for typing to pause, or in flight). */
  searching: boolean;
}

export function useTrafficView(filter: TrafficFilter): TrafficView {
  const traffic = useAppStore((s) => s.traffic);
  const current = useAppStore((s) => s.trafficSearch);
  const { searchTraffic, clearTrafficSearch } = useActions();
  // "Last hour" is the hour before the filters were set.
  const criteria = useMemo(() => trafficCriteria(filter, Date.now()), [filter]);
  const key = criteria ? searchKey(criteria) : undefined;

  useEffect(() => {
    if (!criteria) {
      clearTrafficSearch();
      return;
    }
    const timer = setTimeout(() => void searchTraffic(criteria), SEARCH_DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [criteria, searchTraffic, clearTrafficSearch]);
  useEffect(() => clearTrafficSearch, [clearTrafficSearch]);

  const search = key !== undefined && current?.key === key ? current : undefined;
  const live = useMemo(() => filterTraffic(traffic, criteria), [traffic, criteria]);
  const entries = useMemo(() => (search && search.status !== 'searching' ? mergeMatches(live, search.entries, search.more) : live), [live, search]);
  return { entries, filtered: criteria !== undefined, search, searching: criteria !== undefined && (!search || search.status === 'searching') };
}
