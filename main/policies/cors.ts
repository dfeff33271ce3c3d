/**
 * cors-flex, per the Fetch standard (https://fetch.spec.whatwg.org/#http-cors-protocol):
 * - A preflight (OPTIONS with Origin and Access-Control-Request-Method) is answered by the
 *   gateway: 204 with Allow-Origin/-Methods/-Headers/-Max-Age (and -Credentials) when the
 *   origin, method and headers are allowed; otherwise, as Flex does (its CORS policy has no
 *   status codes of its own), 200 with no CORS header and no body: the browser reports a CORS
 *   failure, and the reason is in the request's policy trace.
 * - Other requests go upstream; a response hook then replaces any Access-Control-* headers the
 *   upstream sent with the policy's own (Allow-Origin, -Credentials, -Expose-Headers), so the
 *   gateway alone decides, and a disallowed origin gets none. `Vary: Origin` is merged into
 *   (not written over) the upstream's Vary whenever the answer depends on the origin.
 * - `*` is only used without credentials: with supportCredentials the origin is echoed, as
 *   browsers ignore `*` in credentialed requests.
 */
import type { OutgoingHttpHeaders } from 'node:http';
import type { CorsConfig, OriginGroup } from '../../shared/policies/cors';
import type { PolicyDecision, PolicyDefinition } from './types';

interface CompiledGroup {
  matches: (origin: string) => boolean;
  /** Undefined: any method (the requested one is echoed). */
  methods: Set<string> | undefined;
  methodList: string;
  /** Undefined: any header (the requested ones are echoed). */
  headers: Set<string> | undefined;
  headerList: string;
  exposed: string;
  maxAge: string;
}

