/**
 * Try it: compose a request (method, path, headers, body, an application's credentials), send
 * it through the gateway with `try.send`, and see what each policy decided. Copy as curl.
 * With an OpenAPI document kept, its operations fill the request (parameters checked before
 * sending); requests can be saved per API and run again.
 */
import { useEffect, useState, type FormEvent } from 'react';
import type { OpenApiOperation, SavedRequest } from '../../../../../shared/collections/collection-models';
import { buildOperationRequest, initialParameterValues, type ParameterValues } from '../../../../../shared/collections/operation-request';
import type { Api, TryResult } from '../../../../../shared/contract/models';
import { toCurl } from '../../../lib/curl';
import { errorMessage, fieldErrorsOf } from '../../../lib/errors';
import { apiUrl } from '../../../lib/gateway-url';
import { statusTone } from '../../../lib/format';
import { useLocation } from '../../../router/router';
import { useActions, useAppStore, useClient } from '../../../state/store';
import { Banner } from '../../../ui/banner';
import { Button, IconButton } from '../../../ui/button';
import { CopyButton } from '../../../ui/copy-button';
import { EmptyState } from '../../../ui/empty-state';
import { Field } from '../../../ui/field';
import { headersFromRows, HeaderRows, type HeaderRow } from './header-rows';
import { CompareView } from './compare-view';
import { OperationsPanel, useOperations } from './operations-panel';
import { ParameterEditor } from './parameter-editor';
import { SavedRequestsList, SaveRequestForm, useSavedRequests } from './saved-requests';
import { clearDraft, peekDraft } from './request-draft';
import { TokenPanel } from './token-panel';
import { TryResultView } from './try-result';
import './try-collections.css';

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'];

/** Straight to the upstream: no dry run and no application credentials (both are the gateway's). */
function direct<T extends { dryRun?: boolean; applicationId?: string }>(request: T): Omit<T, 'dryRun' | 'applicationId'> {
  const { dryRun: _dryRun, applicationId: _applicationId, ...rest } = request;
  return rest;
}

