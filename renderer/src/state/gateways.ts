/** Gateways and their live status (from `gateway.status` events). */
import type { ContractClient } from '../../../shared/contract/client';
import type { Gateway, GatewayCreate, GatewayPatch } from '../../../shared/contract/models';
import { errorMessage } from '../lib/errors';
import { idle, removeById, upsertById, type LoadState } from './load-state';
import type { Slice } from './store';

export interface GatewaysSlice {
  gateways: Gateway[];
  gatewaysLoad: LoadState;
  loadGateways(): Promise<void>;
  createGateway(input: GatewayCreate): Promise<Gateway>;
  updateGateway(id: string, patch: GatewayPatch): Promise<Gateway>;
  removeGateway(id: string): Promise<void>;
  startGateway(id: string): Promise<void>;
  stopGateway(id: string): Promise<void>;
  applyGatewayStatus(gateway: Gateway): void;
}

export const createGatewaysSlice =
  (client: ContractClient): Slice<GatewaysSlice> =>
  (set, get) => {
    const store = (gateway: Gateway) => set({ gateways: upsertById(get().gateways, gateway) });
    return {
      gateways: [],
      gatewaysLoad: idle,
      async loadGateways() {
        if (get().gatewaysLoad.status !== 'ready') set({ gatewaysLoad: { status: 'loading' } });
        try {
          set({ gateways: await client.gateways.list(), gatewaysLoad: { status: 'ready' } });
        } catch (error) {
          set({ gatewaysLoad: { status: 'error', error: errorMessage(error) } });
        }
      },
      async createGateway(input) {
        const gateway = await client.gateways.create(input);
        store(gateway);
        return gateway;
      },
      async updateGateway(id, patch) {
        const gateway = await client.gateways.update({ ...patch, id });
        store(gateway);
        return gateway;
      },
      async removeGateway(id) {
        await client.gateways.remove({ id });
        set({ gateways: removeById(get().gateways, id) });
      },
      async startGateway(id) {
        store(await client.gateways.start({ id }));
      },
      async stopGateway(id) {
        store(await client.gateways.stop({ id }));
      },
      applyGatewayStatus: store,
    };
  };
