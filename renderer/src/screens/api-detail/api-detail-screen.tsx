/** One API: where it answers, its upstream and state, and tabs for everything attached to it. */
import { useEffect, useState } from 'react';
import { apiUrl } from '../../lib/gateway-url';
import { errorMessage } from '../../lib/errors';
import { apiPath, href, navigate, type ApiTab } from '../../router/router';
import { useActions, useAppStore } from '../../state/store';
import { Banner } from '../../ui/banner';
import { Button } from '../../ui/button';
import { ConfirmDialog } from '../../ui/confirm-dialog';
import { CopyButton } from '../../ui/copy-button';
import { EmptyState, Spinner } from '../../ui/empty-state';
import { PageHeader } from '../../ui/stat-card';
import { Badge } from '../../ui/status-badge';
import { TabNav } from '../../ui/tabs';
import { ApiFormDialog } from '../apis/api-form-dialog';
import { apiStatus } from '../apis/apis-screen';
import { AnalyticsTab } from './analytics-tab';
import { ApiAlertsTab } from './api-alerts-tab';
import { ContractsTab } from './contracts/contracts-tab';
import { MockTab } from './mock/mock-tab';
import { PoliciesTab } from './policies/policies-tab';
import { TryItTab } from './try-it/try-it-tab';

const TAB_LABELS: Record<ApiTab, string> = { analytics: 'Analytics', policies: 'Policies', contracts: 'Contracts & SLA tiers', alerts: 'Alerts', try: 'Try it', mock: 'Mock' };

export function ApiDetailScreen({ id, tab }: { id: string; tab: ApiTab }) {
  const api = useAppStore((s) => s.apis.find((a) => a.id === id));
  const load = useAppStore((s) => s.apisLoad);
  const gateways = useAppStore((s) => s.gateways);
  const gatewayPort = useAppStore((s) => s.systemInfo?.gatewayPort);
  const { updateApi, removeApi, pushToast } = useActions();
  const [editing, setEditing] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const [error, setError] = useState<string>();

  useEffect(() => setError(undefined), [id]);

  if (!api) {
    if (load.status !== 'ready') return <Spinner label="Loading the API" />;
    return (
      <div className="page">
        <EmptyState icon="apis" title="This API does not exist" actions={<a className="btn btn-secondary" href={href('/apis')}>Back to APIs</a>}>
          It may have been deleted, or the link is wrong.
        </EmptyState>
      </div>
    );
  }

  const gateway = gateways.find((g) => g.id === api.gatewayId);
  const status = apiStatus(api, gateway);
  const url = apiUrl(api, gateways, gatewayPort);

  async function toggle() {
    setError(undefined);
    try {
      const saved = await updateApi(api!.id, { enabled: !api!.enabled });
      pushToast({ kind: 'success', title: saved.enabled ? `${saved.name} enabled` : `${saved.name} disabled`, message: saved.enabled ? undefined : 'The gateway answers 503 for it until you enable it again.' });
    } catch (caught) {
      setError(errorMessage(caught));
    }
  }

  return (
    <div className="page">
      <PageHeader
        title={
          <>
            {api.name} <span className="title-version">{api.version}</span>
          </>
        }
        subtitle={
          <div className="api-meta">
            <Badge tone={status.tone} dot>
              {status.label}
            </Badge>
            {url ? (
              <span className="api-meta-item">
                <span className="muted">Gateway</span> <span className="mono">{url}</span> <CopyButton text={url} label="Copy gateway URL" />
              </span>
            ) : null}
            <span className="api-meta-item">
              <span className="muted">Upstream</span> <span className="mono truncate">{api.implementationUrl}</span>
            </span>
          </div>
        }
        actions={
          <>
            <Button icon="power" onClick={toggle}>
              {api.enabled ? 'Disable' : 'Enable'}
            </Button>
            <Button icon="edit" onClick={() => setEditing(true)}>
              Edit
            </Button>
            <Button icon="trash" variant="ghost" onClick={() => setDeleting(true)} aria-label={`Delete ${api.name}`}>
              Delete
            </Button>
          </>
        }
      >
        <TabNav label="API sections" current={tab} tabs={(Object.keys(TAB_LABELS) as ApiTab[]).map((t) => ({ id: t, label: TAB_LABELS[t], path: apiPath(api.id, t) }))} />
      </PageHeader>
      {error ? <Banner kind="error">{error}</Banner> : null}
      <div className="tab-panel">
        {tab === 'analytics' ? <AnalyticsTab key={api.id} api={api} /> : null}
        {tab === 'policies' ? <PoliciesTab key={api.id} api={api} /> : null}
        {tab === 'contracts' ? <ContractsTab key={api.id} api={api} /> : null}
        {tab === 'alerts' ? <ApiAlertsTab key={api.id} api={api} /> : null}
        {tab === 'try' ? <TryItTab key={api.id} api={api} /> : null}
        {tab === 'mock' ? <MockTab key={api.id} api={api} /> : null}
      </div>
      {editing ? <ApiFormDialog api={api} onClose={() => setEditing(false)} /> : null}
      {deleting ? (
        <ConfirmDialog
          title={`Delete ${api.name}?`}
          confirmLabel="Delete API"
          danger
          onClose={() => setDeleting(false)}
          onConfirm={async () => {
            await removeApi(api.id);
            pushToast({ kind: 'success', title: `${api.name} deleted` });
            navigate('/apis');
          }}
        >
          The gateway stops answering on <code>{api.basePath}</code>, and the API&apos;s policies, tiers and contracts are deleted. Traffic history stays.
        </ConfirmDialog>
      ) : null}
    </div>
  );
}
