/**
 * Contract handlers for docker gateways, layered over the store's gateway handlers: creating a
 * docker gateway needs a running engine (else 503 "Docker is not running …") and starts its
 * replicas; scaling, start/stop and delete act on the containers; plus replica logs, tokens and
 * orphaned containers. Embedded gateways go straight to the base handlers.
 */
import { ContractError, ContractErrorCode } from '../../shared/contract/errors';
import type { ContractHandlers } from '../../shared/contract/methods';
import type { ReplicaToken } from '../../shared/contract/models';
import type { DockerGateways } from './docker-gateways';
import { STOPPED_GATEWAYS_KEY, stoppedGateways } from './live-config';

export type DockerMethodName = 'gateways.logs' | 'gateways.rotateToken' | 'gateways.revokeToken' | 'gateways.orphans' | 'gateways.cleanupOrphans';
export type BaseHandlers = Omit<ContractHandlers, DockerMethodName>;

function asContract(error: unknown): never {
  const known = error as { code?: string; status?: number; message?: string };
  if (error instanceof ContractError) throw error;
  if (known?.code === 'UNAVAILABLE' || known?.code === 'NOT_FOUND') throw new ContractError(known.code, known.message ?? known.code, { status: known.status });
  throw new ContractError(ContractErrorCode.unavailable, `Docker: ${(error as Error)?.message ?? String(error)}`);
}

export function withDockerGateways(base: BaseHandlers, docker: DockerGateways): ContractHandlers {
  const store = () => docker.store;
  const requireGateway = (id: string) => {
    const gateway = store().gateways.get(id);
    if (!gateway) throw ContractError.notFound('gateway', id);
    return gateway;
  };
  const requireDocker = (id: string) => {
    const gateway = requireGateway(id);
    if (gateway.kind !== 'docker') throw ContractError.conflict(`gateway "${gateway.name}" is embedded: it runs in this process and has no containers`);
    return gateway;
  };
  const view = (id: string) => docker.view(id)!;
  const setStopped = async (id: string, stopped: boolean) => {
    await docker.write((tx) => {
      const set = stoppedGateways(tx);
      if (stopped) set.add(id);
      else set.delete(id);
      tx.settings.set(STOPPED_GATEWAYS_KEY, [...set].sort());
    });
    docker.snapshots.invalidate();
    await docker.manager.reconcile().catch(() => undefined);
  };

  return {
    ...base,

    'gateways.create': async (input, context) => {
      const { sharedStorage, ...rest } = input;
      if (rest.kind !== 'docker') {
        if (sharedStorage) throw ContractError.validation([{ path: 'sharedStorage', message: 'applies to docker gateways (their replicas share counters); the embedded gateway is one process' }]);
        return base['gateways.create'](rest, context);
      }
      await docker.manager.requireAvailable().catch(asContract);
      // Replicas listen on the host's loopback unless told otherwise, like the embedded gateway.
      const created = await base['gateways.create']({ ...rest, host: rest.host ?? '127.0.0.1' }, context);
      if (sharedStorage?.redis) await docker.setSharedStorage(created.id, sharedStorage);
      await docker.issueToken(created.id);
      // The image build and the containers take a while: the gateway shows `starting` meanwhile.
      void docker.manager.reconcile().catch(() => undefined);
      return view(created.id);
    },

    'gateways.update': async (input, context) => {
      const { sharedStorage, ...patch } = input;
      const gateway = requireGateway(input.id);
      if (sharedStorage !== undefined && gateway.kind !== 'docker')
        throw ContractError.validation([{ path: 'sharedStorage', message: 'applies to docker gateways (their replicas share counters); the embedded gateway is one process' }]);
      if (Object.keys(patch).length > 1 || sharedStorage === undefined) await base['gateways.update'](patch, context);
      if (sharedStorage !== undefined) await docker.setSharedStorage(gateway.id, sharedStorage);
      if (gateway.kind !== 'docker') return base['gateways.get']({ id: gateway.id }, context);
      void docker.manager.reconcile().catch(() => undefined);
      return view(gateway.id);
    },

    'gateways.remove': async (input, context) => {
      const gateway = requireGateway(input.id);
      await base['gateways.remove'](input, context);
      if (gateway.kind === 'docker' || docker.registry.hasToken(gateway.id)) await docker.forgetGateway(gateway.id);
    },

    'gateways.start': async (input, context) => {
      if (requireGateway(input.id).kind !== 'docker') return base['gateways.start'](input, context);
      await docker.manager.requireAvailable().catch(asContract);
      await setStopped(input.id, false);
      return view(input.id);
    },

    'gateways.stop': async (input, context) => {
      if (requireGateway(input.id).kind !== 'docker') return base['gateways.stop'](input, context);
      await setStopped(input.id, true);
      return view(input.id);
    },

    'gateways.logs': async ({ id, index, tail }) => {
      requireDocker(id);
      return docker.manager.logs(id, index, { tail }).catch(asContract);
    },

    'gateways.rotateToken': async ({ id }): Promise<ReplicaToken> => {
      const gateway = requireGateway(id);
      const token = await docker.issueToken(id);
      // Docker replicas get the new token (they are recreated with it).
      if (gateway.kind === 'docker') void docker.manager.reconcile().catch(() => undefined);
      const url = docker.connectUrl ?? 'http://127.0.0.1:4680';
      return { gatewayId: id, token, command: `gatehouse gateway --connect ${url} --token ${token} --name ${gateway.name}-1 --listen-port ${gateway.port + 100}` };
    },

    'gateways.revokeToken': async ({ id }) => {
      const gateway = requireGateway(id);
      await docker.revokeToken(id);
      if (gateway.kind === 'docker') void docker.manager.reconcile().catch(() => undefined);
    },

    'gateways.orphans': async () => {
      const known = new Set(store().gateways.list().map((gateway) => gateway.id));
      return docker.manager.findOrphans(known).catch(asContract);
    },

    'gateways.cleanupOrphans': async ({ includeForeign }) => {
      const known = new Set(store().gateways.list().map((gateway) => gateway.id));
      return docker.manager.removeOrphans(known, { includeForeign }).catch(asContract);
    },
  };
}
