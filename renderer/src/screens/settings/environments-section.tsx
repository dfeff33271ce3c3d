/**
 * Settings → Environments: named variable sets ("laptop", "staging") that fill a file's
 * `${VARIABLE}`s when it is imported (here or with `gatehouse apply --env NAME`). Variables are
 * `NAME=value` lines; secret ones are stored encrypted and never shown again (leave a secret's
 * line as `NAME=` to keep the stored value). A value such as `${STAGING_TOKEN}` is read from the
 * process environment at import time, so the secret need not be stored at all.
 */
import { useEffect, useState, type FormEvent } from 'react';
import type { Environment } from '../../../../shared/contract';
import { toContractError } from '../../lib/errors';
import { useAppContext } from '../../state/store';
import { Banner } from '../../ui/banner';
import { Button } from '../../ui/button';
import { Field } from '../../ui/field';
import { settingsSectionId } from './settings-sections';

type Variable = { name: string; value?: string; secret: boolean };

/** `NAME=value` lines → variables; a line that is not one is an error naming its number. */
export function parseVariableLines(text: string, secret: boolean, label: string): Variable[] | string {
  const variables: Variable[] = [];
  const lines = text.split('\n');
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index]!.trim();
    if (!line || line.startsWith('#')) continue;
    const match = /^([A-Za-z_][A-Za-z0-9_]*)\s*=(.*)$/.exec(line);
    if (!match) return `${label}, line ${index + 1}: expected NAME=value`;
    const value = match[2]!.trim();
    // A secret left empty keeps the stored value (it is never sent back to be shown).
    variables.push(secret && value === '' ? { name: match[1]!, secret } : { name: match[1]!, value, secret });
  }
  return variables;
}

function EnvironmentForm({ initial, onSaved, onCancel }: { initial?: Environment; onSaved(): void; onCancel(): void }) {
  const { client } = useAppContext();
  const [name, setName] = useState(initial?.name ?? '');
  const [plain, setPlain] = useState((initial?.variables ?? []).filter((v) => !v.secret).map((v) => `${v.name}=${v.value ?? ''}`).join('\n'));
  const [secrets, setSecrets] = useState((initial?.variables ?? []).filter((v) => v.secret).map((v) => `${v.name}=`).join('\n'));
  const [error, setError] = useState<string>();
  const [pending, setPending] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const variables = parseVariableLines(plain, false, 'Variables');
    if (typeof variables === 'string') return setError(variables);
    const secretVariables = parseVariableLines(secrets, true, 'Secret variables');
    if (typeof secretVariables === 'string') return setError(secretVariables);
    setPending(true);
    try {
      await client.environments.put({ name: name.trim(), variables: [...variables, ...secretVariables] });
      onSaved();
    } catch (caught) {
      const contract = toContractError(caught);
      setError([contract.message, ...(contract.details ?? []).map((d) => `${d.path ? `${d.path}: ` : ''}${d.message}`)].join(' — '));
      setPending(false);
    }
  }

  return (
    <form className="stack" onSubmit={submit} aria-label={initial ? `Edit environment ${initial.name}` : 'New environment'}>
      <Field label="Name" hint="such as laptop or staging" required>
        <input className="input" value={name} readOnly={initial !== undefined} onChange={(e) => setName(e.target.value)} />
      </Field>
      <Field label="Variables" hint="NAME=value, one per line: GATEHOUSE_GATEWAY_PORT=8081, ORDERS_HOST=orders.staging:8443">
        <textarea className="input mono" rows={4} value={plain} onChange={(e) => setPlain(e.target.value)} />
      </Field>
      <Field label="Secret variables" hint="Stored encrypted, never shown again; NAME= keeps the stored value; ${NAME} reads it from the environment at import">
        <textarea className="input mono" rows={2} value={secrets} onChange={(e) => setSecrets(e.target.value)} />
      </Field>
      {error ? <Banner kind="error" title="Not saved">{error}</Banner> : null}
      <div className="row">
        <Button type="submit" variant="primary" pending={pending}>
          Save environment
        </Button>
        <Button variant="ghost" onClick={onCancel}>
          Cancel
        </Button>
      </div>
    </form>
  );
}

export function EnvironmentsSection() {
  const { client } = useAppContext();
  const [environments, setEnvironments] = useState<Environment[]>();
  const [editing, setEditing] = useState<Environment | 'new'>();
  const [error, setError] = useState<string>();

  const reload = () => client.environments.list().then(setEnvironments, (caught) => setError(toContractError(caught).message));
  useEffect(() => {
    void reload();
  }, [client]);

  async function remove(name: string) {
    try {
      await client.environments.remove({ name });
      await reload();
    } catch (caught) {
      setError(toContractError(caught).message);
    }
  }

  return (
    <section className="card settings-section" id={settingsSectionId('environments')} aria-labelledby="environments-title">
      <h2 className="card-title" id="environments-title">
        Environments
      </h2>
      <p className="muted small">
        Named variable sets that fill a file&apos;s <code>${'{VARIABLE}'}</code>s when you import it, so one file serves your laptop and staging. Choose one in Import YAML, or{' '}
        <code>gatehouse apply FILE --env NAME</code>.
      </p>
      {error ? <Banner kind="error" title="Environments">{error}</Banner> : null}
      <ul className="plain-list" aria-label="Environments">
        {(environments ?? []).map((environment) => (
          <li key={environment.name} className="list-row">
            <span className="strong">{environment.name}</span>
            <span className="grow muted small mono">
              {environment.variables.map((v) => (v.secret ? `${v.name}=••••` : `${v.name}=${v.value ?? ''}`)).join('  ')}
            </span>
            <Button size="sm" variant="ghost" onClick={() => setEditing(environment)} aria-label={`Edit ${environment.name}`}>
              Edit
            </Button>
            <Button size="sm" variant="ghost" onClick={() => void remove(environment.name)} aria-label={`Delete ${environment.name}`}>
              Delete
            </Button>
          </li>
        ))}
      </ul>
      {editing ? (
        <EnvironmentForm
          key={editing === 'new' ? 'new' : editing.name}
          initial={editing === 'new' ? undefined : editing}
          onCancel={() => setEditing(undefined)}
          onSaved={() => {
            setEditing(undefined);
            void reload();
          }}
        />
      ) : (
        <div className="row">
          <Button icon="plus" onClick={() => setEditing('new')}>
            New environment
          </Button>
        </div>
      )}
    </section>
  );
}
