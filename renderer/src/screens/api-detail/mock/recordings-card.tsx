/**
 * Recording: the switch that copies the API's upstream responses into a named recording, the
 * recordings with their size, and export/import as files (gatehouse-recording/v1 JSON).
 */
import { useState } from 'react';
import type { Api } from '../../../../../shared/contract/models';
import { recordingFileSchema } from '../../../../../shared/mocks/mock-models';
import { downloadText, readFileText } from '../../../lib/browser';
import { errorMessage } from '../../../lib/errors';
import { useClient } from '../../../state/store';
import { Banner } from '../../../ui/banner';
import { Button } from '../../../ui/button';
import { Field } from '../../../ui/field';
import type { MockState } from './use-mock';

export function RecordingsCard({ api, state }: { api: Api; state: MockState }) {
  const client = useClient();
  const [name, setName] = useState('recording-1');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const recordingInto = state.settings?.recordingInto;
  const current = state.recordings.find((recording) => recording.id === recordingInto);

  async function run(action: () => Promise<unknown>) {
    setBusy(true);
    setError(undefined);
    try {
      await action();
      await state.reload();
    } catch (caught) {
      setError(errorMessage(caught));
    } finally {
      setBusy(false);
    }
  }

  async function importFile(file: File) {
    await run(async () => {
      let parsed: unknown;
      try {
        parsed = JSON.parse(await readFileText(file));
      } catch {
        throw new Error(`${file.name}: not JSON; a recording file is what Export writes`);
      }
      const checked = recordingFileSchema.safeParse(parsed);
      if (!checked.success) {
        const issue = checked.error.issues[0]!;
        throw new Error(`${file.name}: ${issue.path.join('.') || 'file'}: ${issue.message}`);
      }
      await client.recordings.import({ apiId: api.id, file: checked.data });
    });
  }

  return (
    <section className="card stack" aria-label="Recordings">
      <div className="card-header">
        <div>
          <h2 className="card-title">Recording</h2>
          <p className="muted small">While recording, every response of the upstream (status, headers without cookies or credentials, body up to 1 MiB) is kept in the recording.</p>
        </div>
      </div>
      {error ? <Banner kind="error">{error}</Banner> : null}
      <div className="row">
        {recordingInto ? (
          <>
            <span role="status">
              Recording into <strong>{current?.name ?? recordingInto}</strong> ({current?.exchanges ?? 0} responses)
            </span>
            <Button pending={busy} onClick={() => run(() => client.mocks.update({ apiId: api.id, recordInto: null }))}>
              Stop recording
            </Button>
            <Button variant="ghost" onClick={() => void state.reload()}>
              Refresh
            </Button>
          </>
        ) : (
          <>
            <Field label="Recording name" className="grow">
              <input className="input" value={name} onChange={(e) => setName(e.target.value)} />
            </Field>
            <Button variant="primary" pending={busy} disabled={!name.trim()} onClick={() => run(() => client.mocks.update({ apiId: api.id, recordInto: name.trim() }))}>
              Start recording
            </Button>
          </>
        )}
      </div>
      <table className="table" aria-label="Recordings list">
        <thead>
          <tr>
            <th>Name</th>
            <th>Responses</th>
            <th>Created</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {state.recordings.map((recording) => (
            <tr key={recording.id}>
              <td>{recording.name}</td>
              <td>{recording.exchanges}</td>
              <td className="muted small">{new Date(recording.createdAt).toLocaleString()}</td>
              <td className="row">
                <Button
                  size="sm"
                  onClick={() =>
                    run(async () => downloadText(`${recording.name}.recording.json`, JSON.stringify(await client.recordings.export({ apiId: api.id, recordingId: recording.id }), null, 2)))
                  }
                >
                  Export
                </Button>
                <Button size="sm" variant="ghost" onClick={() => run(() => client.recordings.remove({ apiId: api.id, recordingId: recording.id }))}>
                  Delete
                </Button>
              </td>
            </tr>
          ))}
          {state.recordings.length === 0 ? (
            <tr>
              <td colSpan={4} className="muted small">
                No recordings yet.
              </td>
            </tr>
          ) : null}
        </tbody>
      </table>
      <label className="btn btn-secondary file-button">
        Import a recording file
        <input
          type="file"
          accept="application/json,.json"
          className="visually-hidden"
          onChange={(e) => {
            const file = e.target.files?.[0];
            e.target.value = '';
            if (file) void importFile(file);
          }}
        />
      </label>
    </section>
  );
}
