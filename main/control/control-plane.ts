/**
 * The control plane in one object: store, embedded gateway runtime, telemetry, event bus and
 * the contract's handlers. `gatehouse serve` and the Electron app both start exactly this.
 *
 *   const plane = await createControlPlane({ dataDir, gatewayPort: 8081 });
 *   await plane.start();           // applies the stored config to the embedded gateway
 *   serveHttp(plane.handlers, plane.bus);
 *   await plane.stop();            // drains the gateway, flushes telemetry, closes SQLite
 *   await plane.stop({ dockerReplicas: 'stop' });   // on quit, per the onQuit setting
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import packageJson from '../../package.json';
import type { ContractHandlers } from '../../shared/contract/methods';
import type { OnQuit, SystemInfo } from '../../shared/contract/models';
import { findPolicy } from '../../shared/policies/catalogue';
import { startAlerting, type Alerting } from '../alerts/alerting';
import { BreakpointController } from '../gateway/breakpoints';
import { GatewayRuntime } from '../gateway/runtime';
import type { GatewaySnapshot } from '../gateway/snapshot';
import { MemoryCounterStore } from '../policies/counters';
import type { GatewayRecord } from '../store/gateways';
import { ensurePrivateDir, ensurePrivateFile } from '../store/private-files';
import { SecretBox } from '../store/secret-box';
import { fileSecretKeyProvider, type SecretKeyProvider } from '../store/secret-keys';
import { Store } from '../store/store';
import type { ReplicaService } from '../server/replica-routes';
import { withDockerGateways } from './docker-gateway-handlers';
import { DemoUpstreamService } from './demo-upstream-service';
import { DockerGateways, type DockerGatewaysOptions } from './docker-gateways';
import { EventBus } from './event-bus';
import { redactFact } from './fact-redaction';
import { CustomPolicies } from './custom-policies';
import { createHandlers } from './handlers';
import { readSettings } from './handlers/system';
import { LiveConfig, stoppedGateways, type ControlLog } from './live-config';
import type { GatewayLiveState } from './models';
import { toGateway } from './models';
import { storeRecorded } from './mock-snapshot';
import { buildGatewaySnapshot } from './snapshot-builder';
import { Telemetry } from './telemetry/telemetry';
import { TrafficPause } from './traffic-pause';
import { TryTraces } from './try-traces';

export interface ControlPlaneOptions {
  dataDir: string;
  /** Port of the built-in embedded gateway (default 8081; the stored port when omitted later). */
  gatewayPort?: number;
  /** Interface it binds (default 127.0.0.1). */
  gatewayHost?: string;
  log?: ControlLog;
  /** Shown by `system.info`; the server knows them. */
  adminUrl?: string;
  adminTokenFile?: string;
  /** Telemetry flush interval (tests). */
  telemetryFlushIntervalMs?: number;
  /** How often commits by other processes are looked for (default 500 ms). */
  watchIntervalMs?: number;
  /** How often alert rules are evaluated (default 1000 ms; tests go faster). */
  alertIntervalMs?: number;
  /**
   * Request telemetry from the embedded gateway (default true). False is a diagnostic switch
   * (`GATEHOUSE_TELEMETRY=off`): no request facts, so no metrics, traffic log or Try-it trace.
   */
  telemetry?: boolean;
  /** Docker gateways: engine discovery env (DOCKER_HOST, …), reconcile interval, replica expiry. */
  /** Where "Add the sample API" starts the bundled demo API when none runs (default 3000). */
  demoPort?: number;
  docker?: Pick<DockerGatewaysOptions, 'env' | 'reconcileIntervalMs' | 'replicaExpiryMs' | 'projectRoot'>;
  /** Key for the secrets stored encrypted (default `<dataDir>/secret-key`; the desktop app wraps it with the OS keychain). */
  secretKeys?: SecretKeyProvider;
}

export interface ControlPlaneStopOptions {
  /** Docker gateway replicas: left serving (default) or their containers stopped (the onQuit setting). */
  dockerReplicas?: OnQuit;
  /** Upper bound for stopping the replicas; what is still stopping then is left to Docker (default 15 s). */
  dockerStopTimeoutMs?: number;
}

/** Live state of docker gateways comes from the Docker manager, when one is attached. */
export type GatewayStateProvider = (gateway: GatewayRecord) => GatewayLiveState | undefined;

