/**
 * Replica containers as plain data: one container per replica, labelled with its gateway,
 * index, host port, the hash of the spec it was made from (a changed spec means recreate) and
 * the Gatehouse instance (data dir) that made it.
 */
import type Docker from 'dockerode';
import { createHash } from 'node:crypto';
import type { NetworkMode } from './engine';

export const LABEL_GATEWAY = 'dev.gatehouse.gateway';
export const LABEL_REPLICA = 'dev.gatehouse.replica';
export const LABEL_PORT = 'dev.gatehouse.port';
export const LABEL_SPEC = 'dev.gatehouse.spec';
export const LABEL_INSTANCE = 'dev.gatehouse.instance';

/** What the control plane tells the host name `host.docker.internal` maps to in bridge mode. */
export const HOST_ALIAS = 'host.docker.internal';

export interface ReplicaSpec {
  gatewayId: string;
  index: number;
  /** Replica name the control plane shows (and telemetry is tagged with). */
  name: string;
  image: string;
  /** The gateway's port: replica i prefers basePort + i (a new base port moves every replica). */
  basePort: number;
  hostPort: number;
  /** Interface on the host: bound directly (host networking) or where the port is published (bridge). */
  hostIp: string;
  networkMode: NetworkMode;
  /** The control plane as seen from inside the container. */
  connectUrl: string;
  token: string;
  instance: string;
}

export type ContainerState = 'created' | 'running' | 'restarting' | 'paused' | 'exited' | 'dead' | 'removing';

export interface ReplicaContainer {
  id: string;
  name: string;
  gatewayId: string;
  index: number;
  hostPort: number;
  state: ContainerState;
  specHash: string;
  instance?: string;
  /** Epoch ms the container last started (0 when it never did). */
  startedAt: number;
  /** Epoch ms it last exited, with its code, when it is not running. */
  finishedAt?: number;
  exitCode?: number;
}

export function replicaName(index: number): string {
  return `replica-${index}`;
}

export function containerName(gatewayId: string, index: number): string {
  return `gatehouse-${gatewayId.replace(/[^A-Za-z0-9_.-]/g, '-')}-${index}`;
}

export function specHash(spec: ReplicaSpec): string {
  const { gatewayId, index, name, image, basePort, hostPort, hostIp, networkMode, connectUrl, token } = spec;
  return createHash('sha256').update(JSON.stringify({ gatewayId, index, name, image, basePort, hostPort, hostIp, networkMode, connectUrl, token })).digest('hex').slice(0, 16);
}

export function containerConfig(spec: ReplicaSpec): Docker.ContainerCreateOptions {
  const bridge = spec.networkMode === 'bridge';
  const portKey = `${spec.hostPort}/tcp`;
  return {
    name: containerName(spec.gatewayId, spec.index),
    Image: spec.image,
    Labels: {
      [LABEL_GATEWAY]: spec.gatewayId,
      [LABEL_REPLICA]: String(spec.index),
      [LABEL_PORT]: String(spec.hostPort),
      [LABEL_SPEC]: specHash(spec),
      [LABEL_INSTANCE]: spec.instance,
    },
    Env: [
      `GATEHOUSE_CONNECT_URL=${spec.connectUrl}`,
      `GATEHOUSE_TOKEN=${spec.token}`,
      `GATEHOUSE_REPLICA_NAME=${spec.name}`,
      `GATEHOUSE_LISTEN_PORT=${spec.hostPort}`,
      ...(bridge ? ['GATEHOUSE_LISTEN_HOST=0.0.0.0', `GATEHOUSE_LOOPBACK_ALIAS=${HOST_ALIAS}`] : []),
    ],
    ...(bridge ? { ExposedPorts: { [portKey]: {} } } : {}),
    StopTimeout: 10,
    HostConfig: {
      NetworkMode: spec.networkMode,
      RestartPolicy: { Name: 'unless-stopped' },
      // Access logs go to stdout: keep them bounded.
      LogConfig: { Type: 'json-file', Config: { 'max-size': '5m', 'max-file': '2' } },
      ...(bridge
        ? { PortBindings: { [portKey]: [{ HostIp: spec.hostIp === '0.0.0.0' ? '' : spec.hostIp, HostPort: String(spec.hostPort) }] }, ExtraHosts: [`${HOST_ALIAS}:host-gateway`] }
        : {}),
    },
  };
}

