/**
 * OpenAPI 3 document → the operations Try it lists: method, path template, tags, the path,
 * query and header parameters (path-item parameters merged under the operation's own, local
 * `$ref`s followed) and a request body to start from (its example, else one generated from the
 * schema, by the same bounded generator the mocks use).
 */
import { deref, mediaExample } from '../mocks/openapi-examples';
import { PARAMETER_TYPES, type ApiOperations, type OpenApiOperation, type OperationParameter, type ParameterType } from './collection-models';

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch'] as const;
/** A document is trusted only so far: bounds on what is listed. */
const MAX_OPERATIONS = 2000;
const MAX_PARAMETERS = 100;
const MAX_ENUM = 200;
const MAX_TEXT = 2000;

type Json = unknown;
type Doc = Record<string, Json>;

function isObject(value: Json): value is Record<string, Json> {
  return Boolean(value) && typeof value === 'object' && !Array.isArray(value);
}

function text(value: Json): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.slice(0, MAX_TEXT) : undefined;
}

function resolved(doc: Doc, node: Json): Record<string, Json> | undefined {
  const found = deref(doc, node, new Set()).node;
  return isObject(found) ? found : undefined;
}

function typeOf(schema: Record<string, Json> | undefined): ParameterType | undefined {
  if (!schema) return undefined;
  const raw = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
  return (PARAMETER_TYPES as readonly Json[]).includes(raw) ? (raw as ParameterType) : undefined;
}

function asText(value: Json): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (Array.isArray(value)) return value.map((item) => (typeof item === 'object' ? JSON.stringify(item) : String(item))).join(',');
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

function parameterOf(doc: Doc, raw: Json): OperationParameter | undefined {
  const node = resolved(doc, raw);
  if (!node || typeof node.name !== 'string' || node.name === '') return undefined;
  if (node.in !== 'path' && node.in !== 'query' && node.in !== 'header') return undefined;
  const schema = resolved(doc, node.schema) ?? (isObject(node.content) ? resolved(doc, (Object.values(node.content)[0] as Record<string, Json> | undefined)?.schema) : undefined);
  const type = typeOf(schema);
  const items = type === 'array' ? resolved(doc, schema?.items) : undefined;
  const enumSource = type === 'array' ? items?.enum : schema?.enum;
  const examples = isObject(node.examples) ? resolved(doc, Object.values(node.examples)[0]) : undefined;
  const exampleValue = node.example ?? examples?.value ?? schema?.example ?? schema?.default;
  const parameter: OperationParameter = {
    name: node.name.slice(0, 200),
    in: node.in,
    // OpenAPI: a path parameter is always required, whatever the document says.
    required: node.in === 'path' || node.required === true,
  };
  const description = text(node.description);
  if (description !== undefined) parameter.description = description;
  if (type !== undefined) parameter.type = type;
  const itemType = typeOf(items);
  if (itemType !== undefined) parameter.itemType = itemType;
  if (Array.isArray(enumSource) && enumSource.length > 0) parameter.enum = enumSource.slice(0, MAX_ENUM).map((value) => asText(value) ?? 'null');
  if (type === 'array' && node.in === 'query') parameter.explode = node.explode !== false && (node.style === undefined || node.style === 'form');
  const example = asText(exampleValue);
  if (example !== undefined) parameter.example = example.slice(0, MAX_TEXT);
  if (node.deprecated === true) parameter.deprecated = true;
  return parameter;
}

/** Path-item parameters, overridden by the operation's own of the same name and location. */
function parametersOf(doc: Doc, itemParameters: Json, operationParameters: Json): OperationParameter[] {
  const byKey = new Map<string, OperationParameter>();
  for (const list of [itemParameters, operationParameters]) {
    if (!Array.isArray(list)) continue;
    for (const raw of list.slice(0, MAX_PARAMETERS)) {
      const parameter = parameterOf(doc, raw);
      if (parameter) byKey.set(`${parameter.in}:${parameter.name.toLowerCase()}`, parameter);
    }
  }
  const order: Record<OperationParameter['in'], number> = { path: 0, query: 1, header: 2 };
  return [...byKey.values()].sort((a, b) => order[a.in] - order[b.in]);
}

function bodyOf(doc: Doc, raw: Json): OpenApiOperation['body'] {
  const body = resolved(doc, raw);
  if (!body || !isObject(body.content)) return undefined;
  const types = Object.keys(body.content);
  const contentType = types.find((type) => /json/i.test(type)) ?? types[0];
  if (contentType === undefined) return undefined;
  const { value, origin } = mediaExample(doc, resolved(doc, body.content[contentType]) ?? {});
  const example = value === undefined || value === null ? '' : typeof value === 'string' && !/json/i.test(contentType) ? value : JSON.stringify(value, null, 2);
  return { contentType, required: body.required === true, example, origin };
}

/** Every operation of a parsed OpenAPI 3 document, in document order. */
export function operationsFromOpenApi(document: Json, apiId: string): ApiOperations {
  const result: ApiOperations = { apiId, tags: [], operations: [] };
  if (!isObject(document)) return result;
  const doc = document;
  const title = isObject(doc.info) ? text(doc.info.title) : undefined;
  if (title !== undefined) result.title = title;
  const tags = new Map<string, { name: string; description?: string }>();
  if (Array.isArray(doc.tags))
    for (const tag of doc.tags) {
      if (!isObject(tag) || typeof tag.name !== 'string' || tags.has(tag.name)) continue;
      const description = text(tag.description);
      tags.set(tag.name, { name: tag.name, ...(description !== undefined ? { description } : {}) });
    }
  if (!isObject(doc.paths)) return { ...result, tags: [...tags.values()] };
  for (const [path, rawItem] of Object.entries(doc.paths)) {
    const item = resolved(doc, rawItem);
    if (!item || !path.startsWith('/')) continue;
    for (const method of METHODS) {
      const operation = item[method];
      if (!isObject(operation) || result.operations.length >= MAX_OPERATIONS) continue;
      const operationTags = Array.isArray(operation.tags) ? operation.tags.filter((tag): tag is string => typeof tag === 'string' && tag !== '') : [];
      for (const tag of operationTags) if (!tags.has(tag)) tags.set(tag, { name: tag });
      const entry: OpenApiOperation = {
        key: `${method.toUpperCase()} ${path}`,
        method: method.toUpperCase(),
        path,
        tags: operationTags,
        deprecated: operation.deprecated === true,
        parameters: parametersOf(doc, item.parameters, operation.parameters),
      };
      if (typeof operation.operationId === 'string') entry.operationId = operation.operationId.slice(0, 200);
      const summary = text(operation.summary);
      if (summary !== undefined) entry.summary = summary;
      const description = text(operation.description);
      if (description !== undefined) entry.description = description;
      const body = bodyOf(doc, operation.requestBody);
      if (body) entry.body = body;
      result.operations.push(entry);
    }
  }
  result.tags = [...tags.values()];
  return result;
}
