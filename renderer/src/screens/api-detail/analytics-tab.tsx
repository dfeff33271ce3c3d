/** Analytics of one API over a chosen window: volume, upstreams, latency percentiles, codes, violations, clients. */
import { useState } from 'react';
import type { Api } from '../../../../shared/contract/models';
import type { ApiMetrics } from '../../../../shared/contract/telemetry-models';
import { findPolicy } from '../../../../shared/policies/catalogue';
import { formatCount, formatMs, formatPercent } from '../../lib/format';
import { useAppStore } from '../../state/store';
import { Banner } from '../../ui/banner';
import { Button } from '../../ui/button';
import { EmptyState, Spinner } from '../../ui/empty-state';
import { StatCard } from '../../ui/stat-card';
import { Segmented } from '../../ui/tabs';
import { TimeChart } from '../../ui/time-chart';
import { UpstreamsCard } from './upstreams-card';
import { useLiveMetrics, WINDOWS, type WindowValue } from './use-live-metrics';

const CODE_CLASSES = ['2xx', '3xx', '4xx', '5xx'] as const;

function StatusBreakdown({ status, total }: { status: ApiMetrics['status']; total: number }) {
  return (
    <div className="status-breakdown">
      <div className="stacked-bar" role="img" aria-label={CODE_CLASSES.map((c) => `${c}: ${status[c]}`).join(', ')}>
        {CODE_CLASSES.map((c) => (status[c] > 0 ? <span key={c} className={`stacked-${c}`} style={{ flexGrow: status[c] }} /> : null))}
        {total === 0 ? <span className="stacked-empty" /> : null}
      </div>
      <ul className="legend">
        {CODE_CLASSES.map((c) => (
          <li key={c}>
            <span className={`legend-swatch stacked-${c}`} aria-hidden="true" />
            <span className="strong">{c}</span>
            <span className="muted num">{formatCount(status[c])}</span>
          </li>
        ))}
      </ul>
    </div>
  );
}

export function AnalyticsTab({ api }: { api: Api }) {
  const [windowValue, setWindowValue] = useState<WindowValue>('300');
  const spec = WINDOWS.find((w) => w.value === windowValue) ?? WINDOWS[0];
  const { metrics, error, loading, refresh } = useLiveMetrics(api.id, spec.seconds, spec.refreshMs);
  const applications = useAppStore((s) => s.applications);
  const appName = (clientId: string) => applications.find((a) => a.clientId === clientId)?.name;
  const errors = metrics ? metrics.status['4xx'] + metrics.status['5xx'] : 0;

  return (
    <div className="stack-lg">
      <div className="toolbar">
        <Segmented label="Time window" options={WINDOWS.map((w) => ({ value: w.value, label: w.label }))} value={windowValue} onChange={setWindowValue} />
        <span className="muted small">Live while open</span>
      </div>
      {error ? (
        <Banner kind="error" title="Could not load the analytics" action={<Button size="sm" onClick={() => void refresh()}>Retry</Button>}>
          {error}
        </Banner>
      ) : null}
      {loading && !metrics ? <Spinner label="Loading analytics" /> : null}
      {metrics ? (
        <>
          <div className="stats-grid stats-grid-6">
            <StatCard label="Requests" value={formatCount(metrics.requests)} testId="analytics-requests" />
            <StatCard label="Error rate" value={formatPercent(metrics.requests ? errors / metrics.requests : 0)} hint={`${formatCount(errors)} errors`} tone={errors > 0 ? 'warning' : undefined} />
            <StatCard label="p50" value={formatMs(metrics.requests ? metrics.latencyMs.p50 : undefined)} />
            <StatCard label="p95" value={formatMs(metrics.requests ? metrics.latencyMs.p95 : undefined)} />
            <StatCard label="p99" value={formatMs(metrics.requests ? metrics.latencyMs.p99 : undefined)} />
            <StatCard label="Policy violations" value={formatCount(metrics.policyViolations)} tone={metrics.policyViolations > 0 ? 'danger' : undefined} testId="analytics-violations" />
          </div>
          <section className="card">
            <div className="card-header">
              <h3 className="card-title">Requests</h3>
            </div>
            <TimeChart
              times={metrics.series.map((p) => p.t)}
              series={[
                { label: 'Requests', colorVar: '--chart-1', values: metrics.series.map((p) => p.requests), fill: true },
                { label: 'Errors', colorVar: '--chart-error', values: metrics.series.map((p) => p.errors) },
              ]}
              label={`${metrics.requests} requests and ${errors} errors in the window`}
              formatValue={(v) => formatCount(v)}
              testId="analytics-chart"
              height={200}
            />
          </section>
          <UpstreamsCard api={api} />
          <div className="grid-2">
            <section className="card">
              <div className="card-header">
                <h3 className="card-title">Latency p95</h3>
              </div>
              <TimeChart
                times={metrics.series.map((p) => p.t)}
                series={[{ label: 'p95', colorVar: '--chart-2', values: metrics.series.map((p) => (p.requests ? p.p95 : null)) }]}
                label={`p95 latency ${formatMs(metrics.latencyMs.p95)}`}
                formatValue={(v) => formatMs(v)}
                height={160}
              />
            </section>
            <section className="card">
              <div className="card-header">
                <h3 className="card-title">Status codes</h3>
              </div>
              <StatusBreakdown status={metrics.status} total={metrics.requests} />
              <h4 className="subheading">Violations by policy</h4>
              {Object.keys(metrics.violationsByPolicy).length === 0 ? (
                <p className="muted small">No request was rejected by a policy.</p>
              ) : (
                <ul className="plain-list" data-testid="violations-by-policy">
                  {Object.entries(metrics.violationsByPolicy)
                    .sort((a, b) => b[1] - a[1])
                    .map(([policy, count]) => (
                      <li key={policy} className="list-row">
                        <span className="grow">{findPolicy(policy)?.title ?? policy}</span>
                        <span className="mono small">{policy}</span>
                        <span className="num strong">{formatCount(count)}</span>
                      </li>
                    ))}
                </ul>
              )}
            </section>
          </div>
          <section className="card card-flush">
            <div className="card-header card-header-padded">
              <h3 className="card-title">Top clients</h3>
            </div>
            {metrics.topClients.length === 0 ? (
              <EmptyState icon="applications" title="No identified clients">
                Requests carrying an application&apos;s client id (client ID enforcement or SLA-based rate limiting) appear here.
              </EmptyState>
            ) : (
              <table className="table">
                <thead>
                  <tr>
                    <th>Client</th>
                    <th className="num">Requests</th>
                    <th className="num">Errors</th>
                  </tr>
                </thead>
                <tbody>
                  {metrics.topClients.map((client) => (
                    <tr key={client.clientId}>
                      <td>
                        {appName(client.clientId) ? <span className="strong">{appName(client.clientId)} </span> : null}
                        <span className="mono small muted">{client.clientId}</span>
                      </td>
                      <td className="num">{formatCount(client.requests)}</td>
                      <td className="num">{formatCount(client.errors)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </section>
        </>
      ) : null}
    </div>
  );
}
