/** Details of one request: summary, timing, policy trace, headers; replay it or copy it as curl. */
import { useEffect, useState } from 'react';
import type { TryResult } from '../../../../shared/contract/models';
import type { TrafficEntry } from '../../../../shared/contract/telemetry-models';
import { findPolicy } from '../../../../shared/policies/catalogue';
import { toCurl } from '../../lib/curl';
import { errorMessage } from '../../lib/errors';
import { formatDateTime, formatMs, statusTone } from '../../lib/format';
import { gatewayOrigin } from '../../lib/gateway-url';
import { apiPath, href } from '../../router/router';
import { useAppStore, useClient } from '../../state/store';
import { Banner } from '../../ui/banner';
import { Button, IconButton } from '../../ui/button';
import { CopyButton } from '../../ui/copy-button';
import { reasonPhrase } from '../api-detail/try-it/try-result';
import { TraceTable } from '../api-detail/try-it/trace-table';
import { replayRequest } from './replay';

function Headers({ title, headers }: { title: string; headers?: Record<string, string> }) {
  const list = Object.entries(headers ?? {});
  return (
    <section>
      <h3 className="subheading">{title}</h3>
      {list.length === 0 ? (
        <p className="muted small">Not recorded.</p>
      ) : (
        <table className="table table-compact kv-table">
          <tbody>
            {list.map(([name, value]) => (
              <tr key={name}>
                <th scope="row" className="mono">{name}</th>
                <td className="mono break">{value}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

export function TrafficDrawer({ entry, onClose }: { entry: TrafficEntry; onClose(): void }) {
  const client = useClient();
  const api = useAppStore((s) => s.apis.find((a) => a.id === entry.apiId));
  const gateway = useAppStore((s) => s.gateways.find((g) => g.id === api?.gatewayId));
  const gatewayPort = useAppStore((s) => s.systemInfo?.gatewayPort);
  const [replaying, setReplaying] = useState(false);
  const [replayed, setReplayed] = useState<TryResult>();
  const [error, setError] = useState<string>();

  useEffect(() => {
    setReplayed(undefined);
    setError(undefined);
  }, [entry.id]);

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => event.key === 'Escape' && onClose();
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onClose]);

  const origin = gatewayOrigin(gateway, gatewayPort) ?? 'http://127.0.0.1';
  const curl = toCurl({ method: entry.method, url: origin + entry.path, headers: Object.fromEntries(Object.entries(entry.requestHeaders ?? {}).filter(([n]) => !['host', 'content-length', 'connection'].includes(n.toLowerCase()))) });

  async function replay() {
    if (!api) return;
    setReplaying(true);
    setError(undefined);
    try {
      setReplayed(await client.try.send(replayRequest(entry, api)));
    } catch (caught) {
      setError(errorMessage(caught));
    } finally {
      setReplaying(false);
    }
  }

  const facts: [string, React.ReactNode][] = [
    ['Time', formatDateTime(entry.at)],
    ['API', api ? <a className="row-link" href={href(apiPath(api.id))}>{api.name}</a> : (entry.apiName ?? '—')],
    ['Client', entry.clientId ? <span className="mono">{entry.clientId}</span> : '—'],
    ['Latency', formatMs(entry.latencyMs)],
    ['Answered by', entry.source === 'gateway' ? 'the gateway' : 'the upstream'],
    ...(entry.errorCode ? ([['Error code', <span className="mono">{entry.errorCode}</span>]] as [string, React.ReactNode][]) : []),
    ...(entry.violatedPolicy ? ([['Rejected by', findPolicy(entry.violatedPolicy)?.title ?? entry.violatedPolicy]] as [string, React.ReactNode][]) : []),
    ...(entry.replica ? ([['Replica', entry.replica]] as [string, React.ReactNode][]) : []),
  ];

  return (
    <aside className="drawer" aria-label="Request details">
      <header className="drawer-header">
        <div className="drawer-title">
          <span className={`status-code status-${statusTone(entry.status)}`}>{entry.status}</span>
          <span className="mono strong">{entry.method}</span>
          <span className="mono truncate" title={entry.path}>{entry.path}</span>
        </div>
        <IconButton icon="x" label="Close details" onClick={onClose} />
      </header>
      <div className="drawer-body">
        <div className="row">
          <Button icon="replay" variant="primary" size="sm" pending={replaying} disabled={!api} onClick={replay} title={api ? 'Send it again through the gateway' : 'The API no longer exists'}>
            Replay
          </Button>
          {api ? (
            <a className="btn btn-secondary btn-sm" href={href(`${apiPath(api.id, 'try')}?method=${encodeURIComponent(entry.method)}&path=${encodeURIComponent(replayRequest(entry, api).path ?? '/')}`)}>
              Open in Try it
            </a>
          ) : null}
          <CopyButton text={curl} label="Copy as curl" showLabel />
        </div>
        {error ? <Banner kind="error" title="Replay failed">{error}</Banner> : null}
        {replayed ? (
          <Banner kind={replayed.status < 400 ? 'success' : 'warning'} title={`Replayed: ${replayed.status} ${reasonPhrase(replayed.status)}`}>
            {formatMs(replayed.timing.totalMs)} · from {replayed.source}
          </Banner>
        ) : null}
        <dl className="facts">
          {facts.map(([label, value]) => (
            <div key={label} className="fact">
              <dt>{label}</dt>
              <dd>{value}</dd>
            </div>
          ))}
        </dl>
        <section>
          <h3 className="subheading">Policy trace</h3>
          <TraceTable trace={entry.trace} compact />
        </section>
        <Headers title="Request headers" headers={entry.requestHeaders} />
        <Headers title="Response headers" headers={entry.responseHeaders} />
      </div>
    </aside>
  );
}
