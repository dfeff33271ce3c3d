/** Gateways: status, listener, config version, replicas (Docker), start/stop, edit, delete. */
import { useState } from 'react';
import type { Gateway } from '../../../../shared/contract/models';
import { errorMessage } from '../../lib/errors';
import { gatewayOrigin } from '../../lib/gateway-url';
import { timeAgo } from '../../lib/format';
import { useActions, useAppStore } from '../../state/store';
import { Banner } from '../../ui/banner';
import { Button } from '../../ui/button';
import { ConfirmDialog } from '../../ui/confirm-dialog';
import { CopyButton } from '../../ui/copy-button';
import { EmptyState, Spinner } from '../../ui/empty-state';
import { PageHeader } from '../../ui/stat-card';
import { Badge, gatewayTone } from '../../ui/status-badge';
import { GatewayDialog } from './gateway-dialog';

function GatewayCard({ gateway, apiCount }: { gateway: Gateway; apiCount: number }) {
  const { startGateway, stopGateway, removeGateway, pushToast } = useActions();
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string>();
  const [editing, setEditing] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const origin = gatewayOrigin(gateway);
  const running = gateway.status === 'running' || gateway.status === 'starting' || gateway.status === 'degraded';

  async function startStop() {
    setPending(true);
    setError(undefined);
    try {
      if (running) await stopGateway(gateway.id);
      else await startGateway(gateway.id);
    } catch (caught) {
      setError(errorMessage(caught));
    } finally {
      setPending(false);
    }
  }

  return (
    <section className="card gateway-card" aria-label={gateway.name}>
      <div className="card-header">
        <div>
          <h2 className="card-title">
            {gateway.name} <Badge tone={gateway.kind === 'docker' ? 'info' : 'neutral'}>{gateway.kind}</Badge>
          </h2>
          <div className="muted small">
            {apiCount} API{apiCount === 1 ? '' : 's'}
            {gateway.configVersion ? ` · config ${gateway.configVersion.slice(0, 12)}` : ''}
          </div>
        </div>
        <Badge tone={gatewayTone(gateway.status)} dot>
          {gateway.status}
        </Badge>
      </div>
      {origin ? (
        <div className="row small">
          <span className="muted">Listens on</span> <span className="mono">{origin}</span> <CopyButton text={origin} label="Copy gateway URL" />
        </div>
      ) : null}
      {gateway.lastError ? (
        <Banner kind="error" title="Last error">
          {gateway.lastError}
        </Banner>
      ) : null}
      {gateway.kind === 'docker' ? (
        <table className="table table-compact">
          <thead>
            <tr>
              <th>Replica</th>
              <th>Port</th>
              <th>Status</th>
              <th>Heartbeat</th>
              <th>Config</th>
            </tr>
          </thead>
          <tbody>
            {gateway.replicas.length === 0 ? (
              <tr>
                <td colSpan={5} className="muted small">
                  No replica running ({gateway.desiredReplicas} wanted).
                </td>
              </tr>
            ) : null}
            {gateway.replicas.map((replica) => (
              <tr key={replica.containerId || replica.index}>
                <td className="mono small">
                  #{replica.index} {replica.containerId.slice(0, 12)}
                </td>
                <td className="mono small">{replica.hostPort}</td>
                <td>
                  <Badge tone={replica.status === 'connected' ? 'success' : replica.status === 'starting' ? 'info' : 'danger'} dot>
                    {replica.status}
                  </Badge>
                </td>
                <td className="small muted">{replica.lastHeartbeatAt ? timeAgo(replica.lastHeartbeatAt) : '–'}</td>
                <td className="mono small">{replica.configVersion?.slice(0, 12) ?? '–'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {error ? <Banner kind="error">{error}</Banner> : null}
      <div className="row">
        <Button size="sm" icon={running ? 'stop' : 'play'} pending={pending} onClick={startStop}>
          {running ? 'Stop' : 'Start'}
        </Button>
        <Button size="sm" icon="edit" onClick={() => setEditing(true)}>
          Edit
        </Button>
        <Button size="sm" variant="ghost" icon="trash" onClick={() => setDeleting(true)}>
          Delete
        </Button>
      </div>
      {editing ? <GatewayDialog gateway={gateway} onClose={() => setEditing(false)} /> : null}
      {deleting ? (
        <ConfirmDialog
          title={`Delete ${gateway.name}?`}
          confirmLabel="Delete gateway"
          danger
          onClose={() => setDeleting(false)}
          onConfirm={async () => {
            await removeGateway(gateway.id);
            pushToast({ kind: 'success', title: `${gateway.name} deleted` });
          }}
        >
          {gateway.kind === 'docker' ? 'Its containers are stopped and removed. ' : ''}APIs on this gateway must be moved or deleted first.
        </ConfirmDialog>
      ) : null}
    </section>
  );
}

export function GatewaysScreen() {
  const gateways = useAppStore((s) => s.gateways);
  const load = useAppStore((s) => s.gatewaysLoad);
  const apis = useAppStore((s) => s.apis);
  const docker = useAppStore((s) => s.systemInfo?.docker);
  const { openDialog, loadGateways } = useActions();
  return (
    <div className="page">
      <PageHeader
        title="Gateways"
        subtitle="Where your APIs are served: the embedded gateway, and replicas in Docker."
        actions={
          <Button variant="primary" icon="plus" onClick={() => openDialog({ name: 'add-gateway' })}>
            Add gateway
          </Button>
        }
      />
      {docker && docker.status === 'unavailable' ? (
        <Banner kind="info" title="Docker is not available">
          {docker.message ?? 'Docker gateways need a running Docker engine.'} The embedded gateway works without it.
        </Banner>
      ) : null}
      {load.status === 'error' ? (
        <Banner kind="error" title="Could not load gateways" action={<Button size="sm" onClick={() => void loadGateways()}>Retry</Button>}>
          {load.error}
        </Banner>
      ) : null}
      {load.status === 'loading' && gateways.length === 0 ? <Spinner label="Loading gateways" /> : null}
      {load.status === 'ready' && gateways.length === 0 ? <EmptyState icon="gateways" title="No gateways">Add one to serve APIs.</EmptyState> : null}
      <div className="grid-2">
        {gateways.map((gateway) => (
          <GatewayCard key={gateway.id} gateway={gateway} apiCount={apis.filter((a) => a.gatewayId === gateway.id).length} />
        ))}
      </div>
    </div>
  );
}
