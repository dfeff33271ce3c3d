/**
 * Docker gateways and connected replicas in the control plane: the glue between the store, the
 * Docker manager (containers), the replica registry (heartbeats, tokens) and the replica
 * snapshots. It serves the replica endpoints (ReplicaService), computes each docker gateway's
 * live state (replicas with status, shared counters, networking) and emits `gateway.status`
 * whenever a replica changes. Contract handlers are in docker-gateway-handlers.ts.
 */
import { randomBytes } from 'node:crypto';
import type { DockerInfo, Gateway, OnQuit, Replica, SharedStorage } from '../../shared/contract/models';
import { DockerManager, type DesiredGateway } from '../docker/docker-manager';
import { replicaName } from '../docker/replica-containers';
import { settlesWithin } from '../docker/replica-shutdown';
import type { Heartbeat, HeartbeatReply, RegisterReply, RegisterRequest, SnapshotReply, TelemetryBatch } from '../gateway/connected/protocol';
import { HEARTBEAT_INTERVAL_MS, TELEMETRY_INTERVAL_MS } from '../gateway/connected/protocol';
import type { SharedStorageSnapshot } from '../gateway/snapshot';
import { fromWire, type WireFact } from '../gateway/connected/telemetry-queue';
import type { ReplicaService } from '../server/replica-routes';
import type { GatewayRecord } from '../store/gateways';
import type { Store } from '../store/store';
import type { EventBus } from './event-bus';
import { stoppedGateways, type ControlLog } from './live-config';
import { toGateway, type GatewayLiveState } from './models';
import { ReplicaRegistry } from './replicas';
import { ReplicaSnapshots } from './replica-snapshots';
import type { CustomPolicySource } from './snapshot-builder';
import { displayRedisAddress, openRedis, sealRedis, sealStoredRedisSecrets } from './shared-storage-secrets';
import type { Telemetry } from './telemetry/telemetry';

/** Settings keys owned here. */
export const SHARED_STORAGE_KEY = 'gateways.sharedStorage';
const INSTANCE_KEY = 'docker.instance';

export interface DockerGatewaysOptions {
  /** Read connection (committed data). */
  store: Store;
  /** Serialized writes (the control plane's `live.write`). */
  write<T>(change: (store: Store) => T): Promise<T>;
  bus: EventBus;
  telemetry: Telemetry;
  dataDir: string;
  log: ControlLog;
  /** Docker engine discovery (DOCKER_HOST, GATEHOUSE_GATEWAY_BASE_IMAGE, GATEHOUSE_DOCKER_NETWORK); default process.env. */
  env?: NodeJS.ProcessEnv;
  reconcileIntervalMs?: number;
  /** Disconnected replicas are forgotten after this long (default 10 minutes). */
  replicaExpiryMs?: number;
  /** Where docker/Dockerfile is (found from the code's location by default). */
  projectRoot?: string;
  /** Whether all traffic is paused (replicas get it with their snapshot). */
  paused?: () => boolean;
  /** The app's custom policies (their code goes to replicas with the snapshot). */
  customPolicies?: CustomPolicySource;
}

export interface DockerGatewaysStopOptions {
  /** `keep-running` (default): replicas keep serving their last config. `stop`: their containers are stopped. */
  replicas?: OnQuit;
  /** Bound on stopping containers; the quit never waits longer (default 15 s). */
  timeoutMs?: number;
}

export class DockerGateways implements ReplicaService {
  readonly registry: ReplicaRegistry;
  readonly snapshots: ReplicaSnapshots;
  readonly manager: DockerManager;
  private controlUrl: string | undefined;
  private readonly plainTokens = new Map<string, string>();
  private readonly instanceId: string;
  private readonly statusTimers = new Map<string, NodeJS.Timeout>();
  private readonly unsubscribe: (() => void)[] = [];
  private lastImageStatus = '';
  private closed = false;

  /** The read connection (committed data). */
  get store(): Store {
    return this.options.store;
  }

  /** A serialized store write (the control plane's live.write). */
  write<T>(change: (store: Store) => T): Promise<T> {
    return this.options.write(change);
  }

