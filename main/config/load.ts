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
import type { Env } from './env';
import { foldMisspellings, sortConfigErrors, type ConfigError } from './errors';
import { tolerateFlexFields } from './flex-fields';
import { parseResources, type AnyResource } from './resources';
import { listConfigFiles, parseSource, readConfigFiles, sourcesFingerprint, type SourceDocument, type SourceFile } from './yaml-source';

export interface LoadOptions {
  /** Variables for `$ENV` substitution; defaults to process.env. */
  env?: Env;
  lookup?: PolicyLookup;
  /** An empty directory loads as an empty config (a gateway waiting for files) instead of an error. */
  allowEmpty?: boolean;
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
  /** Hash of the file names and texts read; equal fingerprints mean nothing changed on disk. */
  fingerprint: string;
}

export function loadConfig(target: string, options: LoadOptions = {}): LoadResult {
  const listed = listConfigFiles(target);
  if (listed.errors.length) return { errors: listed.errors, warnings: [], files: [], resources: [], fingerprint: sourcesFingerprint([], [target]) };
  if (listed.files.length === 0) {
    if (options.allowEmpty) return { ...loadSources([], options), fingerprint: sourcesFingerprint([]) };
    return { errors: [{ file: target, line: 0, field: '', message: 'no *.yaml or *.yml files in this directory' }], warnings: [], files: [], resources: [], fingerprint: sourcesFingerprint([]) };
  }
  const read = readConfigFiles(listed.files);
  const result = loadSources(read.sources, options);
  // With the reason: a file that goes from unreadable to too large (or back) is a change to report.
  const fingerprint = sourcesFingerprint(read.sources, read.errors.map((error) => `${error.file}\u0000${error.message}`));
  return { ...result, fingerprint, errors: sortConfigErrors([...read.errors, ...result.errors]), snapshot: read.errors.length ? undefined : result.snapshot, settings: read.errors.length ? undefined : result.settings };
}

/** Loads YAML text as if it were `file` (for `gatehouse import` and tests). */
export function loadConfigText(text: string, file = 'config.yaml', options: LoadOptions = {}): LoadResult {
  const sources = [{ file, text }];
  return { ...loadSources(sources, options), fingerprint: sourcesFingerprint(sources) };
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
  const lookup = options.lookup ?? catalogueLookup;
  const warnings = sortConfigErrors([...resourceWarnings, ...tolerateFlexFields(resources, lookup)]);
  const compiled = compileResources(resources, { lookup, files });
  errors.push(...compiled.errors.filter(reportable));
  const settingWarnings: ConfigError[] = [];
  const settings = compileLocalSettings(resources, errors, settingWarnings);
  const allWarnings = settingWarnings.length ? sortConfigErrors([...warnings, ...settingWarnings]) : warnings;
  if (errors.length > 0) {
    const folded = foldMisspellings(errors, allWarnings);
    return { errors: sortConfigErrors(folded.errors), warnings: folded.warnings, files, resources };
  }
  return { snapshot: compiled.snapshot, settings, errors: [], warnings: allWarnings, files, resources };
}
