/**
 * The generated policy form: one control per JSON Schema property, labelled, explained and
 * widgeted by the catalogue entry's `fields` (labels, help, units, option labels, chips,
 * conditions); a property the entry does not describe (a custom policy) gets a label from its
 * key. Each control has its validation error right under it.
 */
import { useEffect, useState } from 'react';
import { formatIssuePath } from '../../../../../shared/contract/errors';
import type { PolicyFieldUi } from '../../../../../shared/policies/catalogue-entry';
import type { FieldErrors } from '../../../lib/errors';
import { fieldKind, fieldUiOf, getAt, initialValue, labelFor, removeAt, type JsonSchema, type Path } from '../../../lib/schema-form';
import { Button, IconButton } from '../../../ui/button';
import { Field } from '../../../ui/field';
import { ChipsField } from './chips-field';
import { SecretField } from './secret-field';
import { UnitField } from './unit-field';

export interface SchemaFormContext {
  value: unknown;
  /** The errors to show now (touched fields, or all after a submit). */
  errors: FieldErrors;
  /** The catalogue entry's field descriptions. */
  fields?: Record<string, PolicyFieldUi>;
  onChange(path: Path, value: unknown): void;
  /** Replace the whole value after a change of the list at `path` (removals). */
  onReplace(value: unknown, path: Path): void;
}

/** A field whose `showWhen` siblings hold other values is not shown (its value is kept). */
function isShown(ui: PolicyFieldUi | undefined, parent: JsonSchema, parentPath: Path, value: unknown): boolean {
  if (!ui?.showWhen) return !ui?.hidden;
  if (ui.hidden) return false;
  return Object.entries(ui.showWhen).every(([sibling, allowed]) => {
    const current = getAt(value, [...parentPath, sibling]) ?? parent.properties?.[sibling]?.default;
    return allowed.includes(current);
  });
}

export function SchemaFields({ schema, path = [], ctx }: { schema: JsonSchema; path?: Path; ctx: SchemaFormContext }) {
  const required = new Set(schema.required ?? []);
  return (
    <div className="schema-fields">
      {Object.entries(schema.properties ?? {}).map(([key, child]) => {
        const ui = fieldUiOf(ctx.fields, [...path, key]);
        if (!isShown(ui, schema, path, ctx.value)) return null;
        // data-path: leaving a control marks its field touched (see PolicyForm).
        return (
          <div key={key} className="schema-field" data-path={JSON.stringify([...path, key])}>
            <SchemaField name={key} schema={child} path={[...path, key]} required={required.has(key)} ui={ui} ctx={ctx} />
          </div>
        );
      })}
    </div>
  );
}

/** The list's own error and its items' errors, as one message naming the bad items. */
function listErrors(ctx: SchemaFormContext, path: Path, items: string[]): { error?: string; invalid: Set<number> } {
  const invalid = new Set<number>();
  const messages: string[] = [];
  const own = ctx.errors[formatIssuePath(path)];
  if (own) messages.push(own);
  items.forEach((item, index) => {
    const prefix = formatIssuePath([...path, index]);
    const found = Object.entries(ctx.errors).find(([key]) => key === prefix || key.startsWith(`${prefix}.`) || key.startsWith(`${prefix}[`));
    if (!found) return;
    invalid.add(index);
    messages.push(found[1].includes(item) ? found[1] : `${item}: ${found[1]}`);
  });
  return { error: messages.join('; ') || undefined, invalid };
}

/** A chip's text: plain values, or Flex's `{methodName, isAllowed}` objects. */
function chipText(item: unknown): string {
  if (item && typeof item === 'object' && 'methodName' in item) {
    const method = item as { methodName: unknown; isAllowed?: unknown };
    return `${String(method.methodName)}${method.isAllowed === false ? ' (not allowed)' : ''}`;
  }
  return String(item);
}

