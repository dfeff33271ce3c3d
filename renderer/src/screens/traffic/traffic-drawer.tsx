/**
 * Details of one request: summary (who served it, which application), timing, policy trace,
 * query parameters, headers and the captured bodies; replay it or copy it as curl, HTTPie or
 * fetch. An entry imported from a HAR file brings its bodies along; it is replayed or edited and
 * resent through one of your APIs, chosen in the drawer (the likely one first).
 */
import { useEffect, useState } from 'react';
import type { TrafficBodies } from '../../../../shared/contract/capture-models';
import type { TryResult } from '../../../../shared/contract/models';
import type { TrafficEntry } from '../../../../shared/contract/telemetry-models';
import { findPolicy } from '../../../../shared/policies/catalogue';
import { toCurl, toFetch, toHttpie } from '../../lib/curl';
import { errorMessage } from '../../lib/errors';
import { formatDateTime, formatMs, statusTone } from '../../lib/format';
import { gatewayOrigin } from '../../lib/gateway-url';
import { queryPairs, requestTarget } from '../../lib/har';
import { apiPath, href, navigate } from '../../router/router';
import { useActions, useAppStore, useClient } from '../../state/store';
import { Banner } from '../../ui/banner';
import { Button, IconButton } from '../../ui/button';
import { CopyButton } from '../../ui/copy-button';
import { draftFromTraffic, handOverDraft, likelyApi } from '../api-detail/try-it/request-draft';
import { reasonPhrase } from '../api-detail/try-it/try-result';
import { TraceTable } from '../api-detail/try-it/trace-table';
import { BodyViewer } from './body-viewer';
import { copyRequest, resendableBody } from './copy-request';
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