export interface ControlPlane {
  readonly handlers: ContractHandlers;
  readonly bus: EventBus;
  readonly runtime: GatewayRuntime;
  readonly telemetry: Telemetry;
  /** Read connection (committed data only). Writes go through the handlers. */
  readonly store: Store;
  readonly dataDir: string;
  start(): Promise<void>;
  /** Idempotent: a second call waits for the first (and ignores its options). */
  stop(options?: ControlPlaneStopOptions): Promise<void>;
  /** The compiled snapshot of one gateway (what its connected replicas pull). */
  snapshotFor(gatewayId: string): GatewaySnapshot | undefined;
  /** Re-reads the store and applies it (after an outside change that must be live at once). */
  reload(): Promise<void>;
  setSystemInfo(info: Partial<Pick<SystemInfo, 'adminUrl' | 'adminTokenFile' | 'docker'>>): void;
  setGatewayStateProvider(provider: GatewayStateProvider | undefined): void;
  /** The replica endpoints' backend: mount with startAdminServer's `replicas` option. */
  readonly replicaService: ReplicaService;
  /** Docker gateways and connected replicas (Docker manager, registry, snapshots). */
  readonly dockerGateways: DockerGateways;
  /** "Pause all traffic" (the contract's traffic.pause / traffic.resume). */
  readonly trafficPause: TrafficPause;
}

const defaultLog: ControlLog = (level, message) => {
  if (level !== 'info') process.stderr.write(`gatehouse ${level}: ${message}\n`);
};

export async function createControlPlane(options: ControlPlaneOptions): Promise<ControlPlane> {
  const dataDir = path.resolve(options.dataDir);
  const log = options.log ?? defaultLog;
  const secrets = new SecretBox(options.secretKeys ?? fileSecretKeyProvider(dataDir));
  const writer = Store.open(dataDir, { secrets });
  let reader: Store | undefined;
  let telemetry: Telemetry | undefined;
  try {
    writer.ensureEmbeddedGateway(options.gatewayPort, options.gatewayHost);
    sealPlainSecrets(writer, log);
    reader = Store.open(dataDir, { migrate: false, secrets });
    const settings = readSettings(reader);
    const telemetryFile = path.join(dataDir, 'telemetry.sqlite');
    ensurePrivateFile(telemetryFile);
    telemetry = new Telemetry({
      file: telemetryFile,
      retention: { secondBucketsSeconds: settings.retention.secondBucketsMinutes * 60, minuteBucketsDays: settings.retention.minuteBucketsDays },
      requestLogSize: settings.retention.requestLogEntries,
      bodyStoreBytes: settings.retention.bodyStorageMiB * 1024 * 1024,
      ...(options.telemetryFlushIntervalMs ? { flushIntervalMs: options.telemetryFlushIntervalMs } : {}),
      onError: (error) => log('error', `telemetry: ${error.message}`),
    });
    // Whatever else was created in the data dir meanwhile (the admin token…) is private too.
    ensurePrivateDir(dataDir);
  } catch (error) {
    reader?.close();
    writer.close();
    throw error;
  }
  return assemble(options, dataDir, log, writer, reader, telemetry, readSettings(reader).captureBodyLimitKiB * 1024);
}

/**
 * Secrets an older Gatehouse stored in clear are hashed or encrypted on start. A key that
 * cannot be used (an OS keychain that refuses) is reported and the start goes on: the
 * secrets stay as they were until it can.
 */
function sealPlainSecrets(store: Store, log: ControlLog): void {
  try {
    const count = store.sealPlainSecrets();
    if (count > 0) log('info', `${count} stored secret(s) from an older version are now hashed or encrypted`);
  } catch (error) {
    log('error', `stored secrets could not be encrypted: ${(error as Error).message}`);
  }
  for (const problem of store.unreadableSecrets()) log('error', problem);
}

