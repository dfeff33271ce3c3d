/**
 * What a policy file exported, checked before anything runs it: one definePolicy object with a
 * valid name (not a built-in's), a version, a JSON Schema for its config and a create function.
 * Each problem names the field, so the error reads `file: name: …`.
 */
import { z } from 'zod';
import type { CustomPolicy, JsonSchema } from '../../../shared/policy-sdk';
import type { PolicyCatalogueEntry, PolicyFieldUi } from '../../../shared/policies/catalogue-entry';
import { findPolicy } from '../../../shared/policies/catalogue';
import { DEFAULT_HOOK_TIMEOUT_MS, MAX_HOOK_TIMEOUT_MS } from './hook-timer';

export const CUSTOM_POLICY_NAME = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;
/** Names the config compiler gives a meaning of its own. */
const RESERVED = new Set(['route', 'route-weighted']);

/** Shaped like a definePolicy argument (checked field by field afterwards). */
function looksLikePolicy(value: unknown): value is CustomPolicy {
  return value !== null && typeof value === 'object' && 'name' in value && ('create' in value || 'schema' in value || 'version' in value);
}

/** The policy a module exports: `module.exports = …`, the default export, or the one named export that is a policy. */
export function findExportedPolicy(exported: unknown): { ok: true; policy: CustomPolicy } | { ok: false; message: string } {
  if (looksLikePolicy(exported)) return { ok: true, policy: exported };
  if (exported !== null && typeof exported === 'object') {
    const record = exported as Record<string, unknown>;
    if (looksLikePolicy(record.default)) return { ok: true, policy: record.default };
    const named = Object.entries(record).filter(([, value]) => looksLikePolicy(value));
    if (named.length === 1) return { ok: true, policy: named[0]![1] as CustomPolicy };
    if (named.length > 1) return { ok: false, message: `exports ${named.length} policies (${named.map(([key]) => key).join(', ')}); a file defines one policy: export default definePolicy({ … })` };
  }
  return { ok: false, message: "exports no policy: add `export default definePolicy({ name, version, schema, create })` (import { definePolicy } from 'gatehouse/policy-sdk')" };
}

export interface CheckedPolicy {
  policy: CustomPolicy;
  /** The config's validator (JSON Schema → zod): what config files, the admin API and the form use. */
  schema: z.ZodType;
  entry: PolicyCatalogueEntry;
}

/** Every field of the definition, in the order a reader fixes them; the first problem is returned. */
export function checkPolicy(policy: CustomPolicy, source: string): { ok: true; checked: CheckedPolicy } | { ok: false; message: string } {
  const { name, version } = policy;
  if (typeof name !== 'string' || !CUSTOM_POLICY_NAME.test(name))
    return { ok: false, message: `name: expected lower-case letters, digits and dashes, starting with a letter (such as "add-claim-header"), got ${JSON.stringify(name)}` };
  if (name.length > 64) return { ok: false, message: `name: at most 64 characters, got ${name.length}` };
  if (findPolicy(name) !== undefined || RESERVED.has(name)) return { ok: false, message: `name: "${name}" is a built-in policy; choose another name` };
  if (typeof version !== 'string' || version.trim() === '') return { ok: false, message: `version: expected a string such as "1.0.0", got ${JSON.stringify(version)}` };
  if (policy.title !== undefined && typeof policy.title !== 'string') return { ok: false, message: 'title: expected a string' };
  if (policy.description !== undefined && typeof policy.description !== 'string') return { ok: false, message: 'description: expected a string' };
  const { timeoutMs } = policy;
  if (timeoutMs !== undefined && !(Number.isInteger(timeoutMs) && timeoutMs >= 1 && timeoutMs <= MAX_HOOK_TIMEOUT_MS))
    return { ok: false, message: `timeoutMs: expected a whole number of milliseconds from 1 to ${MAX_HOOK_TIMEOUT_MS} (how long onRequest/onResponse may take to settle; default ${DEFAULT_HOOK_TIMEOUT_MS}), got ${JSON.stringify(timeoutMs) ?? String(timeoutMs)}` };
  if (typeof policy.create !== 'function') return { ok: false, message: 'create: expected a function create(config, context) that returns { onRequest, onResponse }' };
  const fields = checkFields(policy.fields);
  if (typeof fields === 'string') return { ok: false, message: fields };
  const schema = schemaOf(policy.schema);
  if (typeof schema === 'string') return { ok: false, message: schema };
  const entry: PolicyCatalogueEntry = {
    name,
    title: policy.title ?? name,
    description: policy.description ?? `Custom policy ${name} ${version}, from ${source}`,
    category: 'custom',
    scope: 'request',
    schema,
    defaults: defaultsOf(schema, policy.schema),
    ...(fields === undefined ? {} : { fields }),
  };
  return { ok: true, checked: { policy, schema, entry } };
}

