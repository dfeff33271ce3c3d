/** Gateways: the embedded gateway and Docker replicas, the Docker engine's state and leftover containers. */
import { useActions, useAppStore } from '../../state/store';
import { Banner } from '../../ui/banner';
import { Button } from '../../ui/button';
import { EmptyState, Spinner } from '../../ui/empty-state';
import { PageHeader } from '../../ui/stat-card';
import { GatewayCard } from './gateway-card';
import { OrphansBanner } from './orphans-banner';
import { useDockerEvents } from './use-docker-events';

export function GatewaysScreen() {
  const gateways = useAppStore((s) => s.gateways);
  const load = useAppStore((s) => s.gatewaysLoad);
  const apis = useAppStore((s) => s.apis);
  const docker = useAppStore((s) => s.systemInfo?.docker);
  const { openDialog, loadGateways } = useActions();
  useDockerEvents();
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
      <OrphansBanner />
      {load.status === 'error' ? (
        <Banner kind="error" title="Could not load gateways" action={<Button size="sm" onClick={() => void loadGateways()}>Retry</Button>}>
          {load.error}
        </Banner>
      ) : null}
      {load.status === 'loading' && gateways.length === 0 ? <Spinner label="Loading gateways" /> : null}
      {load.status === 'ready' && gateways.length === 0 ? <EmptyState icon="gateways" title="No gateways">Add one to serve APIs.</EmptyState> : null}
      <div className="grid-2" style={{ alignItems: 'start' }}>
        {gateways.map((gateway) => (
          <GatewayCard key={gateway.id} gateway={gateway} apiCount={apis.filter((a) => a.gatewayId === gateway.id).length} />
        ))}
      </div>
    </div>
  );
}
