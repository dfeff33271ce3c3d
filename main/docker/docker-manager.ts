/**
 * The Docker manager: runs the replicas of every gateway of kind `docker` as containers and
 * keeps them as desired. A reconcile pass (every few seconds, and at once on engine events)
 * compares desired (from the store) with actual (labelled containers): it removes surplus
 * replicas, creates missing ones, restarts dead ones (with backoff for crash loops) and
 * recreates any whose spec changed (image, port, token, control-plane URL). It hands out plain
 * data only; the rest of the app never sees dockerode.
 */
import type Docker from 'dockerode';
import { ReplicaEventStream, type ReplicaEvent } from './docker-events';
import { createDockerClient, DOCKER_NOT_RUNNING, engineConnection, probeDocker, type DockerStatus, type EngineConnection } from './engine';
import { GatewayImage, type GatewayImageOptions } from './gateway-image';
import { pickReplicaPort } from './host-ports';
import { engineMessage, type ImageStage } from './image-progress';
import {
  containerToken,
  createReplicaContainer,
  listReplicaContainers,
  removeContainer,
  replicaName,
  rewriteLoopbackUrl,
  specHash,
  type ReplicaContainer,
  type ReplicaSpec,
} from './replica-containers';
import { followLogs, recentLogs, type LogLine } from './replica-logs';
import { stopReplicaContainers, type ReplicaShutdownResult } from './replica-shutdown';

export interface DesiredGateway {
  id: string;
  name: string;
  /** Replica i prefers host port `port + i`. */
  port: number;
  host: string;
  replicas: number;
  /** False when the user stopped the gateway: its containers are stopped, not removed. */
  running: boolean;
}

export interface ReplicaAccess {
  token: string;
  /** The control plane as this machine sees it (e.g. http://127.0.0.1:4680); rewritten for bridge mode. */
  connectUrl: string;
}

export interface Orphan {
  containerId: string;
  name: string;
  gatewayId: string;
  index: number;
  state: string;
  /** Made by another Gatehouse data dir on this machine (still removable on request). */
  foreign: boolean;
}

export interface DockerManagerOptions {
  /** Labels containers so that two data dirs on one engine never touch each other's replicas. */
  instanceId: string;
  desired(): DesiredGateway[];
  /** Token and control-plane URL for a gateway's replicas; undefined while not known yet. */
  access(gatewayId: string): Promise<ReplicaAccess | undefined>;
  /** Ports other gateways listen on (never given to this gateway's replicas). */
  reservedPorts?(gatewayId: string): Set<number>;
  onReplicasChanged?(gatewayId: string): void;
  onStatusChanged?(status: DockerStatus): void;
  onImageProgress?(stage: ImageStage, line: string): void;
  log?(level: 'info' | 'warn' | 'error', message: string): void;
  env?: NodeJS.ProcessEnv;
  image?: Omit<GatewayImageOptions, 'env' | 'onProgress' | 'log'>;
  reconcileIntervalMs?: number;
  /** Injected engine (tests); else from DOCKER_HOST / the platform default. */
  docker?: Docker;
}

export class DockerUnavailableError extends Error {
  readonly code = 'UNAVAILABLE';
  readonly status = 503;
}

export class DockerManager {
  readonly image: GatewayImage;
  private readonly docker: Docker;
  private readonly connection: EngineConnection;
  private readonly events: ReplicaEventStream;
  private readonly log: NonNullable<DockerManagerOptions['log']>;
  private statusValue: DockerStatus;
  private containers = new Map<string, ReplicaContainer[]>();
  /** Restart attempts per replica slot, for crash-loop backoff. */
  private restarts = new Map<string, { count: number; at: number }>();
  private readonly lastErrors = new Map<string, string>();
  /** Gateways deleted by this process whose containers must go even if removal failed at the time. */
  private readonly deleted = new Set<string>();
  /** Docker gateways of the last reconcile pass. */
  private seen = new Set<string>();
  private queue: Promise<void> = Promise.resolve();
  private pending: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private eventTimer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(private readonly options: DockerManagerOptions) {
    const env = options.env ?? process.env;
    this.log = options.log ?? (() => {});
    let connection: EngineConnection;
    try {
      connection = engineConnection(env);
    } catch (error) {
      // A malformed DOCKER_HOST: report it like a missing engine, never crash the app.
      connection = { options: { host: '127.0.0.1', port: 1, protocol: 'http' }, endpoint: `${env.DOCKER_HOST} (${(error as Error).message})` };
    }
    this.connection = connection;
    this.docker = options.docker ?? createDockerClient(connection);
    this.statusValue = { available: false, endpoint: connection.endpoint, message: 'checking for Docker…' };
    this.image = new GatewayImage(this.docker, { ...options.image, env, onProgress: options.onImageProgress, log: this.log });
    this.events = new ReplicaEventStream(this.docker, (event) => this.onEvent(event), () => void this.refreshStatus());
  }

