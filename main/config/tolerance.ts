/**
 * Strict schemas, tolerant files. Gatehouse's schemas refuse unknown fields because the admin
 * API and the UI are its own contract; a Flex conf.d is not, and a file Flex accepts must not
 * be refused. On the YAML path a field no schema knows is therefore dropped and reported as a
 * warning (with a "did you mean" when it looks like a typo); every other check still errors.
 */
import type { z } from 'zod';
import { similarNames } from './errors';

export interface DroppedField {
  /** From the parsed value's root, ending with the key. */
  path: (string | number)[];
  key: string;
  /** Keys the schema does know at that place, for suggestions. */
  known: string[];
}

export interface TolerantParse<T> {
  parsed: z.ZodSafeParseResult<T>;
  /** The input without the dropped fields (a copy when anything was dropped). */
  value: unknown;
  dropped: DroppedField[];
}

/** A field dropped inside a field dropped earlier cannot come back; a few rounds always suffice. */
const MAX_ROUNDS = 8;

export function parseTolerant<S extends z.ZodType>(schema: S, input: unknown, params?: Parameters<S['safeParse']>[1]): TolerantParse<z.output<S>> {
  let value = input;
  let copied = false;
  const dropped: DroppedField[] = [];
  for (let round = 0; ; round++) {
    const parsed = schema.safeParse(value, params) as z.ZodSafeParseResult<z.output<S>>;
    // Only top-level issues: keys unknown to one branch of a union may belong to another.
    const unknown = parsed.success ? [] : parsed.error.issues.filter((issue) => issue.code === 'unrecognized_keys');
    if (unknown.length === 0 || round === MAX_ROUNDS) return { parsed, value, dropped };
    if (!copied) {
      value = structuredClone(value);
      copied = true;
    }
    for (const issue of unknown) {
      const parent = issue.path.map((part) => (typeof part === 'number' ? part : String(part)));
      const container = valueAt(value, parent);
      if (!container || typeof container !== 'object') continue;
      for (const key of issue.keys) {
        delete (container as Record<string, unknown>)[key];
        dropped.push({ path: [...parent, key], key, known: knownKeys(schema, parent) });
      }
    }
  }
}

/** `unknown field; ignored`, with the closest known names when there are any. */
export function unknownFieldMessage(field: DroppedField): string {
  const suggestions = similarNames(field.key, field.known);
  return `unknown field; ignored${suggestions.length ? ` (did you mean ${suggestions.join(' or ')}?)` : ''}`;
}

function valueAt(root: unknown, path: readonly (string | number)[]): unknown {
  let node = root;
  for (const part of path) {
    if (!node || typeof node !== 'object') return undefined;
    node = (node as Record<string | number, unknown>)[part];
  }
  return node;
}

// Walking zod's definitions is internal to this module: only what unknown-key suggestions need.
type Def = { type: string; [key: string]: unknown };
type Node = { _zod?: { def: Def } };

function defOf(schema: unknown): Def | undefined {
  return (schema as Node | undefined)?._zod?.def;
}

/** Through optional, default, pipes (preprocess keeps its output, transform its input), lazy. */
function unwrap(schema: unknown): unknown {
  let current = schema;
  for (let depth = 0; depth < 32; depth++) {
    const def = defOf(current);
    if (!def) return current;
    if (['optional', 'nullable', 'default', 'prefault', 'readonly', 'nonoptional', 'catch'].includes(def.type)) current = def.innerType;
    else if (def.type === 'pipe') current = defOf(unwrap(def.out))?.type === 'transform' ? def.in : def.out;
    else if (def.type === 'lazy') current = (def.getter as () => unknown)();
    else return current;
  }
  return current;
}

function alternatives(schema: unknown): unknown[] {
  const inner = unwrap(schema);
  const def = defOf(inner);
  if (def?.type === 'union') return (def.options as unknown[]).flatMap(alternatives);
  return [inner];
}

function childrenOf(schema: unknown, part: string | number): unknown[] {
  return alternatives(schema).flatMap((node) => {
    const def = defOf(node);
    if (def?.type === 'object') {
      const child = (def.shape as Record<string, unknown>)[String(part)];
      return child ? [child] : [];
    }
    if (def?.type === 'array' && typeof part === 'number') return [def.element];
    if (def?.type === 'record') return [def.valueType];
    return [];
  });
}

function knownKeys(schema: unknown, path: readonly (string | number)[]): string[] {
  let nodes = [schema];
  for (const part of path) nodes = nodes.flatMap((node) => childrenOf(node, part));
  const keys = nodes.flatMap((node) =>
    alternatives(node).flatMap((alternative) => {
      const def = defOf(alternative);
      return def?.type === 'object' ? Object.keys(def.shape as Record<string, unknown>) : [];
    }),
  );
  return [...new Set(keys)];
}
