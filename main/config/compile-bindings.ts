/**
 * Policy uses (inline `spec.policies[i]` and PolicyBinding resources): which APIs or Services
 * they target, and their config validated against the policy catalogue. Each use is validated
 * once, however many APIs a selector binds it to, so an error is reported once.
 */
import type { ZodType } from 'zod';
import { z } from 'zod';
import type { PolicyRule } from '../../shared/policies/common';
import { inlineSpecFile } from './spec-files';
import { formatFieldPath, similarNames, type ConfigError } from './errors';
import { missing } from './compile-identity';
import { issueMessage, pushZodIssues, type AnyResource, type LoadedResource } from './resources';

export type PolicyScope = 'request' | 'listener' | 'upstream' | 'probe';

/** What the compiler needs from the policy catalogue (shared/policies). */
export interface PolicyLookup {
  /** `name`: what the snapshot calls it, when a binding may use another name (a custom policy's Extension). */
  find(name: string): { schema: ZodType; scope: PolicyScope; name?: string } | undefined;
  names(): string[];
  /** Why a name that `find` does not know cannot be used, when there is more to say than "unknown". */
  explain?(name: string): string | undefined;
}

export interface BindingUse {
  policyName: string;
  rawConfig: Record<string, unknown>;
  order?: number;
  rules?: PolicyRule[];
  /** Stable across reloads: counters and traces key on it. */
  id: string;
  enabled: boolean;
  /** The resource that declared it: an ApiInstance (inline) or a PolicyBinding. */
  resource: AnyResource;
  /** Path of the use inside that resource: `['spec', 'policies', i]` or `['spec']`. */
  base: (string | number)[];
  /** Declaration order across all files: ties in `order` keep it. */
  seq: number;
}

/** One Service resource a route sends to; `weight` only for `route-weighted`. */
export interface RouteDestination {
  name: string;
  destinationPath: string;
  weight?: number;
  /** Where it is declared, relative to the use (for errors). */
  path: (string | number)[];
}

export type ValidatedUse =
  | { kind: 'route'; use: BindingUse; destinations: RouteDestination[]; rules?: PolicyRule[] }
  /** `name`: the policy's name in the snapshot (a custom policy's own, whatever Extension name the binding used). */
  | { kind: 'policy'; use: BindingUse; scope: PolicyScope; config: Record<string, unknown>; name: string };

const destinationRefSchema = z.object({ name: z.string().min(1), kind: z.literal('Service').optional(), namespace: z.string().optional() }).strict();

/** Flex's `route` policy: sends an ApiInstance's traffic to a Service resource. */
const routeConfigSchema = z
  .object({
    destinationPath: z.string().optional(),
    destinationRef: destinationRefSchema,
  })
  .strict();

/** Flex's `route-weighted`: one route, its traffic split over Service resources by weight. */
const weightedRouteConfigSchema = z
  .object({
    routes: z
      .array(
        z
          .object({
            weight: z.number().int().min(1).max(100),
            destinationPath: z.string().optional(),
            destinationRef: destinationRefSchema,
          })
          .strict(),
      )
      .min(1, 'needs at least one upstream'),
  })
  .strict();

export const DISABLED_ANNOTATION = 'gatehouse.dev/enabled';

export function isEnabled(resource: AnyResource): boolean {
  return resource.metadata.annotations?.[DISABLED_ANNOTATION] !== 'false';
}

export class UseValidator {
  private readonly cache = new Map<BindingUse, ValidatedUse | undefined>();

  constructor(
    private readonly lookup: PolicyLookup,
    private readonly errors: ConfigError[],
  ) {}

  validate(use: BindingUse): ValidatedUse | undefined {
    if (!this.cache.has(use)) this.cache.set(use, this.check(use));
    return this.cache.get(use);
  }

  private error(use: BindingUse, path: (string | number)[], message: string): void {
    const full = [...use.base, ...path];
    this.errors.push({ file: use.resource.file, line: use.resource.lineOf(full), field: formatFieldPath(full), message });
  }

  private check(use: BindingUse): ValidatedUse | undefined {
    const name = use.policyName;
    if (name === 'route') {
      const parsed = routeConfigSchema.safeParse(use.rawConfig, { error: issueMessage });
      if (!parsed.success) {
        pushZodIssues(this.errors, use.resource, [...use.base, 'config'], parsed.error.issues);
        return undefined;
      }
      const destination = { name: parsed.data.destinationRef.name, destinationPath: parsed.data.destinationPath ?? '/', path: ['config', 'destinationRef', 'name'] };
      return { kind: 'route', use, destinations: [destination], rules: use.rules };
    }
    if (name === 'route-weighted') {
      const parsed = weightedRouteConfigSchema.safeParse(use.rawConfig, { error: issueMessage });
      if (!parsed.success) {
        pushZodIssues(this.errors, use.resource, [...use.base, 'config'], parsed.error.issues);
        return undefined;
      }
      const destinations = parsed.data.routes.map((route, index) => ({
        name: route.destinationRef.name,
        destinationPath: route.destinationPath ?? '/',
        weight: route.weight,
        path: ['config', 'routes', index, 'destinationRef', 'name'],
      }));
      return { kind: 'route', use, destinations, rules: use.rules };
    }
    const entry = this.lookup.find(name);
    if (!entry) {
      const explanation = this.lookup.explain?.(name);
      if (explanation) return void this.error(use, ['policyRef', 'name'], explanation);
      const suggestions = similarNames(name, this.lookup.names());
      const hint = suggestions.length ? ` (did you mean ${suggestions.join(' or ')}?)` : '';
      this.error(use, ['policyRef', 'name'], `unknown policy "${name}"${hint}`);
      return undefined;
    }
    const parsed = entry.schema.safeParse(use.rawConfig, { error: issueMessage });
    if (!parsed.success) {
      pushZodIssues(this.errors, use.resource, [...use.base, 'config'], parsed.error.issues);
      return undefined;
    }
    let config = (parsed.data ?? {}) as Record<string, unknown>;
    if (name === 'spec-validation-flex') {
      const inlined = inlineSpecFile(config, use.resource.file);
      if (typeof inlined === 'string') return void this.error(use, ['config', 'spec'], inlined);
      config = inlined;
    }
    return { kind: 'policy', use, scope: entry.scope, config, name: entry.name ?? name };
  }
}

