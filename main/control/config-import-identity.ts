/**
 * Import step: SlaTier, Application, Contract and AlertRule resources → store records, with
 * references (by resource name) turned into ids. Plain secrets in a file are hashed here; the
 * store never sees them.
 */
import { alertRuleCreateSchema } from '../../shared/contract/models';
import { resourcesOfKind, type AnyResource } from '../config/resources';
import { hashSecret, verifySecret } from '../policies/secret-hash';
import type { NewAlertRule } from '../store/alert-rules';
import type { NewApplication } from '../store/applications';
import type { NewContract } from '../store/contracts';
import type { NewSlaTier } from '../store/sla-tiers';
import type { ApiPlan } from './config-import-apis';
import type { GatewayPlan, ImportContext } from './config-import';
import { checkAlertScope } from './handlers/alerts';
import { alertSpecOf } from './models';

export interface IdentityPlan {
  tiers: NewSlaTier[];
  applications: NewApplication[];
  contracts: NewContract[];
  alertRules: NewAlertRule[];
}

export function importIdentity(ctx: ImportContext, resources: readonly AnyResource[], apis: ApiPlan, gateways: GatewayPlan): IdentityPlan {
  const plan: IdentityPlan = { tiers: [], applications: [], contracts: [], alertRules: [] };
  const now = Date.now();
  // References go by metadata.name, so a name used twice would be ambiguous.
  for (const kind of ['SlaTier', 'Application', 'Contract', 'AlertRule']) uniqueNames(ctx, resources.filter((resource) => resource.kind === kind));

  const tierIds = new Map<string, { id: string; apiId: string }>();
  const tierNames = new Map<string, string>();
  for (const tier of resourcesOfKind(resources, 'SlaTier')) {
    const apiId = apis.idsByName.get(tier.spec.apiRef.name);
    if (!apiId) continue; // a missing API was reported by the loader
    const name = ctx.displayName(tier);
    const id = ctx.idFor(tier, 'tier', `${apiId} ${name}`);
    if (clashes(tierNames, `${apiId} ${name}`, tier)) ctx.error(tier, ['metadata', 'name'], `API ${tier.spec.apiRef.name} has two tiers named "${name}"`);
    tierIds.set(tier.metadata.name, { id, apiId });
    plan.tiers.push({
      id,
      apiId,
      name,
      limits: tier.spec.limits,
      approval: tier.spec.approval,
      status: tier.spec.status,
      ...(tier.spec.description !== undefined ? { description: tier.spec.description } : {}),
      createdAt: now,
    });
  }

  const appIds = new Map<string, string>();
  const appNames = new Map<string, string>();
  for (const app of resourcesOfKind(resources, 'Application')) {
    const name = ctx.displayName(app);
    const id = ctx.idFor(app, 'app', name);
    if (clashes(appNames, name, app)) ctx.error(app, ['metadata', 'name'], `two applications named "${name}"`);
    appIds.set(app.metadata.name, id);
    appIds.set(app.spec.clientId, id);
    plan.applications.push({
      id,
      name,
      clientId: app.spec.clientId,
      secretHash: app.spec.clientSecretHash ?? secretHashFor(ctx, id, app.spec.clientSecret!),
      ...(app.spec.description !== undefined ? { description: app.spec.description } : {}),
      createdAt: now,
    });
  }

  const pairs = new Map<string, string>();
  for (const contract of resourcesOfKind(resources, 'Contract')) {
    const applicationId = appIds.get(contract.spec.application);
    const apiId = apis.idsByName.get(contract.spec.api);
    const tier = contract.spec.tier !== undefined ? tierIds.get(contract.spec.tier) : undefined;
    if (!applicationId || !apiId || (contract.spec.tier !== undefined && !tier)) continue; // reported by the loader
    const pair = `${applicationId} ${apiId}`;
    const previous = pairs.get(pair);
    if (previous !== undefined) {
      ctx.error(contract, ['spec', 'api'], `application ${contract.spec.application} already has a contract for ${contract.spec.api} (Contract ${previous})`);
      continue;
    }
    pairs.set(pair, contract.metadata.name);
    plan.contracts.push({
      id: ctx.idFor(contract, 'con', pair),
      applicationId,
      apiId,
      ...(tier ? { tierId: tier.id } : {}),
      status: contract.spec.status,
      createdAt: now,
    });
  }

  const ruleNames = new Map<string, string>();
  for (const rule of resourcesOfKind(resources, 'AlertRule')) {
    const { api, gateway, ...rest } = rule.spec as Record<string, unknown>;
    const input: Record<string, unknown> = { ...rest, name: ctx.displayName(rule) };
    if (api !== undefined) {
      const apiId = typeof api === 'string' ? apis.idsByName.get(api) : undefined;
      if (!apiId) ctx.error(rule, ['spec', 'api'], `no ApiInstance named "${String(api)}"`);
      else input.apiId = apiId;
    }
    if (gateway !== undefined) {
      const found = typeof gateway === 'string' ? gateways.byName.get(gateway) : undefined;
      if (!found) ctx.error(rule, ['spec', 'gateway'], `no Gateway named "${String(gateway)}"`);
      else input.gatewayId = found.id;
    }
    const parsed = alertRuleCreateSchema.safeParse(input);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const path = issue.path.map((part) => (part === 'apiId' ? 'api' : part === 'gatewayId' ? 'gateway' : part)) as (string | number)[];
        const keys = issue.code === 'unrecognized_keys' ? issue.keys : [undefined];
        for (const key of keys) ctx.error(rule, ['spec', ...path, ...(key ? [key] : [])], key ? 'unknown field' : issue.message);
      }
      continue;
    }
    const value = parsed.data;
    if (clashes(ruleNames, value.name, rule)) ctx.error(rule, ['metadata', 'name'], `two alert rules named "${value.name}"`);
    for (const detail of checkAlertScopeOnPlan(value, apis, gateways))
      ctx.error(rule, ['spec', detail.path === 'apiId' ? 'api' : detail.path === 'gatewayId' ? 'gateway' : detail.path], detail.message);
    plan.alertRules.push({
      id: ctx.idFor(rule, 'rule', value.name),
      name: value.name,
      kind: value.kind,
      ...(value.apiId !== undefined ? { apiId: value.apiId } : {}),
      ...(value.gatewayId !== undefined ? { gatewayId: value.gatewayId } : {}),
      enabled: value.enabled,
      spec: alertSpecOf(value),
      createdAt: now,
    });
  }
  return plan;
}

