/**
 * Resources → YAML text (`gatehouse export`): one document per resource, in a stable order
 * (Flex kinds first, as a Flex conf.d reads them), with dollars escaped so `$ENV`
 * substitution on load gives back exactly what was exported. Pure: no files, no clock.
 */
import { stringify } from 'yaml';
import { escapeEnv } from './env';
import type { DeclarativeResource } from './resources';

const KIND_ORDER = ['Configuration', 'Gateway', 'Service', 'ApiInstance', 'PolicyBinding', 'SlaTier', 'Application', 'Contract', 'AlertRule'];

export interface FormatOptions {
  /** Keep the given order instead of sorting by kind and name. */
  preserveOrder?: boolean;
  /** A comment written at the top of the text. */
  header?: string;
  /** `${VARIABLE}` strings written as references, unescaped (secrets left out of an export). */
  envReferences?: ReadonlySet<string>;
}

export function formatResources(resources: readonly DeclarativeResource[], options: FormatOptions = {}): string {
  const ordered = options.preserveOrder ? [...resources] : [...resources].sort(compareResources);
  const documents = ordered.map((resource) =>
    stringify(escapeStrings(pruneUndefined({ apiVersion: resource.apiVersion, kind: resource.kind, metadata: resource.metadata, spec: resource.spec }), options.envReferences), {
      lineWidth: 0,
      aliasDuplicateObjects: false,
    }),
  );
  const header = options.header ? `${options.header.split('\n').map((line) => `# ${line}`.trimEnd()).join('\n')}\n` : '';
  return header + documents.map((doc) => `---\n${doc}`).join('');
}

function compareResources(a: DeclarativeResource, b: DeclarativeResource): number {
  const rank = (kind: string) => {
    const index = KIND_ORDER.indexOf(kind);
    return index < 0 ? KIND_ORDER.length : index;
  };
  return rank(a.kind) - rank(b.kind) || a.kind.localeCompare(b.kind) || a.metadata.name.localeCompare(b.metadata.name);
}

function escapeStrings(value: unknown, references?: ReadonlySet<string>): unknown {
  if (typeof value === 'string') return references?.has(value) ? value : escapeEnv(value);
  if (Array.isArray(value)) return value.map((item) => escapeStrings(item, references));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, child]) => [key, escapeStrings(child, references)]));
  }
  return value;
}

/** `undefined` fields would be written as empty values; leave them out instead. */
function pruneUndefined(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(pruneUndefined);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, child]) => child !== undefined)
        .map(([key, child]) => [key, pruneUndefined(child)]),
    );
  }
  return value;
}
