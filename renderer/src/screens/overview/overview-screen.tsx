/**
 * Overview: live numbers (requests/s, error rate, p95, active alerts), a five-minute traffic
 * chart fed by `traffic.tick`, gateways, busiest APIs and recent alerts. First run: the
 * three-click path to a working API.
 */
import { useEffect, useMemo } from 'react';
import { activeAlerts } from '../../state/alerts';
import { useAppContext, useAppStore } from '../../state/store';
import { formatMs, formatPercent, formatRate, timeAgo } from '../../lib/format';
import { liveTotals, perSecondSeries, useNow } from '../../lib/series';
import { apiPath, href } from '../../router/router';
import { Button } from '../../ui/button';
import { EmptyState } from '../../ui/empty-state';
import { PageHeader, StatCard } from '../../ui/stat-card';
import { Badge, gatewayTone, severityTone } from '../../ui/status-badge';
import { TimeChart } from '../../ui/time-chart';
import { FirstRun } from './first-run';
import { loadTickHistory } from './seed-ticks';

const CHART_SECONDS = 300;

export function OverviewScreen() {
  const { client, store } = useAppContext();
  const apis = useAppStore((s) => s.apis);
  const apisLoad = useAppStore((s) => s.apisLoad);
  const gateways = useAppStore((s) => s.gateways);
  const ticks = useAppStore((s) => s.ticks);
  const rules = useAppStore((s) => s.alertRules);
  const events = useAppStore((s) => s.alertEvents);
  const loadAlertEvents = useAppStore((s) => s.loadAlertEvents);
  const openDialog = useAppStore((s) => s.openDialog);
  const now = useNow(1000);

  const apiKey = apis.map((api) => api.id).join(',');
  useEffect(() => {
    void loadAlertEvents();
    if (!apiKey) return;
    let cancelled = false;
    void loadTickHistory(client, apiKey.split(','), CHART_SECONDS).then((seed) => {
      if (!cancelled) store.getState().seedTicks(seed);
    });
    return () => {
      cancelled = true;
    };
  }, [apiKey, client, store, loadAlertEvents]);

  const series = useMemo(() => perSecondSeries(ticks, CHART_SECONDS, now), [ticks, now]);
  const totals = liveTotals(series, 10);
  const minute = liveTotals(series, 60);
  const alerting = activeAlerts(rules);
  const busiest = useMemo(() => {
    const counts = new Map<string, number>();
    const from = Math.floor(now / 1000) * 1000 - 60_000;
    for (const tick of ticks) if (tick.t >= from) for (const entry of tick.apis) counts.set(entry.apiId, (counts.get(entry.apiId) ?? 0) + entry.requests);
    return apis
      .map((api) => ({ api, requests: counts.get(api.id) ?? 0 }))
      .sort((a, b) => b.requests - a.requests)
      .slice(0, 6);
  }, [apis, ticks, now]);

  const firstRun = apisLoad.status === 'ready' && apis.length === 0;

  return (
    <div className="page">
      <PageHeader
        title="Overview"
        subtitle="Your gateways and APIs, live."
        actions={
          firstRun ? null : (
            <Button variant="primary" icon="plus" onClick={() => openDialog({ name: 'add-api' })}>
              Add API
            </Button>
          )
        }
      />
      {firstRun ? <FirstRun /> : null}
      <div className="stats-grid">
        <StatCard label="Requests / s" value={formatRate(totals.perSecond)} hint={`${Math.round(minute.requests)} in the last minute`} testId="stat-rps" />
        <StatCard label="Error rate" value={formatPercent(minute.errorRate)} hint="4xx and 5xx, last minute" tone={minute.errorRate > 0.05 ? 'danger' : undefined} testId="stat-errors" />
        <StatCard label="p95 latency" value={formatMs(minute.p95)} hint="Slowest API, last minute" testId="stat-p95" />
        <StatCard
          label="Active alerts"
          value={alerting.length}
          hint={alerting.length ? alerting.map((r) => r.name).slice(0, 2).join(', ') : 'All clear'}
          tone={alerting.length ? 'danger' : 'success'}
          testId="stat-alerts"
        />
      </div>
      <section className="card">
        <div className="card-header">
          <h2 className="card-title">Live traffic</h2>
          <span className="muted small">Last 5 minutes, all APIs</span>
        </div>
        <TimeChart
          times={series.times}
          series={[
            { label: 'Requests/s', colorVar: '--chart-1', values: series.requests, fill: true },
            { label: 'Errors/s', colorVar: '--chart-error', values: series.errors },
          ]}
          height={240}
          label={`Requests per second over the last five minutes; ${Math.round(minute.requests)} requests in the last minute`}
          formatValue={(v) => formatRate(v)}
          testId="overview-chart"
        />
      </section>
      <div className="grid-3">
        <section className="card">
          <div className="card-header">
            <h2 className="card-title">Gateways</h2>
            <a className="link small" href={href('/gateways')}>
              Manage
            </a>
          </div>
          {gateways.length === 0 ? <p className="muted small">No gateway yet.</p> : null}
          <ul className="plain-list">
            {gateways.map((gateway) => (
              <li key={gateway.id} className="list-row">
                <span className="grow">
                  <span className="strong">{gateway.name}</span> <span className="muted small">{gateway.kind} · :{gateway.port}</span>
                </span>
                <Badge tone={gatewayTone(gateway.status)} dot>
                  {gateway.status}
                </Badge>
              </li>
            ))}
          </ul>
        </section>
        <section className="card">
          <div className="card-header">
            <h2 className="card-title">Busiest APIs</h2>
            <a className="link small" href={href('/apis')}>
              All APIs
            </a>
          </div>
          {apis.length === 0 ? <p className="muted small">No API yet.</p> : null}
          <ul className="plain-list">
            {busiest.map(({ api, requests }) => (
              <li key={api.id} className="list-row">
                <a className="grow row-link" href={href(apiPath(api.id))}>
                  {api.name}
                </a>
                <span className="muted small num">{Math.round(requests)} req/min</span>
              </li>
            ))}
          </ul>
        </section>
        <section className="card">
          <div className="card-header">
            <h2 className="card-title">Recent alerts</h2>
            <a className="link small" href={href('/alerts')}>
              History
            </a>
          </div>
          {events.length === 0 ? (
            <EmptyState icon="alerts" title="No alerts">
              <span className="small">Alert rules live on each API&apos;s Alerts tab.</span>
            </EmptyState>
          ) : (
            <ul className="plain-list">
              {events.slice(0, 5).map((event) => (
                <li key={event.id} className="list-row">
                  <Badge tone={event.state === 'fired' ? severityTone(event.severity) : 'success'} dot>
                    {event.state}
                  </Badge>
                  <span className="grow truncate">{event.ruleName ?? event.ruleId}</span>
                  <span className="muted small">{timeAgo(event.at, now)}</span>
                </li>
              ))}
            </ul>
          )}
        </section>
      </div>
    </div>
  );
}
