/** One gateway: status, listener, config version; for docker, replicas, networking, counters, scale and logs. */
import { useState } from 'react';
import type { Gateway } from '../../../../shared/contract/models';
import { errorMessage } from '../../lib/errors';
import { gatewayOrigin } from '../../lib/gateway-url';
import { plural } from '../../lib/format';
import { useActions } from '../../state/store';
import { Banner } from '../../ui/banner';
import { Button } from '../../ui/button';
import { ConfirmDialog } from '../../ui/confirm-dialog';
import { CopyButton } from '../../ui/copy-button';
import { Badge, gatewayTone } from '../../ui/status-badge';
import { DockerFacts } from './docker-facts';
import { GatewayDialog } from './gateway-dialog';
import { ReplicaLogs } from './replica-logs';
import { ReplicaTable } from './replica-table';
import { ScaleControl } from './scale-control';

export function GatewayCard({ gateway, apiCount }: { gateway: Gateway; apiCount: number }) {
  const { startGateway, stopGateway, removeGateway, pushToast } = useActions();
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string>();
  const [editing, setEditing] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const [logsOf, setLogsOf] = useState<number>();
  const origin = gatewayOrigin(gateway);
  const docker = gateway.kind === 'docker';
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
    // Replica tables and logs need the width: docker gateways span the whole row.
    <section className="card gateway-card" aria-label={gateway.name} style={docker ? { gridColumn: '1 / -1' } : undefined}>
      <div className="card-header">
        <div>
          <h2 className="card-title">
            {gateway.name} <Badge tone={docker ? 'info' : 'neutral'}>{gateway.kind}</Badge>
          </h2>
          <div className="muted small">
            {plural(apiCount, 'API')}
            {docker ? ` · ${gateway.replicas.filter((r) => r.status === 'connected').length}/${gateway.desiredReplicas} replicas connected` : ''}
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
          {docker && gateway.desiredReplicas > 1 ? <span className="muted">(replica n on port {gateway.port} + n)</span> : null}
        </div>
      ) : null}
      {gateway.lastError ? (
        <Banner kind="error" title="Last error">
          {gateway.lastError}
        </Banner>
      ) : null}
      {docker ? (
        <>
          <DockerFacts gateway={gateway} />
          <ReplicaTable gateway={gateway} onLogs={(replica) => setLogsOf(replica.index)} />
          {logsOf !== undefined ? <ReplicaLogs gateway={gateway} index={logsOf} onClose={() => setLogsOf(undefined)} /> : null}
        </>
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
        {docker ? <ScaleControl gateway={gateway} /> : null}
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
          {docker ? `Its ${plural(gateway.replicas.length, 'container')} ${gateway.replicas.length === 1 ? 'is' : 'are'} stopped and removed from Docker. ` : ''}APIs on this gateway must be moved or deleted first.
        </ConfirmDialog>
      ) : null}
    </section>
  );
}
