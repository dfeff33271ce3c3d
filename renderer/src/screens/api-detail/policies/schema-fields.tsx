/**
 * The generated policy form: one control per JSON Schema property (checkbox, number, select,
 * text, lists, nested objects; a JSON box for unions), each with its description as hint and
 * its validation error right under it.
 */
import { useEffect, useId, useState } from 'react';
import { formatIssuePath } from '../../../../../shared/contract/errors';
import type { FieldErrors } from '../../../lib/errors';
import { formatPeriod } from '../../../lib/format';
import { fieldKind, getAt, initialValue, isMillisecondsKey, labelFor, removeAt, type JsonSchema, type Path } from '../../../lib/schema-form';
import { Button, IconButton } from '../../../ui/button';
import { Field } from '../../../ui/field';

export interface SchemaFormContext {
  value: unknown;
  errors: FieldErrors;
  onChange(path: Path, value: unknown): void;
  /** Replace the whole value (list removals). */
  onReplace(value: unknown): void;
}

export function SchemaFields({ schema, path = [], ctx }: { schema: JsonSchema; path?: Path; ctx: SchemaFormContext }) {
  const required = new Set(schema.required ?? []);
  return (
    <div className="schema-fields">
      {Object.entries(schema.properties ?? {}).map(([key, child]) => (
        <SchemaField key={key} name={key} schema={child} path={[...path, key]} required={required.has(key)} ctx={ctx} />
      ))}
    </div>
  );
}

function hintFor(name: string, schema: JsonSchema, value: unknown): string | undefined {
  const parts = [schema.description];
  if (isMillisecondsKey(name) && typeof value === 'number' && value > 0) parts.push(`= ${formatPeriod(value)}`);
  return parts.filter(Boolean).join(' ') || undefined;
}

function SchemaField({ name, schema, path, required, ctx }: { name: string; schema: JsonSchema; path: Path; required: boolean; ctx: SchemaFormContext }) {
  const kind = fieldKind(schema);
  const value = getAt(ctx.value, path);
  const error = ctx.errors[formatIssuePath(path)];
  const label = labelFor(name);
  const hint = hintFor(name, schema, value);
  const set = (next: unknown) => ctx.onChange(path, next);

  switch (kind) {
    case 'boolean':
      return (
        <Field label={label} hint={schema.description} error={error} inline>
          <input type="checkbox" className="checkbox" checked={Boolean(value ?? schema.default)} onChange={(e) => set(e.target.checked)} />
        </Field>
      );
    case 'number':
    case 'integer':
      return (
        <Field label={label} hint={hint} error={error} required={required}>
          <input
            className="input input-number"
            type="number"
            inputMode={kind === 'integer' ? 'numeric' : 'decimal'}
            step={kind === 'integer' ? 1 : 'any'}
            value={typeof value === 'number' && Number.isFinite(value) ? value : ''}
            placeholder={schema.default !== undefined ? String(schema.default) : undefined}
            onChange={(e) => set(e.target.value === '' ? undefined : Number(e.target.value))}
          />
        </Field>
      );
    case 'enum':
      return (
        <Field label={label} hint={hint} error={error} required={required}>
          <select className="select" value={value === undefined ? '' : String(value)} onChange={(e) => set(e.target.value === '' ? undefined : schema.enum?.find((option) => String(option) === e.target.value))}>
            {!required ? <option value="">{schema.default !== undefined ? `Default (${String(schema.default)})` : 'Not set'}</option> : null}
            {(schema.enum ?? []).map((option) => (
              <option key={String(option)} value={String(option)}>
                {String(option)}
              </option>
            ))}
          </select>
        </Field>
      );
    case 'string':
      if (schema.writeOnly) return <WriteOnlyField label={label} hint={hint} error={error} required={required} value={value} onChange={set} />;
      return (
        <Field label={label} hint={hint} error={error} required={required}>
          <input
            className="input mono"
            value={typeof value === 'string' ? value : ''}
            placeholder={schema.default !== undefined ? String(schema.default) : undefined}
            spellCheck={false}
            onChange={(e) => set(e.target.value === '' && !required ? undefined : e.target.value)}
          />
        </Field>
      );
    case 'string-list':
      return <StringList label={label} hint={hint} error={error} path={path} values={Array.isArray(value) ? (value as unknown[]) : []} ctx={ctx} itemSchema={schema.items ?? {}} />;
    case 'object-list':
      return <ObjectList label={label} hint={hint} error={error} path={path} values={Array.isArray(value) ? (value as unknown[]) : []} ctx={ctx} itemSchema={schema.items ?? {}} />;
    case 'object':
      if (!required && value === undefined)
        return (
          <div className="field">
            <span className="field-label">{label}</span>
            {hint ? <div className="field-hint">{hint}</div> : null}
            <Button size="sm" icon="plus" onClick={() => set(initialValue(schema))}>
              Configure {label.toLowerCase()}
            </Button>
          </div>
        );
      return (
        <fieldset className="fieldset">
          <legend className="fieldset-legend">{label}</legend>
          {hint ? <div className="field-hint">{hint}</div> : null}
          <SchemaFields schema={schema} path={path} ctx={ctx} />
          {error ? <div className="field-error" role="alert">{error}</div> : null}
          {!required ? (
            <Button size="sm" variant="ghost" onClick={() => set(undefined)}>
              Remove {label.toLowerCase()}
            </Button>
          ) : null}
        </fieldset>
      );
    default:
      return <JsonField label={label} hint={hint} error={error} value={value} onChange={set} />;
  }
}

