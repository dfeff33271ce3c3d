/**
 * One binding in the run order: what it does, enable switch, reorder (buttons, Alt+↑/↓, or
 * drag), edit in place with the generated form, remove (with Undo in the toast).
 */
import { useState, type DragEvent, type FormEvent, type KeyboardEvent } from 'react';
import type { PolicyBinding } from '../../../../../shared/contract/models';
import { findPolicy } from '../../../../../shared/policies/catalogue';
import type { PolicyCatalogueEntry } from '../../../../../shared/policies/catalogue-entry';
import { errorMessage, fieldErrorsOf } from '../../../lib/errors';
import { useCustomPolicies } from '../../../state/custom-policies';
import { Banner } from '../../../ui/banner';
import { Button, IconButton } from '../../../ui/button';
import { Badge } from '../../../ui/status-badge';
import { PolicyForm, usePolicyForm } from './policy-form';
import { policySummary } from './policy-summary';
import { SigningKeys } from './signing-keys';

export interface PolicyCardProps {
  binding: PolicyBinding;
  index: number;
  count: number;
  onMove(delta: number): void;
  onToggle(enabled: boolean): Promise<void>;
  onRemove(): void;
  onSave(patch: { config: Record<string, unknown>; rules?: PolicyBinding['rules'] }): Promise<void>;
  onDropOn(draggedId: string): void;
}

export function PolicyCard({ binding, index, count, onMove, onToggle, onRemove, onSave, onDropOn }: PolicyCardProps) {
  // A custom policy's entry comes from the policies library (its current version).
  const custom = useCustomPolicies();
  const entry = findPolicy(binding.policyRef) ?? custom.entryOf(binding.policyRef);
  const title = entry?.title ?? binding.policyRef;
  const [editing, setEditing] = useState(false);
  const [dragOver, setDragOver] = useState(false);

  function onHandleKey(event: KeyboardEvent) {
    if (!event.altKey && event.key !== 'ArrowUp' && event.key !== 'ArrowDown') return;
    if (event.key === 'ArrowUp' || event.key === 'ArrowDown') {
      event.preventDefault();
      onMove(event.key === 'ArrowUp' ? -1 : 1);
    }
  }

  return (
    <li
      className={`policy-card ${binding.enabled ? '' : 'policy-card-disabled'} ${dragOver ? 'policy-card-drop' : ''}`}
      data-testid={`policy-${binding.policyRef}`}
      onDragOver={(e: DragEvent) => {
        e.preventDefault();
        setDragOver(true);
      }}
      onDragLeave={() => setDragOver(false)}
      onDrop={(e: DragEvent) => {
        e.preventDefault();
        setDragOver(false);
        const id = e.dataTransfer.getData('text/x-gatehouse-policy');
        if (id && id !== binding.id) onDropOn(id);
      }}
    >
      <div className="policy-card-row">
        <button
          type="button"
          className="drag-handle"
          draggable
          onDragStart={(e) => {
            e.dataTransfer.setData('text/x-gatehouse-policy', binding.id);
            e.dataTransfer.effectAllowed = 'move';
          }}
          onKeyDown={onHandleKey}
          aria-label={`${title}: position ${index + 1} of ${count}. Press the up or down arrow to move it.`}
          title="Drag, or focus and press ↑/↓ to reorder"
        >
          <span className="policy-order">{index + 1}</span>
        </button>
        <div className="policy-card-main">
          <div className="policy-card-title">
            <span className="strong">{title}</span>
            <code className="small muted">{binding.policyRef}</code>
            {entry?.category === 'custom' ? <Badge tone="info">custom</Badge> : null}
            {!binding.enabled ? <Badge>disabled</Badge> : null}
            {binding.rules && binding.rules.length > 0 ? <Badge tone="info">scoped</Badge> : null}
          </div>
          <div className="muted small truncate">{policySummary(binding)}</div>
        </div>
        <div className="policy-card-actions">
          <label className="switch" title={binding.enabled ? 'Enabled' : 'Disabled'}>
            <input type="checkbox" role="switch" checked={binding.enabled} onChange={(e) => void onToggle(e.target.checked)} aria-label={`${title} enabled`} />
            <span className="switch-track" aria-hidden="true" />
          </label>
          <IconButton icon="up" label={`Move ${title} up`} disabled={index === 0} onClick={() => onMove(-1)} />
          <IconButton icon="down" label={`Move ${title} down`} disabled={index === count - 1} onClick={() => onMove(1)} />
          <IconButton icon="edit" label={`Edit ${title}`} aria-expanded={editing} onClick={() => setEditing(!editing)} />
          <IconButton icon="trash" label={`Remove ${title}`} onClick={onRemove} />
        </div>
      </div>
      {binding.policyRef === 'jwt-validation-flex' ? <SigningKeys apiId={binding.apiId} policyId={binding.id} /> : null}
      {editing && entry ? <PolicyEditor key={entry === findPolicy(binding.policyRef) ? 'built-in' : `${(entry as { version?: string }).version}`} binding={binding} entry={entry} onCancel={() => setEditing(false)} onSave={async (patch) => (await onSave(patch), setEditing(false))} /> : null}
      {editing && !entry ? (
        <Banner kind="warning">
          {custom.load.status === 'loading' ? `Loading ${binding.policyRef}…` : `${binding.policyRef} is neither in this version's catalogue nor in the policies library; it cannot be edited here.`}
        </Banner>
      ) : null}
    </li>
  );
}

function PolicyEditor({
  binding,
  entry,
  onCancel,
  onSave,
}: {
  binding: PolicyBinding;
  entry: PolicyCatalogueEntry;
  onCancel(): void;
  onSave(patch: { config: Record<string, unknown>; rules?: PolicyBinding['rules'] }): Promise<void>;
}) {
  const form = usePolicyForm(entry, binding.config, binding.rules);
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string>();

  async function submit(event: FormEvent) {
    event.preventDefault();
    const valid = form.validate();
    if (!valid) return setError('Fix the highlighted fields first.');
    setPending(true);
    setError(undefined);
    try {
      await onSave({ config: valid.config, rules: valid.rules ?? [] });
    } catch (caught) {
      form.setServerErrors(fieldErrorsOf(caught, 'config'), fieldErrorsOf(caught, 'rules'));
      setError(errorMessage(caught));
      setPending(false);
    }
  }

  return (
    <form className="policy-editor" onSubmit={submit} noValidate aria-label={`Edit ${entry.title}`}>
      <PolicyForm entry={entry} form={form} />
      {error ? <Banner kind="error">{error}</Banner> : null}
      <div className="row row-end">
        <Button variant="ghost" onClick={onCancel}>
          Cancel
        </Button>
        <Button type="submit" variant="primary" pending={pending}>
          Save
        </Button>
      </div>
    </form>
  );
}
