/**
 * Documents → typed resources. Checks the envelope (apiVersion, kind, metadata) and the spec of
 * each kind, collecting every problem as `file:line: field: message`.
 */
import type { z } from 'zod';
import { formatFieldPath, similarNames, type ConfigError, type FieldPath } from './errors';
import {
  apiVersionOfKind,
  kindsOf,
  metadataSchema,
  SPEC_SCHEMAS,
  specSchemaFor,
  type ResourceKind,
  type ResourceMetadata,
  type SpecOf,
} from './schemas';
import type { SourceDocument } from './yaml-source';

/** A resource as written (the export format): plain data. */
export interface DeclarativeResource {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec: Record<string, unknown>;
}

/** A validated resource that remembers where it was written. */
export interface LoadedResource<K extends ResourceKind = ResourceKind> {
  apiVersion: string;
  kind: K;
  metadata: ResourceMetadata;
  spec: SpecOf<K>;
  /** The spec exactly as written (after $ENV substitution), for export and diffs. */
  rawSpec: Record<string, unknown>;
  file: string;
  line: number;
  lineOf(path: FieldPath | readonly PropertyKey[]): number;
}

export type AnyResource = { [K in ResourceKind]: LoadedResource<K> }[ResourceKind];

const ALL_API_VERSIONS = Object.keys(SPEC_SCHEMAS);

export function parseResources(documents: SourceDocument[]): { resources: AnyResource[]; errors: ConfigError[] } {
  const resources: AnyResource[] = [];
  const errors: ConfigError[] = [];
  for (const document of documents) {
    const resource = parseResource(document, errors);
    if (resource) resources.push(resource);
  }
  return { resources, errors };
}

function parseResource(document: SourceDocument, errors: ConfigError[]): AnyResource | undefined {
  const at = (path: FieldPath, message: string) => errors.push({ file: document.file, line: document.lineOf(path), field: formatFieldPath(path), message });
  const value = document.value;
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    at([], 'a resource must be a mapping with apiVersion, kind, metadata and spec');
    return undefined;
  }
  const { apiVersion, kind, metadata, spec, ...rest } = value as Record<string, unknown>;
  // Reported, but the resource still loads so its spec is checked too.
  for (const key of Object.keys(rest)) at([key], `unknown field; a resource has apiVersion, kind, metadata and spec`);

  if (typeof kind !== 'string' || kind === '') {
    at(['kind'], `required; one of ${ALL_API_VERSIONS.flatMap(kindsOf).join(', ')}`);
    return undefined;
  }
  if (typeof apiVersion !== 'string' || apiVersion === '') {
    const expected = apiVersionOfKind(kind);
    at(['apiVersion'], expected ? `required; ${kind} belongs to ${expected}` : `required; one of ${ALL_API_VERSIONS.join(', ')}`);
    return undefined;
  }
  const expectedVersion = apiVersionOfKind(kind);
  if (!ALL_API_VERSIONS.includes(apiVersion)) {
    at(['apiVersion'], expectedVersion ? `unknown apiVersion "${apiVersion}"; ${kind} belongs to ${expectedVersion}` : `unknown apiVersion "${apiVersion}"; supported: ${ALL_API_VERSIONS.join(', ')}`);
    return undefined;
  }
  if (!expectedVersion) {
    const suggestions = similarNames(kind, ALL_API_VERSIONS.flatMap(kindsOf));
    const hint = suggestions.length ? ` (did you mean ${suggestions.join(' or ')}?)` : '';
    at(['kind'], `unknown kind "${kind}"${hint}; supported: ${ALL_API_VERSIONS.flatMap(kindsOf).join(', ')}`);
    return undefined;
  }
  if (expectedVersion !== apiVersion) {
    at(['apiVersion'], `wrong apiVersion for kind ${kind}: expected ${expectedVersion}, got ${apiVersion}`);
    return undefined;
  }

  const meta = metadataSchema.safeParse(metadata ?? undefined, { error: issueMessage });
  if (!meta.success) pushZodIssues(errors, document, ['metadata'], meta.error.issues);
  const specSchema = specSchemaFor(apiVersion, kind)!;
  const parsedSpec = specSchema.safeParse(spec ?? undefined, { error: issueMessage });
  if (!parsedSpec.success) pushZodIssues(errors, document, ['spec'], parsedSpec.error.issues);
  if (!meta.success || !parsedSpec.success) return undefined;

  return {
    apiVersion,
    kind: kind as ResourceKind,
    metadata: meta.data,
    spec: parsedSpec.data,
    rawSpec: (spec ?? {}) as Record<string, unknown>,
    file: document.file,
    line: document.line,
    lineOf: document.lineOf,
  } as AnyResource;
}

/** Friendlier wording than zod's defaults for the cases people hit most. */
export function issueMessage(issue: z.core.$ZodRawIssue): string | undefined {
  if (issue.code === 'invalid_type' && issue.input === undefined) return `required (${issue.expected})`;
  if (issue.code === 'invalid_type' && issue.input === null) return `must not be empty (expected ${issue.expected})`;
  return undefined;
}

/** Maps zod issues under `base` to located config errors; unknown keys point at the key itself. */
export function pushZodIssues(
  errors: ConfigError[],
  located: { file: string; lineOf(path: readonly PropertyKey[]): number },
  base: readonly (string | number)[],
  issues: readonly z.core.$ZodIssue[],
): void {
  for (const issue of issues) {
    const path = [...base, ...issue.path.map((part) => (typeof part === 'symbol' ? String(part) : part))];
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        const keyPath = [...path, key];
        errors.push({ file: located.file, line: located.lineOf(keyPath), field: formatFieldPath(keyPath), message: 'unknown field' });
      }
      continue;
    }
    if (issue.code === 'invalid_union') {
      // A union's own message ("Invalid input") says nothing; the first branch's issues do.
      const branch = issue.errors[0];
      if (branch && branch.length) {
        pushZodIssues(errors, located, path, branch);
        continue;
      }
    }
    errors.push({ file: located.file, line: located.lineOf(path), field: formatFieldPath(path), message: issue.message });
  }
}

export function resourcesOfKind<K extends ResourceKind>(resources: readonly AnyResource[], kind: K): LoadedResource<K>[] {
  return resources.filter((resource) => resource.kind === kind) as unknown as LoadedResource<K>[];
}

/** Plain export form of a loaded resource, as written. */
export function toDeclarative(resource: AnyResource): DeclarativeResource {
  const metadata: DeclarativeResource['metadata'] = { name: resource.metadata.name };
  if (resource.metadata.namespace) metadata.namespace = resource.metadata.namespace;
  if (resource.metadata.labels) metadata.labels = resource.metadata.labels;
  if (resource.metadata.annotations) metadata.annotations = resource.metadata.annotations;
  return { apiVersion: resource.apiVersion, kind: resource.kind, metadata, spec: resource.rawSpec };
}
