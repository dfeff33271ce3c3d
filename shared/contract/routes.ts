/**
 * The REST side of the contract as data: a route table built from `contractMethods` by a loop,
 * a matcher (server) and a request builder (clients). Pure: no node:*, no DOM.
 */
import { contractMethods, inputShape, methodNames, pathParams, type HttpRoute, type HttpVerb, type MethodName } from './methods';

export const API_PREFIX = '/api/v1';

export interface CompiledRoute {
  name: MethodName;
  method: HttpVerb;
  /** Below API_PREFIX, with `{name}` placeholders. */
  path: string;
  segments: string[];
  params: string[];
  status: 200 | 201 | 204;
}

export type RouteMatch =
  | { kind: 'match'; route: CompiledRoute; params: Record<string, string> }
  /** The path exists but not with this method (405 with `Allow`). */
  | { kind: 'method-not-allowed'; allowed: HttpVerb[] }
  | { kind: 'none' };

function splitPath(path: string): string[] {
  return path.split('/').filter((segment) => segment !== '');
}

export function compileRoutes(): CompiledRoute[] {
  const routes = methodNames.map((name): CompiledRoute => {
    const http: HttpRoute = contractMethods[name].http;
    const status = http.status ?? 200;
    return { name, method: http.method, path: http.path, segments: splitPath(http.path), params: pathParams(http.path), status };
  });
  // Literal segments beat placeholders (`/policies/order` before `/policies/{policyId}`).
  const weight = (route: CompiledRoute) => route.segments.map((s) => (s.startsWith('{') ? '1' : '0')).join('');
  return routes.sort((a, b) => a.segments.length - b.segments.length || weight(a).localeCompare(weight(b)));
}

function matchSegments(route: CompiledRoute, segments: string[]): Record<string, string> | undefined {
  if (route.segments.length !== segments.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < segments.length; i++) {
    const pattern = route.segments[i]!;
    const actual = segments[i]!;
    if (pattern.startsWith('{')) {
      let decoded: string;
      try {
        decoded = decodeURIComponent(actual);
      } catch {
        return undefined;
      }
      params[pattern.slice(1, -1)] = decoded;
    } else if (pattern !== actual) return undefined;
  }
  return params;
}

/** Matches a pathname below API_PREFIX (e.g. `/apis/abc/policies`). */
export function matchRoute(routes: CompiledRoute[], method: string, pathname: string): RouteMatch {
  const segments = splitPath(pathname);
  const allowed: HttpVerb[] = [];
  for (const route of routes) {
    const params = matchSegments(route, segments);
    if (!params) continue;
    if (route.method === method) return { kind: 'match', route, params };
    if (!allowed.includes(route.method)) allowed.push(route.method);
  }
  return allowed.length > 0 ? { kind: 'method-not-allowed', allowed } : { kind: 'none' };
}

export interface BuiltRequest {
  method: HttpVerb;
  /** Starts with API_PREFIX; includes the query string. */
  url: string;
  body?: string;
  contentType?: string;
}

/**
 * The HTTP request for a call: placeholders from the input, the rest as the query (GET,
 * DELETE) or the JSON body; `body: 'yaml'` routes send `input.yaml` as text and the rest as the query.
 */
export function buildHttpRequest(name: MethodName, input: Record<string, unknown> = {}): BuiltRequest {
  const http: HttpRoute = contractMethods[name].http;
  const used = new Set<string>();
  const path = http.path.replace(/\{([A-Za-z][A-Za-z0-9]*)\}/g, (_, key: string) => {
    used.add(key);
    const value = input[key];
    if (value === undefined || value === null || value === '') throw new TypeError(`${name}: "${key}" is required`);
    return encodeURIComponent(String(value));
  });
  const rest = Object.fromEntries(Object.entries(input).filter(([key, value]) => !used.has(key) && value !== undefined));
  const withQuery = (fields: Record<string, unknown>) => {
    const query = new URLSearchParams();
    for (const [key, value] of Object.entries(fields)) query.set(key, typeof value === 'object' ? JSON.stringify(value) : String(value));
    const search = query.toString();
    return API_PREFIX + path + (search ? `?${search}` : '');
  };
  if (http.body === 'yaml') {
    // The document is the body; the other fields (an import's mode, dryRun…) go in the query.
    const { yaml, ...fields } = rest;
    return { method: http.method, url: withQuery(fields), body: String(yaml ?? ''), contentType: 'application/yaml' };
  }
  if (http.method === 'GET' || http.method === 'DELETE') return { method: http.method, url: withQuery(rest) };
  return { method: http.method, url: API_PREFIX + path, body: JSON.stringify(rest), contentType: 'application/json' };
}

/** Field names a method's input accepts (for docs and checks). */
export function inputFields(name: MethodName): string[] {
  return Object.keys(inputShape(contractMethods[name].input));
}
