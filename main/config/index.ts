/**
 * The declarative-config API for the rest of the app (CLI, control plane import/export):
 *   loadConfig(path, {env?})            → { snapshot?, errors, warnings, files, resources }
 *   loadConfigText(text, file?, {env?}) → the same, from text
 *   watchConfig(path, onChange, opts?)  → { close() }; onChange gets a LoadResult per real change
 *   formatResources(resources, opts?)   → YAML text (pure), for `gatehouse export`
 *   formatConfigError(error)            → `file:line: field: message`
 */
export { loadConfig, loadConfigText, type LoadOptions, type LoadResult } from './load';
export { watchConfig, type ConfigWatcher, type WatchOptions } from './watch';
export { formatResources, type FormatOptions } from './export';
export { formatConfigError, formatFieldPath, type ConfigError } from './errors';
export { toDeclarative, type AnyResource, type DeclarativeResource, type LoadedResource } from './resources';
export { compileResources, normalizePath, parseAddress, type ParsedAddress } from './compile';
export { FLEX_API_VERSION, GATEHOUSE_API_VERSION, type ResourceKind } from './schemas';
