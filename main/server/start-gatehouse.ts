/**
 * Starting Gatehouse in one process, as `gatehouse serve` and the desktop app both do: the
 * control plane, then the admin API (with the replica endpoints) BEFORE the gateways start, so
 * Docker replicas know where to connect, then the gateways. A failure part-way stops what had
 * started.
 */
import { createControlPlane, type ControlPlane } from '../control/control-plane';
import { readSettings } from '../control/handlers/system';
import type { OnQuit } from '../../shared/contract/models';
import type { SecretKeyProvider } from '../store/secret-keys';
import { startAdminServer, type AdminServer } from './server';

type Level = 'info' | 'warn' | 'error';

export interface StartGatehouseOptions {
  dataDir: string;
  /** Without it the stored port is kept (8081 on first start), so a port changed in the UI sticks. */
  gatewayPort?: number;
  adminHost?: string;
  adminPort: number;
  /** Where the built web UI is served from. */
  staticDir: string;
  version: string;
  log: (level: Level, message: string) => void;
  /**
   * `serve` cannot work without its admin API; the desktop app can (the window talks over IPC),
   * so there a taken port is only a warning.
   */
  adminRequired: boolean;
  env?: NodeJS.ProcessEnv;
  /** Upper bound for stopping Docker replicas on quit (onQuit = stop); default 15 s. */
  dockerStopTimeoutMs?: number;
  /** The key of stored secrets: the desktop app's is wrapped by the OS keychain; default `<data-dir>/secret-key`. */
  secretKeys?: SecretKeyProvider;
}

export interface RunningGatehouse {
  plane: ControlPlane;
  admin?: AdminServer;
  embeddedPort(): number;
  /** The quit: admin API closed, gateway drained, telemetry flushed, Docker replicas per the onQuit setting. */
  stop(): Promise<void>;
}

/** Thrown with a one-line message that says which part could not start. */
export class StartError extends Error {}

export async function startGatehouse(options: StartGatehouseOptions): Promise<RunningGatehouse> {
  const env = options.env ?? process.env;
  const { log } = options;
  let plane: ControlPlane;
  try {
    // GATEHOUSE_TELEMETRY=off is a diagnostic switch: it measures what telemetry costs.
    plane = await createControlPlane({
      dataDir: options.dataDir,
      gatewayPort: options.gatewayPort,
      log,
      telemetry: env.GATEHOUSE_TELEMETRY !== 'off',
      ...(options.secretKeys ? { secretKeys: options.secretKeys } : {}),
    });
  } catch (error) {
    throw new StartError(`cannot open ${options.dataDir}: ${(error as Error).message}`);
  }
  const embeddedPort = () => plane.store.embeddedGateway()?.port ?? options.gatewayPort ?? 8081;

  let admin: AdminServer | undefined;
  try {
    admin = await startAdminServer({
      host: options.adminHost ?? '127.0.0.1',
      port: options.adminPort,
      dataDir: options.dataDir,
      handlers: plane.handlers,
      bus: plane.bus,
      replicas: plane.replicaService,
      version: options.version,
      staticDir: options.staticDir,
      env,
      health: () => ({ gateway: { port: embeddedPort(), configVersion: plane.runtime.version ?? null } }),
      logError: (message, error) => log('error', `${message}: ${(error as Error)?.stack ?? String(error)}`),
    });
    plane.setSystemInfo({ adminUrl: admin.url, ...(admin.tokenFile ? { adminTokenFile: admin.tokenFile } : {}) });
  } catch (error) {
    const message = `the admin API could not start on ${options.adminHost ?? '127.0.0.1'}:${options.adminPort}: ${(error as Error).message}`;
    if (options.adminRequired) {
      await plane.stop().catch(() => undefined);
      throw new StartError(message);
    }
    log('warn', `${message} (Docker replicas and the browser UI need it)`);
  }

  try {
    await plane.start();
  } catch (error) {
    await admin?.close().catch(() => undefined);
    await plane.stop().catch(() => undefined);
    throw new StartError(`cannot start: ${(error as Error).message}`);
  }

  return {
    plane,
    admin,
    embeddedPort,
    async stop() {
      // Read before anything closes; an unreadable store keeps the default (replicas keep running).
      let onQuit: OnQuit = 'keep-running';
      try {
        onQuit = readSettings(plane.store).onQuit;
      } catch (error) {
        log('warn', `cannot read the onQuit setting, leaving Docker replicas running: ${(error as Error).message}`);
      }
      await admin?.close().catch((error: unknown) => log('error', `admin server did not close: ${(error as Error).message}`));
      // Stops the embedded gateway (in-flight requests drain) and flushes telemetry to SQLite;
      // Docker replicas keep serving their last config, or are stopped when the setting says so.
      await plane.stop({ dockerReplicas: onQuit, dockerStopTimeoutMs: options.dockerStopTimeoutMs });
    },
  };
}