export function TryItTab({ api }: { api: Api }) {
  const client = useClient();
  const { query } = useLocation();
  const applications = useAppStore((s) => s.applications);
  const gateways = useAppStore((s) => s.gateways);
  const gatewayPort = useAppStore((s) => s.systemInfo?.gatewayPort);
  const { loadApplications } = useActions();
  // Edit and resend: a request handed over from Traffic fills the form once.
  const [draft] = useState(() => peekDraft(api.id));
  const [method, setMethod] = useState(draft?.method ?? query.get('method') ?? 'GET');
  const [path, setPath] = useState(draft?.path ?? query.get('path') ?? '/');
  const [rows, setRows] = useState<HeaderRow[]>(draft?.headers ?? []);
  const [body, setBody] = useState(draft?.body ?? '');
  const [target, setTarget] = useState<'gateway' | 'upstream' | 'compare'>('gateway');
  const [compared, setCompared] = useState<{ gateway: TryResult; upstream: TryResult }>();
  const [applicationId, setApplicationId] = useState('');
  const [dryRun, setDryRun] = useState(false);
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string>();
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [result, setResult] = useState<TryResult>();
  const [history, setHistory] = useState<{ id: number; method: string; path: string; status: number }[]>([]);
  const listed = useOperations(api.id);
  const saved = useSavedRequests(api.id);
  const [operation, setOperation] = useState<OpenApiOperation>();
  const [parameters, setParameters] = useState<ParameterValues>({});
  const [parameterErrors, setParameterErrors] = useState<Record<string, string>>({});
  const [saving, setSaving] = useState(false);
  const [running, setRunning] = useState<string>();

  useEffect(() => {
    void loadApplications();
  }, [loadApplications]);
  useEffect(() => {
    if (draft) clearDraft(draft);
  }, [draft]);

  const hasBody = !['GET', 'HEAD'].includes(method);
  const headers = headersFromRows(rows);
  const app = applications.find((a) => a.id === applicationId);
  const base = apiUrl(api, gateways, gatewayPort) ?? api.basePath;
  const typedPath = path.startsWith('/') ? path : `/${path}`;
  // With an operation chosen, its parameters fill the path template and add their headers.
  const built = operation ? buildOperationRequest(operation.parameters, parameters, typedPath) : { ok: true as const, path: typedPath, headers: {} };
  const sentPath = built.ok ? built.path : typedPath;
  const sentHeaders = built.ok ? { ...headers, ...built.headers } : headers;
  const curl = toCurl({
    method,
    url: `${base}${sentPath}`,
    headers: app ? { ...sentHeaders, client_id: app.clientId, client_secret: '$CLIENT_SECRET' } : sentHeaders,
    body: hasBody && body ? body : undefined,
    basicAuth: app ? `${app.clientId}:$CLIENT_SECRET` : undefined,
    // The secret is never shown: the command reads it from the environment when it runs.
    variables: ['CLIENT_SECRET'],
  });

  function choose(chosen: OpenApiOperation) {
    setOperation(chosen);
    setMethod(chosen.method);
    setPath(chosen.path);
    setParameters(initialParameterValues(chosen.parameters));
    setParameterErrors({});
    setBody(chosen.body?.example ?? '');
    const contentType = chosen.body?.contentType;
    // The Content-Type the previous operation's body put in goes with it; one the user typed stays.
    const added = operation?.body?.contentType;
    setRows((current) => {
      const kept = current.filter((row) => !(row.name.trim().toLowerCase() === 'content-type' && row.value === added));
      return !contentType || kept.some((row) => row.name.trim().toLowerCase() === 'content-type') ? kept : [...kept, { name: 'Content-Type', value: contentType }];
    });
  }

  /** The parameters' problems shown at their fields; false when there are any. */
  function parametersReady(): boolean {
    setParameterErrors(built.ok ? {} : built.errors);
    if (!built.ok) setError('Some parameters are missing or do not fit their type: see the fields marked below.');
    return built.ok;
  }

  function load(request: SavedRequest) {
    setOperation(undefined);
    setParameterErrors({});
    setMethod(request.method);
    setPath(request.path);
    setRows(Object.entries(request.headers).map(([name, value]) => ({ name, value })));
    setBody(request.body ?? '');
  }

  async function run(request: SavedRequest) {
    setRunning(request.id);
    setError(undefined);
    try {
      const sent = await client.try.send({ apiId: api.id, method: request.method, path: request.path, headers: request.headers, ...(request.body !== undefined ? { body: request.body } : {}), target: 'gateway' });
      setCompared(undefined);
      setResult(sent);
      setHistory((list) => [{ id: Date.now() + Math.random(), method: request.method, path: request.path, status: sent.status }, ...list].slice(0, 8));
    } catch (caught) {
      setError(errorMessage(caught));
    } finally {
      setRunning(undefined);
    }
  }

  async function send(event?: FormEvent) {
    event?.preventDefault();
    setError(undefined);
    setFieldErrors({});
    if (!parametersReady()) return;
    setPending(true);
    try {
      const request = { apiId: api.id, method, path: sentPath, headers: sentHeaders, ...(hasBody && body ? { body } : {}), ...(applicationId ? { applicationId } : {}), dryRun };
      let sent: TryResult;
      if (target === 'compare') {
        // One after the other: the gateway's answer first, so a rate limit counts the same request once.
        sent = await client.try.send({ ...request, target: 'gateway' });
        const upstream = await client.try.send({ ...direct(request), target: 'upstream' });
        setCompared({ gateway: sent, upstream });
      } else {
        sent = await client.try.send(target === 'upstream' ? { ...direct(request), target } : { ...request, target });
        setCompared(undefined);
      }
      setResult(sent);
      setHistory((list) => [{ id: Date.now() + Math.random(), method, path: sentPath, status: sent.status }, ...list].slice(0, 8));
    } catch (caught) {
      setFieldErrors(fieldErrorsOf(caught));
      setError(errorMessage(caught));
    } finally {
      setPending(false);
    }
  }

  return (
    <form className="try" onSubmit={send} noValidate aria-label="Request">
      <div className="card request-bar">
        <div className="request-line">
          <select className="select method-select" aria-label="Method" value={method} onChange={(e) => setMethod(e.target.value)}>
            {METHODS.map((m) => (
              <option key={m}>{m}</option>
            ))}
          </select>
          <div className={`url-input ${fieldErrors.path ? 'url-input-invalid' : ''}`}>
            <span className="url-base mono" title={base}>
              {base}
            </span>
            <input className="mono" aria-label="Path" value={path} spellCheck={false} onChange={(e) => setPath(e.target.value)} placeholder="/posts/1" aria-invalid={fieldErrors.path ? true : undefined} />
          </div>
          <select className="select target-select" aria-label="Send to" value={target} onChange={(e) => setTarget(e.target.value as typeof target)}>
            <option value="gateway">Through the gateway</option>
            <option value="upstream">Straight to the upstream</option>
            <option value="compare">Compare both</option>
          </select>
          <Button type="submit" variant="primary" icon="send" pending={pending}>
            {target === 'compare' ? 'Compare' : 'Send'}
          </Button>
          <CopyButton text={curl} label="Copy as curl" showLabel size="md" />
          <Button icon="download" onClick={() => setSaving(true)} disabled={saving}>
            Save
          </Button>
        </div>
        {fieldErrors.path ? <div className="field-error" role="alert">{fieldErrors.path}</div> : null}
        {operation ? (
          <div className="operation-chosen">
            <span className="muted small">Operation</span>
            <span className="mono">{operation.key}</span>
            {operation.summary ? <span className="muted">{operation.summary}</span> : null}
            {built.ok && sentPath !== typedPath ? (
              <span className="small" data-testid="sends-path">
                sends <span className="mono">{sentPath}</span>
              </span>
            ) : null}
            <IconButton icon="x" label="Stop using the operation" onClick={() => setOperation(undefined)} />
          </div>
        ) : null}
        {saving ? (
          <SaveRequestForm
            saved={saved}
            suggestedName={operation?.summary ?? `${method} ${sentPath}`}
            onClose={() => setSaving(false)}
            onSave={async (name) => {
              if (!parametersReady()) throw new Error('Fill the parameters first.');
              await saved.save({ method, path: sentPath, headers: sentHeaders, ...(hasBody && body ? { body } : {}), ...(operation ? { operation: operation.key } : {}) }, name);
            }}
          />
        ) : null}
        {draft ? (
          <Banner kind="info" title="From traffic: edit and send again">
            {draft.redacted.length > 0 ? `Left out because the traffic log redacted their values: ${draft.redacted.join(', ')}. ` : ''}
            {draft.bodyNote ?? ''}
          </Banner>
        ) : null}
      </div>
      <div className="try-layout try-layout-collections">
        <div className="card try-collections">
          {listed && listed.operations.length > 0 ? <OperationsPanel listed={listed} chosen={operation?.key} onChoose={choose} /> : null}
          <SavedRequestsList saved={saved} running={running} onRun={(request) => void run(request)} onLoad={load} />
        </div>
        <div className="card try-request">
          <Field
            label="Credentials"
            hint={app ? `Sends ${app.clientId} with its secret (Basic auth and client_id/client_secret headers).` : 'Send as an application (client ID enforcement, SLA tiers).'}
          >
            <select className="select" value={applicationId} onChange={(e) => setApplicationId(e.target.value)}>
              <option value="">No credentials</option>
              {applications.map((a) => (
                <option key={a.id} value={a.id}>
                  {a.name} ({a.clientId})
                </option>
              ))}
            </select>
          </Field>
          <Field label="Dry run: run the policies without calling the upstream" inline>
            <input type="checkbox" className="checkbox" checked={dryRun} onChange={(e) => setDryRun(e.target.checked)} />
          </Field>
          {operation ? <ParameterEditor operation={operation} values={parameters} errors={parameterErrors} onChange={setParameters} /> : null}
          <fieldset className="fieldset">
            <legend className="fieldset-legend">Headers</legend>
            <HeaderRows rows={rows} onChange={setRows} />
          </fieldset>
          <TokenPanel
            api={api}
            currentToken={/^Bearer\s+(\S+)/i.exec(Object.entries(headers).find(([name]) => name.toLowerCase() === 'authorization')?.[1] ?? '')?.[1]}
            onUseToken={(token) => setRows((current) => [...current.filter((row) => row.name.trim().toLowerCase() !== 'authorization'), { name: 'Authorization', value: `Bearer ${token}` }])}
          />
          {hasBody ? (
            <Field label="Body" error={fieldErrors.body} hint={operation?.body ? `${operation.body.contentType}${operation.body.required ? ', required' : ''}; ${operation.body.origin === 'example' ? "from the document's example" : 'generated from the schema'}` : undefined}>
              <textarea className="textarea mono" rows={6} value={body} spellCheck={false} onChange={(e) => setBody(e.target.value)} placeholder='{"title": "hello"}' />
            </Field>
          ) : null}
          {history.length > 0 ? (
            <div className="row">
              <span className="muted small">Recent</span>
              <ol className="history" aria-label="Recent requests">
                {history.map((h) => (
                  <li key={h.id} className={`history-item status-${statusTone(h.status)}`} title={`${h.method} ${h.path}`}>
                    {h.status}
                  </li>
                ))}
              </ol>
            </div>
          ) : null}
        </div>
        <div className="card try-response" aria-live="polite">
          {error ? (
            <Banner kind="error" title="The request could not be sent">
              {error}
            </Banner>
          ) : null}
          {compared ? (
            <CompareView gateway={compared.gateway} upstream={compared.upstream} />
          ) : result ? (
            <TryResultView result={result} />
          ) : !error ? (
            <EmptyState icon="send" title="Send a request">
              The response appears here with every policy&apos;s decision. <kbd className="kbd">Enter</kbd> in the path sends it.
            </EmptyState>
          ) : null}
        </div>
      </div>
    </form>
  );
}
