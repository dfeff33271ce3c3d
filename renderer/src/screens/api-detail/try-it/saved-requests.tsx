/**
 * Requests saved per API: the list (run again, load into the editor, rename, delete with a
 * confirm) and the small form that saves the request in the editor under a name (replacing
 * one of the same name after a confirm).
 */
import { useCallback, useEffect, useState, type KeyboardEvent } from 'react';
import type { SavedRequest, SavedRequestSave } from '../../../../../shared/collections/collection-models';
import { errorMessage, fieldErrorsOf } from '../../../lib/errors';
import { useClient } from '../../../state/store';
import { Banner } from '../../../ui/banner';
import { Button, IconButton } from '../../../ui/button';
import { ConfirmDialog } from '../../../ui/confirm-dialog';

export function useSavedRequests(apiId: string) {
  const client = useClient();
  const [list, setList] = useState<SavedRequest[]>([]);
  const [error, setError] = useState<string>();
  const reload = useCallback(async () => {
    try {
      setList(await client.savedRequests.list({ apiId }));
      setError(undefined);
    } catch (caught) {
      setError(errorMessage(caught));
    }
  }, [client, apiId]);
  useEffect(() => {
    void reload();
  }, [reload]);
  return {
    list,
    error,
    async save(request: Omit<SavedRequestSave, 'name'>, name: string) {
      const saved = await client.savedRequests.save({ apiId, name, ...request });
      await reload();
      return saved;
    },
    async rename(saved: SavedRequest, name: string) {
      await client.savedRequests.rename({ apiId, requestId: saved.id, name });
      await reload();
    },
    async remove(saved: SavedRequest) {
      await client.savedRequests.remove({ apiId, requestId: saved.id });
      await reload();
    },
  };
}

export type SavedRequests = ReturnType<typeof useSavedRequests>;

/** Name → save; a name already used on this API asks before replacing that request. */
export function SaveRequestForm({ saved, suggestedName, onSave, onClose }: { saved: SavedRequests; suggestedName: string; onSave(name: string): Promise<unknown>; onClose(): void }) {
  const [name, setName] = useState(suggestedName);
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string>();
  const [replacing, setReplacing] = useState(false);

  async function save() {
    setPending(true);
    setError(undefined);
    try {
      await onSave(name.trim());
      onClose();
    } catch (caught) {
      const fields = fieldErrorsOf(caught);
      setError(Object.entries(fields).map(([field, message]) => `${field}: ${message}`).join('; ') || errorMessage(caught));
    } finally {
      setPending(false);
    }
  }
  const submit = () => (saved.list.some((request) => request.name === name.trim()) ? setReplacing(true) : void save());
  const onKey = (event: KeyboardEvent) => {
    if (event.key === 'Enter') {
      event.preventDefault();
      submit();
    } else if (event.key === 'Escape') onClose();
  };

  return (
    <div className="save-request" role="group" aria-label="Save request">
      <input className="input" aria-label="Saved request name" value={name} autoFocus onChange={(e) => setName(e.target.value)} onKeyDown={onKey} placeholder="Name" />
      <Button variant="primary" size="sm" pending={pending} disabled={name.trim() === ''} onClick={submit}>
        Save request
      </Button>
      <Button variant="ghost" size="sm" onClick={onClose}>
        Cancel
      </Button>
      {error ? <div className="field-error" role="alert">{error}</div> : null}
      {replacing ? (
        <ConfirmDialog title={`Replace “${name.trim()}”?`} confirmLabel="Replace" onClose={() => setReplacing(false)} onConfirm={save}>
          A saved request of this name already exists on this API; it will be replaced by the request in the editor.
        </ConfirmDialog>
      ) : null}
    </div>
  );
}

function SavedItem({ request, saved, running, onRun, onLoad }: { request: SavedRequest; saved: SavedRequests; running: boolean; onRun(): void; onLoad(): void }) {
  const [renaming, setRenaming] = useState<string>();
  const [removing, setRemoving] = useState(false);
  const [error, setError] = useState<string>();
  async function rename() {
    if (renaming === undefined) return;
    try {
      await saved.rename(request, renaming.trim());
      setRenaming(undefined);
      setError(undefined);
    } catch (caught) {
      setError(errorMessage(caught));
    }
  }
  return (
    <li className="saved-item" aria-label={request.name}>
      {renaming !== undefined ? (
        <input
          className="input"
          aria-label={`New name for ${request.name}`}
          value={renaming}
          autoFocus
          onChange={(e) => setRenaming(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter') {
              e.preventDefault();
              void rename();
            } else if (e.key === 'Escape') setRenaming(undefined);
          }}
          onBlur={() => void rename()}
        />
      ) : (
        <button type="button" className="saved-item-main" aria-label={`Load ${request.name} into the editor`} title={`Load into the editor: ${request.method} ${request.path}`} onClick={onLoad}>
          <span className="saved-item-name">{request.name}</span>
          <span className="saved-item-target">
            <span className={`method-tag method-${request.method.toLowerCase()}`}>{request.method}</span>
            <span className="mono truncate">{request.path}</span>
          </span>
        </button>
      )}
      <div className="saved-item-actions">
        <Button size="sm" icon="play" pending={running} onClick={onRun} aria-label={`Run ${request.name}`}>
          Run
        </Button>
        <IconButton icon="edit" label={`Rename ${request.name}`} onClick={() => setRenaming(request.name)} />
        <IconButton icon="trash" label={`Delete ${request.name}`} onClick={() => setRemoving(true)} />
      </div>
      {error ? <div className="field-error" role="alert">{error}</div> : null}
      {removing ? (
        <ConfirmDialog title={`Delete “${request.name}”?`} confirmLabel="Delete" danger onClose={() => setRemoving(false)} onConfirm={() => saved.remove(request)}>
          The saved request is deleted from this API; this cannot be undone.
        </ConfirmDialog>
      ) : null}
    </li>
  );
}

export function SavedRequestsList({ saved, running, onRun, onLoad }: { saved: SavedRequests; running: string | undefined; onRun(request: SavedRequest): void; onLoad(request: SavedRequest): void }) {
  return (
    <section className="collection-section" aria-label="Saved requests">
      <h3 className="subheading">Saved</h3>
      {saved.error ? <Banner kind="error">{saved.error}</Banner> : null}
      {saved.list.length === 0 ? (
        <p className="muted small">Nothing saved yet: Save keeps the request in the editor here, to run again later.</p>
      ) : (
        <ul className="saved-list">
          {saved.list.map((request) => (
            <SavedItem key={request.id} request={request} saved={saved} running={running === request.id} onRun={() => onRun(request)} onLoad={() => onLoad(request)} />
          ))}
        </ul>
      )}
    </section>
  );
}
