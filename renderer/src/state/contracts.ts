/** SLA tiers and contracts (application × API × tier), kept whole and filtered per screen. */
import type { ContractClient } from '../../../shared/contract/client';
import type { Contract, ContractCreate, ContractStatus, SlaTier, SlaTierCreate, SlaTierPatch } from '../../../shared/contract/models';
import { errorMessage } from '../lib/errors';
import { idle, removeById, upsertById, type LoadState } from './load-state';
import type { Slice } from './store';

export interface ContractsSlice {
  contracts: Contract[];
  contractsLoad: LoadState;
  tiers: SlaTier[];
  tiersLoad: LoadState;
  loadContracts(): Promise<void>;
  loadTiers(): Promise<void>;
  createTier(input: SlaTierCreate): Promise<SlaTier>;
  updateTier(id: string, patch: SlaTierPatch): Promise<SlaTier>;
  removeTier(id: string): Promise<void>;
  createContract(input: ContractCreate): Promise<Contract>;
  setContractStatus(id: string, status: ContractStatus): Promise<Contract>;
  setContractTier(id: string, tierId: string): Promise<Contract>;
}

export const createContractsSlice =
  (client: ContractClient): Slice<ContractsSlice> =>
  (set, get) => {
    const storeContract = (contract: Contract) => set({ contracts: upsertById(get().contracts, contract) });
    return {
      contracts: [],
      contractsLoad: idle,
      tiers: [],
      tiersLoad: idle,
      async loadContracts() {
        if (get().contractsLoad.status !== 'ready') set({ contractsLoad: { status: 'loading' } });
        try {
          set({ contracts: await client.contracts.list(), contractsLoad: { status: 'ready' } });
        } catch (error) {
          set({ contractsLoad: { status: 'error', error: errorMessage(error) } });
        }
      },
      async loadTiers() {
        if (get().tiersLoad.status !== 'ready') set({ tiersLoad: { status: 'loading' } });
        try {
          set({ tiers: await client.slaTiers.list(), tiersLoad: { status: 'ready' } });
        } catch (error) {
          set({ tiersLoad: { status: 'error', error: errorMessage(error) } });
        }
      },
      async createTier(input) {
        const tier = await client.slaTiers.create(input);
        set({ tiers: upsertById(get().tiers, tier) });
        return tier;
      },
      async updateTier(id, patch) {
        const tier = await client.slaTiers.update({ ...patch, id });
        set({ tiers: upsertById(get().tiers, tier) });
        return tier;
      },
      async removeTier(id) {
        await client.slaTiers.remove({ id });
        set({ tiers: removeById(get().tiers, id) });
      },
      async createContract(input) {
        const contract = await client.contracts.create(input);
        storeContract(contract);
        return contract;
      },
      async setContractStatus(id, status) {
        const contract = await client.contracts.update({ id, status });
        storeContract(contract);
        return contract;
      },
      async setContractTier(id, tierId) {
        const contract = await client.contracts.update({ id, tierId });
        storeContract(contract);
        return contract;
      },
    };
  };