  constructor(private readonly options: DockerGatewaysOptions) {
    const { store, bus, log } = options;
    this.instanceId = store.settings.get<string>(INSTANCE_KEY) ?? randomBytes(6).toString('hex');
    this.registry = new ReplicaRegistry({
      store,
      write: options.write,
      ...(options.replicaExpiryMs ? { expireAfterMs: options.replicaExpiryMs } : {}),
      onChange: (gatewayId) => this.announce(gatewayId),
    });
    this.snapshots = new ReplicaSnapshots({ store, dataDir: options.dataDir, sharedStorage: (id) => this.sharedStorage(id), paused: () => options.paused?.() ?? false, log, customPolicies: options.customPolicies });
    this.manager = new DockerManager({
      instanceId: this.instanceId,
      env: options.env,
      log,
      ...(options.reconcileIntervalMs ? { reconcileIntervalMs: options.reconcileIntervalMs } : {}),
      image: options.projectRoot ? { projectRoot: options.projectRoot } : {},
      desired: () => this.desired(),
      access: (gatewayId) => this.access(gatewayId),
      reservedPorts: (gatewayId) => this.reservedPorts(gatewayId),
      onReplicasChanged: (gatewayId) => this.announce(gatewayId),
      onStatusChanged: () => this.announceDocker(),
      onImageProgress: (stage, line) => {
        bus.emit('docker.progress', { stage, line });
        if (this.manager.image.state.status !== this.lastImageStatus) this.announceDocker();
      },
    });
  }

  // ------------------------------------------------------------------------------ lifecycle

  async start(): Promise<void> {
    const { store, bus } = this.options;
    if (store.settings.get<string>(INSTANCE_KEY) === undefined) await this.options.write((tx) => tx.settings.set(INSTANCE_KEY, this.instanceId));
    await sealStoredRedisSecrets(SHARED_STORAGE_KEY, store, this.options.write, this.options.log);
    this.unsubscribe.push(
      bus.on('resource.changed', (change) => {
        this.snapshots.invalidate();
        if (change.kind === 'gateway' || change.kind === 'config') void this.manager.reconcile().catch(() => undefined);
      }),
    );
    this.registry.start();
    // The engine probe takes up to a few seconds when Docker hangs: never hold up the app for it.
    void this.manager.start().then(() => {
      if (!this.closed) this.announceDocker();
    });
  }

  /** Ends the reconcile loop, then leaves the replicas serving or stops their containers (the onQuit setting). */
  async stop(options: DockerGatewaysStopOptions = {}): Promise<void> {
    this.closed = true;
    for (const off of this.unsubscribe.splice(0)) off();
    for (const timer of this.statusTimers.values()) clearTimeout(timer);
    this.statusTimers.clear();
    this.registry.stop();
    this.snapshots.close();
    // The quit never hangs on Docker: a pass still running (an image build) is not waited for past the deadline.
    const deadline = Date.now() + (options.timeoutMs ?? 15_000);
    const idle = await settlesWithin(this.manager.stop(), deadline - Date.now());
    if (!idle) this.options.log('warn', 'quit: a Docker operation (image build or replica change) is still running; not waiting for it');
    // After the loop has stopped, so no reconcile pass starts a replica again.
    if (options.replicas === 'stop') await this.manager.stopAllReplicas({ timeoutMs: Math.max(1000, deadline - Date.now()) });
  }

  /** The admin server's URL (replicas connect to it); replicas start once it is known. */
  setControlUrl(url: string): void {
    if (this.controlUrl === url) return;
    this.controlUrl = url;
    void this.manager.reconcile().catch(() => undefined);
  }

  get connectUrl(): string | undefined {
    return this.controlUrl;
  }

  // --------------------------------------------------------------------------- desired state

  private desired(): DesiredGateway[] {
    if (this.closed) return [];
    const { store } = this.options;
    const stopped = stoppedGateways(store);
    return store.gateways
      .list()
      .filter((gateway) => gateway.kind === 'docker')
      .map((gateway) => ({ id: gateway.id, name: gateway.name, port: gateway.port, host: gateway.host, replicas: gateway.desiredReplicas, running: !stopped.has(gateway.id) }));
  }

