/**
 * Import step: SlaTier, Application, Contract and AlertRule resources → store records, with
 * references (by resource name) turned into ids. Plain secrets in a file are hashed here; the
 * store never sees them.
 */
import { alertRuleCreateSchema } from '../../shared/contract/models';
import { resourcesOfKind, type AnyResource } from '../config/resources';
import { hashSecret } from '../gateway/secret-hash';
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

  const tierIds = new Map<string, { id: string; apiId: string }>();
  const tierNames = new Set<string>();
  for (const tier of resourcesOfKind(resources, 'SlaTier')) {
    const apiId = apis.idsByName.get(tier.spec.apiRef.name);
    if (!apiId) continue; // a missing API was reported by the loader
    const id = ctx.idFor(tier, 'tier');
    const name = ctx.displayName(tier);
    if (tierNames.has(`${apiId} ${name}`)) ctx.error(tier, ['metadata', 'name'], `API ${tier.spec.apiRef.name} has two tiers named "${name}"`);
    tierNames.add(`${apiId} ${name}`);
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
  const appNames = new Set<string>();
  for (const app of resourcesOfKind(resources, 'Application')) {
    const id = ctx.idFor(app, 'app');
    const name = ctx.displayName(app);
    if (appNames.has(name)) ctx.error(app, ['metadata', 'name'], `two applications named "${name}"`);
    appNames.add(name);
    appIds.set(app.metadata.name, id);
    appIds.set(app.spec.clientId, id);
    plan.applications.push({
      id,
      name,
      clientId: app.spec.clientId,
      secretHash: app.spec.clientSecretHash ?? hashSecret(app.spec.clientSecret!),
      ...(app.spec.description !== undefined ? { description: app.spec.description } : {}),
      createdAt: now,
    });
  }

  for (const contract of resourcesOfKind(resources, 'Contract')) {
    const applicationId = appIds.get(contract.spec.application);
    const apiId = apis.idsByName.get(contract.spec.api);
    const tier = contract.spec.tier !== undefined ? tierIds.get(contract.spec.tier) : undefined;
    if (!applicationId || !apiId || (contract.spec.tier !== undefined && !tier)) continue; // reported by the loader
    plan.contracts.push({
      id: ctx.idFor(contract, 'con'),
      applicationId,
      apiId,
      ...(tier ? { tierId: tier.id } : {}),
      status: contract.spec.status,
      createdAt: now,
    });
  }

  const ruleNames = new Set<string>();
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
    if (ruleNames.has(value.name)) ctx.error(rule, ['metadata', 'name'], `two alert rules named "${value.name}"`);
    ruleNames.add(value.name);
    for (const detail of checkAlertScopeOnPlan(value, apis, gateways))
      ctx.error(rule, ['spec', detail.path === 'apiId' ? 'api' : detail.path === 'gatewayId' ? 'gateway' : detail.path], detail.message);
    plan.alertRules.push({
      id: ctx.idFor(rule, 'rule'),
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

/** checkAlertScope against the plan (the store does not hold the imported rows yet). */
function checkAlertScopeOnPlan(rule: Parameters<typeof checkAlertScope>[1], apis: ApiPlan, gateways: GatewayPlan) {
  const apiIds = new Set(apis.records.map((api) => api.id));
  const gatewayIds = new Set(gateways.list.map((gateway) => gateway.id));
  return checkAlertScope({ api: (id) => apiIds.has(id), gateway: (id) => gatewayIds.has(id) }, rule);
}
