/**
 * Import a YAML setup: read the file, show what it contains, and only after an explicit
 * confirmation replace everything (the import is all-or-nothing; errors list file lines).
 */
import { useState } from 'react';
import type { ConfigImportResult } from '../../../../shared/contract/models';
import { parseYamlSafely } from '../../../../shared/yaml-safe';
import { readFileText } from '../../lib/browser';
import { toContractError } from '../../lib/errors';
import { useAppContext } from '../../state/store';
import { Banner } from '../../ui/banner';
import { Button } from '../../ui/button';
import { Dialog } from '../../ui/dialog';
import { Icon } from '../../ui/icons';

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

export function ImportConfigDialog({ onClose }: { onClose(): void }) {
  const { client, store } = useAppContext();
  const [loaded, setLoaded] = useState<Loaded>();
  const [error, setError] = useState<string>();
  const [details, setDetails] = useState<string[]>([]);
  const [pending, setPending] = useState(false);

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
      const result: ConfigImportResult = await client.config.import({ yaml: loaded.text });
      const counts = Object.entries(result.imported).map(([kind, n]) => `${n} ${kind}`).join(', ');
      store.getState().pushToast({ kind: 'success', title: 'Configuration imported', message: `${counts}${result.warnings.length ? `. ${result.warnings.length} warning(s): ${result.warnings[0]}` : ''}` });
      onClose();
    } catch (caught) {
      const contract = toContractError(caught);
      setError(contract.message);
      setDetails((contract.details ?? []).map((d) => `${d.file ? `${d.file}:` : ''}${d.line ? `${d.line}: ` : ''}${d.path ? `${d.path}: ` : ''}${d.message}`));
      setPending(false);
    }
  }

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
              <ul className="plain-list">
                {Object.entries(loaded.kinds).map(([kind, count]) => (
                  <li key={kind} className="list-row">
                    <span className="grow mono small">{kind}</span>
                    <span className="num">{count}</span>
                  </li>
                ))}
              </ul>
            </div>
            <Banner kind="warning" title="This replaces everything">
              Your current APIs, policies, gateways, applications, contracts, tiers and alert rules are replaced by the file&apos;s. Export first if you may want them back.
            </Banner>
          </>
        )}
        {error ? (
          <Banner kind="error" title="Nothing was imported">
            {error}
            {details.length > 0 ? (
              <ul className="error-details">
                {details.slice(0, 20).map((d, i) => (
                  <li key={i} className="mono small">{d}</li>
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
        {loaded ? (
          <Button variant="danger" pending={pending} onClick={confirm}>
            Replace and import
          </Button>
        ) : null}
      </div>
    </Dialog>
  );
}
