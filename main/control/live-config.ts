/**
 * Keeps the embedded gateway in step with the store. Every change runs in one write
 * transaction; the snapshot it leads to is built and applied to the runtime *before* the
 * commit, so a change the gateway cannot take (a bad certificate, a port in use) is rolled back
 * and reported to the caller, and the store and the runtime never disagree. Writes are
 * serialized. Commits by other processes (`gatehouse import` while `serve` runs) are noticed
 * through SQLite's data_version and applied within a second.
 */
import { ContractError, ContractErrorCode } from '../../shared/contract/errors';
import type { ResourceKind } from '../../shared/contract/events';
import type { ErrorDetail } from '../../shared/errors';
import type { GatewayRuntime } from '../gateway/runtime';
import type { GatewaySnapshot } from '../gateway/snapshot';
import type { Store } from '../store/store';
import type { EventBus } from './event-bus';
import { buildEmbeddedSnapshot, type CustomPolicySource, type SnapshotBuild } from './snapshot-builder';

export interface ResourceChange {
  kind: ResourceKind;
  id: string;
  action: 'created' | 'updated' | 'removed';
  apiId?: string;
}

export type ControlLog = (level: 'info' | 'warn' | 'error', message: string) => void;

/** Settings key holding the ids of gateways the user stopped. */
export const STOPPED_GATEWAYS_KEY = 'gateways.stopped';

export function stoppedGateways(store: Store): Set<string> {
  return new Set(store.settings.get<string[]>(STOPPED_GATEWAYS_KEY) ?? []);
}

export interface LiveConfigOptions {
  store: Store;
  runtime: GatewayRuntime;
  bus: EventBus;
  dataDir: string;
  log: ControlLog;
  /** Called after a snapshot was applied (gateway status events). */
  onApplied?: (snapshot: GatewaySnapshot) => void;
  /** How often to look for commits by other processes (default 500 ms). */
  watchIntervalMs?: number;
  /** The app's custom policies (bindings may use them; their code versions the snapshot). */
  customPolicies?: CustomPolicySource;
}

export class LiveConfig {
  private queue: Promise<unknown> = Promise.resolve();
  private dataVersion: number;
  private watchTimer: NodeJS.Timeout | undefined;
  /** The last apply failure (start-up or outside change), shown on the gateway until a success. */
  lastError: string | undefined;
  /**
   * Version of the stored config the runtime could not take (e.g. its port is in use). Writes
   * that leave it unchanged (settings, alert rules) commit without retrying the apply.
   */
  private failedVersion: string | undefined;

  constructor(private readonly options: LiveConfigOptions) {
    this.dataVersion = options.store.dataVersion();
  }

