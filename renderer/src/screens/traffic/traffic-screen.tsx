/**
 * Live request log across APIs: filters, pause, HAR export (with bodies), HAR import (a file's
 * entries shown instead of the live log, clearly marked), and a details drawer. Entries
 * arrive through the store in per-frame batches; the list renders only the rows in view.
 * Filters search the server's whole request log, not only the live window (use-traffic-view.ts).
 */
import { useCallback, useEffect, useState } from 'react';
import type { TrafficBodies } from '../../../../shared/contract/capture-models';
import type { TrafficEntry } from '../../../../shared/contract/telemetry-models';
import { downloadText, readFileText } from '../../lib/browser';
import { errorMessage } from '../../lib/errors';
import { formatCount } from '../../lib/format';
import { gatewayOrigin } from '../../lib/gateway-url';
import { buildHar } from '../../lib/har';
import { type ImportedHar, importHar } from '../../lib/har-import';
import { useLocation } from '../../router/router';
import { useActions, useAppStore, useClient } from '../../state/store';
import { Banner } from '../../ui/banner';
import { Button } from '../../ui/button';
import { EmptyState } from '../../ui/empty-state';
import { PageHeader } from '../../ui/stat-card';
import { reasonPhrase } from '../api-detail/try-it/try-result';
import { BreakpointsPanel } from './breakpoints-panel';
import { TrafficDrawer } from './traffic-drawer';
import { emptyFilter, type TrafficFilter } from './traffic-filter';
import { TrafficFilters } from './traffic-filters';
import { TrafficList } from './traffic-list';
import { type TrafficView, useTrafficView } from './use-traffic-view';
import { useBreakpoints } from './use-breakpoints';

/** Bodies asked for at once while exporting (each entry is one 'traffic.bodies' call). */
const BODY_FETCHES_IN_PARALLEL = 8;

