/**
 * The Traffic screen's filter bar and what it found: the live count when nothing is filtered,
 * else where the search of the stored request log stands.
 */
import type { Api } from '../../../../shared/contract/models';
import type { StatusClass } from '../../../../shared/contract/telemetry-models';
import { formatCount } from '../../lib/format';
import { Button } from '../../ui/button';
import { emptyFilter, type TimeRange, type TrafficFilter } from './traffic-filter';
import type { TrafficView } from './use-traffic-view';

export interface TrafficFiltersProps {
  filter: TrafficFilter;
  onChange(filter: TrafficFilter): void;
  apis: readonly Api[];
  view: TrafficView;
  /** Entries in the live window. */
  total: number;
  paused: boolean;
  onRetry(): void;
  onOlder(): void;
}

export function TrafficFilters({ filter, onChange, apis, view, total, paused, onRetry, onOlder }: TrafficFiltersProps) {
  const update = (patch: Partial<TrafficFilter>) => onChange({ ...filter, ...patch });
  return (
    <div className="filters" role="search" aria-label="Filter requests">
      <label className="filter">
        <span className="filter-label">API</span>
        <select className="select select-sm" value={filter.apiId} onChange={(e) => update({ apiId: e.target.value })}>
          <option value="">All APIs</option>
          {apis.map((api) => (
            <option key={api.id} value={api.id}>
              {api.name}
            </option>
          ))}
        </select>
      </label>
      <label className="filter">
        <span className="filter-label">Status</span>
        <select className="select select-sm" value={filter.statusClass} onChange={(e) => update({ statusClass: e.target.value as StatusClass | '' })}>
          <option value="">Any</option>
          <option value="2xx">2xx</option>
          <option value="3xx">3xx</option>
          <option value="4xx">4xx</option>
          <option value="5xx">5xx</option>
        </select>
      </label>
      <label className="filter">
        <span className="filter-label">Answered by</span>
        <select className="select select-sm" value={filter.source} onChange={(e) => update({ source: e.target.value as TrafficFilter['source'] })}>
          <option value="">Any</option>
          <option value="gateway">Gateway</option>
          <option value="upstream">Upstream</option>
          <option value="mock">Mock</option>
        </select>
      </label>
      <label className="filter">
        <span className="filter-label">Time</span>
        <select className="select select-sm" value={filter.range} onChange={(e) => update({ range: e.target.value as TimeRange | '' })}>
          <option value="">Any time</option>
          <option value="15m">Last 15 minutes</option>
          <option value="1h">Last hour</option>
          <option value="24h">Last 24 hours</option>
        </select>
      </label>
      <label className="filter">
        <span className="filter-label">Client</span>
        <input className="input input-sm" value={filter.clientId} onChange={(e) => update({ clientId: e.target.value })} placeholder="client id" />
      </label>
      <label className="filter filter-grow">
        <span className="filter-label">Search</span>
        <input className="input input-sm" type="search" value={filter.text} onChange={(e) => update({ text: e.target.value })} placeholder="Method, path, status, policy or error" />
      </label>
      {view.filtered ? (
        <Button size="sm" variant="ghost" onClick={() => onChange(emptyFilter)}>
          Reset
        </Button>
      ) : null}
      {view.filtered ? (
        <SearchState view={view} onRetry={onRetry} onOlder={onOlder} />
      ) : (
        <span className="muted small filters-count" data-testid="traffic-count">
          {formatCount(total)} requests{paused ? ' · paused' : ''}
        </span>
      )}
    </div>
  );
}

function SearchState({ view, onRetry, onOlder }: { view: TrafficView; onRetry(): void; onOlder(): void }) {
  const { search, entries } = view;
  let text: string;
  if (view.searching) text = 'Searching the request log\u2026';
  else if (search?.status === 'error') text = `Could not search the request log: ${search.error ?? 'unknown error'}`;
  else if (entries.length === 0) text = 'No matches in the stored log';
  else text = `${formatCount(entries.length)}${search?.more ? '+' : ''} ${entries.length === 1 && !search?.more ? 'match' : 'matches'}`;
  return (
    <span className="muted small filters-count" role="status" data-testid="traffic-search-state">
      {text}
      {search?.status === 'error' ? (
        <>
          {' '}
          <Button size="sm" variant="ghost" onClick={onRetry}>
            Retry
          </Button>
        </>
      ) : null}
      {search?.status === 'ready' && search.more ? (
        <>
          {' '}
          <Button size="sm" variant="ghost" onClick={onOlder} pending={search.loadingMore}>
            Load older matches
          </Button>
        </>
      ) : null}
      {search?.status === 'ready' && search.error ? <span className="field-error"> {search.error}</span> : null}
    </span>
  );
}