function assemble(options: ControlPlaneOptions, dataDir: string, log: ControlLog, writer: Store, reader: Store, telemetry: Telemetry, captureBodyBytes: number): ControlPlane {
  const bus = new EventBus((error, event) => log('error', `${event} listener failed: ${error.message}`));
  const tryTraces = new TryTraces();
  const withTelemetry = options.telemetry !== false;
  // The policies library's custom policies; their writes go through `live` (below) like any config change.
  const customPolicies: CustomPolicies = new CustomPolicies({ store: reader, write: (change) => live.write(change), bus, log, onChange: () => dockerGateways.snapshots.invalidate() });
  // Breakpoints pause requests on the embedded gateway only (replicas run unattended).
  const breakpoints = new BreakpointController({ log: (level, message) => log(level, message) });
  const runtime = new GatewayRuntime({
    breakpoints,
    name: 'embedded',
    counters: new MemoryCounterStore(),
    // Known only to this process: clients of the gateway cannot ask for a dry run.
    dryRunToken: randomBytes(18).toString('base64url'),
    log: (level, message) => log(level, message),
    // Headers feed the traffic view and Try it's trace lookup; credentials are redacted first.
    captureHeaders: withTelemetry,
    // The first bytes of every body, for the traffic view (the captureBodyLimitKiB setting).
    captureBodyBytes: withTelemetry ? captureBodyBytes : 0,
    catalogue: (name) => findPolicy(name) ?? customPolicies.catalogueEntry(name),
    policies: customPolicies.definition,
    // An API's record switch: responses go to its recording in the store.
    onRecorded: (recorded) => {
      try {
        storeRecorded(writer, recorded);
      } catch (error) {
        log('error', `a recorded response could not be stored: ${(error as Error).message}`);
      }
    },
    onRequest: withTelemetry
      ? (fact) => {
          redactFact(fact);
          tryTraces.observe(fact);
          telemetry.ingest(fact);
        }
      : undefined,
  });

  let started = false;
  let gatewayStateProvider: GatewayStateProvider | undefined;
  const startedAt = Date.now();
  const extraInfo: Partial<SystemInfo> = {
    ...(options.adminUrl ? { adminUrl: options.adminUrl } : {}),
    ...(options.adminTokenFile ? { adminTokenFile: options.adminTokenFile } : {}),
  };

  const gatewayState = (gateway: GatewayRecord): GatewayLiveState => {
    if (gateway.kind !== 'embedded') return gatewayStateProvider?.(gateway) ?? dockerGateways.state(gateway);
    if (!started) return { status: 'starting' };
    if (stoppedGateways(reader).has(gateway.id)) return { status: 'stopped' };
    const listening = runtime.listenerAddresses().some((address) => address.port === gateway.port && address.host === gateway.host);
    const version = runtime.version;
    if (listening) return { status: 'running', ...(version ? { configVersion: version } : {}) };
    return { status: 'error', lastError: live.lastError ?? `not listening on ${gateway.host}:${gateway.port}` };
  };

  const live = new LiveConfig({
    store: writer,
    runtime,
    bus,
    dataDir,
    log,
    customPolicies,
    ...(options.watchIntervalMs ? { watchIntervalMs: options.watchIntervalMs } : {}),
    onApplied: () => {
      for (const gateway of reader.gateways.list())
        if (gateway.kind === 'embedded') bus.emit('gateway.status', toGateway(gateway, gatewayState(gateway)));
    },
  });

  // Replicas get the pause with their snapshot; invalidating answers their long polls at once.
  const trafficPause = new TrafficPause({ runtime, bus, log, onChange: () => dockerGateways.snapshots.invalidate() });
  const dockerGateways = new DockerGateways({
    store: reader,
    write: (change) => live.write((tx) => change(tx)),
    bus,
    telemetry,
    dataDir,
    log,
    paused: () => trafficPause.paused,
    customPolicies,
    ...options.docker,
  });

  const systemInfo = (): SystemInfo => ({
    version: packageJson.version,
    dataDir,
    gatewayPort: reader.embeddedGateway()?.port ?? options.gatewayPort ?? 8081,
    platform: process.platform,
    startedAt,
    ...extraInfo,
    docker: dockerGateways.dockerInfo(),
    traffic: trafficPause.state,
  });

  const demoUpstream = new DemoUpstreamService(options.demoPort);
  const handlers = withDockerGateways(createHandlers({
    store: reader,
    live,
    runtime,
    telemetry,
    bus,
    dataDir,
    sessionSecrets: new Map(),
    tryTraces,
    gatewayState,
    systemInfo,
    demoUpstream,
    trafficPause,
    breakpoints,
    customPolicies,
  }), dockerGateways);

  const unsubscribe: (() => void)[] = [];
  let alerts: Alerting | undefined;
  let stopping: Promise<void> | undefined;

  return {
    handlers,
    bus,
    runtime,
    telemetry,
    store: reader,
    dataDir,
    replicaService: dockerGateways,
    dockerGateways,
    trafficPause,

    async start() {
      if (started) return;
      started = true;
      unsubscribe.push(telemetry.onTick((tick) => bus.emit('traffic.tick', tick)));
      unsubscribe.push(breakpoints.onChange((state) => bus.emit('breakpoints.changed', state)));
      // Live traffic is copied for the bus only while someone (SSE, IPC) listens to it.
      unsubscribe.push(telemetry.onRequest((entry) => bus.emit('traffic.request', entry), () => bus.listenerCount('traffic.request') > 0));
      // Before the first apply: bindings of custom policies need their implementations.
      await customPolicies.start();
      // A port in use must not keep the app from starting: the gateway shows the error instead.
      await live.reconcile().catch(() => undefined);
      live.watch();
      await dockerGateways.start();
      alerts = startPlaneAlerting({ reader, live, runtime, telemetry, bus, gatewayState, log, intervalMs: options.alertIntervalMs });
    },

    stop(stopOptions = {}) {
      stopping ??= (async () => {
        await alerts?.stop();
        await dockerGateways.stop({ replicas: stopOptions.dockerReplicas ?? 'keep-running', timeoutMs: stopOptions.dockerStopTimeoutMs });
        for (const off of unsubscribe.splice(0)) off();
        customPolicies.close();
        await live.close();
        await runtime.stop({ graceMs: 5_000 });
        await demoUpstream.stop();
        try {
          telemetry.close();
        } finally {
          reader.close();
          writer.close();
        }
      })();
      return stopping;
    },

    snapshotFor(gatewayId) {
      const gateway = reader.gateways.get(gatewayId);
      if (!gateway) return undefined;
      return buildGatewaySnapshot(reader, gateway, { dataDir, stopped: stoppedGateways(reader), customPolicies }).snapshot;
    },

    async reload() {
      await live.reconcile();
    },

    setSystemInfo(info) {
      Object.assign(extraInfo, info);
      if (info.adminUrl) dockerGateways.setControlUrl(info.adminUrl);
    },

    setGatewayStateProvider(provider) {
      gatewayStateProvider = provider;
    },
  };
}

