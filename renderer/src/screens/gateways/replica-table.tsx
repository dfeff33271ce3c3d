/** A docker gateway's replicas: container, port, connection status, heartbeat, counters, logs. */
import type { Gateway, Replica } from '../../../../shared/contract/models';
import { timeAgo } from '../../lib/format';
import { Button } from '../../ui/button';
import { Badge } from '../../ui/status-badge';

const TONES = { connected: 'success', starting: 'info', disconnected: 'danger' } as const;

function countersTone(counters: string): 'success' | 'warning' | 'neutral' {
  return counters === 'redis' ? 'success' : counters.startsWith('redis') ? 'warning' : 'neutral';
}

export function ReplicaTable({ gateway, onLogs }: { gateway: Gateway; onLogs(replica: Replica): void }) {
  return (
    // Cards are narrow: the table scrolls sideways rather than spilling out of its card.
    <div style={{ overflowX: 'auto' }}>
      <table className="table table-compact" aria-label={`Replicas of ${gateway.name}`}>
        <thead>
          <tr>
            <th>Replica</th>
            <th>Port</th>
            <th>Status</th>
            <th>Heartbeat</th>
            <th>Counters</th>
            <th>
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {gateway.replicas.length === 0 ? (
            <tr>
              <td colSpan={6} className="muted small">
                No replica running ({gateway.desiredReplicas} wanted).
              </td>
            </tr>
          ) : null}
          {gateway.replicas.map((replica) => (
            <tr key={replica.containerId || replica.index} aria-label={`Replica ${replica.index}`}>
              <td className="mono small">
                #{replica.index} <span className="muted">{replica.containerId ? replica.containerId.slice(0, 12) : 'no container'}</span>
              </td>
              <td className="mono small">{replica.hostPort}</td>
              <td>
                <Badge tone={TONES[replica.status]} dot title={replica.detail}>
                  {replica.status}
                </Badge>
                {replica.detail ? <div className="muted small">{replica.detail}</div> : null}
              </td>
              <td className="small muted">{replica.lastHeartbeatAt ? timeAgo(replica.lastHeartbeatAt) : 'never'}</td>
              <td className="small">{replica.counters ? <Badge tone={countersTone(replica.counters)}>{replica.counters}</Badge> : <span className="muted">–</span>}</td>
              <td>
                <Button size="sm" variant="ghost" onClick={() => onLogs(replica)} aria-label={`Logs of replica ${replica.index}`} disabled={!replica.containerId}>
                  Logs
                </Button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
