/**
 * Custom policies declared in a conf.d: Flex's `Extension` kind. Flex splits a custom policy in
 * a definition (`extends: [{name: extension-definition}]`, config as JSON Schema in
 * `properties`) and an implementation (an Extension extending the definition by name, with the
 * WebAssembly module). Gatehouse runs TypeScript/JavaScript instead: `spec.source` names the
 * policy file or folder, relative to the YAML file, on the definition itself (one resource) or
 * on an implementation of it (Flex's two). A WebAssembly implementation cannot run here: it is
 * reported, and a binding to it is an error saying so. A binding may name any of the
 * Extensions of a policy, or the policy's own name; the snapshot carries the policy's own name.
 */
import { statSync } from 'node:fs';
import path from 'node:path';
import { formatFieldPath, type ConfigError } from './errors';
import { resourcesOfKind, type AnyResource, type LoadedResource } from './resources';

/** Flex's base extensions: `extension-definition` marks a definition, the rest are categories. */
const BASE_EXTENSION = /^extension-/;
const DEFINITION = 'extension-definition';
const SCRIPT = /\.(ts|mts|cts|js|mjs|cjs)$/;

export interface DeclaredPolicy {
  /** The Extension carrying `spec.source`. */
  resource: LoadedResource<'Extension'>;
  /** Absolute path of the .ts/.js file or folder. */
  source: string;
  /** Extension names a binding may use for it: its own, and the definition's it implements. */
  names: string[];
}

export interface DeclaredExtensions {
  policies: DeclaredPolicy[];
  /** Extension names that no binding can use, with the reason (WebAssembly, no implementation). */
  unusable: Map<string, string>;
}

type Extension = LoadedResource<'Extension'>;

export interface CollectOptions {
  /**
   * Whether `spec.source` must name a file or folder here (default). The app's import never runs
   * the file (an Extension stands for its policies library's policy), so a file shared from
   * another machine need not exist.
   */
  checkSources?: boolean;
}