/**
 * A plain secret's hash: the stored one when it is the hash of this same secret (hashes are
 * salted, so hashing again would differ and every apply of an unchanged file would rewrite the
 * application), else a new one.
 */
function secretHashFor(ctx: ImportContext, id: string, secret: string): string {
  const stored = ctx.store?.applications.get(id)?.secretHash;
  return stored !== undefined && verifySecret(secret, stored) ? stored : hashSecret(secret);
}

/** Display names must be unique too; the same metadata.name twice is reported by uniqueNames. */
function clashes(seen: Map<string, string>, key: string, resource: AnyResource): boolean {
  const other = seen.get(key);
  if (other === undefined) seen.set(key, resource.metadata.name);
  return other !== undefined && other !== resource.metadata.name;
}

function uniqueNames(ctx: ImportContext, resources: readonly AnyResource[]): void {
  const seen = new Map<string, AnyResource>();
  for (const resource of resources) {
    const first = seen.get(resource.metadata.name);
    if (first) ctx.error(resource, ['metadata', 'name'], `${resource.kind} "${resource.metadata.name}" is already declared at ${first.file}:${first.line}`);
    else seen.set(resource.metadata.name, resource);
  }
}

/** checkAlertScope against the plan (the store does not hold the imported rows yet). */
function checkAlertScopeOnPlan(rule: Parameters<typeof checkAlertScope>[1], apis: ApiPlan, gateways: GatewayPlan) {
  const apiIds = new Set(apis.records.map((api) => api.id));
  const gatewayIds = new Set(gateways.list.map((gateway) => gateway.id));
  return checkAlertScope({ api: (id) => apiIds.has(id), gateway: (id) => gatewayIds.has(id) }, rule);
}
