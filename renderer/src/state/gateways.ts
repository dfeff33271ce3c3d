/** Gateways and their live status (from `gateway.status` events). */
import type { ContractClient } from '../../../shared/contract/client';
import type { EventPayload } from '../../../shared/contract/events';
import type { DockerInfo, Gateway, GatewayCreate, GatewayPatch, OrphanContainer } from '../../../shared/contract/models';
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
  /** The last gateway-image build line (`docker.progress`), shown on gateways still starting. */
  dockerProgress?: EventPayload<'docker.progress'>;
  applyDockerProgress(progress: EventPayload<'docker.progress'>): void;
  /** `docker.status`: the engine came or went, or the image changed state. */
  applyDockerStatus(info: DockerInfo): void;
  /** Labelled containers no gateway owns (Docker only; empty when Docker is not available). */
  orphans: OrphanContainer[];
  loadOrphans(): Promise<void>;
  cleanupOrphans(): Promise<OrphanContainer[]>;
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
      dockerProgress: undefined,
      applyDockerProgress(progress) {
        set({ dockerProgress: progress });
      },
      applyDockerStatus(info) {
        const systemInfo = get().systemInfo;
        // A finished (or failed) image build leaves no progress line behind.
        set({ ...(systemInfo ? { systemInfo: { ...systemInfo, docker: info } } : {}), ...(info.image?.status !== 'building' ? { dockerProgress: undefined } : {}) });
      },
      orphans: [],
      async loadOrphans() {
        try {
          set({ orphans: await client.gateways.orphans() });
        } catch {
          // Without Docker there is nothing to clean up; the Docker banner says why.
          set({ orphans: [] });
        }
      },
      async cleanupOrphans() {
        const removed = await client.gateways.cleanupOrphans({});
        const gone = new Set(removed.map((o) => o.containerId));
        set({ orphans: get().orphans.filter((o) => !gone.has(o.containerId)) });
        return removed;
      },
    };
  };
