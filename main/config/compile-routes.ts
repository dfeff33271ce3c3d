/**
 * `route` and `route-weighted` uses → the API's routes: each destination must be a Service
 * resource (not also the name of an inline service); it joins the API's services the first time
 * it is routed to. Flex directs a request to the first route whose rules it meets, in policy
 * order; a route without rules takes everything, so it goes after those with rules.
 */
import type { RouteSnapshot, ServiceSnapshot } from '../gateway/snapshot';
import type { ValidatedUse } from './compile-bindings';
import { missing } from './compile-identity';
import { formatFieldPath, type ConfigError } from './errors';
import type { LoadedResource } from './resources';

/** `/` + path, no doubled or trailing slashes; the root is `/`. */
export function normalizePath(path: string): string {
  const collapsed = `/${path}`.replace(/\/{2,}/g, '/').replace(/\/+$/, '');
  return collapsed === '' ? '/' : collapsed;
}

export interface ApiRoutes {
  services: ServiceSnapshot[];
  /** How each service was declared: `inline` (spec.services) or `resource` (a Service). */
  serviceOrigin: Map<string, string>;
  /** Routes of spec.services, in declaration order. */
  withRules: RouteSnapshot[];
  catchAll: RouteSnapshot[];
  /** Routes of route and route-weighted bindings, ordered by `order` when the API is done. */
  bound?: { route: RouteSnapshot; order: number; seq: number }[];
}

/** Every route, in the order requests try them. */
export function orderedRoutes(routes: ApiRoutes): RouteSnapshot[] {
  const bound = [...(routes.bound ?? [])].sort((a, b) => a.order - b.order || a.seq - b.seq).map((entry) => entry.route);
  return [...routes.withRules, ...bound.filter((route) => route.rules), ...routes.catchAll, ...bound.filter((route) => !route.rules)];
}

export function addBoundRoute(
  validated: Extract<ValidatedUse, { kind: 'route' }>,
  api: LoadedResource<'ApiInstance'>,
  serviceResources: ReadonlyMap<string, LoadedResource<'Service'>>,
  routes: ApiRoutes,
  errors: ConfigError[],
): void {
  const { use } = validated;
  const weighted: { service: string; destinationPath: string; weight: number }[] = [];
  for (const destination of validated.destinations) {
    const target = serviceResources.get(destination.name);
    if (!target) {
      const field = [...use.base, ...destination.path];
      errors.push({ file: use.resource.file, line: use.resource.lineOf(field), field: formatFieldPath(field), message: missing('Service', destination.name, serviceResources.keys()) });
      return;
    }
    const name = target.metadata.name;
    if (routes.serviceOrigin.get(name) === 'inline') {
      const field = ['spec', 'services', name];
      errors.push({ file: api.file, line: api.lineOf(field), field: formatFieldPath(field), message: `service name "${name}" is also a Service resource routed to by ${use.id}; rename one` });
      return;
    }
    if (!routes.serviceOrigin.has(name)) {
      routes.services.push({ name, url: target.spec.address.trim() });
      routes.serviceOrigin.set(name, 'resource');
    }
    weighted.push({ service: name, destinationPath: normalizePath(destination.destinationPath), weight: destination.weight ?? 1 });
  }
  const first = weighted[0]!;
  const route: RouteSnapshot = { service: first.service, destinationPath: first.destinationPath };
  if (use.policyName === 'route-weighted') route.weighted = weighted;
  if (validated.rules?.length) route.rules = validated.rules;
  (routes.bound ??= []).push({ route, order: use.order ?? 50, seq: use.seq });
}
