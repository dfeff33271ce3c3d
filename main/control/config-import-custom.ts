/**
 * A YAML import and the app's custom policies (the policies library). Custom policies are not
 * configuration: an import neither adds nor removes them. A binding names one of the library's
 * policies and its config is checked against that policy's schema. An `Extension` in the file
 * (an export writes one per custom policy its bindings use, so that the file also runs in local
 * mode) is matched to the library's policy of the same name (else the one from the same file),
 * bindings naming it are stored under that policy's own name, and it is not stored; an Extension the
 * library has no policy for is an error at its `spec.source`, saying to add the policy first.
 */
import { existsSync } from 'node:fs';
import { catalogueLookup } from '../config/catalogue-lookup';
import type { PolicyLookup } from '../config/compile-bindings';
import type { Env } from '../config/env';
import { formatConfigError, formatFieldPath, type ConfigError } from '../config/errors';
import { collectExtensions, type DeclaredPolicy } from '../config/extensions';
import { loadConfigText, loadConfigWithPolicies, type LoadResult } from '../config/load';
import { PolicySources, type PolicyLoader, type PolicyLoadState } from '../config/policy-sources';
import type { AnyResource } from '../config/resources';
import { CustomPolicyLibrary, formatPolicyError } from '../policies/custom/library';
import type { Store } from '../store/store';
import { importErrors, type ParsedImport } from './config-import';
import type { CustomCatalogue } from './policy-config';

export interface KeptCustomPolicies {
  library: CustomPolicyLibrary;
  /** The kept code's catalogue entries: what applyImport checks bindings against. */
  catalogue: CustomCatalogue;
  /** Kept versions that do not load (`file:line: message`); their bindings are unknown policies. */
  problems: string[];
}

/**
 * The data dir's custom policies as their last good versions (the code SQLite keeps), without
 * compiling: what the CLI checks a file against when the app is not running. The app itself
 * compiles each source again when it starts; an edit since then is not seen here.
 */
export function keptCustomPolicies(store: Store): KeptCustomPolicies {
  const library = new CustomPolicyLibrary();
  const problems: string[] = [];
  for (const record of store.customPolicies.list()) {
    if (!record.loaded) continue;
    const kept = library.loadCode(record.loaded.code, record.source, record.loaded.checksum);
    if (kept.error) problems.push(`custom policy ${record.source}: the kept version does not load: ${formatPolicyError(kept.error)}`);
  }
  return { library, catalogue: (name) => library.catalogueEntry(name), problems };
}

/**
 * parseImport for an instance with a policies library: bindings may name its policies, and the
 * file's Extensions stand for them (see the top of this file). Async because the loader's
 * custom policy sources are; nothing is compiled.
 */
export async function parseImportWithCustomPolicies(text: string, file: string, env: Env | undefined, library: CustomPolicyLibrary): Promise<ParsedImport> {
  const withEnv = env ? { env } : {};
  // The Extensions' files are not read (the library's policies are what runs): one shared from another machine imports too.
  const options = { ...withEnv, checkExtensionSources: false };
  let loaded = loadConfigText(text, file, { ...options, lookup: libraryLookup(library, []) });
  // Loaded again only when the file declares custom policies (rare): their names resolve through them.
  const declared = /\bExtension\b/.test(text) ? declaredPolicies(loaded.resources, false) : [];
  const warnings: string[] = [];
  if (declared.length > 0) {
    const sources = new PolicySources(fromLibrary(library, declared, warnings));
    await sources.refresh(declared.map((policy) => policy.source));
    loaded = loadConfigText(text, file, { ...options, lookup: libraryLookup(library, declared), policies: sources });
  }
  if (loaded.errors.length > 0) throw importErrors(loaded.errors, file);
  bindToLibraryNames(loaded.resources, library, declared);
  return { resources: loaded.resources, warnings: [...loaded.warnings.map(formatConfigError), ...warnings] };
}

/**
 * `gatehouse validate PATH --data-dir DIR`: the file's own custom policies are compiled and
 * checked as local mode would, and bindings may also name the data dir's library policies, as
 * `gatehouse import` allows. Returns the loader's result and the bindings that only the import
 * accepts (local mode needs an Extension for them), as notes.
 */
export async function loadWithLibrary(target: string, library: CustomPolicyLibrary, compiled: PolicySources): Promise<{ result: LoadResult; importOnly: ConfigError[] }> {
  const declared = declaredPolicies((await loadConfigWithPolicies(target, { policies: compiled })).resources);
  const result = await loadConfigWithPolicies(target, { policies: compiled, lookup: libraryLookup(library, declared) });
  const declaredNames = new Set(declared.flatMap((policy) => policy.names));
  const importOnly: ConfigError[] = [];
  for (const use of bindingNames(result.resources)) {
    if (declaredNames.has(use.name) || catalogueLookup.find(use.name) || !library.catalogueEntry(use.name)) continue;
    importOnly.push({ file: use.resource.file, line: use.resource.lineOf(use.path), field: formatFieldPath(use.path), message: `the custom policy "${use.name}" of the data dir's policies library` });
  }
  // What the import would store (and check against the library's schemas): the library's names.
  bindToLibraryNames(result.resources, library, declared);
  return { result, importOnly };
}

