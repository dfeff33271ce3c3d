/**
 * OpenAPI 3 document → mock routes: for each operation, its first success response with the
 * example given (media type `example`, first of `examples`, or the schema's `example`), else a
 * value generated from the schema. The generator is bounded (depth, items, properties) and
 * follows local `$ref`s with a cycle guard, so a hostile or recursive document cannot blow up.
 */

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch'] as const;
const MAX_DEPTH = 8;
const MAX_PROPERTIES = 50;

/** What a mock answers for one operation. */
export interface OpenApiMockRoute {
  method: string;
  /** The operation's path (`/users/{id}`), relative to the API's base path. */
  path: string;
  status: number;
  headers: Record<string, string>;
  body: string;
  /** `example` when the document gave one, `generated` when it came from the schema. */
  origin: 'example' | 'generated' | 'empty';
  operationId?: string;
}

type Json = unknown;
type Doc = Record<string, Json>;

function isObject(value: Json): value is Record<string, Json> {
  return Boolean(value) && typeof value === 'object' && !Array.isArray(value);
}

/** `#/components/schemas/User` inside the document; anything else is unresolvable. */
function resolveRef(doc: Doc, ref: string): Json {
  if (!ref.startsWith('#/')) return undefined;
  let node: Json = doc;
  for (const raw of ref.slice(2).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (!isObject(node)) return undefined;
    node = node[key];
  }
  return node;
}

/** Follows local `$ref`s (at most 20 hops, cycles give undefined); `seen` carries the chain for nested lookups. */
export function deref(doc: Doc, node: Json, seen: Set<string>): { node: Json; seen: Set<string> } {
  let current = node;
  let chain = seen;
  for (let hops = 0; isObject(current) && typeof current.$ref === 'string' && hops < 20; hops++) {
    const ref = current.$ref;
    if (chain.has(ref)) return { node: undefined, seen: chain };
    chain = new Set(chain).add(ref);
    current = resolveRef(doc, ref);
  }
  return { node: current, seen: chain };
}

/** A value of the schema's shape: its example/default/enum when given, else a plain value of its type. */
export function exampleFromSchema(schema: Json, doc: Doc = {}, depth = 0, seen: Set<string> = new Set()): Json {
  const resolved = deref(doc, schema, seen);
  const node = resolved.node;
  if (!isObject(node) || depth > MAX_DEPTH) return null;
  if (node.example !== undefined) return node.example;
  if (Array.isArray(node.examples) && node.examples.length > 0) return node.examples[0];
  if (node.default !== undefined) return node.default;
  if ('const' in node) return node.const;
  if (Array.isArray(node.enum) && node.enum.length > 0) return node.enum[0];
  const next = (child: Json) => exampleFromSchema(child, doc, depth + 1, resolved.seen);
  if (Array.isArray(node.allOf)) {
    const merged: Record<string, Json> = {};
    for (const part of node.allOf.slice(0, MAX_PROPERTIES)) {
      const value = next(part);
      if (isObject(value)) Object.assign(merged, value);
    }
    return merged;
  }
  for (const key of ['oneOf', 'anyOf'] as const) {
    const options = node[key];
    if (Array.isArray(options) && options.length > 0) return next(options[0]);
  }
  const type = Array.isArray(node.type) ? node.type.find((t) => t !== 'null') : node.type;
  switch (type ?? (isObject(node.properties) ? 'object' : node.items !== undefined ? 'array' : undefined)) {
    case 'object': {
      const out: Record<string, Json> = {};
      const properties = isObject(node.properties) ? node.properties : {};
      for (const name of Object.keys(properties).slice(0, MAX_PROPERTIES)) out[name] = next(properties[name]);
      return out;
    }
    case 'array': {
      const count = typeof node.minItems === 'number' && node.minItems > 1 ? Math.min(node.minItems, 3) : 1;
      return depth >= MAX_DEPTH ? [] : Array.from({ length: count }, () => next(node.items));
    }
    case 'integer':
      return typeof node.minimum === 'number' ? Math.ceil(node.minimum) : 1;
    case 'number':
      return typeof node.minimum === 'number' ? node.minimum : 1.5;
    case 'boolean':
      return true;
    case 'string':
      return stringFor(node);
    default:
      return null;
  }
}

