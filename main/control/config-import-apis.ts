/**
 * Import step: ApiInstance resources (with inline policies, PolicyBinding resources and
 * `route` bindings to Service resources) → APIs and policy bindings. The app's model has one
 * upstream per API; a file that needs more (several services, routes with rules) is refused
 * with the line to change, as local mode can still run it.
 */
import { catalogueLookup } from '../config/catalogue-lookup';
import { resolveBindings, type BindingUse } from '../config/compile-bindings';
import { parseAddress } from '../config/compile';
import type { ConfigError } from '../config/errors';
import { resourcesOfKind, type AnyResource, type LoadedResource } from '../config/resources';
import { joinPrefix } from '../gateway/compile';
import type { NewApi } from '../store/apis';
import type { NewPolicyBinding } from '../store/policy-bindings';
import type { GatewayPlan, ImportContext } from './config-import';
import { ANNOTATION } from './config-names';
import { checkPolicyConfig } from './policy-config';

export interface ApiPlan {
  records: (NewApi & { id: string })[];
  bindings: NewPolicyBinding[];
  /** metadata.name → API id. */
  idsByName: Map<string, string>;
}

interface Upstream {
  url: string;
  serviceName: string;
}

export function importApis(ctx: ImportContext, resources: readonly AnyResource[], gateways: GatewayPlan): ApiPlan {
  const plan: ApiPlan = { records: [], bindings: [], idsByName: new Map() };
  const apis = new Map(resourcesOfKind(resources, 'ApiInstance').map((api) => [api.metadata.name, api]));
  const services = new Map(resourcesOfKind(resources, 'Service').map((service) => [service.metadata.name, service]));
  const inlineServiceNames = [...apis.values()].flatMap((api) => Object.keys(api.spec.services ?? {}));
  // Targets were checked by the loader already; its errors are not repeated here.
  const ignored: ConfigError[] = [];
  let seq = 0;
  const targets = resolveBindings(
    resourcesOfKind(resources, 'PolicyBinding'),
    apis,
    new Set([...services.keys(), ...inlineServiceNames]),
    new Map([...services].map(([name, service]) => [name, service.metadata.labels ?? {}])),
    catalogueLookup,
    () => seq++,
    ignored,
  );
  const consumedBindingIds = new Set<string>();
  const displayNames = new Map<string, string>();
  const basePaths = new Map<string, string>();
  const now = Date.now();

  for (const resource of apis.values()) {
    const address = parseAddress(resource.spec.address);
    if (typeof address === 'string') continue; // reported by the loader
    const bound = targets.apis.get(resource.metadata.name) ?? [];
    const upstream = upstreamOf(ctx, resource, bound, services);
    if (!upstream) continue;
    const gateway = gateways.forPort(address.port, resource, address.host);
    const name = ctx.displayName(resource);
    const id = ctx.idFor(resource, 'api', name);
    const annotations = resource.metadata.annotations ?? {};

    const other = displayNames.get(name);
    if (other !== undefined) ctx.error(resource, ['metadata', 'name'], `two APIs named "${name}" (also ${other})`);
    displayNames.set(name, resource.metadata.name);
    const pathKey = `${gateway.port} ${address.basePath}`;
    const claimed = basePaths.get(pathKey);
    if (claimed !== undefined) ctx.error(resource, ['spec', 'address'], `ApiInstance ${claimed} already serves ${address.basePath} on port ${gateway.port}`);
    basePaths.set(pathKey, resource.metadata.name);

    plan.idsByName.set(resource.metadata.name, id);
    plan.records.push({
      id,
      name,
      version: annotations[ANNOTATION.version] ?? 'v1',
      ...(annotations[ANNOTATION.description] !== undefined ? { description: annotations[ANNOTATION.description] } : {}),
      implementationUrl: upstream.url,
      basePath: address.basePath,
      gatewayId: gateway.id,
      enabled: annotations[ANNOTATION.enabled] !== 'false',
      createdAt: now,
    });

    const inlineIds = (annotations[ANNOTATION.policyIds] ?? '').split(',').filter(Boolean);
    const uses: { use: BindingUse; givenId: string | undefined }[] = [];
    (resource.spec.policies ?? []).forEach((policy, index) => {
      uses.push({
        use: {
          policyName: policy.policyRef.name,
          rawConfig: (policy.config ?? {}) as Record<string, unknown>,
          order: policy.order,
          rules: policy.rules,
          id: '',
          enabled: true,
          resource,
          base: ['spec', 'policies', index],
          seq: -1,
        },
        givenId: inlineIds[index],
      });
    });
    for (const use of [...bound, ...(targets.services.get(upstream.serviceName) ?? [])]) {
      if (use.policyName === 'route' || use.policyName === 'route-weighted') continue;
      const given = use.resource.metadata.annotations?.[ANNOTATION.id];
      // A selector may bind one PolicyBinding to several APIs: its id goes to the first.
      const fresh = given !== undefined && !consumedBindingIds.has(given);
      if (given !== undefined) consumedBindingIds.add(given);
      uses.push({ use, givenId: fresh ? given : undefined });
    }

    uses.forEach(({ use, givenId }, position) => {
      const checked = checkPolicyConfig(use.policyName, use.rawConfig, '', ctx.customPolicies);
      if (!checked.ok) {
        for (const detail of checked.details) ctx.error(use.resource, [...use.base, detail.path], detail.message);
        return;
      }
      plan.bindings.push({
        id: ctx.idFrom(use.resource, 'pol', givenId, `${id} ${use.policyName}`),
        apiId: id,
        policyRef: use.policyName,
        config: checked.config,
        order: use.order ?? 50,
        enabled: use.enabled,
        ...(use.rules && use.rules.length > 0 ? { rules: use.rules } : {}),
        position,
        createdAt: now,
      });
    });
  }
  return plan;
}

