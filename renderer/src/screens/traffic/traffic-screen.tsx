/**
 * Live request log across APIs: filters, pause, HAR export, and a details drawer. Entries
 * arrive through the store in per-frame batches; the list renders only the rows in view.
 */
import { useCallback, useEffect, useMemo, useState } from 'react';
import type { StatusClass, TrafficEntry } from '../../../../shared/contract/telemetry-models';
import { downloadText } from '../../lib/browser';
import { formatCount } from '../../lib/format';
import { gatewayOrigin } from '../../lib/gateway-url';
import { buildHar } from '../../lib/har';
import { useLocation } from '../../router/router';
import { useActions, useAppStore } from '../../state/store';
import { Banner } from '../../ui/banner';
import { Button } from '../../ui/button';
import { EmptyState } from '../../ui/empty-state';
import { PageHeader } from '../../ui/stat-card';
import { reasonPhrase } from '../api-detail/try-it/try-result';
import { TrafficDrawer } from './traffic-drawer';
import { emptyFilter, filterTraffic, isFiltered, type TrafficFilter } from './traffic-filter';
import { TrafficList } from './traffic-list';

export function TrafficScreen() {
  const { query } = useLocation();
  const traffic = useAppStore((s) => s.traffic);
  const load = useAppStore((s) => s.trafficLoad);
  const paused = useAppStore((s) => s.trafficPaused);
  const held = useAppStore((s) => s.trafficHeld.length);
  const apis = useAppStore((s) => s.apis);
  const gateways = useAppStore((s) => s.gateways);
  const systemInfo = useAppStore((s) => s.systemInfo);
  const { loadTraffic, setTrafficPaused, clearTraffic, pushToast } = useActions();
  const [filter, setFilter] = useState<TrafficFilter>({ ...emptyFilter, apiId: query.get('apiId') ?? '' });
  const [selected, setSelected] = useState<TrafficEntry>();

  useEffect(() => {
    void loadTraffic();
  }, [loadTraffic]);

  const entries = useMemo(() => filterTraffic(traffic, filter), [traffic, filter]);
  const update = (patch: Partial<TrafficFilter>) => setFilter((current) => ({ ...current, ...patch }));
  const close = useCallback(() => setSelected(undefined), []);

  function exportHar() {
    const har = buildHar(entries, {
      version: systemInfo?.version,
      statusText: reasonPhrase,
      origin: (entry) => {
        const api = apis.find((a) => a.id === entry.apiId);
        return gatewayOrigin(gateways.find((g) => g.id === api?.gatewayId), systemInfo?.gatewayPort) ?? 'http://127.0.0.1';
      },
    });
    const name = `gatehouse-traffic-${new Date().toISOString().slice(0, 19).replace(/[:T]/g, '-')}.har`;
    downloadText(name, JSON.stringify(har, null, 2), 'application/json');
    pushToast({ kind: 'success', title: `Exported ${formatCount(entries.length)} requests`, message: name });
  }

  return (
    <div className="page page-fill">
      <PageHeader
        title="Traffic"
        subtitle="Every request through your gateways, live."
        actions={
          <>
            <Button icon={paused ? 'play' : 'pause'} onClick={() => setTrafficPaused(!paused)} aria-pressed={paused}>
              {paused ? `Resume${held ? ` (${formatCount(held)} new)` : ''}` : 'Pause'}
            </Button>
            <Button icon="trash" variant="ghost" onClick={clearTraffic} disabled={traffic.length === 0}>
              Clear view
            </Button>
            <Button icon="download" onClick={exportHar} disabled={entries.length === 0}>
              Export HAR
            </Button>
          </>
        }
      />
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
          <span className="filter-label">Client</span>
          <input className="input input-sm" value={filter.clientId} onChange={(e) => update({ clientId: e.target.value })} placeholder="client id" />
        </label>
        <label className="filter filter-grow">
          <span className="filter-label">Search</span>
          <input className="input input-sm" type="search" value={filter.text} onChange={(e) => update({ text: e.target.value })} placeholder="Method, path, status or policy" />
        </label>
        {isFiltered(filter) ? (
          <Button size="sm" variant="ghost" onClick={() => setFilter(emptyFilter)}>
            Reset
          </Button>
        ) : null}
        <span className="muted small filters-count" data-testid="traffic-count">
          {isFiltered(filter) ? `${formatCount(entries.length)} of ${formatCount(traffic.length)}` : formatCount(traffic.length)} requests
          {paused ? ' · paused' : ''}
        </span>
      </div>
      {load.status === 'error' ? (
        <Banner kind="error" title="Could not load recent traffic" action={<Button size="sm" onClick={() => void loadTraffic()}>Retry</Button>}>
          {load.error}
        </Banner>
      ) : null}
      <div className={`traffic-layout ${selected ? 'traffic-layout-drawer' : ''}`}>
        <div className="card card-flush traffic-card">
          {entries.length === 0 ? (
            <EmptyState icon="traffic" title={traffic.length === 0 ? 'No requests yet' : 'No request matches the filters'}>
              {traffic.length === 0 ? 'Requests through any gateway appear here as they happen. Send one from an API\u2019s Try it tab.' : 'Change or reset the filters.'}
            </EmptyState>
          ) : (
            <TrafficList entries={entries} selectedId={selected?.id} onSelect={setSelected} />
          )}
        </div>
        {selected ? <TrafficDrawer entry={selected} onClose={close} /> : null}
      </div>
    </div>
  );
}
