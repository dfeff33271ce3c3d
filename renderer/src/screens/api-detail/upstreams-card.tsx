/** The API's upstreams: configured weight, live share of recent traffic and health. */
import { useMemo } from 'react';
import type { Api } from '../../../../shared/contract/models';
import { formatCount, formatPercent } from '../../lib/format';
import { useAppStore } from '../../state/store';
import { Badge, type Tone } from '../../ui/status-badge';
import { configuredUpstreams, upstreamShares } from './upstream-shares';

const HEALTH: Record<string, { tone: Tone; label: string }> = {
  healthy: { tone: 'success', label: 'Healthy' },
  unhealthy: { tone: 'danger', label: 'Down' },
  unknown: { tone: 'neutral', label: 'Checking' },
};

export function UpstreamsCard({ api }: { api: Api }) {
  const traffic = useAppStore((s) => s.traffic);
  const configured = useMemo(() => configuredUpstreams(api), [api]);
  const { rows, sampled } = useMemo(() => upstreamShares(configured, traffic, api.id), [configured, traffic, api.id]);
  // Health checks report on the API's first upstream.
  const health = api.upstreamHealth ? HEALTH[api.upstreamHealth] : undefined;

  return (
    <section className="card card-flush" data-testid="upstreams">
      <div className="card-header card-header-padded">
        <h3 className="card-title">Upstreams</h3>
        <span className="muted small">{sampled > 0 ? `Live share of the last ${formatCount(sampled)} forwarded requests` : 'No request forwarded while this window was open'}</span>
      </div>
      <table className="table">
        <thead>
          <tr>
            <th>Upstream</th>
            <th className="num">Weight</th>
            <th>Live share</th>
            <th>Health</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row, index) => (
            <tr key={row.name}>
              <td>
                <span className="strong">{row.name}</span> {row.url ? <span className="mono small muted">{row.url}</span> : null}
              </td>
              <td className="num">{row.weightShare === undefined ? '–' : formatPercent(row.weightShare)}</td>
              <td>
                <div className="usage">
                  <div className="meter" role="meter" aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round((row.liveShare ?? 0) * 100)} aria-label={`Live share of ${row.name}`}>
                    <span className="meter-fill meter-success" style={{ width: `${(row.liveShare ?? 0) * 100}%` }} />
                  </div>
                  <span className="small tabular">
                    {row.liveShare === undefined ? '–' : formatPercent(row.liveShare)} <span className="muted">({formatCount(row.served)})</span>
                  </span>
                </div>
              </td>
              <td>
                {index === 0 && health ? (
                  <Badge tone={health.tone} dot>
                    {health.label}
                  </Badge>
                ) : (
                  <span className="muted small">not checked</span>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