function stringFor(node: Record<string, Json>): string {
  switch (node.format) {
    case 'date-time':
      return '2024-01-01T00:00:00Z';
    case 'date':
      return '2024-01-01';
    case 'email':
      return 'user@example.com';
    case 'uuid':
      return '00000000-0000-4000-8000-000000000000';
    case 'uri':
    case 'url':
      return 'https://example.com/';
    case 'ipv4':
      return '192.0.2.1';
    case 'byte':
      return 'c3RyaW5n';
    default: {
      const min = typeof node.minLength === 'number' ? Math.min(node.minLength, 100) : 0;
      return 'string'.padEnd(min, 'x');
    }
  }
}

function pickResponse(responses: Record<string, Json>): [number, Json] | undefined {
  const codes = Object.keys(responses);
  const success = codes.filter((code) => /^2\d\d$/.test(code)).sort()[0] ?? (codes.includes('2XX') ? '2XX' : undefined) ?? (codes.includes('default') ? 'default' : undefined);
  if (success === undefined) return undefined;
  const status = success === '2XX' || success === 'default' ? 200 : Number(success);
  return [status, responses[success]];
}

/** A media type's example (`example`, first of `examples`, the schema's `example`), else one generated from its schema. */
export function mediaExample(doc: Doc, media: Record<string, Json>): { value: Json; origin: 'example' | 'generated' } {
  if (media.example !== undefined) return { value: media.example, origin: 'example' };
  if (isObject(media.examples)) {
    const first = deref(doc, Object.values(media.examples)[0], new Set()).node;
    if (isObject(first) && first.value !== undefined) return { value: first.value, origin: 'example' };
  }
  const schema = deref(doc, media.schema, new Set()).node;
  if (isObject(schema) && schema.example !== undefined) return { value: schema.example, origin: 'example' };
  return { value: exampleFromSchema(media.schema, doc), origin: 'generated' };
}

/** Every operation of the document as a mock route (operations without a success response are skipped). */
export function mockRoutesFromOpenApi(document: Json): OpenApiMockRoute[] {
  if (!isObject(document) || !isObject(document.paths)) return [];
  const doc = document;
  const routes: OpenApiMockRoute[] = [];
  for (const [path, rawItem] of Object.entries(document.paths)) {
    const item = deref(doc, rawItem, new Set()).node;
    if (!isObject(item) || !path.startsWith('/')) continue;
    for (const method of METHODS) {
      const operation = item[method];
      if (!isObject(operation) || !isObject(operation.responses)) continue;
      const picked = pickResponse(operation.responses);
      if (!picked) continue;
      const [status, rawResponse] = picked;
      const response = deref(doc, rawResponse, new Set()).node;
      const headers: Record<string, string> = {};
      if (isObject(response) && isObject(response.headers)) {
        for (const [name, rawHeader] of Object.entries(response.headers)) {
          const header = deref(doc, rawHeader, new Set()).node;
          if (!isObject(header)) continue;
          const value = header.example ?? exampleFromSchema(header.schema, doc);
          if (value !== null && value !== undefined && /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(name)) headers[name.toLowerCase()] = String(value);
        }
      }
      const content = isObject(response) && isObject(response.content) ? response.content : {};
      const type = Object.keys(content).find((candidate) => /json/i.test(candidate)) ?? Object.keys(content)[0];
      let body = '';
      let origin: OpenApiMockRoute['origin'] = 'empty';
      if (type !== undefined && isObject(content[type])) {
        const example = mediaExample(doc, content[type]);
        origin = example.origin;
        body = typeof example.value === 'string' && !/json/i.test(type) ? example.value : JSON.stringify(example.value ?? null, null, 2);
        headers['content-type'] = /json/i.test(type) ? `${type}; charset=utf-8` : type;
      }
      routes.push({ method: method.toUpperCase(), path, status, headers, body, origin, ...(typeof operation.operationId === 'string' ? { operationId: operation.operationId } : {}) });
    }
  }
  return routes;
}
