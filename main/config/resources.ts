/**
 * Documents → typed resources. Checks the envelope (apiVersion, kind, metadata) and the spec of
 * each kind, collecting every problem as `file:line: field: message`. Fields no schema knows
 * are dropped with a warning instead (see tolerance.ts): a file Flex accepts is not refused.
 */
import type { z } from 'zod';
import { formatFieldPath, similarNames, type ConfigError, type FieldPath } from './errors';
import {
  apiVersionOfKind,
  FLEX_V1BETA1_API_VERSION,
  kindsOf,
  metadataSchema,
  SPEC_SCHEMAS,
  specSchemaFor,
  type ResourceKind,
  type ResourceMetadata,
  type SpecOf,
} from './schemas';
import { parseTolerant, unknownFieldMessage } from './tolerance';
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
const ALL_KINDS = [...new Set(ALL_API_VERSIONS.flatMap(kindsOf))];

export function parseResources(documents: SourceDocument[]): { resources: AnyResource[]; errors: ConfigError[]; warnings: ConfigError[] } {
  const resources: AnyResource[] = [];
  const errors: ConfigError[] = [];
  const warnings: ConfigError[] = [];
  for (const document of documents) {
    const resource = parseResource(document, errors, warnings);
    if (resource) resources.push(resource);
  }
  return { resources, errors, warnings };
}

function parseResource(document: SourceDocument, errors: ConfigError[], warnings: ConfigError[]): AnyResource | undefined {
  const located = (path: FieldPath, message: string): ConfigError => ({ file: document.file, line: document.lineOf(path), field: formatFieldPath(path), message });
  const at = (path: FieldPath, message: string) => errors.push(located(path, message));
  const value = document.value;
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    at([], 'a resource must be a mapping with apiVersion, kind, metadata and spec');
    return undefined;
  }
  const { apiVersion, kind, metadata, spec, ...rest } = value as Record<string, unknown>;
  // An OpenAPI file beside the resources (a Mock's `openapi`) is not a resource: read it only when named.
  if (kind === undefined && apiVersion === undefined && (typeof rest.openapi === 'string' || typeof rest.swagger === 'string')) {
    warnings.push(located([], 'an OpenAPI document, not a resource: skipped here (a Mock reads it through its spec.openapi)'));
    return undefined;
  }
  // Such as `status` in a resource dumped from a cluster: nothing Gatehouse reads.
  for (const key of Object.keys(rest)) warnings.push(located([key], 'unknown field; ignored (a resource has apiVersion, kind, metadata and spec)'));

  if (typeof kind !== 'string' || kind === '') {
    at(['kind'], `required; one of ${ALL_KINDS.join(', ')}`);
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
    const suggestions = similarNames(kind, ALL_KINDS);
    const hint = suggestions.length ? ` (did you mean ${suggestions.join(' or ')}?)` : '';
    at(['kind'], `unknown kind "${kind}"${hint}; supported: ${ALL_KINDS.join(', ')}`);
    return undefined;
  }
  if (!kindsOf(apiVersion).includes(kind)) {
    const note = apiVersion === FLEX_V1BETA1_API_VERSION ? ` (Flex documents ${apiVersion} for ${kindsOf(apiVersion).join(', ')} only)` : '';
    at(['apiVersion'], `wrong apiVersion for kind ${kind}: expected ${expectedVersion}, got ${apiVersion}${note}`);
    return undefined;
  }

  const parse = (schema: z.ZodType, input: unknown, base: 'metadata' | 'spec') => {
    const { parsed, dropped } = parseTolerant(schema, input ?? undefined, { error: issueMessage });
    for (const field of dropped) warnings.push(located([base, ...field.path], unknownFieldMessage(field)));
    if (!parsed.success) pushZodIssues(errors, document, [base], parsed.error.issues);
    return parsed;
  };
  const meta = parse(metadataSchema, metadata, 'metadata') as z.ZodSafeParseResult<ResourceMetadata>;
  const parsedSpec = parse(specSchemaFor(apiVersion, kind)!, spec, 'spec');
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
