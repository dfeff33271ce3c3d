/**
 * A policy's config form: generated from its catalogue schema, validated with the same zod
 * schema on every change (errors inline, under the field), plus the optional `rules` (apply
 * only to some paths or methods). Server-side errors land on the same fields.
 */
import { useId, useMemo, useState } from 'react';
import type { PolicyRule } from '../../../../../shared/policies/common';
import { policyRulesSchema } from '../../../../../shared/policies/common';
import type { PolicyCatalogueEntry } from '../../../../../shared/policies/catalogue-entry';
import { zodFieldErrors, type FieldErrors } from '../../../lib/errors';
import { jsonSchemaOf, setAt } from '../../../lib/schema-form';
import { Field } from '../../../ui/field';
import { SchemaFields } from './schema-fields';

export interface PolicyFormState {
  config: unknown;
  rules: PolicyRule[] | undefined;
  errors: FieldErrors;
  ruleErrors: FieldErrors;
  setConfig(config: unknown): void;
  setRules(rules: PolicyRule[] | undefined): void;
  /** Server errors (`config.…` and `rules…` paths already split by the caller). */
  setServerErrors(config: FieldErrors, rules: FieldErrors): void;
  /** The config as the schema normalizes it, or undefined when invalid (errors shown). */
  validate(): { config: Record<string, unknown>; rules: PolicyRule[] | undefined } | undefined;
}

/** The catalogue defaults with the schema's own defaults filled in. */
export function initialConfig(entry: PolicyCatalogueEntry): unknown {
  const parsed = entry.schema.safeParse(entry.defaults);
  return parsed.success ? parsed.data : structuredClone(entry.defaults);
}

export function usePolicyForm(entry: PolicyCatalogueEntry, initial: unknown, initialRules?: PolicyRule[]): PolicyFormState {
  const [config, setConfigState] = useState<unknown>(initial);
  const [rules, setRulesState] = useState<PolicyRule[] | undefined>(initialRules);
  const [serverErrors, setServer] = useState<{ config: FieldErrors; rules: FieldErrors }>({ config: {}, rules: {} });

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
    errors: { ...serverErrors.config, ...localErrors },
    ruleErrors: { ...serverErrors.rules, ...localRuleErrors },
    setConfig(next) {
      setServer({ config: {}, rules: serverErrors.rules });
      setConfigState(next);
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
      if (!parsed.success || (parsedRules && !parsedRules.success)) return undefined;
      return { config: parsed.data as Record<string, unknown>, rules: parsedRules?.data };
    },
  };
}

export function PolicyForm({ entry, form }: { entry: PolicyCatalogueEntry; form: PolicyFormState }) {
  const schema = jsonSchemaOf(entry);
  const generalError = form.errors[''];
  return (
    <div className="policy-form">
      <SchemaFields
        schema={schema}
        ctx={{
          value: form.config,
          errors: form.errors,
          onChange: (path, value) => form.setConfig(setAt(form.config, path, value)),
          onReplace: (value) => form.setConfig(value),
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
  // Typed text is kept as is ("GET, " mid-typing); the rule gets the parsed list.
  const group = useId();
  const [methods, setMethods] = useState(() => (Array.isArray(rule.methods) ? rule.methods.join(', ') : (rule.methods ?? '')));
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
          <Field label="Methods" hint="Comma-separated, e.g. GET, POST; empty: all" error={errors['[0].methods'] ?? errors['[0].methods[0]']} className="grow">
            <input
              className="input mono"
              value={methods}
              spellCheck={false}
              onChange={(e) => {
                setMethods(e.target.value);
                const list = e.target.value.split(',').map((m) => m.trim().toUpperCase()).filter(Boolean);
                update({ methods: list.length ? list : undefined });
              }}
            />
          </Field>
        </div>
      ) : null}
      {complex ? <p className="muted small">This binding has more rules (hosts, headers) than this form shows; they are kept as they are.</p> : null}
    </fieldset>
  );
}