  /**
   * Runs `change` in one transaction and applies the resulting snapshot before committing.
   * `change` records what it changed in `changes` (for resource.changed events).
   */
  write<T>(change: (store: Store, changes: ResourceChange[]) => T): Promise<T> {
    const run = this.queue.then(() => this.writeNow(change));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async writeNow<T>(change: (store: Store, changes: ResourceChange[]) => T): Promise<T> {
    const { store, runtime } = this.options;
    const previous = runtime.currentSnapshot();
    let applied: GatewaySnapshot | undefined;
    store.db.exec('BEGIN IMMEDIATE');
    try {
      const changes: ResourceChange[] = [];
      const result = change(store, changes);
      if (result instanceof Promise) throw new Error('LiveConfig.write: the change must be synchronous (it runs inside a transaction)');
      const build = this.build();
      const version = build.snapshot.version;
      const untouchedFailure = version === this.failedVersion;
      if (build.errors.length > 0 && !untouchedFailure) throw invalidConfig(build.errors);
      if (version !== runtime.version && !untouchedFailure) {
        await this.apply(build.snapshot);
        applied = build.snapshot;
      }
      store.db.exec('COMMIT');
      this.dataVersion = store.dataVersion();
      if (applied) {
        this.failedVersion = undefined;
        this.lastError = undefined;
        runtime.reportConfigError(undefined);
      }
      for (const item of changes) this.options.bus.emit('resource.changed', item);
      if (applied) this.announce(applied);
      return result;
    } catch (error) {
      if (store.db.inTransaction) store.db.exec('ROLLBACK');
      // Applied but not committed (the commit itself failed): put the old snapshot back.
      if (applied && previous) await runtime.apply(previous).catch(() => undefined);
      throw fromStoreError(error);
    }
  }

  /** Builds from the store as it is and applies it (start-up, start/stop, outside changes). */
  reconcile(): Promise<GatewaySnapshot | undefined> {
    const run = this.queue.then(() => this.reconcileNow());
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async reconcileNow(): Promise<GatewaySnapshot | undefined> {
    this.dataVersion = this.options.store.dataVersion();
    const build = this.build();
    try {
      if (build.errors.length > 0) throw invalidConfig(build.errors);
      if (build.snapshot.version === this.options.runtime.version) return undefined;
      await this.apply(build.snapshot);
      this.failedVersion = undefined;
      this.lastError = undefined;
      this.options.runtime.reportConfigError(undefined);
      this.announce(build.snapshot);
      return build.snapshot;
    } catch (error) {
      // Nobody to hand the error to: keep serving the last good snapshot and say why.
      this.failedVersion = build.snapshot.version;
      this.lastError = (error as Error).message;
      this.options.runtime.reportConfigError({ message: this.lastError });
      this.options.log('error', `gateway config not applied: ${this.lastError}`);
      throw error;
    }
  }

  /** Polls data_version; a commit from another connection (or process) triggers a reconcile. */
  watch(): void {
    if (this.watchTimer) return;
    this.watchTimer = setInterval(() => {
      let version: number;
      try {
        version = this.options.store.dataVersion();
      } catch {
        return; // closed
      }
      if (version === this.dataVersion) return;
      this.dataVersion = version;
      // Only commits that change the gateway's config are announced: alert events written on
      // the read connection, for instance, are not a config change.
      this.reconcile().then(
        (applied) => {
          if (!applied) return;
          this.options.log('info', 'the store was changed by another process; applied it');
          this.options.bus.emit('resource.changed', { kind: 'config', id: '*', action: 'updated' });
        },
        () => undefined,
      );
    }, this.options.watchIntervalMs ?? 500);
    this.watchTimer.unref();
  }

  /** Waits for queued writes, then stops watching. */
  async close(): Promise<void> {
    if (this.watchTimer) clearInterval(this.watchTimer);
    this.watchTimer = undefined;
    await this.queue;
  }

  private build(): SnapshotBuild {
    const store = this.options.store;
    return buildEmbeddedSnapshot(store, { dataDir: this.options.dataDir, stopped: stoppedGateways(store), customPolicies: this.options.customPolicies });
  }

  private async apply(snapshot: GatewaySnapshot): Promise<void> {
    try {
      await this.options.runtime.apply(snapshot);
    } catch (error) {
      throw fromApplyError(error);
    }
  }

  private announce(snapshot: GatewaySnapshot): void {
    const store = this.options.store;
    for (const gateway of store.gateways.list()) {
      if (gateway.kind === 'embedded') this.options.bus.emit('snapshot.applied', { gatewayId: gateway.id, version: snapshot.version });
    }
    this.options.onApplied?.(snapshot);
  }
}

/** SQLite errors that reach a caller say what happened, without SQL. */
function fromStoreError(error: unknown): unknown {
  const code = (error as { code?: unknown })?.code;
  if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED')
    return new ContractError(ContractErrorCode.unavailable, 'the data dir is busy: another Gatehouse process is writing to it; try again');
  // Checks run before every insert; this is a race with another process writing the same name.
  if (code === 'SQLITE_CONSTRAINT_UNIQUE') return new ContractError(ContractErrorCode.conflict, 'something with that name or id was just created by another process');
  return error;
}

function invalidConfig(details: ErrorDetail[]): ContractError {
  const first = details[0];
  return ContractError.validation(details, `the gateway cannot take this change: ${first ? `${first.path}: ${first.message}` : 'invalid config'}`);
}

/** The runtime's SnapshotError as a contract error: a busy port is a conflict, the rest is invalid input. */
function fromApplyError(error: unknown): ContractError {
  if (error instanceof ContractError) return error;
  const message = (error as Error)?.message ?? String(error);
  const details = ((error as { details?: ErrorDetail[] }).details ?? []).map((detail) => ({ path: detail.path, message: detail.message }));
  if (/cannot listen on/.test(message)) return new ContractError(ContractErrorCode.conflict, message, { details });
  return new ContractError(ContractErrorCode.validationFailed, `the gateway rejected the change: ${message}`, { details });
}
