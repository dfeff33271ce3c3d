/**
 * The config pipeline in one call: files → documents → resources → snapshot, with every error
 * from every stage. `loadConfig` reads from disk; `loadConfigText` does the same for text
 * (imports, tests).
 */
import type { GatewaySnapshot } from '../gateway/snapshot';
import { catalogueLookup } from './catalogue-lookup';
import type { PolicyLookup } from './compile-bindings';
import { compileResources } from './compile';
import { compileLocalSettings, type LocalSettings } from './configuration';
import { customLookup } from './custom-lookup';
import { collectExtensions } from './extensions';
import type { Env } from './env';
import { foldMisspellings, sortConfigErrors, type ConfigError } from './errors';
import { tolerateFlexFields } from './flex-fields';
import type { PolicySources } from './policy-sources';
import { parseResources, type AnyResource } from './resources';
import { listConfigFiles, parseSource, readConfigFiles, sourcesFingerprint, type SourceDocument, type SourceFile } from './yaml-source';

export interface LoadOptions {
  /** Variables for `$ENV` substitution; defaults to process.env. */
  env?: Env;
  lookup?: PolicyLookup;
  /** An empty directory loads as an empty config (a gateway waiting for files) instead of an error. */
  allowEmpty?: boolean;
  /**
   * Custom policies as last loaded (see loadConfigWithPolicies). Without it, a binding to an
   * Extension's policy is an error saying where custom policies are loaded.
   */
  policies?: PolicySources;
  /** False: an Extension's `spec.source` need not exist here (the app's import; see collectExtensions). */
  checkExtensionSources?: boolean;
}

export interface LoadResult {
  /** Present only when there are no errors. */
  snapshot?: GatewaySnapshot;
  /** Configuration sections the gateway process applies (logging, timeouts, probe); with the snapshot. */
  settings?: LocalSettings;
  errors: ConfigError[];
  /** Accepted but not acted on (fields Flex tolerates, documented differences): one line each, never a refusal. */
  warnings: ConfigError[];
  /** YAML files that were read (the watcher's list too). */
  files: string[];
  /** Resources that passed their own schema (others are in `errors`). */
  resources: AnyResource[];
  /** Hash of the file names and texts read (and custom policies' versions and errors); equal fingerprints mean nothing changed. */
  fingerprint: string;
  /** Absolute paths of the custom policies Extensions declare (`spec.source`). */
  policySources: string[];
}

export function loadConfig(target: string, options: LoadOptions = {}): LoadResult {
  const listed = listConfigFiles(target);
  if (listed.errors.length) return { errors: listed.errors, warnings: [], files: [], resources: [], fingerprint: sourcesFingerprint([], [target]), policySources: [] };
  if (listed.files.length === 0) {
    if (options.allowEmpty) return { ...loadSources([], options), fingerprint: sourcesFingerprint([]) };
    return { errors: [{ file: target, line: 0, field: '', message: 'no *.yaml or *.yml files in this directory' }], warnings: [], files: [], resources: [], fingerprint: sourcesFingerprint([]), policySources: [] };
  }
  const read = readConfigFiles(listed.files);
  const result = loadSources(read.sources, options);
  // With the reason: a file that goes from unreadable to too large (or back) is a change to report.
  const fingerprint = sourcesFingerprint(read.sources, [
    ...read.errors.map((error) => `${error.file}\u0000${error.message}`),
    ...policyStates(result.policySources, options.policies),
  ]);
  return { ...result, fingerprint, errors: sortConfigErrors([...read.errors, ...result.errors]), snapshot: read.errors.length ? undefined : result.snapshot, settings: read.errors.length ? undefined : result.settings };
}

/** Loads YAML text as if it were `file` (for `gatehouse import` and tests). */
export function loadConfigText(text: string, file = 'config.yaml', options: LoadOptions = {}): LoadResult {
  const sources = [{ file, text }];
  const result = loadSources(sources, options);
  return { ...result, fingerprint: sourcesFingerprint(sources, policyStates(result.policySources, options.policies)) };
}

/**
 * loadConfig after (re)loading the custom policies the config declares: what a gateway and
 * `gatehouse validate` call. A policy file is compiled again only when it changed.
 */
export async function loadConfigWithPolicies(target: string, options: LoadOptions & { policies: PolicySources }): Promise<LoadResult> {
  const result = loadConfig(target, options);
  const changed = await options.policies.refresh(result.policySources);
  return changed ? loadConfig(target, options) : result;
}

/** Each declared policy's loaded version or error: an edit, a fix or a new error is a change. */
function policyStates(sources: readonly string[], policies: PolicySources | undefined): string[] {
  return sources.map((source) => {
    const state = policies?.get(source);
    const error = state?.error ? `${state.error.file}:${state.error.line ?? 0}:${state.error.message}` : '';
    return `${source}\u0000${state?.policy?.checksum ?? ''}\u0000${error}`;
  });
}

function loadSources(sources: SourceFile[], options: LoadOptions): Omit<LoadResult, 'fingerprint'> {
  const env = options.env ?? process.env;
  const errors: ConfigError[] = [];
  const documents: SourceDocument[] = [];
  for (const source of sources) {
    const parsed = parseSource(source, env);
    documents.push(...parsed.documents);
    errors.push(...parsed.errors);
  }
  // A field whose $ENV was unset is reported once, not again as whatever its raw text breaks.
  const unresolved = new Set(documents.flatMap((doc) => [...doc.unresolved].map((field) => `${doc.file}\u0000${field}`)));
  const reportable = (error: ConfigError) => !unresolved.has(`${error.file}\u0000${error.field}`);
  const { resources, errors: resourceErrors, warnings: resourceWarnings } = parseResources(documents);
  errors.push(...resourceErrors.filter(reportable));
  const files = sources.map((source) => source.file);
  const extensionWarnings: ConfigError[] = [];
  const extensions = collectExtensions(resources, errors, extensionWarnings, { checkSources: options.checkExtensionSources });
  const policySources = extensions.policies.map((policy) => policy.source);
  const custom = customLookup(options.lookup ?? catalogueLookup, extensions, options.policies, errors);
  const lookup = custom.lookup;
  const warnings = sortConfigErrors([...resourceWarnings, ...extensionWarnings, ...tolerateFlexFields(resources, lookup)]);
  const compiled = compileResources(resources, { lookup, files, versionInputs: custom.versions });
  errors.push(...compiled.errors.filter(reportable));
  const settingWarnings: ConfigError[] = [];
  const settings = compileLocalSettings(resources, errors, settingWarnings);
  const allWarnings = settingWarnings.length ? sortConfigErrors([...warnings, ...settingWarnings]) : warnings;
  if (errors.length > 0) {
    const folded = foldMisspellings(errors, allWarnings);
    return { errors: sortConfigErrors(folded.errors), warnings: folded.warnings, files, resources, policySources };
  }
  return { snapshot: compiled.snapshot, settings, errors: [], warnings: allWarnings, files, resources, policySources };
}
