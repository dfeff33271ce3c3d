/**
 * The policies library's custom policies, shared by every screen that shows them (library,
 * add-policy dialog, policy cards): loaded once per client, refreshed from the
 * customPolicies.changed event (a file edit, a load error) while anything shows them.
 */
import { useEffect, useMemo, useSyncExternalStore } from 'react';
import type { ContractClient } from '../../../shared/contract/client';
import type { CustomPolicyInfo } from '../../../shared/contract/custom-policies';
import { customPolicyEntry, type CustomCatalogueEntry } from '../lib/custom-policy-entry';
import { errorMessage } from '../lib/errors';
import type { LoadState } from './load-state';
import { useClient } from './store';

export interface CustomPoliciesState {
  policies: CustomPolicyInfo[];
  load: LoadState;
}

class CustomPolicyCache {
  state: CustomPoliciesState = { policies: [], load: { status: 'idle' } };
  private readonly listeners = new Set<() => void>();
  private users = 0;
  private off: (() => void) | undefined;

  constructor(private readonly client: ContractClient) {}

  subscribe = (listener: () => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  snapshot = () => this.state;

  private set(next: Partial<CustomPoliciesState>) {
    this.state = { ...this.state, ...next };
    for (const listener of [...this.listeners]) listener();
  }

  async reload(): Promise<void> {
    if (this.state.load.status !== 'ready') this.set({ load: { status: 'loading' } });
    try {
      this.set({ policies: await this.client.customPolicies.list(), load: { status: 'ready' } });
    } catch (error) {
      this.set({ load: { status: 'error', error: errorMessage(error) } });
    }
  }

  /** Loads on first use and follows the events while anything uses it. */
  use(): () => void {
    if (this.users++ === 0) {
      const offs = [
        this.client.on('customPolicies.changed', () => void this.reload()),
        // "Used by" follows bindings added or removed anywhere (an API's tab, an import).
        this.client.on('resource.changed', (change) => {
          if (change.kind === 'policy' || change.kind === 'api' || change.kind === 'config') void this.reload();
        }),
      ];
      this.off = () => offs.forEach((off) => off());
      void this.reload();
    }
    return () => {
      if (--this.users === 0) {
        this.off?.();
        this.off = undefined;
      }
    };
  }
}

const caches = new WeakMap<ContractClient, CustomPolicyCache>();

export function customPolicyCache(client: ContractClient): CustomPolicyCache {
  let cache = caches.get(client);
  if (!cache) caches.set(client, (cache = new CustomPolicyCache(client)));
  return cache;
}

export function useCustomPolicies(): CustomPoliciesState & { reload(): Promise<void>; entries: CustomCatalogueEntry[]; entryOf(name: string): CustomCatalogueEntry | undefined } {
  const cache = customPolicyCache(useClient());
  useEffect(() => cache.use(), [cache]);
  const state = useSyncExternalStore(cache.subscribe, cache.snapshot, cache.snapshot);
  const entries = useMemo(() => state.policies.map(customPolicyEntry).filter((entry): entry is CustomCatalogueEntry => entry !== undefined), [state.policies]);
  return { ...state, reload: () => cache.reload(), entries, entryOf: (name) => entries.find((entry) => entry.name === name) };
}
