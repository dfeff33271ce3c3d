/**
 * The plain-language lines a docker gateway owes its user: how replicas reach the host's
 * 127.0.0.1, whether rate-limit counters are shared, and image-build progress while starting.
 */
import type { Gateway } from '../../../../shared/contract/models';
import { useAppStore } from '../../state/store';
import { Badge } from '../../ui/status-badge';

const STAGES = { bundle: 'Bundling the gateway', base: 'Preparing the base image', pull: 'Pulling the base image', build: 'Building the gateway image' } as const;

/** Said when the control plane gives no message of its own. */
export function fallbackCountersMessage(replicas: number): string {
  const n = Math.max(replicas, 2);
  return `Without shared storage each replica counts on its own: a 10/min limit on ${n} replicas admits up to ${10 * n}/min.`;
}

function networkLabel(mode: 'host' | 'bridge'): string {
  return mode === 'host' ? 'host network' : 'bridge network + host.docker.internal';
}

export function DockerFacts({ gateway }: { gateway: Gateway }) {
  const docker = useAppStore((s) => s.systemInfo?.docker);
  const progress = useAppStore((s) => s.dockerProgress);
  const mode = gateway.networkMode ?? docker?.networkMode;
  const modeMessage = gateway.networkModeMessage ?? docker?.networkModeMessage;
  const building = gateway.status === 'starting' && (progress || docker?.image?.status === 'building');
  const shared = gateway.sharedCounters === true;
  return (
    <div className="stack small">
      {building ? (
        <div className="row" role="status" aria-label="Image build progress">
          <Badge tone="info" dot>
            {progress ? STAGES[progress.stage] : 'Building the gateway image'}…
          </Badge>
          <span className="mono muted break">{progress?.line ?? docker?.image?.message}</span>
        </div>
      ) : null}
      <div>
        <Badge tone="neutral">{mode ? networkLabel(mode) : 'network'}</Badge>{' '}
        {mode ? (modeMessage ?? '') : <span className="muted">Decided when Docker answers: host networking on Linux, host.docker.internal on Docker Desktop.</span>}
      </div>
      <div>
        <Badge tone={shared ? 'success' : 'neutral'}>{shared ? 'shared counters (Redis)' : 'counters per replica'}</Badge>{' '}
        {gateway.countersMessage ?? (shared ? `Shared by all replicas through Redis at ${gateway.sharedStorage?.redis?.address ?? 'the configured address'}.` : fallbackCountersMessage(gateway.desiredReplicas))}
      </div>
    </div>
  );
}
