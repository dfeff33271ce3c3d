/**
 * An OpenAPI 3.0/3.1 document compiled once for spec-validation-flex: path templates to
 * regexes (literal paths before templated ones), and every parameter, request body and
 * response schema compiled by ajv (2020-12 for 3.1; draft-07 with `nullable` and boolean
 * exclusive bounds rewritten for 3.0). Local `$ref`s resolve into the document. Per request
 * only matching and the compiled validators run.
 */
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';

type Json = unknown;
type Obj = Record<string, Json>;

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;
/** Headers OpenAPI says parameters may not describe (RFC-defined framing and auth). */
const IGNORED_HEADERS = new Set(['accept', 'content-type', 'authorization']);
const DOC_ID = 'openapi-document';

export interface CompiledParameter {
  name: string;
  in: 'path' | 'query' | 'header';
  required: boolean;
  /** Validates `{ value }` (ajv coerces text to the schema's types into the wrapper). */
  validate: ValidateFunction | undefined;
  array: boolean;
}

export interface CompiledBody {
  required: boolean;
  /** Media type (lower case, without parameters) → validator of JSON bodies (undefined: not JSON or no schema). */
  media: Map<string, ValidateFunction | undefined>;
}

export interface CompiledOperation {
  /** `GET /users/{id}` */
  label: string;
  parameters: CompiledParameter[];
  body: CompiledBody | undefined;
  /** Status (`200`, `2XX`, `default`) → media → body validator. */
  responses: Map<string, Map<string, ValidateFunction | undefined>>;
}

interface CompiledPath {
  template: string;
  regex: RegExp;
  names: string[];
  operations: Map<string, CompiledOperation>;
}

export type OperationMatch =
  | { kind: 'operation'; operation: CompiledOperation; pathParams: Record<string, string> }
  | { kind: 'no-path' }
  | { kind: 'no-method'; template: string; allowed: string[] };

export interface Violation {
  /** `path.id`, `query.limit`, `header.x-api-key`, `body.user.name`, `body`, `method`… */
  at: string;
  message: string;
}

export function formatViolation(violation: Violation): string {
  return `${violation.at}: ${violation.message}`;
}

export class CompiledSpec {
  private readonly paths: CompiledPath[] = [];
  /** Servers' path prefix (`/v1` of `https://api.example.com/v1`), tried when nothing matches without it. */
  readonly serverPrefixes: string[];

