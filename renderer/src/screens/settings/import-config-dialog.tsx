/**
 * Import a YAML setup: read the file, preview what it would add, change and remove (a dry run on
 * the control plane, resource by resource), and only after an explicit confirmation apply it —
 * merge (add and update only) or sync (also remove what the file lacks). All or nothing: errors
 * list file lines and nothing changes.
 */
import { useEffect, useState } from 'react';
import type { ConfigChange, ConfigImportMode, Environment } from '../../../../shared/contract';
import type { ConfigImportResult } from '../../../../shared/contract/models';
import { parseYamlSafely } from '../../../../shared/yaml-safe';
import { readFileText } from '../../lib/browser';
import { toContractError } from '../../lib/errors';
import { useAppContext } from '../../state/store';
import { Banner } from '../../ui/banner';
import { Button } from '../../ui/button';
import { Dialog } from '../../ui/dialog';
import { Field } from '../../ui/field';
import { Icon } from '../../ui/icons';
import { Segmented } from '../../ui/tabs';

interface Loaded {
  name: string;
  text: string;
  kinds: Record<string, number>;
}

/**
 * Counts resources by kind; a YAML syntax error is reported with its line, and a file the shared
 * hardened reader refuses (too large, an alias bomb) is never expanded: `file:line: too many aliases …`.
 */
export function summarizeConfig(text: string, name: string): { kinds: Record<string, number> } | { error: string } {
  const kinds: Record<string, number> = {};
  const parsed = parseYamlSafely(text);
  const issue = parsed.errors[0];
  if (issue?.kind === 'limit') return { error: `${name}${issue.line ? `:${issue.line}` : ''}: ${issue.message}` };
  if (issue) return { error: `${name}: line ${issue.line || '?'}: ${issue.message}` };
  for (const doc of parsed.documents) {
    const value = doc.toValue();
    const items = Array.isArray(value) ? value : [value];
    for (const item of items) {
      if (!item || typeof item !== 'object') continue;
      const kind = String((item as { kind?: unknown }).kind ?? 'unknown');
      kinds[kind] = (kinds[kind] ?? 0) + 1;
    }
  }
  return { kinds };
}

const SIGN: Record<ConfigChange['action'], string> = { add: '+', change: '~', remove: '−' };
const VERB: Record<ConfigChange['action'], string> = { add: 'added', change: 'changed', remove: 'removed' };

function count(changes: readonly ConfigChange[], action: ConfigChange['action']): number {
  return changes.filter((change) => change.action === action).length;
}

/** The preview: one row per resource the apply would touch. */
export function ChangeList({ changes }: { changes: readonly ConfigChange[] }) {
  if (changes.length === 0) return <p className="muted small">The file matches this setup: nothing to change.</p>;
  return (
    <>
      <p className="small" data-testid="change-summary">
        {count(changes, 'add')} to add, {count(changes, 'change')} to change, {count(changes, 'remove')} to remove
      </p>
      <ul className="plain-list" aria-label="Changes">
        {changes.map((change) => (
          <li key={`${change.action} ${change.kind} ${change.name}`} className={`list-row change-${change.action}`} aria-label={`${change.kind} ${change.name} ${VERB[change.action]}`}>
            <span className="mono" aria-hidden="true">
              {SIGN[change.action]}
            </span>
            <span className="mono small">{change.kind}</span>
            <span className="grow strong">{change.name}</span>
            {change.fields?.length ? <span className="muted small">{change.fields.join(', ')}</span> : null}
          </li>
        ))}
      </ul>
    </>
  );
}

