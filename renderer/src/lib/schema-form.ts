/**
 * Turns a policy's zod schema into a form description: zod → JSON Schema (zod 4's
 * toJSONSchema) → field kinds per property. Values are edited immutably by path, and the same
 * zod schema validates them, so the form's errors are the server's errors.
 */
import { z } from 'zod';
import type { FieldUnit, PolicyCatalogueEntry, PolicyFieldUi } from '../../../shared/policies/catalogue-entry';

export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  enum?: unknown[];
  anyOf?: JsonSchema[];
  const?: unknown;
  oneOf?: JsonSchema[];
  default?: unknown;
  description?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  minItems?: number;
  minLength?: number;
  pattern?: string;
  /** A secret: the control plane never sends it back (it shows a hash instead). */
  writeOnly?: boolean;
}

export type FieldKind = 'boolean' | 'number' | 'integer' | 'enum' | 'string' | 'string-list' | 'object-list' | 'object' | 'json';
export type Path = (string | number)[];

const cache = new Map<string, JsonSchema>();
const ownSchemas = new WeakMap<object, JsonSchema>();

/** An entry that brings its JSON Schema (a custom policy) renders from it as is; others from their zod schema. */
export function jsonSchemaOf(entry: Pick<PolicyCatalogueEntry, 'name' | 'schema'> & { jsonSchema?: JsonSchema }): JsonSchema {
  if (entry.jsonSchema) {
    let own = ownSchemas.get(entry.jsonSchema);
    if (!own) ownSchemas.set(entry.jsonSchema, (own = literalUnionsAsEnums({ ...entry.jsonSchema, type: 'object' })));
    return own;
  }
  let schema = cache.get(entry.name);
  if (!schema) {
    schema = literalUnionsAsEnums(z.toJSONSchema(entry.schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema);
    cache.set(entry.name, schema);
  }
  return schema;
}

/** `256 | 384 | 512` arrives as anyOf of consts; the form shows it as a select. */
function literalUnionsAsEnums(schema: JsonSchema): JsonSchema {
  const out: JsonSchema = { ...schema };
  if (schema.anyOf?.every((option) => option.const !== undefined)) {
    out.enum = schema.anyOf.map((option) => option.const);
    delete out.anyOf;
  }
  if (schema.properties) out.properties = Object.fromEntries(Object.entries(schema.properties).map(([key, child]) => [key, literalUnionsAsEnums(child)]));
  if (schema.items) out.items = literalUnionsAsEnums(schema.items);
  return out;
}

/** The catalogue's form description of a field: `rateLimits[0].timePeriodInMilliseconds` → `rateLimits.timePeriodInMilliseconds`. */
export function fieldUiOf(fields: Record<string, PolicyFieldUi> | undefined, path: Path): PolicyFieldUi | undefined {
  return fields?.[path.filter((part) => typeof part === 'string').join('.')];
}

export interface UnitChoice {
  label: string;
  /** How many of the config's unit one of this is. */
  factor: number;
}

const DURATIONS_MS: UnitChoice[] = [
  { label: 'milliseconds', factor: 1 },
  { label: 'seconds', factor: 1000 },
  { label: 'minutes', factor: 60_000 },
  { label: 'hours', factor: 3_600_000 },
  { label: 'days', factor: 86_400_000 },
];
const BASE_MS: Record<Exclude<FieldUnit, 'bytes'>, number> = { milliseconds: 1, seconds: 1000, minutes: 60_000 };
const SIZES: UnitChoice[] = [
  { label: 'bytes', factor: 1 },
  { label: 'KiB', factor: 1024 },
  { label: 'MiB', factor: 1024 * 1024 },
];

/** The units a field can be entered in: its own and the larger ones. */
export function unitChoices(unit: FieldUnit): UnitChoice[] {
  if (unit === 'bytes') return SIZES;
  const base = BASE_MS[unit];
  return DURATIONS_MS.filter((choice) => choice.factor >= base).map((choice) => ({ label: choice.label, factor: choice.factor / base }));
}

/** The largest unit that shows `value` as a whole number (60000 ms → 1 minutes). */
export function bestUnit(value: unknown, unit: FieldUnit): UnitChoice {
  const choices = unitChoices(unit);
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) return choices[0]!;
  return choices.filter((choice) => value % choice.factor === 0).at(-1) ?? choices[0]!;
}

export function fieldKind(schema: JsonSchema): FieldKind {
  if (schema.anyOf || schema.oneOf) return 'json';
  if (schema.enum) return 'enum';
  switch (schema.type) {
    case 'boolean':
      return 'boolean';
    case 'integer':
      return 'integer';
    case 'number':
      return 'number';
    case 'string':
      return 'string';
    case 'object':
      return schema.properties ? 'object' : 'json';
    case 'array': {
      const items = schema.items ?? {};
      const kind = fieldKind(items);
      if (kind === 'string') return 'string-list';
      if (kind === 'object') return 'object-list';
      return 'json';
    }
    default:
      return 'json';
  }
}

/** Keys whose words read wrong when split (acronyms, Flex's lowercase names). */
const LABELS: Record<string, string> = {
  ips: 'IPs',
  ipExpression: 'IP expression',
  alpn: 'ALPN protocols',
  crt: 'Certificate',
  trustedCA: 'Trusted CA',
  minversion: 'Minimum TLS version',
  maxversion: 'Maximum TLS version',
};

/** `timePeriodInMilliseconds` → `Time period in milliseconds`. */
export function labelFor(key: string): string {
  if (LABELS[key]) return LABELS[key];
  const words = key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** A starting value for a new list item or a newly shown optional object. */
export function initialValue(schema: JsonSchema): unknown {
  if (schema.default !== undefined) return structuredClone(schema.default);
  switch (fieldKind(schema)) {
    case 'boolean':
      return false;
    case 'number':
    case 'integer':
      return undefined;
    case 'enum':
      return schema.enum?.[0];
    case 'string':
      return '';
    case 'string-list':
    case 'object-list':
      return [];
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const key of schema.required ?? []) {
        const child = schema.properties?.[key];
        if (child) out[key] = initialValue(child);
      }
      return out;
    }
    default:
      return undefined;
  }
}

export function getAt(value: unknown, path: Path): unknown {
  let current = value;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string | number, unknown>)[key];
  }
  return current;
}

/** A copy of `root` with the value at `path` replaced (`undefined` removes an object key). */
export function setAt(root: unknown, path: Path, next: unknown): unknown {
  if (path.length === 0) return next;
  const [key, ...rest] = path as [string | number, ...Path];
  if (typeof key === 'number') {
    const list = Array.isArray(root) ? root.slice() : [];
    list[key] = setAt(list[key], rest, next);
    return list;
  }
  const object = root && typeof root === 'object' && !Array.isArray(root) ? { ...(root as Record<string, unknown>) } : {};
  const value = setAt(object[key], rest, next);
  if (value === undefined) delete object[key];
  else object[key] = value;
  return object;
}

export function removeAt(root: unknown, path: Path, index: number): unknown {
  const list = getAt(root, path);
  if (!Array.isArray(list)) return root;
  return setAt(root, path, list.filter((_, i) => i !== index));
}