function StringList({ label, hint, error, path, values, ctx, itemSchema }: { label: string; hint?: string; error?: string; path: Path; values: unknown[]; ctx: SchemaFormContext; itemSchema: JsonSchema }) {
  const legendId = useId();
  return (
    <fieldset className="fieldset fieldset-list" aria-labelledby={legendId}>
      <legend id={legendId} className="fieldset-legend">
        {label}
      </legend>
      {hint ? <div className="field-hint">{hint}</div> : null}
      {values.map((item, index) => {
        const itemError = ctx.errors[formatIssuePath([...path, index])];
        return (
          <div key={index} className="list-item-row">
            <Field label={`${label} ${index + 1}`} error={itemError} className="grow label-hidden">
              <input className="input mono" value={typeof item === 'string' ? item : ''} spellCheck={false} onChange={(e) => ctx.onChange([...path, index], e.target.value)} />
            </Field>
            <IconButton icon="x" label={`Remove ${label} ${index + 1}`} onClick={() => ctx.onReplace(removeAt(ctx.value, path, index))} />
          </div>
        );
      })}
      {error ? <div className="field-error" role="alert">{error}</div> : null}
      <Button size="sm" icon="plus" onClick={() => ctx.onChange([...path, values.length], initialValue(itemSchema) ?? '')}>
        Add
      </Button>
    </fieldset>
  );
}

function ObjectList({ label, hint, error, path, values, ctx, itemSchema }: { label: string; hint?: string; error?: string; path: Path; values: unknown[]; ctx: SchemaFormContext; itemSchema: JsonSchema }) {
  return (
    <fieldset className="fieldset fieldset-list">
      <legend className="fieldset-legend">{label}</legend>
      {hint ? <div className="field-hint">{hint}</div> : null}
      {values.map((_, index) => (
        <div key={index} className="list-object">
          <div className="list-object-header">
            <span className="small strong">
              {label.replace(/s$/, '')} {index + 1}
            </span>
            <IconButton icon="trash" label={`Remove ${label} ${index + 1}`} onClick={() => ctx.onReplace(removeAt(ctx.value, path, index))} />
          </div>
          <SchemaFields schema={itemSchema} path={[...path, index]} ctx={ctx} />
        </div>
      ))}
      {error ? <div className="field-error" role="alert">{error}</div> : null}
      <Button size="sm" icon="plus" onClick={() => ctx.onChange([...path, values.length], initialValue(itemSchema))}>
        Add {label.toLowerCase().replace(/s$/, '')}
      </Button>
    </fieldset>
  );
}

/** A stored secret comes back as its hash (`scrypt$…`) or encrypted (`enc:v1:…`), never as the secret. */
const STORED_SECRET = /^(scrypt\$|enc:v1:)/;

/**
 * A secret (basic-auth password): typed, never shown. When one is stored the box stays empty
 * and says so; whatever is typed replaces it, and emptying the box again keeps the stored one.
 */
function WriteOnlyField({ label, hint, error, required, value, onChange }: { label: string; hint?: string; error?: string; required: boolean; value: unknown; onChange(value: unknown): void }) {
  const [stored] = useState(() => (typeof value === 'string' && STORED_SECRET.test(value) ? value : undefined));
  const typed = typeof value === 'string' && value !== stored ? value : '';
  const note = stored !== undefined ? 'Set — enter a new one to change it.' : undefined;
  return (
    <Field label={label} hint={[note, hint].filter(Boolean).join(' ') || undefined} error={error} required={required && stored === undefined}>
      <input
        className="input mono"
        type="password"
        autoComplete="new-password"
        value={typed}
        placeholder={stored !== undefined ? 'set (unchanged)' : undefined}
        onChange={(e) => onChange(e.target.value === '' ? (stored ?? (required ? '' : undefined)) : e.target.value)}
      />
    </Field>
  );
}

/** Unions and free-form values: edited as JSON, parse errors shown at once. */
function JsonField({ label, hint, error, value, onChange }: { label: string; hint?: string; error?: string; value: unknown; onChange(value: unknown): void }) {
  const [text, setText] = useState(() => (value === undefined ? '' : JSON.stringify(value, null, 2)));
  const [parseError, setParseError] = useState<string>();
  useEffect(() => {
    // Follow outside changes (reset to defaults) unless the text is mid-edit and invalid.
    if (!parseError) setText(value === undefined ? '' : JSON.stringify(value, null, 2));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [JSON.stringify(value)]);
  return (
    <Field label={label} hint={hint ? `${hint} (JSON)` : 'JSON'} error={parseError ?? error}>
      <textarea
        className="textarea mono"
        rows={Math.min(8, Math.max(2, text.split('\n').length))}
        value={text}
        spellCheck={false}
        onChange={(e) => {
          setText(e.target.value);
          if (e.target.value.trim() === '') {
            setParseError(undefined);
            onChange(undefined);
            return;
          }
          try {
            const parsed: unknown = JSON.parse(e.target.value);
            setParseError(undefined);
            onChange(parsed);
          } catch {
            setParseError('not valid JSON yet');
          }
        }}
      />
    </Field>
  );
}
