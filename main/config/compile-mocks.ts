/**
 * Local mode's `Mock` kind (gatehouse.dev/v1): an ApiInstance answers from hand-written
 * routes, a recording file and/or an OpenAPI file instead of (mode `only`) or when it is
 * down (mode `fallback`) its upstream. Files are read relative to the YAML file; every problem
 * names the file, the line and the field.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { mockRouteSchema, recordingFileSchema } from '../../shared/mocks/mock-models';
import { parseYamlSafely } from '../../shared/yaml-safe';
import type { MockSnapshot } from '../gateway/snapshot';
import { formatFieldPath, type ConfigError } from './errors';
import { mockRouteSnapshots, type MockSources } from './mock-routes';
import type { LoadedResource } from './resources';

export const mockSpecSchema = z
  .object({
    /** The ApiInstance's metadata.name. */
    api: z.string().min(1),
    mode: z.enum(['only', 'fallback']).default('only'),
    routes: z.array(mockRouteSchema).optional(),
    /** A recording file (`gatehouse-recording/v1` JSON, as the app exports it). */
    recording: z.string().min(1).optional(),
    /** An OpenAPI 3 file (JSON or YAML): operations answer with their examples. */
    openapi: z.string().min(1).optional(),
  })
  .strict()
  .superRefine((spec, ctx) => {
    if (!spec.routes?.length && spec.recording === undefined && spec.openapi === undefined)
      ctx.addIssue({ code: 'custom', message: 'a Mock needs routes, a recording file or an openapi file' });
  });

const MAX_FILE_BYTES = 10 * 1024 * 1024;

/** API name → its mock; one Mock per ApiInstance. */
export function compileMocks(mocks: readonly LoadedResource<'Mock'>[], apiNames: ReadonlySet<string>, errors: ConfigError[]): Map<string, MockSnapshot> {
  const byApi = new Map<string, { resource: LoadedResource<'Mock'>; mock: MockSnapshot }>();
  for (const resource of mocks) {
    const at = (field: (string | number)[], message: string) => errors.push({ file: resource.file, line: resource.lineOf(field), field: formatFieldPath(field), message });
    const spec = resource.spec;
    if (!apiNames.has(spec.api)) {
      at(['spec', 'api'], `no ApiInstance named "${spec.api}"`);
      continue;
    }
    const first = byApi.get(spec.api);
    if (first) {
      at(['spec', 'api'], `ApiInstance "${spec.api}" already has Mock ${first.resource.metadata.name} (${first.resource.file}:${first.resource.line})`);
      continue;
    }
    const sources: MockSources = {};
    if (spec.routes) sources.routes = spec.routes;
    let ok = true;
    if (spec.recording !== undefined) {
      const text = readNear(resource, spec.recording, ['spec', 'recording'], errors);
      const recording = text === undefined ? undefined : parseRecording(text);
      if (typeof recording === 'string') at(['spec', 'recording'], `${spec.recording}: ${recording}`);
      if (typeof recording !== 'object') ok = false;
      else sources.recording = { name: recording.name, exchanges: recording.exchanges };
    }
    if (spec.openapi !== undefined) {
      const text = readNear(resource, spec.openapi, ['spec', 'openapi'], errors);
      const document = text === undefined ? undefined : parseOpenApiDocument(text);
      if (typeof document === 'string') at(['spec', 'openapi'], `${spec.openapi}: ${document}`);
      if (typeof document !== 'object') ok = false;
      else sources.openapi = document;
    }
    if (ok) byApi.set(spec.api, { resource, mock: { mode: spec.mode, routes: mockRouteSnapshots(sources) } });
  }
  return new Map([...byApi].map(([name, entry]) => [name, entry.mock]));
}

function readNear(resource: LoadedResource<'Mock'>, file: string, field: string[], errors: ConfigError[]): string | undefined {
  const full = path.resolve(path.dirname(resource.file), file);
  try {
    const text = readFileSync(full, 'utf8');
    if (text.length > MAX_FILE_BYTES) throw new Error('larger than 10 MiB');
    return text;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : (error as Error).message;
    errors.push({ file: resource.file, line: resource.lineOf(field), field: formatFieldPath(field), message: `cannot read ${full}: ${why}` });
    return undefined;
  }
}

/** A recording file, or a message naming what is wrong in it. */
export function parseRecording(text: string): z.infer<typeof recordingFileSchema> | string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return `not JSON (${(error as Error).message})`;
  }
  const parsed = recordingFileSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  return `${issue.path.length ? `${issue.path.join('.')}: ` : ''}${issue.message}`;
}

/** An OpenAPI 3 document (JSON or YAML, read with the hardened parser), or a message. */
export function parseOpenApiDocument(text: string): Record<string, unknown> | string {
  const parsed = parseYamlSafely(text, { maxBytes: MAX_FILE_BYTES, uniqueKeys: false });
  const issue = parsed.errors[0];
  if (issue) return `${issue.line ? `line ${issue.line}: ` : ''}${issue.message}`;
  const document = parsed.documents[0]?.toValue() as unknown;
  if (!document || typeof document !== 'object' || Array.isArray(document)) return 'not an OpenAPI document (expected an object with "openapi" and "paths")';
  const record = document as Record<string, unknown>;
  if (!/^3\./.test(String(record.openapi ?? ''))) return `"openapi" is ${JSON.stringify(record.openapi)}; only OpenAPI 3.x is supported`;
  if (!record.paths || typeof record.paths !== 'object') return '"paths" is missing';
  return record;
}