/** Creates and starts the replica's container; a leftover container with its name is replaced. */
export async function createReplicaContainer(docker: Docker, spec: ReplicaSpec): Promise<string> {
  const config = containerConfig(spec);
  let container: Docker.Container;
  try {
    container = await docker.createContainer(config);
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode !== 409) throw error;
    await docker.getContainer(config.name!).remove({ force: true }).catch(() => undefined);
    container = await docker.createContainer(config);
  }
  await container.start();
  return container.id;
}

function toReplica(info: Docker.ContainerInfo, inspected?: Docker.ContainerInspectInfo): ReplicaContainer | undefined {
  const labels = info.Labels ?? {};
  const gatewayId = labels[LABEL_GATEWAY];
  const index = Number(labels[LABEL_REPLICA]);
  if (!gatewayId || !Number.isInteger(index)) return undefined;
  const time = (value: string | undefined) => {
    const ms = value ? Date.parse(value) : NaN;
    return Number.isFinite(ms) && ms > 0 ? ms : 0;
  };
  const state = inspected?.State;
  const startedAt = time(state?.StartedAt);
  const finishedAt = time(state?.FinishedAt);
  return {
    id: info.Id,
    name: (info.Names?.[0] ?? '').replace(/^\//, ''),
    gatewayId,
    index,
    hostPort: Number(labels[LABEL_PORT]) || 0,
    state: (state?.Status ?? info.State) as ContainerState,
    specHash: labels[LABEL_SPEC] ?? '',
    ...(labels[LABEL_INSTANCE] ? { instance: labels[LABEL_INSTANCE] } : {}),
    startedAt,
    ...(state && !state.Running && finishedAt ? { finishedAt, exitCode: state.ExitCode } : {}),
  };
}

/** Every replica container (running or not), of one gateway or of all. */
export async function listReplicaContainers(docker: Docker, gatewayId?: string): Promise<ReplicaContainer[]> {
  const infos = await docker.listContainers({ all: true, filters: { label: [gatewayId ? `${LABEL_GATEWAY}=${gatewayId}` : LABEL_GATEWAY] } });
  const replicas = await Promise.all(
    infos.map(async (info) => {
      const inspected = await docker
        .getContainer(info.Id)
        .inspect()
        .catch(() => undefined);
      return toReplica(info, inspected);
    }),
  );
  return replicas.filter((replica): replica is ReplicaContainer => replica !== undefined).sort((a, b) => a.gatewayId.localeCompare(b.gatewayId) || a.index - b.index);
}

/** Removes a container (running or not) and resolves once it is gone. */
export async function removeContainer(docker: Docker, id: string): Promise<void> {
  const container = docker.getContainer(id);
  try {
    await container.remove({ force: true });
    return;
  } catch (error) {
    const status = (error as { statusCode?: number }).statusCode;
    if (status === 404) return;
    if (status !== 409) throw error;
  }
  // 409: someone else is removing it; wait until it is really gone.
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    try {
      await container.inspect();
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode === 404) return;
      throw error;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`container ${id.slice(0, 12)} is still being removed after 15 s`);
}

/** The gateway token a container was started with (the store keeps only its hash). */
export async function containerToken(docker: Docker, id: string): Promise<string | undefined> {
  const inspected = await docker.getContainer(id).inspect();
  const entry = (inspected.Config.Env ?? []).find((line) => line.startsWith('GATEHOUSE_TOKEN='));
  return entry?.slice('GATEHOUSE_TOKEN='.length);
}

/** `http://127.0.0.1:4680` → `http://host.docker.internal:4680` (bridge networking). */
export function rewriteLoopbackUrl(url: string): string {
  const parsed = new URL(url);
  if (['127.0.0.1', 'localhost', '[::1]', '0.0.0.0'].includes(parsed.hostname)) parsed.hostname = HOST_ALIAS;
  return parsed.toString().replace(/\/$/, '');
}