  get status(): DockerStatus {
    return this.statusValue;
  }

  /** Probes the engine; starts the event stream and the reconcile loop. Never throws. */
  async start(): Promise<DockerStatus> {
    this.stopped = false;
    const status = await this.refreshStatus();
    if (this.stopped) return status;
    this.timer = setInterval(() => void this.tick(), this.options.reconcileIntervalMs ?? 3000);
    this.timer.unref();
    if (status.available) await this.reconcile().catch(() => undefined);
    return status;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    if (this.eventTimer) clearTimeout(this.eventTimer);
    this.events.stop();
    await this.queue.catch(() => undefined);
  }

  async refreshStatus(): Promise<DockerStatus> {
    const next = await probeDocker(this.docker, this.connection.endpoint, 3000, this.options.env ?? process.env);
    if (this.stopped) return next;
    const changed = next.available !== this.statusValue.available || next.message !== this.statusValue.message;
    const wasAvailable = this.statusValue.available;
    this.statusValue = next;
    if (next.available && (!wasAvailable || changed)) this.events.start();
    if (!next.available && wasAvailable) this.events.stop();
    if (changed) {
      this.log(next.available ? 'info' : 'warn', next.message);
      this.options.onStatusChanged?.(next);
    }
    return next;
  }

  /** Throws the "Docker is not running …" error (503) unless an engine answers. */
  async requireAvailable(): Promise<void> {
    if (this.statusValue.available) return;
    const status = await this.refreshStatus();
    if (!status.available) throw new DockerUnavailableError(status.message || DOCKER_NOT_RUNNING);
  }

  /** Replica containers of a gateway as last seen (sorted by index). */
  replicas(gatewayId: string): ReplicaContainer[] {
    return this.containers.get(gatewayId) ?? [];
  }

  /** The last reconcile problem of a gateway (image build, port, engine error), if any. */
  lastError(gatewayId: string): string | undefined {
    return this.lastErrors.get(gatewayId);
  }

  private async tick(): Promise<void> {
    if (this.stopped) return;
    if (!this.statusValue.available) {
      const status = await this.refreshStatus();
      if (!status.available) return;
    }
    await this.reconcile().catch(() => undefined);
  }

  private onEvent(event: ReplicaEvent): void {
    // Show the new state at once, then let a reconcile pass repair what needs repairing.
    void this.refreshGateway(event.gatewayId);
    if (this.eventTimer) return;
    this.eventTimer = setTimeout(() => {
      this.eventTimer = undefined;
      void this.reconcile().catch(() => undefined);
    }, 300);
    this.eventTimer.unref();
  }

  private async refreshGateway(gatewayId: string): Promise<void> {
    try {
      const list = await listReplicaContainers(this.docker, gatewayId);
      this.setContainers(gatewayId, list);
    } catch {
      // The engine went away; the status probe reports it.
    }
  }

  private setContainers(gatewayId: string, list: ReplicaContainer[]): void {
    const before = JSON.stringify(this.containers.get(gatewayId) ?? []);
    if (list.length === 0) this.containers.delete(gatewayId);
    else this.containers.set(gatewayId, list);
    if (JSON.stringify(list) !== before) this.options.onReplicasChanged?.(gatewayId);
  }