/** JSON Schema → zod (zod 4's fromJSONSchema): parse fills defaults, issues carry the field path, and toJSONSchema gives the form its schema back. */
function schemaOf(schema: JsonSchema | undefined): z.ZodType | string {
  if (schema === null || typeof schema !== 'object' || Array.isArray(schema))
    return "schema: expected a JSON Schema object such as { type: 'object', properties: { header: { type: 'string' } } }";
  if (schema.type !== undefined && schema.type !== 'object') return `schema.type: a policy's config is an object; expected "object", got ${JSON.stringify(schema.type)}`;
  if (schema.properties !== undefined && (schema.properties === null || typeof schema.properties !== 'object' || Array.isArray(schema.properties)))
    return 'schema.properties: expected an object of property schemas';
  try {
    return z.fromJSONSchema({ ...schema, type: 'object' } as Parameters<typeof z.fromJSONSchema>[0]);
  } catch (error) {
    return `schema: ${(error as Error).message}`;
  }
}

/** The form's starting config: the schema's own defaults where `{}` does not parse. */
function defaultsOf(schema: z.ZodType, json: JsonSchema): Record<string, unknown> {
  const parsed = schema.safeParse({});
  if (parsed.success) return parsed.data as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  const properties = (json.properties ?? {}) as Record<string, { default?: unknown } | undefined>;
  for (const [key, property] of Object.entries(properties)) if (property?.default !== undefined) out[key] = property.default;
  return out;
}

function checkFields(fields: CustomPolicy['fields']): Record<string, PolicyFieldUi> | undefined | string {
  if (fields === undefined) return undefined;
  if (fields === null || typeof fields !== 'object' || Array.isArray(fields)) return 'fields: expected an object of { label, help?, placeholder? } by property path';
  const out: Record<string, PolicyFieldUi> = {};
  for (const [path, field] of Object.entries(fields)) {
    if (field === null || typeof field !== 'object' || typeof field.label !== 'string') return `fields.${path}.label: expected a string`;
    if (field.help !== undefined && typeof field.help !== 'string') return `fields.${path}.help: expected a string`;
    if (field.placeholder !== undefined && typeof field.placeholder !== 'string') return `fields.${path}.placeholder: expected a string`;
    out[path] = { label: field.label, ...(field.help === undefined ? {} : { help: field.help }), ...(field.placeholder === undefined ? {} : { placeholder: field.placeholder }) };
  }
  return out;
}

/** A config that fails the schema, as `field.path: message`. */
export function configProblem(schema: z.ZodType, config: unknown): { ok: true; config: Record<string, unknown> } | { ok: false; message: string } {
  const parsed = schema.safeParse(config ?? {});
  if (parsed.success) return { ok: true, config: parsed.data as Record<string, unknown> };
  const issue = parsed.error.issues[0]!;
  return { ok: false, message: `${issue.path.length ? `${issue.path.map(String).join('.')}: ` : ''}${issue.message}` };
}