  constructor(document: Obj) {
    const version = String(document.openapi ?? '');
    if (!/^3\.[01]\./.test(version)) throw new Error(`"openapi" is ${JSON.stringify(document.openapi)}; OpenAPI 3.0 and 3.1 are supported`);
    const modern = version.startsWith('3.1');
    const options = { strict: false, allErrors: true, logger: false as const };
    const bodies = modern ? new Ajv2020(options) : new Ajv(options);
    const params = modern ? new Ajv2020({ ...options, coerceTypes: 'array' as const }) : new Ajv({ ...options, coerceTypes: 'array' as const });
    const prepared = modern ? rewriteRefs(document) : toDraft7(document);
    for (const ajv of [bodies, params]) {
      addFormats(ajv);
      addOpenApiFormats(ajv);
      ajv.addSchema({ $id: DOC_ID, components: (prepared as Obj).components ?? {} } as object);
    }
    const compile = (ajv: Ajv, schema: Json): ValidateFunction | undefined => {
      if (schema === undefined) return undefined;
      try {
        return ajv.compile(schema as object);
      } catch (error) {
        throw new Error(`a schema in the document does not compile: ${(error as Error).message}`);
      }
    };
    const resolve = (node: Json): Json => resolveRef(document, node);
    const rawPaths = document.paths;
    if (!isObject(rawPaths)) throw new Error('"paths" is missing');
    const preparedPaths = (prepared as Obj).paths as Obj;
    for (const [template, rawItem] of Object.entries(rawPaths)) {
      const item = resolve(rawItem);
      const preparedItem = resolve(preparedPaths[template]) as Obj;
      if (!isObject(item)) continue;
      const { regex, names } = templateRegex(template);
      const operations = new Map<string, CompiledOperation>();
      for (const method of METHODS) {
        const operation = item[method];
        if (!isObject(operation)) continue;
        const preparedOperation = preparedItem[method] as Obj;
        const parameters = mergeParameters(
          [...asArray(item.parameters).map(resolve), ...asArray(operation.parameters).map(resolve)],
          [...asArray(preparedItem.parameters).map((p) => resolveRef(prepared, p)), ...asArray(preparedOperation.parameters).map((p) => resolveRef(prepared, p))],
        ).map(([raw, ready]) => ({
          name: String(raw.name),
          in: raw.in as CompiledParameter['in'],
          required: raw.in === 'path' || raw.required === true,
          array: (resolveRef(document, raw.schema) as Obj | undefined)?.type === 'array',
          validate: ready.schema === undefined ? undefined : compile(params, { type: 'object', properties: { value: ready.schema } }),
        }));
        const rawBody = resolve(operation.requestBody);
        const readyBody = resolveRef(prepared, preparedOperation.requestBody) as Obj | undefined;
        let body: CompiledBody | undefined;
        if (isObject(rawBody)) {
          const media = new Map<string, ValidateFunction | undefined>();
          for (const [type, content] of Object.entries((readyBody?.content ?? {}) as Obj))
            media.set(type.toLowerCase(), isJson(type) && isObject(content) ? compile(bodies, content.schema) : undefined);
          body = { required: rawBody.required === true, media };
        }
        const responses = new Map<string, Map<string, ValidateFunction | undefined>>();
        for (const [status, response] of Object.entries((preparedOperation.responses ?? {}) as Obj)) {
          const ready = resolveRef(prepared, response) as Obj;
          const media = new Map<string, ValidateFunction | undefined>();
          for (const [type, content] of Object.entries((ready?.content ?? {}) as Obj))
            media.set(type.toLowerCase(), isJson(type) && isObject(content) ? compile(bodies, content.schema) : undefined);
          responses.set(status.toUpperCase(), media);
        }
        operations.set(method.toUpperCase(), { label: `${method.toUpperCase()} ${template}`, parameters, body, responses });
      }
      this.paths.push({ template, regex, names, operations });
    }
    // Literal paths win over templated ones (OpenAPI: "/users/me" before "/users/{id}").
    this.paths.sort((a, b) => a.names.length - b.names.length);
    this.serverPrefixes = asArray(document.servers)
      .map((server) => (isObject(server) && typeof server.url === 'string' ? serverPath(server.url) : ''))
      .filter((prefix) => prefix !== '' && prefix !== '/');
  }

  match(method: string, path: string): OperationMatch {
    let allowed: { template: string; methods: string[] } | undefined;
    for (const candidate of [path, ...this.serverPrefixes.filter((prefix) => path.startsWith(`${prefix}/`)).map((prefix) => path.slice(prefix.length))]) {
      for (const compiled of this.paths) {
        const found = compiled.regex.exec(candidate);
        if (!found) continue;
        const operation = compiled.operations.get(method) ?? (method === 'HEAD' ? compiled.operations.get('GET') : undefined);
        if (operation === undefined) {
          allowed ??= { template: compiled.template, methods: [...compiled.operations.keys()] };
          continue;
        }
        const pathParams: Record<string, string> = {};
        compiled.names.forEach((name, index) => (pathParams[name] = safeDecode(found[index + 1]!)));
        return { kind: 'operation', operation, pathParams };
      }
    }
    return allowed === undefined ? { kind: 'no-path' } : { kind: 'no-method', template: allowed.template, allowed: allowed.methods };
  }
}