export interface BindingTargets {
  /** PolicyBinding uses per ApiInstance name, in declaration order. */
  apis: Map<string, BindingUse[]>;
  /** tls-outbound uses per Service name (a Service resource or an inline service). */
  services: Map<string, BindingUse[]>;
}

/**
 * Flex's outbound policies that run per request, documented as bound to a Service: they apply
 * to every API whose services include it (each API with its own instance).
 */
export const SERVICE_REQUEST_POLICIES: ReadonlySet<string> = new Set(['circuit-breaker-flex', 'idle-timeout-flex']);

/**
 * Resolves every PolicyBinding's targetRef: by name (ApiInstance by default, Service when
 * `kind: Service`) or by label selector. A binding that targets nothing is an error.
 */
export function resolveBindings(
  bindings: readonly LoadedResource<'PolicyBinding'>[],
  apis: ReadonlyMap<string, LoadedResource<'ApiInstance'>>,
  serviceNames: ReadonlySet<string>,
  serviceLabels: ReadonlyMap<string, Record<string, string>>,
  lookup: PolicyLookup,
  nextSeq: () => number,
  errors: ConfigError[],
): BindingTargets {
  const targets: BindingTargets = { apis: new Map(), services: new Map() };
  const add = (map: Map<string, BindingUse[]>, key: string, use: BindingUse) => {
    const list = map.get(key) ?? [];
    list.push(use);
    map.set(key, list);
  };
  for (const binding of bindings) {
    const { spec } = binding;
    const use: BindingUse = {
      policyName: spec.policyRef.name,
      rawConfig: (spec.config ?? {}) as Record<string, unknown>,
      order: spec.order,
      rules: spec.rules,
      id: binding.metadata.name,
      enabled: isEnabled(binding),
      resource: binding,
      base: ['spec'],
      seq: nextSeq(),
    };
    const ref = spec.targetRef;
    const fail = (path: string[], message: string) =>
      errors.push({ file: binding.file, line: binding.lineOf(['spec', 'targetRef', ...path]), field: formatFieldPath(['spec', 'targetRef', ...path]), message });
    const serviceTargetable = lookup.find(use.policyName)?.scope === 'upstream' || SERVICE_REQUEST_POLICIES.has(use.policyName);

    if (ref.name !== undefined) {
      // Flex's default kind is ApiInstance; tls-outbound usually names a Service.
      const kind = ref.kind ?? (serviceTargetable && !apis.has(ref.name) && serviceNames.has(ref.name) ? 'Service' : 'ApiInstance');
      if (kind === 'Service') {
        if (!serviceNames.has(ref.name)) fail(['name'], missing('Service', ref.name, serviceNames));
        else if (!serviceTargetable && lookup.find(use.policyName)) fail(['kind'], `policy ${use.policyName} cannot target a Service; only tls-outbound, ${[...SERVICE_REQUEST_POLICIES].join(', ')} can (bind it to the ApiInstance instead)`);
        else add(targets.services, ref.name, use);
      } else if (!apis.has(ref.name)) fail(['name'], missing('ApiInstance', ref.name, apis.keys()));
      else add(targets.apis, ref.name, use);
      continue;
    }

    const selectorKind = ref.selector?.kind ?? 'ApiInstance';
    const wanted = { ...(ref.matchLabels ?? {}), ...(ref.selector?.matchLabels ?? {}), ...(ref.selector?.labels ?? {}) };
    const matches = (labels: Record<string, string> | undefined) => Object.entries(wanted).every(([key, value]) => labels?.[key] === value);
    const describe = Object.keys(wanted).length ? `labels ${Object.entries(wanted).map(([k, v]) => `${k}=${v}`).join(', ')}` : 'its selector';
    let matched = 0;
    if (selectorKind === 'Service') {
      for (const [name, labels] of serviceLabels) if (matches(labels)) (matched++, add(targets.services, name, use));
    } else {
      for (const [name, api] of apis) if (matches(api.metadata.labels)) (matched++, add(targets.apis, name, use));
    }
    if (matched === 0) fail(['selector'], `no ${selectorKind} matches ${describe}`);
  }
  return targets;
}
