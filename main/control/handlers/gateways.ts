/**
 * Gateways. The embedded runtime serves every gateway of kind `embedded` (one listener each);
 * docker gateways are run by the Docker manager, which reports their replicas.
 */
import { ContractError, ContractErrorCode } from '../../../shared/contract/errors';
import type { ContractHandlers } from '../../../shared/contract/methods';
import { EMBEDDED_GATEWAY_ID, type GatewayRecord } from '../../store/gateways';
import type { Store } from '../../store/store';
import { STOPPED_GATEWAYS_KEY, stoppedGateways } from '../live-config';
import { toGateway } from '../models';
import { conflict, requireFound, type HandlerContext } from './context';

type GatewayHandlers = Pick<
  ContractHandlers,
  'gateways.list' | 'gateways.get' | 'gateways.create' | 'gateways.update' | 'gateways.remove' | 'gateways.start' | 'gateways.stop'
>;

function assertNameFree(store: Store, name: string, exceptId?: string): void {
  const clash = store.gateways.findByName(name);
  if (clash && clash.id !== exceptId) throw conflict(`a gateway named "${name}" already exists`, 'name');
}

function assertPortFree(store: Store, port: number, exceptId?: string): void {
  const clash = store.gateways.findByPort(port).find((gateway) => gateway.id !== exceptId);
  if (clash) throw conflict(`port ${port} is already used by gateway "${clash.name}"`, 'port');
}

export function gatewayHandlers(ctx: HandlerContext): GatewayHandlers {
  const { store, live } = ctx;
  const view = (gateway: GatewayRecord) => toGateway(gateway, ctx.gatewayState(gateway));
  const requireGateway = (tx: Store, id: string) => requireFound(tx.gateways.get(id), 'gateway', id);

  const setStopped = (id: string, stopped: boolean) =>
    live.write((tx, changes) => {
      const gateway = requireGateway(tx, id);
      if (gateway.kind !== 'embedded')
        throw new ContractError(ContractErrorCode.unavailable, `gateway "${gateway.name}" runs in Docker; the Docker manager starts and stops it, and it is not running in this process`);
      const set = stoppedGateways(tx);
      if (stopped) set.add(id);
      else set.delete(id);
      tx.settings.set(STOPPED_GATEWAYS_KEY, [...set].sort());
      changes.push({ kind: 'gateway', id, action: 'updated' });
      return gateway;
    });

  return {
    'gateways.list': async () => store.gateways.list().map(view),

    'gateways.get': async ({ id }) => view(requireGateway(store, id)),

    'gateways.create': async (input) => {
      const created = await live.write((tx, changes) => {
        assertNameFree(tx, input.name);
        assertPortFree(tx, input.port);
        const gateway = tx.gateways.insert({
          name: input.name,
          kind: input.kind,
          port: input.port,
          host: input.host ?? (input.kind === 'docker' ? '0.0.0.0' : '127.0.0.1'),
          desiredReplicas: input.desiredReplicas,
        });
        changes.push({ kind: 'gateway', id: gateway.id, action: 'created' });
        return gateway;
      });
      return view(created);
    },

    'gateways.update': async ({ id, ...patch }) => {
      const updated = await live.write((tx, changes) => {
        requireGateway(tx, id);
        if (patch.name !== undefined) assertNameFree(tx, patch.name, id);
        if (patch.port !== undefined) assertPortFree(tx, patch.port, id);
        const gateway = tx.gateways.update(id, patch)!;
        changes.push({ kind: 'gateway', id, action: 'updated' });
        return gateway;
      });
      return view(updated);
    },

    'gateways.remove': async ({ id }) =>
      live.write((tx, changes) => {
        const gateway = requireGateway(tx, id);
        if (gateway.id === EMBEDDED_GATEWAY_ID) throw conflict('the built-in embedded gateway cannot be deleted; stop it instead');
        const apis = tx.apis.listByGateway(id);
        if (apis.length > 0)
          throw conflict(`gateway "${gateway.name}" still serves ${apis.length} API(s): ${apis.map((api) => api.name).join(', ')}; move or delete them first`);
        tx.gateways.delete(id);
        const stopped = stoppedGateways(tx);
        if (stopped.delete(id)) tx.settings.set(STOPPED_GATEWAYS_KEY, [...stopped].sort());
        changes.push({ kind: 'gateway', id, action: 'removed' });
      }),

    'gateways.start': async ({ id }) => view(await setStopped(id, false)),

    'gateways.stop': async ({ id }) => view(await setStopped(id, true)),
  };
}