  private reservedPorts(gatewayId: string): Set<number> {
    const ports = new Set(this.options.store.gateways.list().filter((gateway) => gateway.id !== gatewayId).map((gateway) => gateway.port));
    if (this.controlUrl) ports.add(Number(new URL(this.controlUrl).port));
    return ports;
  }

  /** The token replicas get: known in this process, else read back from running containers, else a new one. */
  private async access(gatewayId: string): Promise<{ token: string; connectUrl: string } | undefined> {
    if (!this.controlUrl) return undefined;
    let token = this.plainTokens.get(gatewayId);
    if (token && this.registry.authenticate(token) !== gatewayId) token = undefined;
    if (!token) {
      for (const candidate of await this.manager.tokenFromContainers(gatewayId))
        if (this.registry.authenticate(candidate) === gatewayId) {
          token = candidate;
          break;
        }
    }
    token ??= await this.registry.issueToken(gatewayId);
    this.plainTokens.set(gatewayId, token);
    return { token, connectUrl: this.controlUrl };
  }

  async issueToken(gatewayId: string): Promise<string> {
    const token = await this.registry.issueToken(gatewayId);
    this.plainTokens.set(gatewayId, token);
    this.snapshots.release(gatewayId);
    return token;
  }

  async revokeToken(gatewayId: string): Promise<void> {
    this.plainTokens.delete(gatewayId);
    await this.registry.revokeToken(gatewayId);
    this.snapshots.release(gatewayId);
  }

  // -------------------------------------------------------------------------- shared storage

  /** Decrypted for the replicas; without Redis when its secrets cannot be decrypted (logged). */
  sharedStorage(gatewayId: string): SharedStorageSnapshot | undefined {
    const stored = this.options.store.settings.get<Record<string, SharedStorage>>(SHARED_STORAGE_KEY)?.[gatewayId];
    if (!stored?.redis) return undefined;
    try {
      return { redis: openRedis(stored.redis, this.options.store.secrets, gatewayId) };
    } catch (error) {
      this.options.log('error', (error as Error).message);
      return undefined;
    }
  }

  async setSharedStorage(gatewayId: string, storage: SharedStorage | null): Promise<void> {
    await this.options.write((tx) => {
      const all = { ...(tx.settings.get<Record<string, SharedStorage>>(SHARED_STORAGE_KEY) ?? {}) };
      if (storage?.redis) all[gatewayId] = { redis: sealRedis(storage.redis, tx.secrets) };
      else delete all[gatewayId];
      tx.settings.set(SHARED_STORAGE_KEY, all);
    });
    this.snapshots.invalidate();
  }

  /** A gateway was deleted: containers, replicas, token and settings go with it. */
  async forgetGateway(gatewayId: string): Promise<void> {
    this.registry.forget(gatewayId);
    this.plainTokens.delete(gatewayId);
    await this.registry.revokeToken(gatewayId).catch(() => false);
    this.snapshots.release(gatewayId);
    if (this.sharedStorage(gatewayId)) await this.setSharedStorage(gatewayId, null).catch(() => undefined);
    try {
      await this.manager.removeGateway(gatewayId);
    } catch (error) {
      this.options.log('warn', `containers of the deleted gateway ${gatewayId} will be removed when Docker answers: ${(error as Error).message}`);
    }
  }

  // ------------------------------------------------------------------------------ live state

