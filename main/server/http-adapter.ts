/**
 * The contract's REST adapter, generated from `contractMethods` by a loop (no route written by
 * hand): match verb + path, merge path params, coerced query and body into one input, validate
 * it with the method's zod schema, call the handler, and answer JSON or the error envelope.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { z } from 'zod';
import { ContractError, ContractErrorCode, toErrorBody } from '../../shared/contract/errors';
import { callHandler } from '../../shared/contract/dispatch';
import { contractMethods, inputShape, type ContractHandlers, type HttpRoute } from '../../shared/contract/methods';
import { compileRoutes, matchRoute, type CompiledRoute } from '../../shared/contract/routes';
import { errorEnvelope, type ErrorBody } from '../../shared/errors';
import { MAX_YAML_BYTES } from '../../shared/yaml-safe';

export const JSON_BODY_LIMIT = 1024 * 1024;
/** A YAML body over the parser's own limit would only be refused after reading it. */
export const YAML_BODY_LIMIT = MAX_YAML_BYTES;
const YAML_TYPES = new Set(['application/yaml', 'application/x-yaml', 'text/yaml', 'text/x-yaml', 'text/plain']);

export interface HttpAdapterOptions {
  /** The control plane; a missing method answers 501 (useful while wiring). */
  handlers: Partial<ContractHandlers>;
  /** Check results against the output schemas (strips unknown fields such as stored hashes). */
  validateOutput?: boolean;
  /** Where internal errors are reported (never to the client). */
  logError?: (message: string, error: unknown) => void;
}

/** Handles a request whose path is below /api/v1 (`pathname` is the part after it). */
export type ContractRequestHandler = (req: IncomingMessage, res: ServerResponse, pathname: string, query: URLSearchParams) => Promise<void>;

export function createHttpAdapter(options: HttpAdapterOptions): ContractRequestHandler {
  const routes = compileRoutes();
  const validateOutput = options.validateOutput ?? true;
  const logError = options.logError ?? ((message, error) => console.error(`gatehouse: ${message}`, error));

  return async (req, res, pathname, query) => {
    const match = matchRoute(routes, req.method ?? 'GET', pathname);
    if (match.kind === 'none') return sendError(res, 404, { code: ContractErrorCode.notFound, message: `no route ${req.method} /api/v1${pathname}` });
    if (match.kind === 'method-not-allowed') {
      res.setHeader('allow', match.allowed.join(', '));
      return sendError(res, 405, { code: ContractErrorCode.methodNotAllowed, message: `${req.method} is not allowed on /api/v1${pathname}; use ${match.allowed.join(', ')}` });
    }
    const { route, params } = match;
    try {
      const input = await readInput(req, route, params, query);
      const output = await callHandler(options.handlers, route.name, input, { transport: 'http' }, validateOutput);
      sendResult(res, route, output);
    } catch (error) {
      const { body, status } = toErrorBody(error);
      // 503 (Docker not running, …) is an expected state, not a bug: no stack trace in the log.
      if (status >= 500 && status !== 501 && status !== 503) logError(`${route.name} failed`, error);
      if (status === 413) res.setHeader('connection', 'close');
      sendError(res, status, body);
    }
  };
}

async function readInput(req: IncomingMessage, route: CompiledRoute, params: Record<string, string>, query: URLSearchParams): Promise<Record<string, unknown>> {
  const http: HttpRoute = contractMethods[route.name].http;
  const shape = inputShape(contractMethods[route.name].input);
  const input: Record<string, unknown> = coerceQuery(shape, query);
  if (http.method !== 'GET' && http.method !== 'DELETE') {
    if (http.body === 'yaml') input.yaml = await readText(req, YAML_BODY_LIMIT, YAML_TYPES, 'a YAML document (content-type application/yaml)');
    else Object.assign(input, await readJson(req));
  }
  for (const [key, value] of Object.entries(params)) {
    if (key in input && input[key] !== value)
      throw ContractError.validation([{ path: key, message: `the body says "${String(input[key])}" but the URL says "${value}"` }]);
    input[key] = value;
  }
  return input;
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const text = await readText(req, JSON_BODY_LIMIT, new Set(['application/json']), 'JSON (content-type application/json)');
  if (text.trim() === '') return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw ContractError.validation([{ path: '', message: `the body is not valid JSON: ${(error as Error).message}` }], 'the body is not valid JSON');
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw ContractError.validation([{ path: '', message: 'the body must be a JSON object' }]);
  return value as Record<string, unknown>;
}

function readText(req: IncomingMessage, limit: number, types: Set<string>, expected: string): Promise<string> {
  const declared = Number(req.headers['content-length'] ?? 0);
  const hasBody = declared > 0 || req.headers['transfer-encoding'] !== undefined;
  if (!hasBody) return Promise.resolve('');
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (!types.has(type)) {
    req.resume();
    return Promise.reject(new ContractError(ContractErrorCode.unsupportedMediaType, `the body must be ${expected}, got ${type ? `"${type}"` : 'no content-type'}`));
  }
  const tooLarge = () => new ContractError(ContractErrorCode.payloadTooLarge, `the body is larger than ${Math.round(limit / 1024 / 1024)} MiB`);
  if (declared > limit) {
    req.resume();
    return Promise.reject(tooLarge());
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.removeAllListeners('data');
        req.resume();
        reject(tooLarge());
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** Query strings are text: turn them into what the schema expects (numbers, booleans, lists). */
export function coerceQuery(shape: Record<string, z.ZodType>, query: URLSearchParams): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of new Set(query.keys())) {
    const values = query.getAll(key);
    const type = baseType(shape[key]);
    if (type === 'array') out[key] = values.flatMap((v) => v.split(','));
    else out[key] = coerceScalar(values[values.length - 1]!, type);
  }
  return out;
}

function coerceScalar(value: string, type: string | undefined): unknown {
  if (type === 'number' && /^-?\d+(\.\d+)?$/.test(value.trim())) return Number(value);
  if (type === 'boolean' && (value === 'true' || value === 'false')) return value === 'true';
  return value;
}

/** The zod type under optional/default/nullable/pipe wrappers (`number`, `string`, …). */
function baseType(schema: z.ZodType | undefined): string | undefined {
  let current = schema as unknown as { def: { type: string; innerType?: unknown; in?: unknown; options?: unknown[] } } | undefined;
  for (let depth = 0; current && depth < 10; depth++) {
    const { def } = current;
    if (def.type === 'optional' || def.type === 'default' || def.type === 'nullable' || def.type === 'prefault') current = def.innerType as typeof current;
    else if (def.type === 'pipe') current = def.in as typeof current;
    else if (def.type === 'union') {
      // A union accepting numbers (e.g. `before: string | number`): leave the text as is.
      return undefined;
    } else return def.type;
  }
  return undefined;
}

function sendResult(res: ServerResponse, route: CompiledRoute, output: unknown): void {
  const http: HttpRoute = contractMethods[route.name].http;
  res.setHeader('cache-control', 'no-store');
  if (route.status === 204) {
    res.writeHead(204).end();
    return;
  }
  if (http.response === 'yaml') {
    res.writeHead(route.status, { 'content-type': 'application/yaml; charset=utf-8' }).end(String(output));
    return;
  }
  res.writeHead(route.status, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(output ?? null));
}

export function sendError(res: ServerResponse, status: number, body: ErrorBody): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.setHeader('cache-control', 'no-store');
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(errorEnvelope(body.code, body.message, body.details ? { details: body.details } : {})));
}