/** Checks path, query and header parameters; undeclared query parameters too when strict. */
export function checkParameters(
  operation: CompiledOperation,
  pathParams: Record<string, string>,
  query: URLSearchParams,
  headers: Readonly<Record<string, string | string[] | undefined>>,
  strict: boolean,
): Violation[] {
  const violations: Violation[] = [];
  for (const parameter of operation.parameters) {
    let value: string | string[] | undefined;
    if (parameter.in === 'path') value = pathParams[parameter.name];
    else if (parameter.in === 'query') {
      const all = query.getAll(parameter.name);
      value = all.length === 0 ? undefined : parameter.array ? all.flatMap((item) => item.split(',')) : all[0];
    } else {
      const lower = parameter.name.toLowerCase();
      if (IGNORED_HEADERS.has(lower)) continue;
      const raw = headers[lower];
      value = Array.isArray(raw) ? raw.join(', ') : raw;
      if (parameter.array && typeof value === 'string') value = value.split(',').map((item) => item.trim());
    }
    const at = `${parameter.in}.${parameter.name}`;
    if (value === undefined) {
      if (parameter.required) violations.push({ at, message: 'is required' });
      continue;
    }
    const validate = parameter.validate;
    if (validate !== undefined && !validate({ value })) violations.push(...fromAjv(validate.errors, at, '/value'));
  }
  if (strict) {
    const declared = new Set(operation.parameters.filter((parameter) => parameter.in === 'query').map((parameter) => parameter.name));
    for (const name of new Set(query.keys())) if (!declared.has(name)) violations.push({ at: `query.${name}`, message: `is not a parameter of ${operation.label}` });
  }
  return violations;
}

/** The media type a body was sent as, matched against the declared ones (exact, then `type/*`, then `*\/*`). */
export function declaredMedia<T>(media: Map<string, T>, contentType: string | undefined): { type: string; value: T } | undefined {
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  for (const candidate of [type, `${type.split('/')[0]}/*`, '*/*']) if (media.has(candidate)) return { type: candidate, value: media.get(candidate)! };
  return undefined;
}

/** A JSON body against its validator; `where` is `body` (requests) or `response body`. */
export function checkJsonBody(validate: ValidateFunction | undefined, text: string, where: string): Violation[] {
  if (validate === undefined) return [];
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return [{ at: where, message: `is not valid JSON (${(error as Error).message})` }];
  }
  return validate(value) ? [] : fromAjv(validate.errors, where, '');
}

/** ajv's errors as `at: message`, with the instance path in dots (`body.items[2].name`). */
function fromAjv(errors: ErrorObject[] | null | undefined, at: string, strip: string): Violation[] {
  const out: Violation[] = [];
  const seen = new Set<string>();
  for (const error of errors ?? []) {
    let path = error.instancePath.startsWith(strip) ? error.instancePath.slice(strip.length) : error.instancePath;
    let message = error.message ?? 'is invalid';
    if (error.keyword === 'required') {
      path += `/${String(error.params.missingProperty)}`;
      message = 'is required';
    } else if (error.keyword === 'additionalProperties') {
      path += `/${String(error.params.additionalProperty)}`;
      message = 'is not allowed (not in the schema)';
    } else if (error.keyword === 'enum') message = `must be one of ${(error.params.allowedValues as unknown[]).map((value) => JSON.stringify(value)).join(', ')}`;
    const dotted = path
      .split('/')
      .slice(1)
      .map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'))
      .map((segment) => (/^\d+$/.test(segment) ? `[${segment}]` : `.${segment}`))
      .join('');
    const violation = { at: `${at}${dotted}`, message };
    const key = formatViolation(violation);
    if (!seen.has(key)) out.push(violation);
    seen.add(key);
  }
  return out;
}

function templateRegex(template: string): { regex: RegExp; names: string[] } {
  const names: string[] = [];
  const source = template
    .split(/(\{[^}]+\})/)
    .map((part) => {
      const name = /^\{([^}]+)\}$/.exec(part)?.[1];
      if (name === undefined) return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      names.push(name);
      return '([^/]+)';
    })
    .join('');
  return { regex: new RegExp(`^${source}/?$`), names };
}