function declaredPolicies(resources: readonly AnyResource[], checkSources = true): DeclaredPolicy[] {
  // Errors and warnings are the real load's to report; only the declarations are wanted here.
  return collectExtensions(resources, [], [], { checkSources }).policies;
}

/**
 * The built-ins, then the library's policies, except names the file's Extensions declare and
 * the library policies they stand for: those are resolved through the Extension (a library name
 * in the base lookup would read as a clash with a built-in).
 */
function libraryLookup(library: CustomPolicyLibrary, declared: readonly DeclaredPolicy[]): PolicyLookup {
  const declaredNames = new Set<string>();
  for (const policy of declared) {
    for (const name of policy.names) declaredNames.add(name);
    const own = libraryPolicyFor(library, policy)?.name;
    if (own !== undefined) declaredNames.add(own);
  }
  return {
    find: (name) => catalogueLookup.find(name) ?? (declaredNames.has(name) ? undefined : library.catalogueEntry(name)),
    names: () => [...new Set([...catalogueLookup.names(), ...library.policies().map((policy) => policy.name)])],
  };
}

/** A policy loader answering from the library, by the Extension's name: nothing is compiled. */
function fromLibrary(library: CustomPolicyLibrary, declared: readonly DeclaredPolicy[], warnings: string[]): PolicyLoader {
  return {
    async load(source): Promise<PolicyLoadState> {
      const declaration = declared.find((policy) => policy.source === source)!;
      const resource = declaration.resource;
      const at = { file: resource.file, line: resource.lineOf(['spec', 'source']) };
      const policy = libraryPolicyFor(library, declaration);
      if (!policy) {
        const names = declaration.names.map((name) => `"${name}"`).join(' or ');
        const what = existsSync(source) ? source : `the policy (its file, ${resource.spec.source}, is not found here)`;
        return {
          error: {
            ...at,
            message: `spec.source: this instance's policies library has no custom policy named ${names}; an import does not add custom policies: add ${what} in the app (Policies library → Add custom policy), then import again`,
          },
        };
      }
      if (policy.source !== source)
        warnings.push(`${at.file}:${at.line}: spec.source: not used by the import: bindings to "${policy.name}" use the policies library's version (from ${policy.source})`);
      return { policy };
    },
    remove: () => true,
  };
}

/**
 * The library's policy an Extension stands for: the one named as the Extension (or the
 * definition it implements), else the one kept from the same file, as local mode would run it
 * (the PDK names an implementation `<policy>-<version>-impl`; the policy file names itself).
 */
function libraryPolicyFor(library: CustomPolicyLibrary, declaration: DeclaredPolicy) {
  const policies = library.policies();
  return policies.find((candidate) => declaration.names.includes(candidate.name)) ?? policies.find((candidate) => candidate.source === declaration.source);
}

/**
 * Bindings naming an Extension (Flex binds the implementation, e.g. `my-policy-v1-0-impl`) are stored
 * under the library policy's own name, as the app and an export name it.
 */
function bindToLibraryNames(resources: readonly AnyResource[], library: CustomPolicyLibrary, declared: readonly DeclaredPolicy[]): void {
  const byAlias = new Map<string, string>();
  for (const declaration of declared) {
    const policy = libraryPolicyFor(library, declaration);
    if (policy) for (const alias of declaration.names) byAlias.set(alias, policy.name);
  }
  if (byAlias.size === 0) return;
  for (const use of bindingNames(resources)) {
    const own = byAlias.get(use.name);
    if (own === undefined || own === use.name) continue;
    use.ref.name = own;
  }
}

/** Every policy name a binding uses, with where: inline `spec.policies[i].policyRef.name` and PolicyBinding `spec.policyRef.name`. */
function bindingNames(resources: readonly AnyResource[]): BindingUse[] {
  const uses: BindingUse[] = [];
  for (const resource of resources) {
    const spec = resource.spec as { policies?: { policyRef?: PolicyRef }[]; policyRef?: PolicyRef };
    if (resource.kind === 'ApiInstance')
      (spec.policies ?? []).forEach((policy, index) => {
        if (typeof policy.policyRef?.name === 'string') uses.push({ name: policy.policyRef.name, ref: policy.policyRef, resource, path: ['spec', 'policies', index, 'policyRef', 'name'] });
      });
    if (resource.kind === 'PolicyBinding' && typeof spec.policyRef?.name === 'string') uses.push({ name: spec.policyRef.name, ref: spec.policyRef, resource, path: ['spec', 'policyRef', 'name'] });
  }
  return uses;
}

interface PolicyRef {
  name?: unknown;
}

interface BindingUse {
  name: string;
  /** The policyRef object itself (the import stores a binding under the library's name through it). */
  ref: PolicyRef;
  resource: AnyResource;
  path: (string | number)[];
}
