/**
 * The API's Mock tab: whether the gateway answers from a mock (off, mock only, or only when
 * the upstream is down), from which source (the OpenAPI document's examples, a recording, or
 * hand-written routes), and recording. Mock answers carry `x-gatehouse-source: mock`.
 */
import { useEffect, useState } from 'react';
import type { Api } from '../../../../../shared/contract/models';
import { MOCK_MODES, MOCK_SOURCES, type MockMode, type MockSource } from '../../../../../shared/mocks/mock-models';
import { readFileText } from '../../../lib/browser';
import { errorMessage, fieldErrorsOf } from '../../../lib/errors';
import { useClient } from '../../../state/store';
import { Banner } from '../../../ui/banner';
import { Button } from '../../../ui/button';
import { Spinner } from '../../../ui/empty-state';
import { Field } from '../../../ui/field';
import { RecordingsCard } from './recordings-card';
import { draftOf, RouteEditor, routeOf, type RouteDraft } from './route-editor';
import { useMock } from './use-mock';

const MODE_LABELS: Record<MockMode, string> = { off: 'Off: always the upstream', only: 'Mock only: never call the upstream', fallback: 'Fall back to the mock when the upstream is down' };
const SOURCE_LABELS: Record<MockSource, string> = { openapi: 'OpenAPI examples', recording: 'A recording', routes: 'Hand-written routes' };

export function MockTab({ api }: { api: Api }) {
  const client = useClient();
  const state = useMock(api.id);
  const settings = state.settings;
  const [mode, setMode] = useState<MockMode>('off');
  const [source, setSource] = useState<MockSource>('openapi');
  const [recordingId, setRecordingId] = useState('');
  const [routes, setRoutes] = useState<RouteDraft[]>([]);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string>();
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [saved, setSaved] = useState(false);

  // The form starts from what is stored (once loaded).
  const loadedFor = settings?.apiId;
  useEffect(() => {
    if (!settings) return;
    setMode(settings.mode);
    // A mock never turned on starts from the OpenAPI document when the API has one.
    setSource(settings.mode === 'off' && settings.openApi ? 'openapi' : settings.source);
    setRecordingId(settings.recordingId ?? '');
    setRoutes(settings.routes.map(draftOf));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [loadedFor]);

  if (!settings) return state.error ? <Banner kind="error">{state.error}</Banner> : <Spinner label="Loading the mock" />;

  async function save() {
    setSaving(true);
    setError(undefined);
    setFieldErrors({});
    setSaved(false);
    try {
      await client.mocks.update({
        apiId: api.id,
        mode,
        source,
        recordingId: recordingId === '' ? null : recordingId,
        routes: routes.map(routeOf) as never,
      });
      await state.reload();
      setSaved(true);
    } catch (caught) {
      setFieldErrors(fieldErrorsOf(caught));
      setError(errorMessage(caught));
    } finally {
      setSaving(false);
    }
  }

  async function uploadOpenApi(file: File) {
    setError(undefined);
    try {
      await client.mocks.putOpenApi({ apiId: api.id, document: await readFileText(file) });
      await state.reload();
    } catch (caught) {
      setError(`${file.name}: ${errorMessage(caught)}`);
    }
  }

  return (
    <div className="stack-lg">
      <section className="card stack" aria-label="Mock">
        <div className="card-header">
          <div>
            <h2 className="card-title">Mock</h2>
            <p className="muted small">Answer without the upstream: its answers carry the header x-gatehouse-source: mock. Policies still run first.</p>
          </div>
        </div>
        {error ? <Banner kind="error">{error}</Banner> : null}
        {saved ? (
          <Banner kind="success">
            Saved. {mode === 'off' ? 'The upstream answers.' : mode === 'only' ? 'The mock answers every request.' : 'The mock answers when the upstream is down.'}
          </Banner>
        ) : null}
        <fieldset className="fieldset">
          <legend className="fieldset-legend">Mode</legend>
          <div className="radio-row" role="radiogroup" aria-label="Mode">
            {MOCK_MODES.map((value) => (
              <label key={value} className="radio">
                <input type="radio" name="mock-mode" value={value} checked={mode === value} onChange={() => setMode(value)} /> {MODE_LABELS[value]}
              </label>
            ))}
          </div>
        </fieldset>
        <Field label="Answer from" error={fieldErrors.source}>
          <select className="select" value={source} onChange={(e) => setSource(e.target.value as MockSource)}>
            {MOCK_SOURCES.map((value) => (
              <option key={value} value={value}>
                {SOURCE_LABELS[value]}
              </option>
            ))}
          </select>
        </Field>
        {source === 'openapi' ? (
          <div className="stack">
            <p className="small" role="status">
              {settings.openApi
                ? `OpenAPI document kept with this API: ${settings.openApi.operations} operation(s). Each answers its example, or a value generated from its schema.`
                : 'No OpenAPI document is kept with this API yet.'}
            </p>
            <label className="btn btn-secondary file-button">
              {settings.openApi ? 'Replace the OpenAPI document' : 'Upload an OpenAPI document'}
              <input
                type="file"
                accept=".json,.yaml,.yml,application/json,application/yaml"
                className="visually-hidden"
                onChange={(e) => {
                  const file = e.target.files?.[0];
                  e.target.value = '';
                  if (file) void uploadOpenApi(file);
                }}
              />
            </label>
          </div>
        ) : null}
        {source === 'recording' ? (
          <div className="stack">
            <Field label="Recording" error={fieldErrors.recordingId}>
              <select className="select" value={recordingId} onChange={(e) => setRecordingId(e.target.value)}>
                <option value="">Choose a recording</option>
                {state.recordings.map((recording) => (
                  <option key={recording.id} value={recording.id}>
                    {recording.name} ({recording.exchanges} responses)
                  </option>
                ))}
              </select>
            </Field>
            <p className="muted small">Match rules: {settings.matchRules}</p>
          </div>
        ) : null}
        {source === 'routes' ? <RouteEditor routes={routes} errors={fieldErrors} onChange={setRoutes} /> : null}
        <div>
          <Button variant="primary" pending={saving} onClick={() => void save()}>
            Save mock
          </Button>
        </div>
      </section>
      <RecordingsCard api={api} state={state} />
    </div>
  );
}
