/** Recent log lines of one replica (gateways.logs): monospace, newest at the bottom, kept in view. */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { Gateway, ReplicaLogLine } from '../../../../shared/contract/models';
import { errorMessage } from '../../lib/errors';
import { useClient } from '../../state/store';
import { Banner } from '../../ui/banner';
import { Button, IconButton } from '../../ui/button';

const TAIL = 300;

function timeOf(at: string): string {
  return at ? at.slice(11, 19) : '';
}

export function ReplicaLogs({ gateway, index, onClose }: { gateway: Gateway; index: number; onClose(): void }) {
  const client = useClient();
  const [lines, setLines] = useState<ReplicaLogLine[]>();
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string>();
  const scroller = useRef<HTMLPreElement>(null);
  const replica = gateway.replicas.find((r) => r.index === index);

  const refresh = useCallback(async () => {
    setPending(true);
    setError(undefined);
    try {
      setLines(await client.gateways.logs({ id: gateway.id, index, tail: TAIL }));
    } catch (caught) {
      setError(errorMessage(caught));
    } finally {
      setPending(false);
    }
  }, [client, gateway.id, index]);

  // Reload when the replica's container or status changes (a restart writes new lines): events, not a timer.
  useEffect(() => {
    void refresh();
  }, [refresh, replica?.containerId, replica?.status]);

  useEffect(() => {
    const node = scroller.current;
    if (node) node.scrollTop = node.scrollHeight;
  }, [lines]);

  return (
    <aside className="drawer" aria-label={`Logs of replica ${index}`}>
      <header className="drawer-header">
        <div className="drawer-title">
          <strong>Replica #{index} logs</strong>
          <span className="muted small mono">{replica?.containerId.slice(0, 12)}</span>
        </div>
        <Button size="sm" icon="refresh" pending={pending} onClick={() => void refresh()}>
          Refresh
        </Button>
        <IconButton icon="x" label="Close logs" onClick={onClose} />
      </header>
      <div className="drawer-body">
        {error ? <Banner kind="error" title="Could not read the logs">{error}</Banner> : null}
        {lines && lines.length === 0 ? <p className="muted small">No output yet.</p> : null}
        {lines && lines.length > 0 ? (
          <pre ref={scroller} className="code-block mono" style={{ maxHeight: 320 }} tabIndex={0} aria-label="Log lines">
            {lines.map((line, i) => (
              // The gateway logs to stderr by design, so stderr is not coloured as an error.
              <div key={i} title={line.stream}>
                <span className="muted">{timeOf(line.at)} </span>
                {line.text}
              </div>
            ))}
          </pre>
        ) : null}
      </div>
    </aside>
  );
}
