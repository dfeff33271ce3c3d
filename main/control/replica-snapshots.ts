/**
 * Snapshots for connected replicas, per gateway: only the APIs assigned to the gateway, plus
 * its shared storage (Redis) settings and whether traffic is paused. Versioned by content
 * (pausing makes a new version, so replicas pick it up at once); a long poll waiting on a version
 * is answered as soon as a change makes a different one. A change that cannot be compiled
 * keeps replicas on the last good snapshot and is reported as the gateway's error.
 */
import { createHash } from 'node:crypto';
import type { SnapshotReply } from '../gateway/connected/protocol';
import type { GatewaySnapshot, SharedStorageSnapshot } from '../gateway/snapshot';
import type { Store } from '../store/store';
import { stoppedGateways } from './live-config';
import { buildGatewaySnapshot, type CustomPolicySource } from './snapshot-builder';

export interface ReplicaSnapshotsOptions {
  store: Store;
  dataDir: string;
  sharedStorage(gatewayId: string): SharedStorageSnapshot | undefined;
  /** "Pause all traffic": replicas answer 503 TRAFFIC_PAUSED while it is on. */
  paused?(): boolean;
  log?(level: 'info' | 'warn' | 'error', message: string): void;
  /** The app's custom policies: replicas get the code of those their bindings use. */
  customPolicies?: CustomPolicySource;
}

interface Built {
  version: string;
  snapshot: GatewaySnapshot;
}

interface Waiter {
  after: string | undefined;
  resolve(reply: SnapshotReply | undefined): void;
}

export class ReplicaSnapshots {
  private readonly good = new Map<string, Built>();
  /** The last snapshot built without errors, before shared storage and pause were added. */
  private readonly lastGood = new Map<string, GatewaySnapshot>();
  private readonly errors = new Map<string, string>();
  private readonly waiters = new Map<string, Set<Waiter>>();
  /** Gateways whose `good` entry reflects the store as it is now. */
  private readonly fresh = new Set<string>();

  constructor(private readonly options: ReplicaSnapshotsOptions) {}

  /** The snapshot replicas of this gateway should run; undefined when none could ever be built. */
  current(gatewayId: string): Built | undefined {
    if (!this.fresh.has(gatewayId)) this.rebuild(gatewayId);
    return this.good.get(gatewayId);
  }

  /** Why the newest change could not be given to replicas, until a good one is built. */
  error(gatewayId: string): string | undefined {
    return this.errors.get(gatewayId);
  }

  private rebuild(gatewayId: string): void {
    const { store, dataDir } = this.options;
    this.fresh.add(gatewayId);
    const gateway = store.gateways.get(gatewayId);
    if (!gateway) {
      this.good.delete(gatewayId);
      this.lastGood.delete(gatewayId);
      return;
    }
    const build = buildGatewaySnapshot(store, gateway, { dataDir, stopped: stoppedGateways(store), customPolicies: this.options.customPolicies });
    let base = build.snapshot;
    if (build.errors.length > 0) {
      const message = `replicas keep their last config: ${build.errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`;
      if (this.errors.get(gatewayId) !== message) this.options.log?.('error', `gateway "${gateway.name}": ${message}`);
      this.errors.set(gatewayId, message);
      // The last good config, still paused and resumed with the rest ("pause all traffic" must reach a broken gateway too).
      const last = this.lastGood.get(gatewayId);
      if (!last) return;
      base = last;
    } else {
      this.errors.delete(gatewayId);
      this.lastGood.set(gatewayId, base);
    }
    const sharedStorage = this.options.sharedStorage(gatewayId);
    const paused = this.options.paused?.() === true;
    const snapshot: GatewaySnapshot = { ...base, ...(sharedStorage ? { sharedStorage } : {}), ...(paused ? { trafficPaused: true } : {}) };
    const hash = (...parts: string[]) => parts.reduce((h, part) => h.update(part), createHash('sha256')).digest('hex').slice(0, 16);
    let version = base.version;
    if (sharedStorage) version = hash(version, JSON.stringify(sharedStorage));
    if (paused) version = hash(version, 'traffic-paused');
    snapshot.version = version;
    this.good.set(gatewayId, { version, snapshot });
  }

  /** Something changed: rebuild what replicas wait for and answer the polls whose version is now stale. */
  invalidate(): void {
    this.fresh.clear();
    for (const gatewayId of new Set([...this.good.keys(), ...this.waiters.keys()])) this.rebuild(gatewayId);
    for (const [gatewayId, set] of this.waiters) {
      const built = this.good.get(gatewayId);
      if (!built) continue;
      for (const waiter of [...set]) if (waiter.after !== built.version) waiter.resolve(built);
    }
  }

  /** Answers at once when the current version differs from `after`, else on the next change or after `holdMs`. */
  wait(gatewayId: string, after: string | undefined, holdMs: number, signal?: AbortSignal): Promise<SnapshotReply | undefined> {
    const built = this.current(gatewayId);
    if (built && built.version !== after) return Promise.resolve(built);
    return new Promise((resolve) => {
      let set = this.waiters.get(gatewayId);
      if (!set) this.waiters.set(gatewayId, (set = new Set()));
      const waiter: Waiter = {
        after,
        resolve: (reply) => {
          clearTimeout(timer);
          signal?.removeEventListener('abort', onAbort);
          set.delete(waiter);
          if (set.size === 0 && this.waiters.get(gatewayId) === set) this.waiters.delete(gatewayId);
          resolve(reply);
        },
      };
      const onAbort = () => waiter.resolve(undefined);
      const timer = setTimeout(onAbort, holdMs);
      signal?.addEventListener('abort', onAbort, { once: true });
      set.add(waiter);
    });
  }

  /** Answers a gateway's pending polls now (its token changed: the next poll must authenticate again). */
  release(gatewayId: string): void {
    for (const waiter of [...(this.waiters.get(gatewayId) ?? [])]) waiter.resolve(undefined);
  }

  /** Ends every pending poll (shutdown). */
  close(): void {
    for (const set of this.waiters.values()) for (const waiter of [...set]) waiter.resolve(undefined);
  }

  /** How many polls wait (tests, health). */
  get waiting(): number {
    let count = 0;
    for (const set of this.waiters.values()) count += set.size;
    return count;
  }
}