function mergeParameters(raw: Json[], ready: Json[]): [Obj, Obj][] {
  // Operation parameters override path-item ones with the same name and location.
  const byKey = new Map<string, [Obj, Obj]>();
  raw.forEach((parameter, index) => {
    if (!isObject(parameter) || typeof parameter.name !== 'string') return;
    if (parameter.in !== 'path' && parameter.in !== 'query' && parameter.in !== 'header') return;
    byKey.set(`${parameter.in}:${parameter.name}`, [parameter, (ready[index] ?? {}) as Obj]);
  });
  return [...byKey.values()];
}

function serverPath(url: string): string {
  try {
    return new URL(url, 'http://relative.invalid').pathname.replace(/\/$/, '');
  } catch {
    return '';
  }
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

function isJson(type: string): boolean {
  const base = type.split(';')[0]!.trim().toLowerCase();
  return base === 'application/json' || base.endsWith('+json') || base === '*/*' || base === 'application/*';
}

function isObject(value: Json): value is Obj {
  return Boolean(value) && typeof value === 'object' && !Array.isArray(value);
}

function asArray(value: Json): Json[] {
  return Array.isArray(value) ? value : [];
}

/** A `$ref` to a component (`#/components/parameters/Id`), followed (cycles stop after 20 hops). */
function resolveRef(document: Json, node: Json): Json {
  let current = node;
  for (let hops = 0; hops < 20 && isObject(current) && typeof current.$ref === 'string'; hops++) {
    const ref = current.$ref.replace(new RegExp(`^${DOC_ID}#`), '#');
    if (!ref.startsWith('#/')) return undefined;
    let target: Json = document;
    for (const raw of ref.slice(2).split('/')) {
      const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
      target = isObject(target) ? target[key] : undefined;
    }
    current = target;
  }
  return current;
}

/** Local refs point into the document registered with ajv. */
function rewriteRefs(node: Json): Json {
  if (Array.isArray(node)) return node.map(rewriteRefs);
  if (!isObject(node)) return node;
  const out: Obj = {};
  for (const [key, value] of Object.entries(node)) out[key] = key === '$ref' && typeof value === 'string' && value.startsWith('#/') ? `${DOC_ID}${value}` : rewriteRefs(value);
  return out;
}

/** OpenAPI 3.0's schema dialect → draft-07: `nullable`, boolean exclusive bounds; refs rewritten. */
function toDraft7(node: Json): Json {
  if (Array.isArray(node)) return node.map(toDraft7);
  if (!isObject(node)) return node;
  const out: Obj = {};
  for (const [key, value] of Object.entries(node)) out[key] = key === '$ref' && typeof value === 'string' && value.startsWith('#/') ? `${DOC_ID}${value}` : toDraft7(value);
  if (out.nullable === true) {
    if (typeof out.type === 'string') out.type = [out.type, 'null'];
    if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null];
  }
  for (const [flag, bound] of [
    ['exclusiveMinimum', 'minimum'],
    ['exclusiveMaximum', 'maximum'],
  ] as const) {
    if (out[flag] === true && typeof out[bound] === 'number') {
      out[flag] = out[bound];
      delete out[bound];
    } else if (out[flag] === false) delete out[flag];
  }
  return out;
}

function addOpenApiFormats(ajv: Ajv): void {
  ajv.addFormat('int32', { type: 'number', validate: (n: number) => Number.isInteger(n) && n >= -2147483648 && n <= 2147483647 });
  ajv.addFormat('int64', { type: 'number', validate: (n: number) => Number.isInteger(n) });
  ajv.addFormat('float', { type: 'number', validate: () => true });
  ajv.addFormat('double', { type: 'number', validate: () => true });
  ajv.addFormat('byte', /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/);
  ajv.addFormat('binary', true);
  ajv.addFormat('password', true);
}