export function collectExtensions(resources: readonly AnyResource[], errors: ConfigError[], warnings: ConfigError[], options: CollectOptions = {}): DeclaredExtensions {
  const at = (list: ConfigError[], resource: Extension, fieldPath: (string | number)[], message: string) =>
    list.push({ file: resource.file, line: resource.lineOf(fieldPath), field: formatFieldPath(fieldPath), message });
  const where = (resource: Extension, fieldPath: (string | number)[] = ['metadata', 'name']) => `${resource.file}:${resource.lineOf(fieldPath)}`;

  const byName = new Map<string, Extension>();
  for (const resource of resourcesOfKind(resources, 'Extension')) {
    if (resource.spec.order !== undefined) at(warnings, resource, ['spec', 'order'], "not used: a binding's `order` decides where a policy runs, as for every policy");
    const first = byName.get(resource.metadata.name);
    if (first) at(errors, resource, ['metadata', 'name'], `Extension "${resource.metadata.name}" is already declared at ${where(first)}`);
    else byName.set(resource.metadata.name, resource);
  }

  const definitions = new Map<string, Extension>();
  const implementations = new Map<string, Extension[]>();
  for (const resource of byName.values()) {
    const bases = resource.spec.extends.map((entry) => entry.name);
    if (bases.includes(DEFINITION)) {
      definitions.set(resource.metadata.name, resource);
      continue;
    }
    const index = bases.findIndex((name) => !BASE_EXTENSION.test(name));
    if (index < 0) {
      at(errors, resource, ['spec', 'extends'], `extends neither ${DEFINITION} (a policy definition) nor a definition by name (an implementation of it)`);
      continue;
    }
    const definition = byName.get(bases[index]!);
    if (!definition || !definition.spec.extends.some((entry) => entry.name === DEFINITION)) {
      at(errors, resource, ['spec', 'extends', index, 'name'], `no Extension definition named "${bases[index]}" (one that extends ${DEFINITION})`);
      continue;
    }
    implementations.set(definition.metadata.name, [...(implementations.get(definition.metadata.name) ?? []), resource]);
  }

  const policies: DeclaredPolicy[] = [];
  const unusable = new Map<string, string>();
  const wasmMessage = (resource: Extension) =>
    `Extension "${resource.metadata.name}" (${where(resource)}) is a WebAssembly implementation, which Gatehouse cannot run (no Envoy here); write the policy in TypeScript and give its path as spec.source instead of spec.wasm (see docs/flex-compatibility.md)`;
  const declare = (resource: Extension, names: string[]) => {
    const source = options.checkSources === false ? path.resolve(path.dirname(resource.file), resource.spec.source!) : checkSource(resource, errors);
    if (source) policies.push({ resource, source, names });
  };

  for (const [name, definition] of definitions) {
    const impls = implementations.get(name) ?? [];
    if (definition.spec.source !== undefined && impls.length > 0) {
      for (const impl of impls) at(errors, impl, ['spec', 'extends'], `the definition "${name}" already has its code in spec.source (${where(definition, ['spec', 'source'])}); remove one of the two`);
      continue;
    }
    if (definition.spec.source !== undefined) {
      noteIgnoredSchema(definition, warnings);
      declare(definition, [name]);
      continue;
    }
    if (impls.length === 0) {
      unusable.set(name, `Extension "${name}" (${where(definition)}) defines a policy without code: give spec.source (a .ts or .js file or folder, relative to ${path.basename(definition.file)})`);
      continue;
    }
    // The definition's name stands for its implementation only when there is one.
    if (impls.length > 1) unusable.set(name, `Extension "${name}" has ${impls.length} implementations (${impls.map((impl) => impl.metadata.name).join(', ')}); name one of them in policyRef`);
    for (const impl of impls) {
      const names = impls.length === 1 ? [impl.metadata.name, name] : [impl.metadata.name];
      if (impl.spec.source === undefined) {
        for (const alias of names) unusable.set(alias, wasmMessage(impl));
        if (impl.spec.wasm !== undefined) at(warnings, impl, ['spec', 'wasm'], 'a WebAssembly implementation cannot run in Gatehouse; a PolicyBinding to it is refused (use spec.source with a TypeScript policy)');
        else at(errors, impl, ['spec'], 'an implementation needs its code: spec.source (a .ts or .js file or folder)');
        continue;
      }
      if (impl.spec.wasm !== undefined) at(warnings, impl, ['spec', 'wasm'], 'ignored: spec.source runs instead');
      if (definition.spec.properties !== undefined) noteIgnoredSchema(definition, warnings);
      declare(impl, names);
    }
  }
  return { policies, unusable };
}

/** The YAML schema is Flex's; here the policy file's own `schema` validates the config. */
function noteIgnoredSchema(definition: Extension, warnings: ConfigError[]): void {
  for (const field of ['properties', 'required'] as const) {
    if (definition.spec[field] === undefined) continue;
    const fieldPath = ['spec', field];
    warnings.push({
      file: definition.file,
      line: definition.lineOf(fieldPath),
      field: formatFieldPath(fieldPath),
      message: "not used: bindings' config is validated against the schema the policy file exports (definePolicy's `schema`)",
    });
  }
}

/** spec.source → an absolute path that exists and is a script or a folder; else an error. */
function checkSource(resource: Extension, errors: ConfigError[]): string | undefined {
  const fieldPath = ['spec', 'source'];
  const fail = (message: string) => void errors.push({ file: resource.file, line: resource.lineOf(fieldPath), field: formatFieldPath(fieldPath), message });
  const written = resource.spec.source!;
  const absolute = path.resolve(path.dirname(resource.file), written);
  let isDirectory: boolean;
  try {
    isDirectory = statSync(absolute).isDirectory();
  } catch {
    return fail(`${written}: no such file or folder (${absolute})`);
  }
  if (!isDirectory && !SCRIPT.test(absolute)) return fail(`${written}: a policy is a .ts, .mts, .cts, .js, .mjs or .cjs file, or a folder`);
  return absolute;
}
