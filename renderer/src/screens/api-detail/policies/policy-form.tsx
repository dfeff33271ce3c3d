/**
 * A policy's config form: generated from its catalogue schema, validated with the same zod
 * schema on every change, plus the optional `rules` (apply only to some paths or methods).
 * Errors show under a field once the user has touched it, and under every field after a
 * blocked submit, which also focuses the first one. Server-side errors land on the same fields.
 */
import { useEffect, useId, useMemo, useRef, useState } from 'react';
import { formatIssuePath } from '../../../../../shared/contract/errors';
import type { PolicyRule } from '../../../../../shared/policies/common';
import { policyRulesSchema } from '../../../../../shared/policies/common';
import type { PolicyCatalogueEntry } from '../../../../../shared/policies/catalogue-entry';
import { zodFieldErrors, type FieldErrors } from '../../../lib/errors';
import { jsonSchemaOf, setAt, type Path } from '../../../lib/schema-form';
import { Field } from '../../../ui/field';
import { ChipsField } from './chips-field';
import { SchemaFields } from './schema-fields';

const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'] as const;

export interface PolicyFormState {
  config: unknown;
  rules: PolicyRule[] | undefined;
  /** The errors to show: of touched fields, or all once a submit was blocked. */
  errors: FieldErrors;
  ruleErrors: FieldErrors;
  /** Counts blocked submits; the form focuses the first invalid field on each. */
  blockedSubmits: number;
  /** `touched`: the field at this path (and a whole list, when `deep`) shows its errors now. */
  setConfig(config: unknown, touched?: Path, deep?: boolean): void;
  touch(path: Path): void;
  setRules(rules: PolicyRule[] | undefined): void;
  /** Server errors (`config.…` and `rules…` paths already split by the caller). */
  setServerErrors(config: FieldErrors, rules: FieldErrors): void;
  /** The config as the schema normalizes it, or undefined when invalid (errors shown). */
  validate(): { config: Record<string, unknown>; rules: PolicyRule[] | undefined } | undefined;
}

/**
 * The catalogue defaults with the schema's own defaults filled in. Defaults that leave fields
 * for the user (credentials) do not parse; the schema's defaults are then filled in through a
 * parse of the catalogue defaults with those fields given placeholders, and removed again.
 */
export function initialConfig(entry: PolicyCatalogueEntry): unknown {
  const parsed = entry.schema.safeParse(entry.defaults);
  if (parsed.success) return parsed.data;
  const blanks = Object.entries(entry.fields ?? {}).filter(([path, ui]) => ui.userSupplied && !path.includes('.'));
  const filled = entry.schema.safeParse({ ...(entry.defaults as object), ...Object.fromEntries(blanks.map(([path]) => [path, 'x'])) });
  if (!filled.success) return structuredClone(entry.defaults);
  const out = { ...(filled.data as Record<string, unknown>) };
  for (const [path] of blanks) delete out[path];
  return out;
}

/** Error keys shown: touched exactly (a field and the lists holding it), or under a list touched as a whole. */
function visibleErrors(errors: FieldErrors, exact: ReadonlySet<string>, deep: ReadonlySet<string>, all: boolean): FieldErrors {
  if (all) return errors;
  const out: FieldErrors = {};
  for (const [key, message] of Object.entries(errors)) {
    const under = [...deep].some((prefix) => key === prefix || key.startsWith(`${prefix}[`) || key.startsWith(`${prefix}.`));
    if (exact.has(key) || under) out[key] = message;
  }
  return out;
}

/** A stored config with an alias set (`credentialsOrigin`) edits through the one field the form shows. */
function withoutAliases(entry: PolicyCatalogueEntry, config: unknown): unknown {
  if (!config || typeof config !== 'object' || Array.isArray(config)) return config;
  const out = { ...(config as Record<string, unknown>) };
  for (const [key, ui] of Object.entries(entry.fields ?? {}))
    if (ui.aliasOf && out[key] !== undefined) {
      out[ui.aliasOf] = out[key];
      delete out[key];
    }
  return out;
}

export function usePolicyForm(entry: PolicyCatalogueEntry, initial: unknown, initialRules?: PolicyRule[]): PolicyFormState {
  const [config, setConfigState] = useState<unknown>(() => withoutAliases(entry, initial));
  const [rules, setRulesState] = useState<PolicyRule[] | undefined>(initialRules);
  const [serverErrors, setServer] = useState<{ config: FieldErrors; rules: FieldErrors }>({ config: {}, rules: {} });
  const [touched, setTouched] = useState<{ exact: Set<string>; deep: Set<string> }>(() => ({ exact: new Set(), deep: new Set() }));
  const [blockedSubmits, setBlockedSubmits] = useState(0);
  const markTouched = (path: Path, deep = false) =>
    setTouched((current) => {
      const exact = new Set(current.exact);
      // A field and the lists or objects around it: an item's change can fix or break the list.
      for (let length = 1; length <= path.length; length++) exact.add(formatIssuePath(path.slice(0, length)));
      return { exact, deep: deep ? new Set(current.deep).add(formatIssuePath(path)) : current.deep };
    });

  const localErrors = useMemo(() => {
    const result = entry.schema.safeParse(config);
    return result.success ? {} : zodFieldErrors(result.error);
  }, [entry, config]);
  const localRuleErrors = useMemo(() => {
    if (!rules) return {};
    const result = policyRulesSchema.safeParse(rules);
    return result.success ? {} : zodFieldErrors(result.error);
  }, [rules]);

  return {
    config,
    rules,
    errors: { ...serverErrors.config, ...visibleErrors(localErrors, touched.exact, touched.deep, blockedSubmits > 0) },
    ruleErrors: { ...serverErrors.rules, ...localRuleErrors },
    blockedSubmits,
    setConfig(next, path, deep) {
      setServer({ config: {}, rules: serverErrors.rules });
      setConfigState(next);
      if (path) markTouched(path, deep);
    },
    touch(path) {
      markTouched(path);
    },
    setRules(next) {
      setServer({ config: serverErrors.config, rules: {} });
      setRulesState(next);
    },
    setServerErrors(configErrors, ruleErrors) {
      setServer({ config: configErrors, rules: ruleErrors });
    },
    validate() {
      const parsed = entry.schema.safeParse(config);
      const parsedRules = rules ? policyRulesSchema.safeParse(rules) : undefined;
      if (!parsed.success || (parsedRules && !parsedRules.success)) {
        setBlockedSubmits((count) => count + 1);
        return undefined;
      }
      return { config: parsed.data as Record<string, unknown>, rules: parsedRules?.data };
    },
  };
}

