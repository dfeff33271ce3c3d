/**
 * APIs, their policy bindings and the policy catalogue.
 */
import { z } from 'zod';
import { ContractError } from '../../../shared/contract/errors';
import type { ContractHandlers } from '../../../shared/contract/methods';
import { policyCatalogue } from '../../../shared/policies/catalogue';
import type { ApiPatch, ApiRecord } from '../../store/apis';
import { toApi, toPolicyBinding } from '../models';
import { resolveTls, validatePolicyConfig } from '../policy-config';
import { apiUpstreamHealth } from '../upstream-health';
import {
  assertApiNameFree,
  assertBasePathFree,
  missingReference,
  requireApi,
  type HandlerContext,
} from './context';

type ApiHandlers = Pick<
  ContractHandlers,
  | 'apis.list'
  | 'apis.get'
  | 'apis.create'
  | 'apis.update'
  | 'apis.remove'
  | 'policies.list'
  | 'policies.add'
  | 'policies.update'
  | 'policies.remove'
  | 'policies.reorder'
  | 'catalogue.list'
>;

export function apiHandlers(ctx: HandlerContext): ApiHandlers {
  const { store, live } = ctx;
  /** With the embedded gateway's health checks of its upstream, its own or another API's on the same service (green/red in the UI and the tray). */
  const view = (record: ApiRecord) => {
    const health = apiUpstreamHealth(record, ctx.runtime.upstreamHealth());
    const tripped = ctx.runtime.trippedBindings().find((state) => state.apiId === record.id);
    const circuit = tripped ? { circuit: { state: 'open' as const, detail: tripped.detail, since: tripped.at } } : {};
    return { ...toApi(record), ...(health ? { upstreamHealth: health } : {}), ...circuit };
  };

  /** TLS bindings must name readable, matching certificates before they reach the gateway. */
  const checkTls = (policyRef: string, config: Record<string, unknown>) => {
    if (policyRef !== 'tls' && policyRef !== 'tls-outbound') return;
    const { details } = resolveTls(policyRef, config, ctx.dataDir);
    if (details.length > 0) throw ContractError.validation(details);
  };

  return {
    'apis.list': async ({ gatewayId }) => (gatewayId ? store.apis.listByGateway(gatewayId) : store.apis.list()).map(view),

    'apis.get': async ({ id }) => view(requireApi(store, id)),

    'apis.create': async (input) =>
      live.write((tx, changes) => {
        const gateway = input.gatewayId ? tx.gateways.get(input.gatewayId) : tx.embeddedGateway();
        if (!gateway) throw missingReference('gatewayId', 'gateway', input.gatewayId ?? 'embedded');
        assertApiNameFree(tx, input.name);
        assertBasePathFree(tx, gateway, input.basePath);
        const api = tx.apis.insert({
          name: input.name,
          version: input.version,
          implementationUrl: input.implementationUrl,
          basePath: input.basePath,
          gatewayId: gateway.id,
          enabled: input.enabled,
          ...(input.description !== undefined ? { description: input.description } : {}),
        });
        changes.push({ kind: 'api', id: api.id, action: 'created' });
        return toApi(api);
      }),

    'apis.update': async ({ id, ...patch }) =>
      live.write((tx, changes) => {
        const current = requireApi(tx, id);
        const gatewayId = patch.gatewayId ?? current.gatewayId;
        const gateway = tx.gateways.get(gatewayId);
        if (!gateway) throw missingReference('gatewayId', 'gateway', gatewayId);
        if (patch.name !== undefined) assertApiNameFree(tx, patch.name, id);
        if (patch.basePath !== undefined || patch.gatewayId !== undefined) assertBasePathFree(tx, gateway, patch.basePath ?? current.basePath, id);
        const next: ApiPatch = {
          name: patch.name,
          version: patch.version,
          description: patch.description,
          implementationUrl: patch.implementationUrl,
          basePath: patch.basePath,
          gatewayId: patch.gatewayId,
          enabled: patch.enabled,
        };
        const api = tx.apis.update(id, next)!;
        changes.push({ kind: 'api', id, action: 'updated' });
        return toApi(api);
      }),

    'apis.remove': async ({ id }) =>
      live.write((tx, changes) => {
        requireApi(tx, id);
        tx.apis.delete(id);
        changes.push({ kind: 'api', id, action: 'removed' });
      }),

    'policies.list': async ({ apiId }) => {
      requireApi(store, apiId);
      return store.policies.listByApi(apiId).map((binding) => toPolicyBinding(binding, store.secrets));
    },

    'policies.add': async ({ apiId, policyRef, config, order, enabled, rules }) => {
      const validated = validatePolicyConfig(policyRef, config, ctx.customPolicies.catalogueEntry);
      checkTls(policyRef, validated);
      return live.write((tx, changes) => {
        requireApi(tx, apiId);
        const binding = tx.policies.insert({ apiId, policyRef, config: validated, order, enabled, ...(rules ? { rules } : {}) });
        changes.push({ kind: 'policy', id: binding.id, action: 'created', apiId });
        return toPolicyBinding(binding, store.secrets);
      });
    },

    'policies.update': async ({ apiId, policyId, config, order, enabled, rules }) =>
      live.write((tx, changes) => {
        requireApi(tx, apiId);
        const binding = tx.policies.get(policyId);
        if (!binding || binding.apiId !== apiId) throw ContractError.notFound('policy binding', policyId);
        let validated: Record<string, unknown> | undefined;
        if (config !== undefined) {
          validated = validatePolicyConfig(binding.policyRef, config, ctx.customPolicies.catalogueEntry);
          checkTls(binding.policyRef, validated);
        }
        const updated = tx.policies.update(policyId, { config: validated, order, enabled, ...(rules !== undefined ? { rules } : {}) })!;
        changes.push({ kind: 'policy', id: policyId, action: 'updated', apiId });
        return toPolicyBinding(updated, store.secrets);
      }),

    'policies.remove': async ({ apiId, policyId }) =>
      live.write((tx, changes) => {
        requireApi(tx, apiId);
        const binding = tx.policies.get(policyId);
        if (!binding || binding.apiId !== apiId) throw ContractError.notFound('policy binding', policyId);
        tx.policies.delete(policyId);
        changes.push({ kind: 'policy', id: policyId, action: 'removed', apiId });
      }),

    'policies.reorder': async ({ apiId, order }) =>
      live.write((tx, changes) => {
        requireApi(tx, apiId);
        const bindings = tx.policies.listByApi(apiId);
        const known = new Set(bindings.map((binding) => binding.id));
        const given = new Set(order);
        const details = [
          ...order.filter((id) => !known.has(id)).map((id) => ({ path: 'order', message: `"${id}" is not a policy of this API` })),
          ...bindings.filter((binding) => !given.has(binding.id)).map((binding) => ({ path: 'order', message: `missing "${binding.id}" (${binding.policyRef}); list every policy of the API` })),
        ];
        if (given.size !== order.length) details.push({ path: 'order', message: 'an id is listed twice' });
        if (details.length > 0) throw ContractError.validation(details);
        // Orders 10, 20, 30…: the requested sequence, with room to insert between.
        order.forEach((id, index) => tx.policies.update(id, { order: (index + 1) * 10 }));
        changes.push({ kind: 'policy', id: '*', action: 'updated', apiId });
        return tx.policies.listByApi(apiId).map((binding) => toPolicyBinding(binding, store.secrets));
      }),

    'catalogue.list': async () =>
      policyCatalogue.map((entry) => ({
        name: entry.name,
        title: entry.title,
        description: entry.description,
        category: entry.category,
        scope: entry.scope,
        defaults: entry.defaults,
        configSchema: z.toJSONSchema(entry.schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>,
      })).concat(
        // The policies library's custom policies, with their own JSON Schema.
        ctx.customPolicies.library.policies().map((policy) => ({
          name: policy.name,
          title: policy.catalogueEntry.title,
          description: policy.catalogueEntry.description,
          category: 'custom' as const,
          scope: 'request' as const,
          defaults: policy.catalogueEntry.defaults,
          configSchema: policy.schema as Record<string, unknown>,
        })),
      ),
  };
}