/** The API's one upstream: an inline service, or a `route` binding to a Service resource. */
function upstreamOf(
  ctx: ImportContext,
  resource: LoadedResource<'ApiInstance'>,
  bound: readonly BindingUse[],
  services: ReadonlyMap<string, LoadedResource<'Service'>>,
): Upstream | undefined {
  const candidates: (Upstream & { destinationPath: string })[] = [];
  for (const [serviceName, service] of Object.entries(resource.spec.services ?? {})) {
    const routes = service.routes ?? [];
    if (routes.length > 1 || routes.some((route) => route.rules && route.rules.length > 0)) {
      ctx.error(resource, ['spec', 'services', serviceName, 'routes'], 'routes with rules (several routes per upstream) run in local mode only; the app sends all of an API to one upstream', true);
      return undefined;
    }
    candidates.push({ serviceName, url: service.address.trim(), destinationPath: routes[0]?.config?.destinationPath ?? '/' });
  }
  for (const use of bound) {
    if (use.policyName === 'route-weighted') {
      ctx.error(use.resource, [...use.base, 'policyRef', 'name'], 'route-weighted (several upstreams by weight) runs in local mode only; the app sends all of an API to one upstream', true);
      return undefined;
    }
    if (use.policyName !== 'route') continue;
    const config = use.rawConfig as { destinationRef?: { name?: string }; destinationPath?: string };
    const target = config.destinationRef?.name ? services.get(config.destinationRef.name) : undefined;
    if (!target) continue;
    if (use.rules && use.rules.length > 0) {
      ctx.error(use.resource, [...use.base, 'rules'], 'routes with rules run in local mode only; the app sends all of an API to one upstream', true);
      return undefined;
    }
    candidates.push({ serviceName: target.metadata.name, url: target.spec.address.trim(), destinationPath: config.destinationPath ?? '/' });
  }
  if (candidates.length !== 1) {
    if (candidates.length > 1)
      ctx.error(resource, ['spec', 'services'], `the app gives each API one upstream; ${resource.metadata.name} has ${candidates.length} (split it into one ApiInstance per upstream, or run it in local mode)`, true);
    return undefined; // none: the loader reported it
  }
  const { serviceName, url, destinationPath } = candidates[0]!;
  return { serviceName, url: withDestination(url, destinationPath) };
}

/** `http://h/svc` + `/v2` → `http://h/svc/v2`; `/` leaves the address exactly as written. */
function withDestination(address: string, destinationPath: string): string {
  if (destinationPath.replace(/\/+/g, '/') === '/') return address;
  const url = new URL(address);
  url.pathname = `${joinPrefix(url.pathname, destinationPath)}/`;
  return url.toString();
}