/** The path a control edits, from its `data-path` wrapper (for blur = touched). */
function pathOfControl(target: EventTarget): Path | undefined {
  const holder = (target as HTMLElement).closest?.('[data-path]');
  const raw = holder?.getAttribute('data-path');
  return raw ? (JSON.parse(raw) as Path) : undefined;
}

export function PolicyForm({ entry, form }: { entry: PolicyCatalogueEntry; form: PolicyFormState }) {
  const schema = jsonSchemaOf(entry);
  const generalError = form.errors[''];
  const root = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (form.blockedSubmits === 0) return;
    // A blocked submit takes the user to the first field that needs fixing.
    const first = root.current?.querySelector<HTMLElement>('[aria-invalid="true"]');
    first?.focus();
    first?.scrollIntoView?.({ block: 'center' });
  }, [form.blockedSubmits]);
  return (
    <div
      className="policy-form"
      ref={root}
      onBlur={(event) => {
        const path = pathOfControl(event.target);
        if (path) form.touch(path);
      }}
    >
      <SchemaFields
        schema={schema}
        ctx={{
          value: form.config,
          errors: form.errors,
          fields: entry.fields,
          onChange: (path, value) => form.setConfig(setAt(form.config, path, value), path, Array.isArray(value)),
          onReplace: (value, path) => form.setConfig(value, path, true),
        }}
      />
      {generalError ? (
        <div className="field-error" role="alert">
          {generalError}
        </div>
      ) : null}
      <RulesField rules={form.rules} errors={form.ruleErrors} onChange={form.setRules} />
    </div>
  );
}

/** Flex's `rules`, simplified to one rule: a path regex and methods. */
function RulesField({ rules, errors, onChange }: { rules: PolicyRule[] | undefined; errors: FieldErrors; onChange(rules: PolicyRule[] | undefined): void }) {
  const scoped = Boolean(rules && rules.length > 0);
  const rule = rules?.[0] ?? {};
  const group = useId();
  // Flex also takes a methods regex ("GET|POST"): kept as text; a list is edited as chips.
  const [methods, setMethods] = useState(() => (typeof rule.methods === 'string' ? rule.methods : ''));
  const methodList = Array.isArray(rule.methods) ? rule.methods : [];
  const complex = (rules?.length ?? 0) > 1 || Boolean(rule.headers || rule.host);
  const update = (patch: Partial<PolicyRule>) => {
    const next: PolicyRule = { ...rule, ...patch };
    for (const key of Object.keys(next) as (keyof PolicyRule)[]) if (next[key] === undefined || next[key] === '') delete next[key];
    onChange([next, ...(rules ?? []).slice(1)]);
  };
  return (
    <fieldset className="fieldset">
      <legend className="fieldset-legend">Applies to</legend>
      <div className="radio-row" role="radiogroup" aria-label="Applies to">
        <label className="radio">
          <input type="radio" name={group} checked={!scoped} onChange={() => onChange(undefined)} /> Every request
        </label>
        <label className="radio">
          <input type="radio" name={group} checked={scoped} onChange={() => onChange([{ path: '/.*' }])} /> Only matching requests
        </label>
      </div>
      {scoped ? (
        <div className="form-row">
          <Field label="Path (regex)" hint="Matched against the whole path, e.g. /orders/.*" error={errors['[0].path']} className="grow">
            <input className="input mono" value={rule.path ?? ''} spellCheck={false} onChange={(e) => update({ path: e.target.value || undefined })} />
          </Field>
          {typeof rule.methods === 'string' ? (
            <Field label="Methods (regex)" hint="e.g. GET|POST; empty: all" error={errors['[0].methods']} className="grow">
              <input
                className="input mono"
                value={methods}
                spellCheck={false}
                onChange={(e) => {
                  setMethods(e.target.value);
                  update({ methods: e.target.value || undefined });
                }}
              />
            </Field>
          ) : (
            <div className="grow">
              <ChipsField
                label="Methods"
                hint="Empty: every method"
                error={errors['[0].methods'] ?? Object.entries(errors).find(([key]) => key.startsWith('[0].methods['))?.[1]}
                invalidItems={new Set()}
                items={methodList}
                suggestions={HTTP_METHODS}
                placeholder="GET"
                onAdd={(values) => update({ methods: [...methodList, ...values.map((m) => m.toUpperCase())] })}
                onRemove={(index) => {
                  const next = methodList.filter((_, i) => i !== index);
                  update({ methods: next.length ? next : undefined });
                }}
              />
            </div>
          )}
        </div>
      ) : null}
      {complex ? <p className="muted small">This binding has more rules (hosts, headers) than this form shows; they are kept as they are.</p> : null}
    </fieldset>
  );
}
