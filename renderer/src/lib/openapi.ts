/**
 * Reads an OpenAPI 3 document (JSON or YAML) into what "Add API" needs: name, version, base path
 * and upstream from `servers`. A bad file gets one clear message saying what and where.
 */
import { basePathFromName, normalizeBasePath } from '../../../shared/contract/models';
import { parseYamlSafely } from '../../../shared/yaml-safe';

export interface OpenApiSummary {
  name: string;
  version: string;
  description?: string;
  /** Absent when `servers` is missing or relative: the user must fill it in. */
  implementationUrl?: string;
  basePath: string;
  operations: number;
  warnings: string[];
}

export type OpenApiResult = { ok: true; value: OpenApiSummary } | { ok: false; message: string };

const MAX_BYTES = 10 * 1024 * 1024;
const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

function isObject(value: unknown): value is Record<string, unknown> {
  return Boolean(value) && typeof value === 'object' && !Array.isArray(value);
}

/** `https://{env}.example.com/{base}` with the variables' defaults filled in. */
function expandServerUrl(server: Record<string, unknown>): string {
  const url = String(server.url ?? '');
  const variables = isObject(server.variables) ? server.variables : {};
  return url.replace(/\{([^}]+)\}/g, (whole, name: string) => {
    const variable = variables[name];
    return isObject(variable) && variable.default !== undefined ? String(variable.default) : whole;
  });
}

export function parseOpenApi(text: string, filename: string): OpenApiResult {
  const fail = (message: string): OpenApiResult => ({ ok: false, message: `${filename}: ${message}` });
  if (text.length > MAX_BYTES) return fail('the file is larger than 10 MiB');
  if (text.trim() === '') return fail('the file is empty');
  // The shared hardened reader: alias bombs and absurd nesting are refused, not expanded.
  const parsed = parseYamlSafely(text, { maxBytes: MAX_BYTES, uniqueKeys: false });
  const issue = parsed.errors[0];
  if (issue?.kind === 'limit') return { ok: false, message: `${filename}${issue.line ? `:${issue.line}` : ''}: ${issue.message}` };
  if (issue) return fail(`${issue.line ? `line ${issue.line}: ` : ''}not valid JSON or YAML (${issue.message})`);
  if (parsed.documents.length > 1) return fail(`line ${parsed.lineAt(parsed.documents[1]!.contents?.range?.[0] ?? 0)}: holds more than one YAML document; an OpenAPI file has one`);
  const doc = parsed.documents[0]?.toValue();
  if (!isObject(doc)) return fail('does not contain an OpenAPI document (expected an object with "openapi", "info" and "paths")');
  if (doc.swagger !== undefined) return fail(`is a Swagger ${String(doc.swagger)} document; only OpenAPI 3 is supported (convert it to OpenAPI 3 first)`);
  if (doc.openapi === undefined) return fail('"openapi" is missing; an OpenAPI 3 document starts with e.g. openapi: 3.0.3');
  if (!/^3\.\d+(\.\d+)?/.test(String(doc.openapi))) return fail(`"openapi" is ${JSON.stringify(doc.openapi)}; only OpenAPI 3.x is supported`);
  if (!isObject(doc.info)) return fail('"info" is missing; it holds the API\'s title and version');
  const title = typeof doc.info.title === 'string' ? doc.info.title.trim() : '';
  if (!title) return fail('"info.title" is missing or empty; it becomes the API\'s name');

  const warnings: string[] = [];
  const version = doc.info.version === undefined || String(doc.info.version).trim() === '' ? 'v1' : String(doc.info.version).trim().slice(0, 50);
  if (doc.info.version === undefined) warnings.push('"info.version" is missing: using v1');

  let implementationUrl: string | undefined;
  let basePath = basePathFromName(title);
  const servers = Array.isArray(doc.servers) ? doc.servers.filter(isObject) : [];
  const first = servers[0];
  if (!first || typeof first.url !== 'string' || first.url.trim() === '') {
    warnings.push('"servers" is missing: enter the upstream URL yourself');
  } else {
    const url = expandServerUrl(first);
    if (/^https?:\/\//i.test(url)) {
      if (/\{[^}]+\}/.test(url)) warnings.push(`servers[0].url has variables without defaults (${url}): check the upstream URL`);
      implementationUrl = url;
      try {
        const pathname = new URL(url).pathname;
        if (pathname && pathname !== '/') basePath = normalizeBasePath(pathname);
      } catch {
        // Left as typed; the form's validation explains what is wrong with it.
      }
    } else if (url.startsWith('/')) {
      basePath = normalizeBasePath(url);
      warnings.push(`servers[0].url is relative (${url}): enter the upstream's full URL`);
    } else warnings.push(`servers[0].url "${url}" is not an http(s) URL: enter the upstream URL yourself`);
    if (servers.length > 1) warnings.push(`${servers.length} servers listed: using the first (${String(first.url)})`);
  }

  let operations = 0;
  if (isObject(doc.paths)) {
    for (const item of Object.values(doc.paths)) if (isObject(item)) operations += METHODS.filter((m) => m in item).length;
  } else warnings.push('"paths" is missing: the document describes no operations');

  const description = typeof doc.info.description === 'string' ? doc.info.description.slice(0, 2000) : undefined;
  return { ok: true, value: { name: title.slice(0, 100), version, description, implementationUrl, basePath, operations, warnings } };
}
