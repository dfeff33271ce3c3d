/**
 * Applications, SLA tiers and contracts: who may call which API, at which limits. Every change
 * reaches the gateway before the call returns, so a revoked contract fails the next request.
 */
import { ContractError } from '../../../shared/contract/errors';
import type { ContractHandlers } from '../../../shared/contract/methods';
import type { ContractStatus } from '../../store/contracts';
import type { Store } from '../../store/store';
import { toApplication, toContract, toSlaTier } from '../models';
import { conflict, missingReference, requireFound, type HandlerContext } from './context';

type IdentityHandlers = Pick<
  ContractHandlers,
  | 'applications.list'
  | 'applications.get'
  | 'applications.create'
  | 'applications.update'
  | 'applications.remove'
  | 'applications.regenerateSecret'
  | 'slaTiers.list'
  | 'slaTiers.create'
  | 'slaTiers.update'
  | 'slaTiers.remove'
  | 'contracts.list'
  | 'contracts.create'
  | 'contracts.update'
>;

function assertAppNameFree(store: Store, name: string, exceptId?: string): void {
  const clash = store.applications.findByName(name);
  if (clash && clash.id !== exceptId) throw conflict(`an application named "${name}" already exists`, 'name');
}

function assertTierNameFree(store: Store, apiId: string, name: string, exceptId?: string): void {
  const clash = store.tiers.findByName(apiId, name);
  if (clash && clash.id !== exceptId) throw conflict(`the API already has a tier named "${name}"`, 'name');
}

export function identityHandlers(ctx: HandlerContext): IdentityHandlers {
  const { store, live } = ctx;
  const requireApplication = (tx: Store, id: string) => requireFound(tx.applications.get(id), 'application', id);
  const requireTier = (tx: Store, id: string) => requireFound(tx.tiers.get(id), 'SLA tier', id);

  return {
    'applications.list': async () => store.applications.list().map(toApplication),

    'applications.get': async ({ id }) => toApplication(requireApplication(store, id)),

    'applications.create': async (input) => {
      const created = await live.write((tx, changes) => {
        assertAppNameFree(tx, input.name);
        if (input.clientId !== undefined && tx.applications.findByClientId(input.clientId))
          throw conflict(`client id "${input.clientId}" is already used by another application`, 'clientId');
        const result = tx.applications.create(input);
        changes.push({ kind: 'application', id: result.application.id, action: 'created' });
        return result;
      });
      ctx.sessionSecrets.set(created.application.id, created.clientSecret);
      return { ...toApplication(created.application), clientSecret: created.clientSecret };
    },

    'applications.update': async ({ id, ...patch }) =>
      live.write((tx, changes) => {
        requireApplication(tx, id);
        if (patch.name !== undefined) assertAppNameFree(tx, patch.name, id);
        const application = tx.applications.update(id, patch)!;
        changes.push({ kind: 'application', id, action: 'updated' });
        return toApplication(application);
      }),

    'applications.remove': async ({ id }) => {
      await live.write((tx, changes) => {
        requireApplication(tx, id);
        tx.applications.delete(id);
        changes.push({ kind: 'application', id, action: 'removed' });
      });
      ctx.sessionSecrets.delete(id);
    },

    'applications.regenerateSecret': async ({ id }) => {
      const regenerated = await live.write((tx, changes) => {
        requireApplication(tx, id);
        const result = tx.applications.regenerateSecret(id)!;
        changes.push({ kind: 'application', id, action: 'updated' });
        return result;
      });
      ctx.sessionSecrets.set(id, regenerated.clientSecret);
      return { ...toApplication(regenerated.application), clientSecret: regenerated.clientSecret };
    },

    'slaTiers.list': async ({ apiId }) => (apiId ? store.tiers.listByApi(apiId) : store.tiers.list()).map(toSlaTier),

    'slaTiers.create': async (input) =>
      live.write((tx, changes) => {
        if (!tx.apis.get(input.apiId)) throw missingReference('apiId', 'API', input.apiId);
        assertTierNameFree(tx, input.apiId, input.name);
        const tier = tx.tiers.insert(input);
        changes.push({ kind: 'slaTier', id: tier.id, action: 'created', apiId: tier.apiId });
        return toSlaTier(tier);
      }),

    'slaTiers.update': async ({ id, ...patch }) =>
      live.write((tx, changes) => {
        const current = requireTier(tx, id);
        if (patch.name !== undefined) assertTierNameFree(tx, current.apiId, patch.name, id);
        const tier = tx.tiers.update(id, patch)!;
        changes.push({ kind: 'slaTier', id, action: 'updated', apiId: tier.apiId });
        return toSlaTier(tier);
      }),

    'slaTiers.remove': async ({ id }) =>
      live.write((tx, changes) => {
        const tier = requireTier(tx, id);
        const used = tx.tiers.contractCount(id);
        if (used > 0) throw conflict(`tier "${tier.name}" is used by ${used} contract(s); deprecate it instead (PATCH status: "deprecated")`);
        tx.tiers.delete(id);
        changes.push({ kind: 'slaTier', id, action: 'removed', apiId: tier.apiId });
      }),

    'contracts.list': async (filter) => store.contracts.list(filter).map(toContract),

    'contracts.create': async ({ applicationId, apiId, tierId }) =>
      live.write((tx, changes) => {
        const application = tx.applications.get(applicationId);
        const api = tx.apis.get(apiId);
        const details = [
          ...(application ? [] : [{ path: 'applicationId', message: `no application with id "${applicationId}"` }]),
          ...(api ? [] : [{ path: 'apiId', message: `no API with id "${apiId}"` }]),
        ];
        if (details.length > 0) throw ContractError.validation(details);
        let status: ContractStatus = 'approved';
        if (tierId !== undefined) {
          const tier = tx.tiers.get(tierId);
          if (!tier) throw missingReference('tierId', 'SLA tier', tierId);
          if (tier.apiId !== apiId) throw ContractError.validation([{ path: 'tierId', message: `tier "${tier.name}" belongs to another API` }]);
          if (tier.status === 'deprecated') throw conflict(`tier "${tier.name}" is deprecated and takes no new contracts`, 'tierId');
          status = tier.approval === 'automatic' ? 'approved' : 'pending';
        }
        const existing = tx.contracts.findByPair(applicationId, apiId);
        if (existing) throw conflict(`application "${application!.name}" already has a contract for API "${api!.name}" (${existing.id}, ${existing.status})`);
        const contract = tx.contracts.insert({ applicationId, apiId, status, ...(tierId !== undefined ? { tierId } : {}) });
        changes.push({ kind: 'contract', id: contract.id, action: 'created', apiId });
        return toContract(contract);
      }),

    'contracts.update': async ({ id, status, tierId }) =>
      live.write((tx, changes) => {
        const current = requireFound(tx.contracts.get(id), 'contract', id);
        if (tierId !== undefined && tierId !== current.tierId) {
          const tier = tx.tiers.get(tierId);
          if (!tier) throw missingReference('tierId', 'SLA tier', tierId);
          if (tier.apiId !== current.apiId) throw ContractError.validation([{ path: 'tierId', message: `tier "${tier.name}" belongs to another API` }]);
          if (tier.status === 'deprecated') throw conflict(`tier "${tier.name}" is deprecated and takes no new contracts`, 'tierId');
        }
        const contract = tx.contracts.update(id, { status, tierId })!;
        changes.push({ kind: 'contract', id, action: 'updated', apiId: contract.apiId });
        return toContract(contract);
      }),
  };
}