  /** The live state of a docker gateway (replicas, status, counters, networking). */
  state(gateway: GatewayRecord): GatewayLiveState {
    const docker = this.manager.status;
    const stopped = stoppedGateways(this.options.store).has(gateway.id);
    const replicas = this.replicaViews(gateway);
    const connected = replicas.filter((replica) => replica.status === 'connected').length;
    const starting = replicas.filter((replica) => replica.status === 'starting').length;
    const problem = !docker.available ? docker.message : (this.manager.lastError(gateway.id) ?? this.snapshots.error(gateway.id));
    let status: GatewayLiveState['status'];
    if (stopped || gateway.desiredReplicas === 0) status = 'stopped';
    else if (!docker.available) status = 'error';
    else if (connected >= gateway.desiredReplicas && !problem) status = 'running';
    else if (connected > 0) status = 'degraded';
    else if (this.manager.image.state.status === 'building' || starting > 0 || replicas.length < gateway.desiredReplicas) status = problem ? 'error' : 'starting';
    else status = 'error';
    const version = this.snapshots.current(gateway.id)?.version;
    return {
      status,
      replicas,
      ...(version ? { configVersion: version } : {}),
      ...(problem ? { lastError: problem } : {}),
      docker: { ...this.countersView(gateway, replicas), ...this.networkView() },
    };
  }

  private replicaViews(gateway: GatewayRecord): Replica[] {
    const registered = this.registry.list(gateway.id);
    const views: Replica[] = this.manager.replicas(gateway.id).map((container) => {
      const name = replicaName(container.index);
      const record = registered.find((replica) => replica.name === name);
      // Connected = heard from since the container (re)started, and serving a config.
      const heardSinceStart = record !== undefined && record.lastHeartbeatAt >= container.startedAt && record.configVersion !== undefined;
      const status: Replica['status'] = container.state !== 'running' ? 'disconnected' : !heardSinceStart ? 'starting' : record.connection;
      const detail = container.state !== 'running' ? `container ${container.state}${container.exitCode !== undefined ? ` (exit ${container.exitCode})` : ''}` : record?.lastConfigError;
      return {
        index: container.index,
        containerId: container.id,
        hostPort: container.hostPort,
        status,
        name,
        ...(record ? { lastHeartbeatAt: record.lastHeartbeatAt } : {}),
        ...(record?.configVersion ? { configVersion: record.configVersion } : {}),
        ...(record?.counters ? { counters: record.counters } : {}),
        ...(detail ? { detail } : {}),
      };
    });
    // Replicas connected by hand (`gatehouse gateway --connect`): no container, index -1.
    const containerNames = new Set(views.map((view) => view.name));
    for (const record of registered) {
      // `replica-<n>` are the manager's names: without a container they were scaled away or removed.
      if (containerNames.has(record.name) || /^replica-\d+$/.test(record.name)) continue;
      views.push({
        index: -1,
        containerId: '',
        hostPort: record.listenPort ?? gateway.port,
        status: record.connection,
        name: record.name,
        lastHeartbeatAt: record.lastHeartbeatAt,
        ...(record.configVersion ? { configVersion: record.configVersion } : {}),
        ...(record.counters ? { counters: record.counters } : {}),
        ...(record.lastConfigError ? { detail: record.lastConfigError } : {}),
      });
    }
    return views;
  }

  private countersView(gateway: GatewayRecord, replicas: Replica[]): Pick<Gateway, 'sharedCounters' | 'countersMessage' | 'sharedStorage'> {
    const redis = this.sharedStorage(gateway.id)?.redis;
    if (!redis)
      return {
        sharedCounters: false,
        countersMessage:
          gateway.desiredReplicas > 1
            ? `Counters are per replica: each of the ${gateway.desiredReplicas} replicas enforces rate limits on its own, so a limit of 10 per minute admits up to ${10 * gateway.desiredReplicas} per minute in total. Configure shared storage (Redis) to share them.`
            : 'Counters are per replica: with more than one replica, each enforces rate limits on its own. Configure shared storage (Redis) to share them.',
      };
    const failing = replicas.filter((replica) => replica.counters && replica.counters !== 'redis' && replica.status === 'connected');
    const address = displayRedisAddress(redis.address);
    const message = failing.length
      ? `Counters are shared through Redis at ${address}, but ${failing.map((replica) => replica.name).join(', ')} cannot reach it and count${failing.length === 1 ? 's' : ''} locally until it returns.`
      : `Counters are shared by all replicas through Redis at ${address}.`;
    return {
      sharedCounters: true,
      countersMessage: message,
      sharedStorage: { redis: { address, ...(redis.username ? { username: redis.username } : {}), ...(redis.db !== undefined ? { db: redis.db } : {}), hasPassword: Boolean(redis.password) } },
    };
  }