function QueryParameters({ query }: { query: string | undefined }) {
  const pairs = queryPairs(query);
  if (pairs.length === 0) return null;
  return (
    <section aria-label="Query parameters">
      <h3 className="subheading">Query parameters</h3>
      <table className="table table-compact kv-table">
        <tbody>
          {pairs.map(({ name, value }, i) => (
            <tr key={`${name}-${i}`}>
              <th scope="row" className="mono">{name}</th>
              <td className="mono break">{value}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

/** Bodies of a live entry come from 'traffic.bodies' when any were kept; an imported one brings its own. */
function useBodies(entry: TrafficEntry, imported: TrafficBodies | undefined): { bodies: TrafficBodies | undefined; pending: boolean; error: string | undefined } {
  const client = useClient();
  const [state, setState] = useState<{ id: string; bodies?: TrafficBodies; error?: string }>({ id: '' });
  const wanted = imported === undefined && entry.captured !== undefined;
  useEffect(() => {
    if (!wanted) return;
    let current = true;
    client.traffic.bodies({ id: entry.id }).then(
      (bodies) => current && setState({ id: entry.id, bodies }),
      (caught: unknown) => current && setState({ id: entry.id, error: errorMessage(caught) }),
    );
    return () => {
      current = false;
    };
  }, [client, entry.id, wanted]);
  if (imported !== undefined) return { bodies: imported, pending: false, error: undefined };
  if (!wanted) return { bodies: undefined, pending: false, error: undefined };
  if (state.id !== entry.id) return { bodies: undefined, pending: true, error: undefined };
  return { bodies: state.bodies, pending: false, error: state.error };
}

export function TrafficDrawer({ entry, onClose, imported }: { entry: TrafficEntry; onClose(): void; imported?: { bodies: TrafficBodies | undefined; file: string } }) {
  const client = useClient();
  const apis = useAppStore((s) => s.apis);
  const liveApi = apis.find((a) => a.id === entry.apiId);
  // An imported entry belongs to no API here: it is resent through the one chosen below.
  const [resendApiId, setResendApiId] = useState<string>();
  const chosenApi = apis.find((a) => a.id === resendApiId) ?? (resendApiId === undefined ? likelyApi(entry, apis) : undefined);
  const api = imported ? undefined : liveApi;
  const target = imported ? chosenApi : liveApi;
  const gateway = useAppStore((s) => s.gateways.find((g) => g.id === api?.gatewayId));
  const gatewayPort = useAppStore((s) => s.systemInfo?.gatewayPort);
  const application = useAppStore((s) => (entry.clientId ? s.applications.find((a) => a.clientId === entry.clientId) : undefined));
  const { loadApplications } = useActions();
  const { bodies, pending, error: bodiesError } = useBodies(entry, imported?.bodies);
  const [replaying, setReplaying] = useState(false);
  const [replayed, setReplayed] = useState<TryResult>();
  const [error, setError] = useState<string>();

  useEffect(() => {
    setReplayed(undefined);
    setError(undefined);
    setResendApiId(undefined);
  }, [entry.id]);

  useEffect(() => {
    if (entry.clientId) void loadApplications();
  }, [entry.clientId, loadApplications]);

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => event.key === 'Escape' && onClose();
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onClose]);

  const origin = imported ? `http://${entry.listener ?? '127.0.0.1'}` : (gatewayOrigin(gateway, gatewayPort) ?? 'http://127.0.0.1');
  const copied = copyRequest(entry, origin, bodies);
  const requestLine = requestTarget(entry);
  const servedBy = entry.replica ? `replica ${entry.replica}` : gateway ? `gateway ${gateway.name}` : imported ? `imported from ${imported.file}` : 'the embedded gateway';

  async function replay() {
    if (!target) return;
    setReplaying(true);
    setError(undefined);
    try {
      setReplayed(await client.try.send(replayRequest(entry, target, resendableBody(bodies))));
    } catch (caught) {
      setError(errorMessage(caught));
    } finally {
      setReplaying(false);
    }
  }

  const facts: [string, React.ReactNode][] = [
    ['Time', formatDateTime(entry.at)],
    ['API', api ? <a className="row-link" href={href(apiPath(api.id))}>{api.name}</a> : (entry.apiName ?? '—')],
    ['Application', application ? <span>{application.name}</span> : entry.clientId ? <span className="mono">{entry.clientId}</span> : '—'],
    ['Served by', <span>{servedBy}{entry.listener && !imported ? <span className="muted mono"> ({entry.listener})</span> : null}</span>],
    ['Latency', formatMs(entry.latencyMs)],
    ['Answered by', entry.source === 'gateway' ? 'the gateway' : entry.source === 'mock' ? "the API's mock" : 'the upstream'],
    ...(entry.errorCode ? ([['Error code', <span className="mono">{entry.errorCode}</span>]] as [string, React.ReactNode][]) : []),
    ...(entry.violatedPolicy ? ([['Rejected by', findPolicy(entry.violatedPolicy)?.title ?? entry.violatedPolicy]] as [string, React.ReactNode][]) : []),
  ];

  return (
    <aside className="drawer" aria-label="Request details">
      <header className="drawer-header">
        <div className="drawer-title">
          <span className={`status-code status-${statusTone(entry.status)}`}>{entry.status}</span>
          <span className="mono strong">{entry.method}</span>
          <span className="mono truncate" title={requestLine} data-testid="drawer-target">{requestLine}</span>
        </div>
        <IconButton icon="x" label="Close details" onClick={onClose} />
      </header>
      <div className="drawer-body">
        {imported ? (
          <label className="row small">
            <span className="muted">Resend through</span>
            <select className="select select-sm" aria-label="Resend through API" value={chosenApi?.id ?? ''} onChange={(e) => setResendApiId(e.target.value)}>
              <option value="">{apis.length === 0 ? 'No API yet' : 'Choose an API…'}</option>
              {apis.map((a) => (
                <option key={a.id} value={a.id}>
                  {a.name} ({a.basePath})
                </option>
              ))}
            </select>
          </label>
        ) : null}
        <div className="row">
          <Button
            icon="replay"
            variant="primary"
            size="sm"
            pending={replaying}
            disabled={!target}
            onClick={replay}
            title={target ? `Send it again through the gateway${imported ? ` to ${target.name}` : ''}` : imported ? 'Imported from a file: choose the API to send it through' : 'The API no longer exists'}
          >
            Replay
          </Button>
          {target ? (
            <Button
              icon="send"
              variant="secondary"
              size="sm"
              disabled={pending}
              onClick={() => {
                handOverDraft(draftFromTraffic(entry, target, bodies));
                navigate(apiPath(target.id, 'try'));
              }}
              title="Open it in Try it with method, path, headers and body filled in, to change and send again"
            >
              Edit and resend
            </Button>
          ) : null}
          <CopyButton text={toCurl(copied)} label="Copy as curl" showLabel />
          <CopyButton text={toHttpie(copied)} label="Copy as HTTPie" showLabel />
          <CopyButton text={toFetch(copied)} label="Copy as fetch" showLabel />
        </div>
        {imported ? <Banner kind="info">Imported from {imported.file}: not live traffic.</Banner> : null}
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
        <QueryParameters query={entry.query} />
        <Headers title="Request headers" headers={entry.requestHeaders} />
        {bodiesError ? <Banner kind="error" title="Could not load the bodies">{bodiesError}</Banner> : null}
        <BodyViewer title="Request body" body={bodies?.request} size={entry.method === 'GET' ? undefined : entry.bytesIn} pending={pending} />
        <Headers title="Response headers" headers={entry.responseHeaders} />
        <BodyViewer title="Response body" body={bodies?.response} size={entry.bytesOut} pending={pending} />
      </div>
    </aside>
  );
}
