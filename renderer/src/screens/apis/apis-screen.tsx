/** All APIs: status, where they answer, upstream, and a live sparkline of the last minute. */
import { useMemo } from 'react';
import type { Api, Gateway } from '../../../../shared/contract/models';
import { apiUrl } from '../../lib/gateway-url';
import { formatRate } from '../../lib/format';
import { perSecondSeries, useNow } from '../../lib/series';
import { apiPath, href } from '../../router/router';
import { useAppStore } from '../../state/store';
import { Banner } from '../../ui/banner';
import { Button } from '../../ui/button';
import { EmptyState, Spinner } from '../../ui/empty-state';
import { Sparkline } from '../../ui/sparkline';
import { PageHeader } from '../../ui/stat-card';
import { Badge } from '../../ui/status-badge';

export function apiStatus(api: Api, gateway: Gateway | undefined): { tone: 'success' | 'warning' | 'danger' | 'neutral'; label: string } {
  if (!api.enabled) return { tone: 'neutral', label: 'Disabled' };
  if (api.upstreamHealth === 'unhealthy') return { tone: 'danger', label: 'Upstream down' };
  if (api.circuit?.state === 'open') return { tone: 'warning', label: 'Circuit open' };
  if (gateway && gateway.status !== 'running') return { tone: 'warning', label: `Gateway ${gateway.status}` };
  return { tone: 'success', label: 'Active' };
}

export function ApisScreen() {
  const apis = useAppStore((s) => s.apis);
  const load = useAppStore((s) => s.apisLoad);
  const reload = useAppStore((s) => s.loadApis);
  const gateways = useAppStore((s) => s.gateways);
  const ticks = useAppStore((s) => s.ticks);
  const gatewayPort = useAppStore((s) => s.systemInfo?.gatewayPort);
  const openDialog = useAppStore((s) => s.openDialog);
  const now = useNow(1000);
  const series = useMemo(() => new Map(apis.map((api) => [api.id, perSecondSeries(ticks, 60, now, api.id).requests])), [apis, ticks, now]);

  const actions = (
    <>
      <Button icon="upload" onClick={() => openDialog({ name: 'import-openapi' })}>
        Import OpenAPI
      </Button>
      <Button variant="primary" icon="plus" onClick={() => openDialog({ name: 'add-api' })}>
        Add API
      </Button>
    </>
  );

  return (
    <div className="page">
      <PageHeader title="APIs" subtitle="HTTP APIs behind your gateways, with their policies, contracts and traffic." actions={actions} />
      {load.status === 'error' ? (
        <Banner kind="error" title="Could not load the APIs" action={<Button size="sm" onClick={() => void reload()}>Retry</Button>}>
          {load.error}
        </Banner>
      ) : null}
      {load.status === 'loading' && apis.length === 0 ? <Spinner label="Loading APIs" /> : null}
      {load.status === 'ready' && apis.length === 0 ? (
        <EmptyState icon="apis" title="No APIs yet" actions={actions}>
          Add an API by its upstream URL, or import an OpenAPI file. Gatehouse then answers for it on the gateway, applying your policies.
        </EmptyState>
      ) : null}
      {apis.length > 0 ? (
        <div className="card card-flush">
          <table className="table">
            <thead>
              <tr>
                <th>Name</th>
                <th>Status</th>
                <th>Gateway URL</th>
                <th className="hide-narrow">Upstream</th>
                <th className="num">Req/s</th>
                <th>Last minute</th>
              </tr>
            </thead>
            <tbody>
              {apis.map((api) => {
                const gateway = gateways.find((g) => g.id === api.gatewayId);
                const status = apiStatus(api, gateway);
                const values = series.get(api.id) ?? [];
                const last = values.slice(-10).reduce((a, b) => a + b, 0) / 10;
                return (
                  <tr key={api.id}>
                    <td>
                      <a className="row-link" href={href(apiPath(api.id))}>
                        {api.name}
                      </a>{' '}
                      <span className="muted small">{api.version}</span>
                    </td>
                    <td>
                      <Badge tone={status.tone} dot>
                        {status.label}
                      </Badge>
                    </td>
                    <td className="mono small">{apiUrl(api, gateways, gatewayPort) ?? api.basePath}</td>
                    <td className="mono small truncate hide-narrow" title={api.implementationUrl}>
                      {api.implementationUrl}
                    </td>
                    <td className="num">{formatRate(last)}</td>
                    <td>
                      <Sparkline values={values} label={`${api.name}: requests per second over the last minute`} />
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      ) : null}
    </div>
  );
}
