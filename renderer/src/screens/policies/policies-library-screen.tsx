/**
 * The policies library: the built-in catalogue and the custom policies added from files. A
 * custom policy shows its version, source, load error (`file:line: message`, the last good
 * version still serving), config fields and the APIs using it; edits to its file show up here
 * live (customPolicies.changed). Added from a path: the app compiles and watches it.
 */
import { useState, type FormEvent } from 'react';
import type { CustomPolicyInfo } from '../../../../shared/contract/custom-policies';
import { policyCatalogue } from '../../../../shared/policies/catalogue';
import { errorMessage, fieldErrorsOf } from '../../lib/errors';
import { customPolicyEntry } from '../../lib/custom-policy-entry';
import { jsonSchemaOf, labelFor, type JsonSchema } from '../../lib/schema-form';
import { timeAgo } from '../../lib/format';
import { apiPath, href } from '../../router/router';
import { useCustomPolicies } from '../../state/custom-policies';
import { useActions, useClient } from '../../state/store';
import { Banner } from '../../ui/banner';
import { Button } from '../../ui/button';
import { ConfirmDialog } from '../../ui/confirm-dialog';
import { Dialog } from '../../ui/dialog';
import { EmptyState, Spinner } from '../../ui/empty-state';
import { Field } from '../../ui/field';
import { PageHeader } from '../../ui/stat-card';
import { Badge } from '../../ui/status-badge';

const CATEGORY_LABELS: Record<string, string> = { traffic: 'Traffic', security: 'Security', transformation: 'Transformation', quality: 'Quality of service', tls: 'TLS' };

