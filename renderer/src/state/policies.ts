/**
 * Policy bindings per API, in run order. Removing returns the binding so the UI can offer Undo
 * (re-adding it with the same config and putting it back in place).
 */
import type { ContractClient } from '../../../shared/contract/client';
import type { PolicyBinding, PolicyCreate, PolicyPatch } from '../../../shared/contract/models';
import { errorMessage } from '../lib/errors';
import type { LoadState } from './load-state';
import type { Slice } from './store';

export interface PoliciesSlice {
  policies: Record<string, PolicyBinding[]>;
  policiesLoad: Record<string, LoadState>;
  loadPolicies(apiId: string): Promise<void>;
  /** Adds a binding; at `position` in the run order when given, else last. */
  addPolicy(apiId: string, input: PolicyCreate, position?: number): Promise<PolicyBinding>;
  updatePolicy(apiId: string, policyId: string, patch: PolicyPatch): Promise<PolicyBinding>;
  removePolicy(apiId: string, policyId: string): Promise<PolicyBinding | undefined>;
  /** Re-adds a removed binding at its old position. */
  restorePolicy(binding: PolicyBinding, position: number): Promise<void>;
  /** Moves a binding up (-1) or down (+1) in the run order. */
  movePolicy(apiId: string, policyId: string, delta: number): Promise<void>;
}

function sorted(bindings: PolicyBinding[]): PolicyBinding[] {
  return bindings.slice().sort((a, b) => a.order - b.order);
}

export const createPoliciesSlice =
  (client: ContractClient): Slice<PoliciesSlice> =>
  (set, get) => {
    const put = (apiId: string, list: PolicyBinding[]) => set({ policies: { ...get().policies, [apiId]: sorted(list) } });
    const listOf = (apiId: string) => get().policies[apiId] ?? [];
    return {
      policies: {},
      policiesLoad: {},
      async loadPolicies(apiId) {
        const current = get().policiesLoad[apiId];
        if (current?.status !== 'ready') set({ policiesLoad: { ...get().policiesLoad, [apiId]: { status: 'loading' } } });
        try {
          const list = await client.policies.list({ apiId });
          put(apiId, list);
          set({ policiesLoad: { ...get().policiesLoad, [apiId]: { status: 'ready' } } });
        } catch (error) {
          set({ policiesLoad: { ...get().policiesLoad, [apiId]: { status: 'error', error: errorMessage(error) } } });
        }
      },
      async addPolicy(apiId, input, position) {
        const binding = await client.policies.add({ ...input, apiId });
        const others = listOf(apiId).filter((b) => b.id !== binding.id);
        put(apiId, [...others, binding]);
        if (position !== undefined && position < others.length) {
          const ids = others.map((b) => b.id);
          ids.splice(Math.max(0, position), 0, binding.id);
          put(apiId, await client.policies.reorder({ apiId, order: ids }));
        }
        return listOf(apiId).find((b) => b.id === binding.id) ?? binding;
      },
      async updatePolicy(apiId, policyId, patch) {
        const binding = await client.policies.update({ ...patch, apiId, policyId });
        put(apiId, listOf(apiId).map((b) => (b.id === policyId ? binding : b)));
        return binding;
      },
      async removePolicy(apiId, policyId) {
        const removed = listOf(apiId).find((b) => b.id === policyId);
        await client.policies.remove({ apiId, policyId });
        put(apiId, listOf(apiId).filter((b) => b.id !== policyId));
        return removed;
      },
      async restorePolicy(binding, position) {
        const { apiId } = binding;
        const added = await client.policies.add({
          apiId,
          policyRef: binding.policyRef,
          config: binding.config,
          order: binding.order,
          enabled: binding.enabled,
          ...(binding.rules ? { rules: binding.rules } : {}),
        });
        const ids = listOf(apiId).map((b) => b.id).filter((id) => id !== added.id);
        ids.splice(Math.min(position, ids.length), 0, added.id);
        put(apiId, await client.policies.reorder({ apiId, order: ids }));
      },
      async movePolicy(apiId, policyId, delta) {
        const ids = listOf(apiId).map((b) => b.id);
        const from = ids.indexOf(policyId);
        const to = from + delta;
        if (from < 0 || to < 0 || to >= ids.length) return;
        ids.splice(from, 1);
        ids.splice(to, 0, policyId);
        // Optimistic: the list moves at once; the server's answer (or an error) settles it.
        const previous = listOf(apiId);
        const byId = new Map(previous.map((b) => [b.id, b]));
        set({ policies: { ...get().policies, [apiId]: ids.map((id) => byId.get(id)!) } });
        try {
          put(apiId, await client.policies.reorder({ apiId, order: ids }));
        } catch (error) {
          set({ policies: { ...get().policies, [apiId]: previous } });
          throw error;
        }
      },
    };
  };