const PLAIN_ORIGIN = /^[a-z][a-z0-9+.-]*:\/\/[^/*?()[\]\\^$|+{}]+$/i;

function compileOriginMatcher(origins: readonly string[], field: string): (origin: string) => boolean {
  const exact = new Set<string>();
  const patterns: RegExp[] = [];
  for (const [index, origin] of origins.entries()) {
    if (origin === '*') return () => true;
    if (PLAIN_ORIGIN.test(origin) || origin === 'null') exact.add(origin.replace(/\/+$/, '').toLowerCase());
    else {
      try {
        patterns.push(new RegExp(`^(?:${origin})$`, 'i'));
      } catch (error) {
        throw new Error(`${field}.origins[${index}]: "${origin}" is neither an origin (scheme://host[:port]) nor a valid regex: ${(error as Error).message}`);
      }
    }
  }
  return (origin) => exact.has(origin.toLowerCase()) || patterns.some((pattern) => pattern.test(origin));
}

function compileGroup(group: OriginGroup, field: string): CompiledGroup {
  const allowed = group.allowedMethods
    .filter((method) => typeof method === 'string' || method.isAllowed)
    .map((method) => (typeof method === 'string' ? method : method.methodName).toUpperCase());
  // An empty list (or every box unticked) restricts nothing: the requested method is echoed.
  const methods = allowed.length > 0 ? new Set(allowed) : undefined;
  const headers = group.headers.length > 0 ? new Set(group.headers.map((name) => name.toLowerCase())) : undefined;
  return {
    matches: compileOriginMatcher(group.origins, field),
    methods,
    methodList: [...(methods ?? [])].join(', '),
    headers,
    headerList: group.headers.join(', '),
    exposed: group.exposedHeaders.join(', '),
    maxAge: String(group.accessControlMaxAge),
  };
}

/** For a public resource without a matching group: anything goes, cached for Flex's default 30 s. */
const OPEN_GROUP: CompiledGroup = { matches: () => true, methods: undefined, methodList: '', headers: undefined, headerList: '', exposed: '', maxAge: '30' };

export function mergeVary(existing: OutgoingHttpHeaders[string], ...names: string[]): string {
  const current = existing === undefined ? [] : (Array.isArray(existing) ? existing.join(',') : String(existing)).split(',').map((v) => v.trim()).filter(Boolean);
  if (current.includes('*')) return '*';
  const lower = new Set(current.map((v) => v.toLowerCase()));
  for (const name of names) if (!lower.has(name.toLowerCase())) current.push(name);
  return current.join(', ');
}

function stripCors(headers: OutgoingHttpHeaders): void {
  for (const name of Object.keys(headers)) if (name.toLowerCase().startsWith('access-control-')) delete headers[name];
}

function parseHeaderList(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  return (Array.isArray(value) ? value.join(',') : value).split(',').map((v) => v.trim().toLowerCase()).filter(Boolean);
}

export const corsPolicy: PolicyDefinition<CorsConfig> = {
  name: 'cors-flex',
  create(config) {
    const groups = config.originGroups.map((group, index) => compileGroup(group, `originGroups[${index}]`));
    const credentials = config.supportCredentials;
    const wildcard = config.publicResource && !credentials;
    // The answer depends on Origin unless every origin gets the same `*`.
    const originDependent = !wildcard;

    const groupFor = (origin: string): CompiledGroup | undefined => {
      for (const group of groups) if (group.matches(origin)) return group;
      return config.publicResource ? OPEN_GROUP : undefined;
    };

    const allowOrigin = (origin: string): string => (wildcard ? '*' : origin);

    // The refusal is the missing headers, not the status: what Flex answers. `Vary` still says the answer depends on Origin.
    const refuse = (message: string): PolicyDecision => ({ action: 'respond', status: 200, headers: { vary: 'Origin' }, detail: `preflight refused: ${message}` });

    return {
      onRequest(request) {
        const originHeader = request.headers.origin;
        const origin = typeof originHeader === 'string' ? originHeader : undefined;
        const requestedMethod = request.headers['access-control-request-method'];

        if (request.method === 'OPTIONS' && origin !== undefined && typeof requestedMethod === 'string') {
          const group = groupFor(origin);
          if (!group) return refuse(`origin ${origin} is not allowed to call this API`);
          const method = requestedMethod.trim();
          if (group.methods && !group.methods.has(method.toUpperCase()))
            return refuse(`method ${method} is not allowed for origin ${origin} (allowed: ${group.methodList})`);
          const requestedHeaders = parseHeaderList(request.headers['access-control-request-headers']);
          if (group.headers) {
            const refused = requestedHeaders.filter((name) => !group.headers!.has(name));
            if (refused.length > 0)
              return refuse(`request header${refused.length > 1 ? 's' : ''} ${refused.join(', ')} not allowed for origin ${origin} (allowed: ${group.headerList})`);
          }
          const headers: OutgoingHttpHeaders = {
            'access-control-allow-origin': allowOrigin(origin),
            'access-control-allow-methods': group.methods ? group.methodList : method,
            'access-control-max-age': group.maxAge,
          };
          const vary = ['Origin'];
          if (!group.methods) vary.push('Access-Control-Request-Method');
          if (group.headers) headers['access-control-allow-headers'] = group.headerList;
          else {
            vary.push('Access-Control-Request-Headers');
            if (requestedHeaders.length > 0) headers['access-control-allow-headers'] = requestedHeaders.join(', ');
          }
          if (credentials) headers['access-control-allow-credentials'] = 'true';
          // Chrome's Private Network Access: a public page calling a gateway on localhost.
          if (request.headers['access-control-request-private-network'] === 'true') headers['access-control-allow-private-network'] = 'true';
          headers.vary = vary.join(', ');
          return { action: 'respond', status: 204, headers, detail: `preflight for ${method} from ${origin} allowed` };
        }

        const group = origin === undefined ? undefined : groupFor(origin);
        const methodAllowed = group !== undefined && (!group.methods || group.methods.has(request.method));
        request.onResponse(({ headers }) => {
          stripCors(headers);
          if (originDependent) headers.vary = mergeVary(headers.vary, 'Origin');
          if (origin === undefined || !group || !methodAllowed) return;
          headers['access-control-allow-origin'] = allowOrigin(origin);
          if (credentials) headers['access-control-allow-credentials'] = 'true';
          if (group.exposed) headers['access-control-expose-headers'] = group.exposed;
        });
        if (origin === undefined) return { action: 'continue', detail: 'no Origin header' };
        return { action: 'continue', modified: true, detail: group && methodAllowed ? `origin ${origin} allowed` : `origin ${origin} not allowed: no CORS headers` };
      },
    };
  },
};