export function PoliciesLibraryScreen() {
  const custom = useCustomPolicies();
  const [adding, setAdding] = useState(false);
  const add = (
    <Button variant="primary" icon="plus" onClick={() => setAdding(true)}>
      Add custom policy
    </Button>
  );
  return (
    <div className="page">
      <PageHeader title="Policies library" subtitle="Built-in policies, and your own written in TypeScript with gatehouse/policy-sdk." actions={add} />
      <section className="stack-lg" aria-label="Custom policies">
        <h2 className="section-title">Custom policies</h2>
        {custom.load.status === 'error' ? (
          <Banner kind="error" title="Could not load the custom policies" action={<Button size="sm" onClick={() => void custom.reload()}>Retry</Button>}>
            {custom.load.error}
          </Banner>
        ) : null}
        {custom.load.status === 'loading' && custom.policies.length === 0 ? <Spinner label="Loading custom policies" /> : null}
        {custom.load.status === 'ready' && custom.policies.length === 0 ? (
          <EmptyState icon="file" title="No custom policies yet" actions={add}>
            Write a policy with <code>definePolicy</code> from <code>gatehouse/policy-sdk</code> (or scaffold one with <code>gatehouse policy new NAME</code>) and add its file or folder here. Edits to the file are live on the next request.
          </EmptyState>
        ) : null}
        {custom.policies.length > 0 ? (
          <ul className="stack" aria-label="Custom policies list">
            {custom.policies.map((policy) => (
              <CustomPolicyCard key={policy.id} policy={policy} />
            ))}
          </ul>
        ) : null}
      </section>
      <section className="stack-lg" aria-label="Built-in policies">
        <h2 className="section-title">Built-in policies</h2>
        <div className="card card-flush">
          <table className="table">
            <thead>
              <tr>
                <th>Policy</th>
                <th>Name</th>
                <th className="hide-narrow">Category</th>
              </tr>
            </thead>
            <tbody>
              {policyCatalogue.map((entry) => (
                <tr key={entry.name}>
                  <td>
                    <div className="strong">{entry.title}</div>
                    <div className="muted small">{entry.description}</div>
                  </td>
                  <td>
                    <code className="small">{entry.name}</code>
                  </td>
                  <td className="hide-narrow">{CATEGORY_LABELS[entry.category] ?? entry.category}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
      {adding ? <AddCustomPolicyDialog onClose={() => setAdding(false)} /> : null}
    </div>
  );
}

/** The config fields a custom policy's form will show, from its JSON Schema. */
function schemaFields(policy: CustomPolicyInfo): { key: string; label: string; type: string; required: boolean }[] {
  const entry = customPolicyEntry(policy);
  if (!entry) return [];
  const schema = jsonSchemaOf(entry);
  const required = new Set(schema.required ?? []);
  return Object.entries(schema.properties ?? {}).map(([key, property]: [string, JsonSchema]) => ({
    key,
    label: policy.fields?.[key]?.label ?? labelFor(key),
    type: property.enum ? `one of ${property.enum.map((value) => JSON.stringify(value)).join(', ')}` : Array.isArray(property.type) ? property.type.join(' | ') : (property.type ?? 'any'),
    required: required.has(key),
  }));
}

function CustomPolicyCard({ policy }: { policy: CustomPolicyInfo }) {
  const client = useClient();
  const { pushToast } = useActions();
  const [confirmRemove, setConfirmRemove] = useState(false);
  const [pending, setPending] = useState<'reload'>();
  const [actionError, setActionError] = useState<string>();
  const title = policy.title ?? policy.name ?? policy.source;
  const fields = schemaFields(policy);

  async function reload() {
    setPending('reload');
    setActionError(undefined);
    try {
      await client.customPolicies.reload({ id: policy.id });
    } catch (error) {
      setActionError(errorMessage(error));
    } finally {
      setPending(undefined);
    }
  }

  return (
    <li className="card stack" data-testid={`custom-policy-${policy.name ?? policy.id}`} aria-label={title}>
      <div className="row row-between">
        <div className="stack-xs">
          <div className="row">
            <span className="strong">{title}</span>
            {policy.name ? <code className="small muted">{policy.name}</code> : null}
            {policy.version ? <Badge tone="info">v{policy.version}</Badge> : null}
            {policy.status === 'ok' ? <Badge tone="success">loaded</Badge> : <Badge tone="danger">load error</Badge>}
          </div>
          {policy.description ? <div className="muted small">{policy.description}</div> : null}
          <div className="small">
            Source: <code data-testid="custom-policy-source">{policy.source}</code>
          </div>
        </div>
        <div className="row">
          <Button size="sm" icon="refresh" pending={pending === 'reload'} onClick={() => void reload()}>
            Reload
          </Button>
          <Button size="sm" variant="ghost" icon="trash" onClick={() => setConfirmRemove(true)}>
            Remove
          </Button>
        </div>
      </div>
      {policy.error ? (
        <Banner kind="error" title={policy.version ? `The file does not load; version ${policy.version} goes on serving` : 'The file does not load'}>
          <code className="mono" data-testid="custom-policy-error">
            {policy.error.text}
          </code>
        </Banner>
      ) : null}
      {actionError ? <Banner kind="error">{actionError}</Banner> : null}
      <div className="stack-xs">
        <div className="small strong">Config fields</div>
        {fields.length === 0 ? (
          <div className="muted small">None: the policy takes no config.</div>
        ) : (
          <ul className="small" aria-label={`${title} config fields`}>
            {fields.map((field) => (
              <li key={field.key}>
                {field.label} <code className="muted">{field.key}</code> <span className="muted">({field.type}{field.required ? ', required' : ''})</span>
              </li>
            ))}
          </ul>
        )}
      </div>
      <div className="small">
        Used by:{' '}
        {policy.usedBy.length === 0 ? (
          <span className="muted">no API yet. Add it from an API&apos;s Policies tab.</span>
        ) : (
          policy.usedBy.map((use, index) => (
            <span key={use.bindingId}>
              {index > 0 ? ', ' : null}
              <a href={href(apiPath(use.apiId, 'policies'))}>{use.apiName}</a>
            </span>
          ))
        )}
      </div>
      {policy.blocking.length > 0 ? (
        <Banner kind="warning" title="Blocked the event loop">
          {policy.blocking.slice(-3).map((report) => (
            <div key={`${report.at}-${report.hook}`}>
              {report.hook} took {Math.round(report.durationMs)} ms (limit {report.limitMs} ms){report.apiName ? ` on ${report.apiName}` : ''}, {timeAgo(report.at)}
            </div>
          ))}
        </Banner>
      ) : null}
      {confirmRemove ? (
        <ConfirmDialog
          title={`Remove ${title}?`}
          confirmLabel="Remove"
          danger
          onConfirm={async () => {
            await client.customPolicies.remove({ id: policy.id });
            pushToast({ kind: 'success', title: `${title} removed from the library` });
          }}
          onClose={() => setConfirmRemove(false)}
        >
          The file stays where it is; the app stops loading it. APIs that use it must drop it first.
        </ConfirmDialog>
      ) : null}
    </li>
  );
}

function AddCustomPolicyDialog({ onClose }: { onClose(): void }) {
  const client = useClient();
  const { pushToast } = useActions();
  const [path, setPath] = useState('');
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string>();
  const [fieldError, setFieldError] = useState<string>();

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!path.trim()) {
      setFieldError('Give the path of a .ts or .js file, or of a folder.');
      return;
    }
    setPending(true);
    setError(undefined);
    setFieldError(undefined);
    try {
      const added = await client.customPolicies.add({ path: path.trim() });
      pushToast({ kind: 'success', title: `${added.title ?? added.name} ${added.version} added`, message: "Add it to an API from the API's Policies tab." });
      onClose();
    } catch (caught) {
      setFieldError(fieldErrorsOf(caught, 'path')[''] ?? undefined);
      setError(errorMessage(caught));
      setPending(false);
    }
  }

  return (
    <Dialog title="Add custom policy" description="A TypeScript or JavaScript file (or a folder with index.ts) that exports definePolicy({ … })." onClose={onClose}>
      <form className="stack" onSubmit={submit} noValidate aria-label="Add custom policy">
        <Field label="Path" hint="Absolute path on this machine, e.g. /home/me/policies/add-header.ts" error={fieldError} required>
          <input className="input mono" value={path} spellCheck={false} onChange={(e) => setPath(e.target.value)} placeholder="/path/to/policy.ts" data-autofocus />
        </Field>
        {error && !fieldError ? <Banner kind="error">{error}</Banner> : null}
        <div className="dialog-footer">
          <Button variant="ghost" onClick={onClose}>
            Cancel
          </Button>
          <Button type="submit" variant="primary" pending={pending}>
            Add policy
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