/**
 * The alert evaluator (main/alerts) over this plane's telemetry, upstream health checks and
 * gateway status. Its event writes queue behind config writes on the writer connection, which
 * may be inside a transaction while a snapshot is applied.
 */
function startPlaneAlerting(deps: {
  reader: Store;
  live: LiveConfig;
  runtime: GatewayRuntime;
  telemetry: Telemetry;
  bus: EventBus;
  gatewayState: (gateway: GatewayRecord) => GatewayLiveState;
  log: ControlLog;
  intervalMs: number | undefined;
}): Alerting {
  const { reader, live, runtime, telemetry, bus, gatewayState, log, intervalMs } = deps;
  // The UI and the tray show upstream health on the API: tell them when it changes.
  const offHealth = runtime.onUpstreamTransition((t) => {
    log(t.healthy ? 'info' : 'warn', `upstream of ${t.apiName} is ${t.healthy ? 'healthy' : 'DOWN'} (${t.url}: ${t.detail})`);
    bus.emit('resource.changed', { kind: 'api', id: t.apiId, action: 'updated', apiId: t.apiId });
  });
  // circuit-breaker-flex: the API shows "circuit open"; alert listeners get the change as an event.
  const offCircuit = runtime.onBindingState((change) => {
    log(change.tripped ? 'warn' : 'info', `${change.apiName}: ${change.policy}: ${change.detail}`);
    bus.emit('api.circuit', { apiId: change.apiId, apiName: change.apiName, state: change.tripped ? 'open' : 'closed', detail: change.detail, at: change.at });
    bus.emit('resource.changed', { kind: 'api', id: change.apiId, action: 'updated', apiId: change.apiId });
  });
  const alerting = startAlerting({
    rules: { list: () => reader.alertRules.list() },
    events: {
      latest: (ruleId) => reader.alertEvents.latest(ruleId),
      insert: (event) => live.write((tx) => tx.alertEvents.insert(event)),
      setDelivery: (id, delivery) => live.write((tx) => tx.alertEvents.setDelivery(id, delivery)),
    },
    telemetry,
    bus,
    upstreamHealth: () => runtime.upstreamHealth(),
    openCircuits: () => Object.fromEntries(runtime.trippedBindings().map((state) => [state.apiId, `${state.apiName}: ${state.detail}`])),
    gateways: () => reader.gateways.list().map((gateway) => toGateway(gateway, gatewayState(gateway))),
    gatewayApiIds: (gatewayId) => reader.apis.listByGateway(gatewayId).map((api) => api.id),
    apiName: (apiId) => reader.apis.get(apiId)?.name,
    gatewayName: (gatewayId) => reader.gateways.get(gatewayId)?.name,
    log,
    ...(intervalMs ? { intervalMs } : {}),
  });
  return {
    ...alerting,
    stop: async (options) => {
      offHealth();
      offCircuit();
      await alerting.stop(options);
    },
  };
}