export function ImportConfigDialog({ onClose }: { onClose(): void }) {
  const { client, store } = useAppContext();
  const [loaded, setLoaded] = useState<Loaded>();
  const [mode, setMode] = useState<ConfigImportMode>('merge');
  const [environments, setEnvironments] = useState<Environment[]>([]);
  const [environment, setEnvironment] = useState('');
  const [preview, setPreview] = useState<ConfigImportResult>();
  const [error, setError] = useState<string>();
  const [details, setDetails] = useState<string[]>([]);
  const [pending, setPending] = useState(false);

  useEffect(() => {
    client.environments.list().then(setEnvironments, () => setEnvironments([]));
  }, [client]);

  function showError(caught: unknown) {
    const contract = toContractError(caught);
    setError(contract.message);
    // A detail that only repeats the message (a one-error conflict) is not listed a second time.
    const lines = (contract.details ?? []).map((d) => `${d.file ? `${d.file}:` : ''}${d.line ? `${d.line}: ` : ''}${d.path ? `${d.path}: ` : ''}${d.message}`);
    setDetails(lines.filter((line) => line !== contract.message));
  }

  // A dry run whenever the file, the mode or the environment changes: the preview is what apply does.
  useEffect(() => {
    if (!loaded) return;
    let current = true;
    setPreview(undefined);
    setError(undefined);
    setDetails([]);
    client.config.import({ yaml: loaded.text, mode, dryRun: true, ...(environment ? { environment } : {}) }).then(
      (result) => current && setPreview(result),
      (caught) => current && showError(caught),
    );
    return () => {
      current = false;
    };
  }, [client, loaded, mode, environment]);

  async function pick(file: File | undefined) {
    if (!file) return;
    setError(undefined);
    setDetails([]);
    try {
      const text = await readFileText(file);
      const summary = summarizeConfig(text, file.name);
      if ('error' in summary) return setError(summary.error);
      if (Object.keys(summary.kinds).length === 0) return setError(`${file.name}: no resources found (expected documents with apiVersion and kind)`);
      setLoaded({ name: file.name, text, kinds: summary.kinds });
    } catch (caught) {
      setError(`${file.name}: ${(caught as Error).message}`);
    }
  }

  async function confirm() {
    if (!loaded) return;
    setPending(true);
    setError(undefined);
    try {
      const result = await client.config.import({ yaml: loaded.text, mode, ...(environment ? { environment } : {}) });
      const summary = `${count(result.changes, 'add')} added, ${count(result.changes, 'change')} changed, ${count(result.changes, 'remove')} removed`;
      store.getState().pushToast({ kind: 'success', title: 'Configuration imported', message: `${summary}${result.warnings.length ? `. ${result.warnings.length} warning(s): ${result.warnings[0]}` : ''}` });
      onClose();
    } catch (caught) {
      showError(caught);
      setPending(false);
    }
  }

  const removals = preview ? count(preview.changes, 'remove') : 0;
  return (
    <Dialog title="Import configuration" description="A YAML setup (Flex Gateway resources and Gatehouse kinds), e.g. from Export." onClose={onClose}>
      <div className="stack">
        {!loaded ? (
          <label className="dropzone">
            <Icon name="upload" size={22} />
            <span className="dropzone-title">Choose a YAML file</span>
            <input type="file" className="visually-hidden" accept=".yaml,.yml,application/yaml,text/yaml" aria-label="Configuration file" data-autofocus onChange={(e) => void pick(e.target.files?.[0])} />
          </label>
        ) : (
          <>
            <div className="import-summary">
              <div className="strong">{loaded.name}</div>
              <div className="muted small">
                {Object.entries(loaded.kinds)
                  .map(([kind, n]) => `${n} ${kind}`)
                  .join(', ')}
              </div>
            </div>
            <div className="row">
              <Segmented
                label="Import mode"
                value={mode}
                onChange={setMode}
                options={[
                  { value: 'merge', label: 'Merge: add and update' },
                  { value: 'sync', label: 'Sync: also remove' },
                ]}
              />
              {environments.length > 0 ? (
                <Field label="Environment">
                  <select className="select" value={environment} onChange={(e) => setEnvironment(e.target.value)}>
                    <option value="">None (this instance&apos;s values)</option>
                    {environments.map((env) => (
                      <option key={env.name} value={env.name}>
                        {env.name}
                      </option>
                    ))}
                  </select>
                </Field>
              ) : null}
            </div>
            <section aria-label="Preview" className="import-preview">
              {preview ? <ChangeList changes={preview.changes} /> : !error ? <p className="muted small">Comparing with this setup…</p> : null}
            </section>
            {removals > 0 ? (
              <Banner kind="warning" title={`This removes ${removals} resource${removals === 1 ? '' : 's'}`}>
                Sync makes this setup exactly the file&apos;s: what the file lacks is deleted. Export first if you may want it back.
              </Banner>
            ) : null}
          </>
        )}
        {error ? (
          <Banner kind="error" title="Nothing was imported">
            {error}
            {details.length > 0 ? (
              <ul className="error-details">
                {details.slice(0, 20).map((d, i) => (
                  <li key={i} className="mono small">
                    {d}
                  </li>
                ))}
              </ul>
            ) : null}
          </Banner>
        ) : null}
      </div>
      <div className="dialog-footer">
        <Button variant="ghost" onClick={onClose}>
          Cancel
        </Button>
        {loaded && preview ? (
          <Button variant={removals > 0 ? 'danger' : 'primary'} pending={pending} disabled={preview.changes.length === 0} onClick={confirm}>
            {preview.changes.length === 0 ? 'Nothing to change' : 'Apply changes'}
          </Button>
        ) : null}
      </div>
    </Dialog>
  );
}