  private networkView(): Pick<Gateway, 'networkMode' | 'networkModeMessage'> {
    const { networkMode, networkModeMessage } = this.manager.status;
    return { ...(networkMode ? { networkMode } : {}), ...(networkModeMessage ? { networkModeMessage } : {}) };
  }

  dockerInfo(): DockerInfo {
    const status = this.manager.status;
    const image = this.manager.image.state;
    return {
      status: status.message === 'checking for Docker…' ? 'unknown' : status.available ? 'available' : 'unavailable',
      message: status.message,
      ...(status.version ? { version: status.version } : {}),
      endpoint: status.endpoint,
      ...(status.networkMode ? { networkMode: status.networkMode, networkModeMessage: status.networkModeMessage } : {}),
      image: { status: image.status, message: image.message, ...(image.tag ? { tag: image.tag } : {}), ...(image.base ? { base: image.base } : {}), ...(image.baseSource ? { baseSource: image.baseSource } : {}), ...(image.pruned ? { pruned: image.pruned } : {}) },
    };
  }

  view(gatewayId: string): Gateway | undefined {
    const record = this.options.store.gateways.get(gatewayId);
    return record ? toGateway(record, this.state(record)) : undefined;
  }

  /** `gateway.status` for a gateway whose replicas changed (coalesced: one event per 50 ms). */
  private announce(gatewayId: string): void {
    if (this.closed || this.statusTimers.has(gatewayId)) return;
    const timer = setTimeout(() => {
      this.statusTimers.delete(gatewayId);
      const view = this.view(gatewayId);
      if (view && view.kind === 'docker') this.options.bus.emit('gateway.status', view);
    }, 50);
    timer.unref();
    this.statusTimers.set(gatewayId, timer);
  }

  private announceDocker(): void {
    if (this.closed) return;
    this.lastImageStatus = this.manager.image.state.status;
    this.options.bus.emit('docker.status', this.dockerInfo());
    for (const gateway of this.desired()) this.announce(gateway.id);
  }

  // ------------------------------------------------------------------ replica endpoints

  authenticate(token: string): string | undefined {
    const gatewayId = this.registry.authenticate(token);
    return gatewayId && this.options.store.gateways.get(gatewayId) ? gatewayId : undefined;
  }

  register(gatewayId: string, request: RegisterRequest): RegisterReply {
    const gateway = this.options.store.gateways.get(gatewayId)!;
    this.registry.register(gatewayId, request);
    this.options.log('info', `replica "${request.name}" of gateway "${gateway.name}" registered`);
    return { gatewayId, gatewayName: gateway.name, name: request.name, heartbeatIntervalMs: HEARTBEAT_INTERVAL_MS, telemetryIntervalMs: TELEMETRY_INTERVAL_MS };
  }

  snapshot(gatewayId: string, after: string | undefined, name: string | undefined, holdMs: number, signal: AbortSignal): Promise<SnapshotReply | undefined> {
    if (name) this.registry.touch(gatewayId, name);
    return this.snapshots.wait(gatewayId, after, holdMs, signal);
  }

  heartbeat(gatewayId: string, beat: Heartbeat): HeartbeatReply {
    const before = this.registry.get(gatewayId, beat.name)?.configVersion;
    this.registry.heartbeat(gatewayId, beat);
    if (beat.configVersion && beat.configVersion !== before) this.options.bus.emit('snapshot.applied', { gatewayId, version: beat.configVersion });
    return { snapshotVersion: this.snapshots.current(gatewayId)?.version ?? '' };
  }

  telemetry(gatewayId: string, batch: TelemetryBatch): void {
    this.registry.touch(gatewayId, batch.name);
    for (const fact of batch.facts) this.options.telemetry.ingest(fromWire(fact as WireFact), batch.name);
    if (batch.dropped) this.options.log('warn', `replica "${batch.name}" dropped ${batch.dropped} request record(s) while the control plane was unreachable`);
  }
}