  /** One pass over every docker gateway; passes are serialized and a request during one joins the next. */
  reconcile(): Promise<void> {
    if (this.pending) return this.pending;
    const run = this.queue.then(async () => {
      this.pending = undefined;
      await this.reconcileNow();
    });
    this.pending = run;
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async reconcileNow(): Promise<void> {
    if (this.stopped || !this.statusValue.available) return;
    const all = await listReplicaContainers(this.docker).catch((error: unknown) => {
      void this.refreshStatus();
      throw error;
    });
    const byGateway = new Map<string, ReplicaContainer[]>();
    for (const container of all) {
      if (container.instance !== undefined && container.instance !== this.options.instanceId) continue;
      const list = byGateway.get(container.gatewayId) ?? [];
      list.push(container);
      byGateway.set(container.gatewayId, list);
    }
    const desired = this.options.desired();
    // A gateway seen in the last pass and gone now was deleted (an import, another process): its containers go too.
    const desiredIds = new Set(desired.map((gateway) => gateway.id));
    for (const id of this.seen) if (!desiredIds.has(id)) this.deleted.add(id);
    this.seen = desiredIds;
    for (const gateway of desired) {
      try {
        await this.reconcileGateway(gateway, byGateway.get(gateway.id) ?? [], all);
        this.lastErrors.delete(gateway.id);
      } catch (error) {
        const message = engineMessage(error);
        if (this.lastErrors.get(gateway.id) !== message) this.log('error', `gateway "${gateway.name}": ${message}`);
        this.lastErrors.set(gateway.id, message);
      }
      await this.refreshGateway(gateway.id);
    }
    // Containers of gateways that are gone (deleted while the engine was away): never leave orphans.
    const known = new Set(desired.map((gateway) => gateway.id));
    for (const [gatewayId, list] of byGateway) {
      if (known.has(gatewayId) || !list.some((c) => c.instance === this.options.instanceId)) continue;
      if (!this.deleted.has(gatewayId)) continue;
      for (const container of list) await removeContainer(this.docker, container.id).catch(() => undefined);
      this.deleted.delete(gatewayId);
      this.setContainers(gatewayId, []);
    }
    for (const gatewayId of this.deleted) if (!byGateway.has(gatewayId)) this.deleted.delete(gatewayId);
    // Older images go once replicas run on the current one, in the background so no start waits for it.
    void this.image.pruneOldImages()?.then((result) => result?.removed.length && !this.stopped && this.options.onStatusChanged?.(this.statusValue));
  }

  private async reconcileGateway(gateway: DesiredGateway, actual: ReplicaContainer[], all: ReplicaContainer[]): Promise<void> {
    // Surplus and duplicate replicas go first (scale down).
    const kept = new Map<number, ReplicaContainer>();
    for (const container of actual) {
      if (container.index >= gateway.replicas || kept.has(container.index)) await removeContainer(this.docker, container.id);
      else kept.set(container.index, container);
    }
    if (!gateway.running) {
      // Stopped on purpose: starting it again later is not a crash loop.
      for (const index of kept.keys()) this.restarts.delete(`${gateway.id}/${index}`);
      for (const container of kept.values())
        if (container.state === 'running' || container.state === 'restarting') await this.docker.getContainer(container.id).stop({ t: 5 }).catch(() => undefined);
      return;
    }
    if (gateway.replicas === 0) return;
    const access = await this.options.access(gateway.id);
    if (!access) return; // the control plane's URL is not known yet
    const image = await this.image.ensure();
    const mode = this.statusValue.networkMode ?? 'host';
    const connectUrl = mode === 'bridge' ? rewriteLoopbackUrl(access.connectUrl) : access.connectUrl;
    const taken = new Set<number>(this.options.reservedPorts?.(gateway.id) ?? []);
    for (const container of all) if (container.gatewayId !== gateway.id || kept.get(container.index)?.id === container.id) taken.add(container.hostPort);

    for (let index = 0; index < gateway.replicas; index++) {
      const existing = kept.get(index);
      const hostPort = existing && existing.hostPort > 0 ? existing.hostPort : await pickReplicaPort(gateway.port + index, gateway.host, taken);
      taken.add(hostPort);
      const spec: ReplicaSpec = {
        gatewayId: gateway.id,
        index,
        name: replicaName(index),
        image,
        basePort: gateway.port,
        hostPort,
        hostIp: gateway.host,
        networkMode: mode,
        connectUrl,
        token: access.token,
        instance: this.options.instanceId,
      };
      if (existing && existing.specHash === specHash(spec)) {
        if (existing.state === 'exited' || existing.state === 'created' || existing.state === 'dead') await this.restart(gateway, existing);
        continue;
      }
      if (existing) {
        // Changed spec: a port clash with its own old container is not a clash.
        await removeContainer(this.docker, existing.id);
        if (existing.hostPort !== gateway.port + index) spec.hostPort = await pickReplicaPort(gateway.port + index, gateway.host, taken);
      }
      this.log('info', `gateway "${gateway.name}": starting replica ${index} on port ${spec.hostPort}`);
      await createReplicaContainer(this.docker, spec);
    }
  }

  /** Starts a stopped or crashed replica, backing off (1 s … 30 s) when it keeps dying. */
  private async restart(gateway: DesiredGateway, container: ReplicaContainer): Promise<void> {
    const key = `${gateway.id}/${container.index}`;
    const now = Date.now();
    const previous = this.restarts.get(key);
    const count = previous && now - previous.at < 60_000 ? previous.count : 0;
    const delay = count === 0 ? 0 : Math.min(1000 * 2 ** (count - 1), 30_000);
    if (previous && now - previous.at < delay) return;
    this.restarts.set(key, { count: count + 1, at: now });
    this.log('warn', `gateway "${gateway.name}": replica ${container.index} is ${container.state}${container.exitCode !== undefined ? ` (exit ${container.exitCode})` : ''}; starting it again`);
    try {
      await this.docker.getContainer(container.id).start();
    } catch (error) {
      // Cannot start (e.g. its port is now taken): make a fresh one on the next pass.
      if ((error as { statusCode?: number }).statusCode !== 304) await removeContainer(this.docker, container.id);
      throw error;
    }
  }

  /** Removes every container of a gateway (delete); retried by the reconcile loop if the engine fails now. */
  async removeGateway(gatewayId: string): Promise<void> {
    this.deleted.add(gatewayId);
    if (!this.statusValue.available) return;
    // In the reconcile queue: never racing a pass that is creating one of its replicas.
    const run = this.queue.then(async () => {
      const list = await listReplicaContainers(this.docker, gatewayId);
      await Promise.all(list.map((container) => removeContainer(this.docker, container.id)));
      this.deleted.delete(gatewayId);
      this.setContainers(gatewayId, []);
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Quit with onQuit = stop: stops this instance's replica containers, bounded by `timeoutMs`. Call after stop(). */
  async stopAllReplicas(options: { timeoutMs: number }): Promise<ReplicaShutdownResult | undefined> {
    if (!this.statusValue.available) return undefined; // no engine, so no replica of ours runs
    const ours = async () => (await listReplicaContainers(this.docker)).filter((c) => c.instance === undefined || c.instance === this.options.instanceId);
    return stopReplicaContainers(this.docker, ours, { timeoutMs: options.timeoutMs, log: this.log });
  }

  /** The token a gateway's running replicas were given (the store only has its hash). */
  async tokenFromContainers(gatewayId: string): Promise<string[]> {
    if (!this.statusValue.available) return [];
    const list = await listReplicaContainers(this.docker, gatewayId).catch(() => []);
    const tokens = await Promise.all(list.map((container) => containerToken(this.docker, container.id).catch(() => undefined)));
    return [...new Set(tokens.filter((token): token is string => Boolean(token)))];
  }

  private container(gatewayId: string, index: number): ReplicaContainer {
    const found = this.replicas(gatewayId).find((container) => container.index === index);
    if (!found) throw Object.assign(new Error(`gateway ${gatewayId} has no replica ${index}`), { code: 'NOT_FOUND', status: 404 });
    return found;
  }

  /** Recent log lines of a replica (`follow` streams new lines until the returned stop is called). */
  async logs(gatewayId: string, index: number, options: { tail?: number } = {}): Promise<LogLine[]> {
    await this.requireAvailable();
    if (!this.replicas(gatewayId).length) await this.refreshGateway(gatewayId);
    return recentLogs(this.docker, this.container(gatewayId, index).id, options.tail ?? 200);
  }

  async followLogs(gatewayId: string, index: number, onLine: (line: LogLine) => void): Promise<() => void> {
    await this.requireAvailable();
    return followLogs(this.docker, this.container(gatewayId, index).id, onLine);
  }

  /** Labelled containers whose gateway this app does not know. */
  async findOrphans(knownGatewayIds: ReadonlySet<string>): Promise<Orphan[]> {
    await this.requireAvailable();
    const all = await listReplicaContainers(this.docker);
    return all
      .filter((container) => !knownGatewayIds.has(container.gatewayId) && !this.deleted.has(container.gatewayId))
      .map((container) => ({
        containerId: container.id,
        name: container.name,
        gatewayId: container.gatewayId,
        index: container.index,
        state: container.state,
        foreign: container.instance !== undefined && container.instance !== this.options.instanceId,
      }));
  }

  /** Removes the orphans (those of other data dirs only with `includeForeign`); resolves with what was removed. */
  async removeOrphans(knownGatewayIds: ReadonlySet<string>, options: { includeForeign?: boolean } = {}): Promise<Orphan[]> {
    const orphans = (await this.findOrphans(knownGatewayIds)).filter((orphan) => options.includeForeign || !orphan.foreign);
    await Promise.all(orphans.map((orphan) => removeContainer(this.docker, orphan.containerId)));
    return orphans;
  }
}