function SchemaField({ name, schema, path, required, ui, ctx }: { name: string; schema: JsonSchema; path: Path; required: boolean; ui?: PolicyFieldUi; ctx: SchemaFormContext }) {
  const kind = fieldKind(schema);
  const value = getAt(ctx.value, path);
  const error = ctx.errors[formatIssuePath(path)];
  const label = ui?.label ?? labelFor(name);
  const hint = ui?.help ?? schema.description;
  const set = (next: unknown) => ctx.onChange(path, next);

  if (ui?.separator && kind === 'string') {
    const separator = ui.separator;
    const items = typeof value === 'string' ? value.split(separator === ',' ? ',' : /\s+/).map((item) => item.trim()).filter(Boolean) : [];
    const store = (next: string[]) => set(next.length === 0 && !required ? undefined : next.join(separator === ',' ? ',' : ' '));
    return (
      <ChipsField
        label={label}
        hint={hint}
        error={error}
        invalidItems={new Set()}
        items={items}
        placeholder={ui.placeholder}
        required={required}
        onAdd={(values) => store([...items, ...values])}
        onRemove={(index) => store(items.filter((_, i) => i !== index))}
      />
    );
  }
  if (ui?.chips || kind === 'string-list') {
    const raw = Array.isArray(value) ? (value as unknown[]) : value === undefined ? [] : [value];
    const items = raw.map(chipText);
    const { error: shown, invalid } = listErrors(ctx, path, items);
    // A field that also takes one value (health check's expectedStatus: 200) keeps one as a scalar.
    const scalarAllowed = Boolean(schema.anyOf?.some((option) => option.type !== 'array'));
    const store = (next: unknown[]) => set(scalarAllowed && next.length === 1 ? next[0] : next);
    const parse = (text: string) => (ui?.chips?.numeric && /^-?\d+(\.\d+)?$/.test(text) ? Number(text) : text);
    return (
      <ChipsField
        label={label}
        hint={hint}
        error={shown}
        invalidItems={invalid}
        items={items}
        suggestions={ui?.chips?.suggestions}
        placeholder={ui?.placeholder}
        required={required}
        onAdd={(values) => store([...raw, ...values.map(parse)])}
        onRemove={(index) => ctx.onReplace(raw.length === 1 && scalarAllowed ? undefined : removeAt(ctx.value, path, index), path)}
      />
    );
  }

  switch (kind) {
    case 'boolean':
      return (
        <Field label={label} hint={hint} error={error} inline>
          <input type="checkbox" className="checkbox" checked={Boolean(value ?? schema.default)} onChange={(e) => set(e.target.checked)} />
        </Field>
      );
    case 'number':
    case 'integer':
      if (ui?.unit)
        return <UnitField label={label} help={hint} error={error} required={required} unit={ui.unit} value={value} integer={kind === 'integer'} placeholder={schema.default} onChange={set} />;
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
    case 'enum': {
      const optionLabel = (option: unknown) => ui?.options?.[String(option)] ?? String(option);
      return (
        <Field label={label} hint={hint} error={error} required={required}>
          <select className="select" value={value === undefined ? '' : String(value)} onChange={(e) => set(e.target.value === '' ? undefined : schema.enum?.find((option) => String(option) === e.target.value))}>
            {!required ? <option value="">{schema.default !== undefined ? `Default (${optionLabel(schema.default)})` : 'Not set'}</option> : null}
            {(schema.enum ?? []).map((option) => (
              <option key={String(option)} value={String(option)}>
                {optionLabel(option)}
              </option>
            ))}
          </select>
        </Field>
      );
    }
    case 'string':
      if (schema.writeOnly) return <SecretField label={label} hint={hint} error={error} required={required} value={value} generate={ui?.generate} onChange={set} />;
      return (
        <Field label={label} hint={hint} error={error} required={required || Boolean(ui?.userSupplied)}>
          <input
            className="input mono"
            value={typeof value === 'string' ? value : ''}
            placeholder={ui?.placeholder ?? (schema.default !== undefined && schema.default !== '' ? String(schema.default) : undefined)}
            spellCheck={false}
            onChange={(e) => set(e.target.value === '' && !required ? undefined : e.target.value)}
          />
        </Field>
      );
    case 'object-list':
      return <ObjectList label={label} itemLabel={ui?.itemLabel} hint={hint} error={error} path={path} values={Array.isArray(value) ? (value as unknown[]) : []} ctx={ctx} itemSchema={schema.items ?? {}} />;
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

function ObjectList({ label, itemLabel, hint, error, path, values, ctx, itemSchema }: { label: string; itemLabel?: string; hint?: string; error?: string; path: Path; values: unknown[]; ctx: SchemaFormContext; itemSchema: JsonSchema }) {
  const item = itemLabel ?? label.replace(/s$/, '');
  return (
    <fieldset className="fieldset fieldset-list">
      <legend className="fieldset-legend">{label}</legend>
      {hint ? <div className="field-hint">{hint}</div> : null}
      {values.map((_, index) => (
        <div key={index} className="list-object">
          <div className="list-object-header">
            <span className="small strong">
              {item} {index + 1}
            </span>
            <IconButton icon="trash" label={`Remove ${item.toLowerCase()} ${index + 1}`} onClick={() => ctx.onReplace(removeAt(ctx.value, path, index), path)} />
          </div>
          <SchemaFields schema={itemSchema} path={[...path, index]} ctx={ctx} />
        </div>
      ))}
      {error ? <div className="field-error" role="alert">{error}</div> : null}
      <Button size="sm" icon="plus" onClick={() => ctx.onChange([...path, values.length], initialValue(itemSchema))}>
        Add {item.toLowerCase()}
      </Button>
    </fieldset>
  );
}

/** Free-form values no widget describes (a custom policy's unions): edited as JSON, parse errors shown at once. */
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
