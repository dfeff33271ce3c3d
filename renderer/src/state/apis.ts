/** APIs: the list, and create/update/remove through the contract. */
import type { ContractClient } from '../../../shared/contract/client';
import type { Api, ApiCreate, ApiPatch } from '../../../shared/contract/models';
import { errorMessage } from '../lib/errors';
import { idle, removeById, upsertById, type LoadState } from './load-state';
import type { Slice } from './store';

export interface ApisSlice {
  apis: Api[];
  apisLoad: LoadState;
  loadApis(): Promise<void>;
  createApi(input: ApiCreate): Promise<Api>;
  /** Starts the bundled demo API when it is not running, then puts `input` in front of it. */
  createSampleApi(input: Omit<ApiCreate, 'implementationUrl'>): Promise<Api>;
  updateApi(id: string, patch: ApiPatch): Promise<Api>;
  removeApi(id: string): Promise<void>;
}

export const createApisSlice =
  (client: ContractClient): Slice<ApisSlice> =>
  (set, get) => ({
    apis: [],
    apisLoad: idle,
    async loadApis() {
      if (get().apisLoad.status !== 'ready') set({ apisLoad: { status: 'loading' } });
      try {
        const apis = await client.apis.list();
        set({ apis, apisLoad: { status: 'ready' } });
      } catch (error) {
        set({ apisLoad: { status: 'error', error: errorMessage(error) } });
      }
    },
    async createApi(input) {
      const api = await client.apis.create(input);
      set({ apis: upsertById(get().apis, api) });
      return api;
    },
    async createSampleApi(input) {
      const demo = await client.demo.start();
      return get().createApi({ ...input, implementationUrl: demo.url });
    },
    async updateApi(id, patch) {
      const api = await client.apis.update({ ...patch, id });
      set({ apis: upsertById(get().apis, api) });
      return api;
    },
    async removeApi(id) {
      await client.apis.remove({ id });
      set({ apis: removeById(get().apis, id) });
    },
  });