export function TrafficScreen() {
  const { query } = useLocation();
  const client = useClient();
  const traffic = useAppStore((s) => s.traffic);
  const load = useAppStore((s) => s.trafficLoad);
  const paused = useAppStore((s) => s.trafficPaused);
  const held = useAppStore((s) => s.trafficHeld.length);
  const apis = useAppStore((s) => s.apis);
  const gateways = useAppStore((s) => s.gateways);
  const systemInfo = useAppStore((s) => s.systemInfo);
  const { loadTraffic, setTrafficPaused, clearTraffic, pushToast, searchTraffic, searchOlderTraffic } = useActions();
  // `?apiId=` (from an API), `?q=` and `?entry=` (a request chosen in the command palette).
  const [filter, setFilter] = useState<TrafficFilter>({ ...emptyFilter, apiId: query.get('apiId') ?? '', text: query.get('q') ?? '' });
  const [selected, setSelected] = useState<TrafficEntry>();
  const [wanted, setWanted] = useState(query.get('entry') ?? undefined);
  const [imported, setImported] = useState<ImportedHar & { file: string }>();
  const [exporting, setExporting] = useState(false);
  const breakpoints = useBreakpoints();
  const [showBreakpoints, setShowBreakpoints] = useState(query.get('breakpoints') === '1');
  const pausedCount = breakpoints.state?.paused.length ?? 0;

  useEffect(() => {
    void loadTraffic();
  }, [loadTraffic]);

  const view = useTrafficView(filter);
  const { entries } = view;
  const close = useCallback(() => setSelected(undefined), []);

  // The request asked for opens in the drawer once the log (or the search) has it.
  useEffect(() => {
    const entry = wanted ? entries.find((e) => e.id === wanted) : undefined;
    if (!entry) return;
    setSelected(entry);
    setWanted(undefined);
  }, [entries, wanted]);

  async function bodiesOf(list: readonly TrafficEntry[]): Promise<Map<string, TrafficBodies>> {
    const out = new Map<string, TrafficBodies>();
    const queue = list.filter((entry) => entry.captured !== undefined);
    const worker = async () => {
      for (let entry = queue.shift(); entry; entry = queue.shift()) {
        // An entry retention removed meanwhile is exported without bodies.
        const bodies = await client.traffic.bodies({ id: entry.id }).catch(() => undefined);
        if (bodies) out.set(entry.id, bodies);
      }
    };
    await Promise.all(Array.from({ length: BODY_FETCHES_IN_PARALLEL }, worker));
    return out;
  }

  async function exportHar() {
    setExporting(true);
    try {
      await writeHar();
    } catch (caught) {
      pushToast({ kind: 'error', title: 'Export failed', message: errorMessage(caught) });
    } finally {
      setExporting(false);
    }
  }

  async function openHar(file: File) {
    try {
      const har = importHar(await readFileText(file));
      setSelected(undefined);
      setImported({ ...har, file: file.name });
    } catch (caught) {
      pushToast({ kind: 'error', title: `Could not open ${file.name}`, message: errorMessage(caught) });
    }
  }

  function closeImported() {
    setSelected(undefined);
    setImported(undefined);
  }

  async function writeHar() {
    const bodies = await bodiesOf(entries);
    const har = buildHar(entries, {
      bodies,
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
            <Button
              icon="zap"
              onClick={() => setShowBreakpoints(!showBreakpoints)}
              aria-expanded={showBreakpoints}
              aria-label={`Breakpoints${pausedCount > 0 ? `, ${pausedCount} paused` : ''}`}
            >
              Breakpoints
              {pausedCount > 0 ? (
                <span className="badge badge-warning badge-count" data-testid="paused-count">
                  {formatCount(pausedCount)}
                </span>
              ) : null}
            </Button>
            <Button icon="trash" variant="ghost" onClick={clearTraffic} disabled={traffic.length === 0}>
              Clear view
            </Button>
            <Button icon="download" onClick={() => void exportHar()} pending={exporting} disabled={entries.length === 0 || imported !== undefined}>
              Export HAR
            </Button>
            <label className="btn btn-secondary file-button">
              {'Open HAR\u2026'}
              <input
                type="file"
                accept=".har,application/json"
                className="visually-hidden"
                aria-label="Open HAR file"
                onChange={(e) => {
                  const file = e.target.files?.[0];
                  e.target.value = '';
                  if (file) void openHar(file);
                }}
              />
            </label>
          </>
        }
      />
      {imported ? (
        <Banner kind="info" title={`Imported: ${imported.file}`} action={<Button size="sm" onClick={closeImported}>Back to live traffic</Button>}>
          <span data-testid="imported-har">
            {formatCount(imported.entries.length)} requests from a HAR file ({imported.creator}), not live traffic. Nothing was added to the log.
          </span>
        </Banner>
      ) : null}
      {showBreakpoints ? <BreakpointsPanel view={breakpoints} /> : null}
      {imported ? null : <TrafficFilters
        filter={filter}
        onChange={setFilter}
        apis={apis}
        view={view}
        total={traffic.length}
        paused={paused}
        onRetry={() => view.search && void searchTraffic(view.search.criteria)}
        onOlder={() => void searchOlderTraffic()}
      />}
      {load.status === 'error' ? (
        <Banner kind="error" title="Could not load recent traffic" action={<Button size="sm" onClick={() => void loadTraffic()}>Retry</Button>}>
          {load.error}
        </Banner>
      ) : null}
      <div className={`traffic-layout ${selected ? 'traffic-layout-drawer' : ''}`}>
        <div className="card card-flush traffic-card">
          {imported ? (
            imported.entries.length === 0 ? (
              <EmptyState icon="traffic" title="This HAR file has no requests">Nothing to show.</EmptyState>
            ) : (
              <TrafficList entries={imported.entries} selectedId={selected?.id} onSelect={setSelected} />
            )
          ) : entries.length === 0 ? (
            view.filtered ? (
              <FilteredEmpty view={view} />
            ) : (
              <EmptyState icon="traffic" title="No requests yet">
                {'Requests through any gateway appear here as they happen. Send one from an API\u2019s Try it tab.'}
              </EmptyState>
            )
          ) : (
            <TrafficList entries={entries} selectedId={selected?.id} onSelect={setSelected} />
          )}
        </div>
        {selected ? (
          <TrafficDrawer entry={selected} onClose={close} {...(imported ? { imported: { bodies: imported.bodies.get(selected.id), file: imported.file } } : {})} />
        ) : null}
      </div>
    </div>
  );
}

function FilteredEmpty({ view }: { view: TrafficView }) {
  if (view.searching)
    return (
      <EmptyState icon="traffic" title={'Searching the request log\u2026'}>
        Looking through every request the log keeps, not only the ones shown here.
      </EmptyState>
    );
  if (view.search?.status === 'error')
    return (
      <EmptyState icon="traffic" title="Could not search the request log">
        {view.search.error}
      </EmptyState>
    );
  return (
    <EmptyState icon="traffic" title="No matches in the stored log">
      No request the log keeps matches these filters. Change or reset them.
    </EmptyState>
  );
}
