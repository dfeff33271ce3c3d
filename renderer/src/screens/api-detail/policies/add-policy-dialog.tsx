/**
 * "Add policy": the catalogue on the left (search, categories, what each does), the selected
 * policy's generated form on the right, prefilled with its defaults (never with credentials).
 * The new policy goes where it belongs in the chain (CORS first, rate limiting after the
 * policies that identify the caller), and the form says where.
 */
import { useMemo, useState, type FormEvent } from 'react';
import type { PolicyBinding } from '../../../../../shared/contract/models';
import { findPolicy, policyCatalogue } from '../../../../../shared/policies/catalogue';
import type { PolicyCatalogueEntry } from '../../../../../shared/policies/catalogue-entry';
import { insertionIndex } from '../../../../../shared/policies/policy-order';
import { isCustomEntry } from '../../../lib/custom-policy-entry';
import { errorMessage, fieldErrorsOf } from '../../../lib/errors';
import { useCustomPolicies } from '../../../state/custom-policies';
import { useAppStore } from '../../../state/store';
import { Banner } from '../../../ui/banner';
import { Button } from '../../../ui/button';
import { Dialog } from '../../../ui/dialog';
import { Badge } from '../../../ui/status-badge';
import { initialConfig, PolicyForm, usePolicyForm } from './policy-form';

const CATEGORY_LABELS: Record<string, string> = { traffic: 'Traffic', security: 'Security', transformation: 'Transformation', quality: 'Quality of service', tls: 'TLS', custom: 'Custom (policies library)' };

export function AddPolicyDialog({ apiId, existing, onClose }: { apiId: string; existing: PolicyBinding[]; onClose(): void }) {
  const [query, setQuery] = useState('');
  const custom = useCustomPolicies();
  // Built-ins, then the custom policies of the library (their current version).
  const catalogue = useMemo(() => [...policyCatalogue, ...custom.entries], [custom.entries]);
  const [selectedName, setSelected] = useState<string>(policyCatalogue[0]!.name);
  const selected = catalogue.find((entry) => entry.name === selectedName) ?? policyCatalogue[0]!;
  const filtered = useMemo(() => {
    const q = query.trim().toLowerCase();
    return catalogue.filter((entry) => !q || `${entry.title} ${entry.name} ${entry.description} ${entry.category}`.toLowerCase().includes(q));
  }, [query, catalogue]);
  const categories = [...new Set(filtered.map((entry) => entry.category))];

  return (
    <Dialog title="Add policy" description="Policies run in order on every request to this API." onClose={onClose} size="lg">
      <div className="policy-picker">
        <div className="policy-catalogue">
          <input className="input" type="search" placeholder="Search policies" aria-label="Search policies" value={query} onChange={(e) => setQuery(e.target.value)} data-autofocus />
          <div className="policy-catalogue-list" role="listbox" aria-label="Policy catalogue">
            {categories.map((category) => (
              <div key={category} role="group" aria-label={CATEGORY_LABELS[category] ?? category}>
                <div className="catalogue-group">{CATEGORY_LABELS[category] ?? category}</div>
                {filtered
                  .filter((entry) => entry.category === category)
                  .map((entry) => (
                    <button
                      type="button"
                      role="option"
                      aria-selected={entry.name === selected.name}
                      key={entry.name}
                      className={`catalogue-item ${entry.name === selected.name ? 'catalogue-item-active' : ''}`}
                      onClick={() => setSelected(entry.name)}
                    >
                      <span className="catalogue-item-title">
                        {entry.title}
                        {existing.some((b) => b.policyRef === entry.name) ? <Badge tone="accent">added</Badge> : null}
                      </span>
                      <span className="catalogue-item-name">{entry.name}</span>
                    </button>
                  ))}
              </div>
            ))}
            {filtered.length === 0 ? <p className="muted small">No policy matches “{query}”.</p> : null}
          </div>
        </div>
        <PolicyConfigPane key={isCustomEntry(selected) ? `${selected.name}@${selected.version}` : selected.name} apiId={apiId} entry={selected} existing={existing} onClose={onClose} />
      </div>
    </Dialog>
  );
}

/** "Runs first", "Runs after JWT validation, before Rate limiting", … */
function placementText(existing: PolicyBinding[], position: number): string | undefined {
  if (existing.length === 0) return undefined;
  const title = (binding: PolicyBinding | undefined) => (binding ? (findPolicy(binding.policyRef)?.title ?? binding.policyRef) : undefined);
  const before = title(existing[position - 1]);
  const after = title(existing[position]);
  if (!before) return `Runs first, before ${after}.`;
  if (!after) return `Runs last, after ${before}.`;
  return `Runs after ${before}, before ${after}.`;
}

function PolicyConfigPane({ apiId, entry, existing, onClose }: { apiId: string; entry: PolicyCatalogueEntry; existing: PolicyBinding[]; onClose(): void }) {
  const position = entry.scope === 'request' ? insertionIndex(existing, entry.name) : existing.length;
  const placement = entry.scope === 'request' ? placementText(existing, position) : undefined;
  const addPolicy = useAppStore((s) => s.addPolicy);
  const pushToast = useAppStore((s) => s.pushToast);
  const form = usePolicyForm(entry, initialConfig(entry));
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string>();

  async function submit(event: FormEvent) {
    event.preventDefault();
    const valid = form.validate();
    if (!valid) {
      setError('Fix the highlighted fields first.');
      return;
    }
    setPending(true);
    setError(undefined);
    try {
      await addPolicy(apiId, { policyRef: entry.name, config: valid.config, ...(valid.rules ? { rules: valid.rules } : {}) }, position);
      pushToast({ kind: 'success', title: `${entry.title} added`, message: 'Live on the gateway within a second.' });
      onClose();
    } catch (caught) {
      const configErrors = fieldErrorsOf(caught, 'config');
      form.setServerErrors(configErrors, fieldErrorsOf(caught, 'rules'));
      setError(errorMessage(caught));
      setPending(false);
    }
  }

  return (
    <form className="policy-config" onSubmit={submit} noValidate aria-label={`${entry.title} configuration`}>
      <div className="policy-config-head">
        <h3 className="policy-config-title">{entry.title}</h3>
        <code className="small muted">{entry.name}</code>
        {isCustomEntry(entry) ? (
          <p className="small muted" data-testid="custom-policy-origin">
            Custom policy {entry.version}, from <code>{entry.source}</code>
          </p>
        ) : null}
        <p className="muted">{entry.description}</p>
        {placement ? <p className="small muted" data-testid="policy-placement">{placement}</p> : null}
        {entry.scope !== 'request' ? (
          <Banner kind="info">{entry.scope === 'probe' ? 'Runs on a timer, not on each request.' : entry.scope === 'listener' ? "Configures the API's listener (HTTPS)." : 'Configures the connection to the upstream.'}</Banner>
        ) : null}
      </div>
      <PolicyForm entry={entry} form={form} />
      {error ? <Banner kind="error">{error}</Banner> : null}
      <div className="dialog-footer">
        <Button variant="ghost" onClick={onClose}>
          Cancel
        </Button>
        <Button type="submit" variant="primary" pending={pending}>
          Add policy
        </Button>
      </div>
    </form>
  );
}
