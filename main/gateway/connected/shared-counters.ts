/**
 * The replica's counter store: follows the snapshot's `sharedStorage.redis`. With Redis the
 * counters are shared by every replica of the gateway (with local failover); without it, each
 * replica counts on its own. The runtime holds this one object, so switching never recompiles
 * policies; counters restart when the Redis settings change.
 */
import { MemoryCounterStore, type CounterResult, type CounterStore, type CounterWindow } from '../../policies/counters';
import { FailoverCounterStore, type RedisSettings } from '../../policies/redis-counters';
import type { SharedStorageSnapshot } from '../snapshot';

export class SharedCounters implements CounterStore {
  private readonly memory = new MemoryCounterStore();
  private redis: FailoverCounterStore | undefined;
  private settingsKey = '';

  constructor(private readonly log: (level: 'info' | 'warn', message: string) => void = () => {}) {}

  get kind(): string {
    return this.redis?.kind ?? this.memory.kind;
  }

  /** Counters for clusterizable: false bindings (and while Redis is down). */
  get local(): CounterStore {
    return this.memory;
  }

  hit(key: string, windows: readonly CounterWindow[], now?: number): CounterResult | Promise<CounterResult> {
    return (this.redis ?? this.memory).hit(key, windows, now);
  }

  /** Switches to the storage a snapshot asks for. */
  use(storage: SharedStorageSnapshot | undefined): void {
    const redis: RedisSettings | undefined = storage?.redis;
    const key = redis ? JSON.stringify(redis) : '';
    if (key === this.settingsKey) return;
    this.settingsKey = key;
    const previous = this.redis;
    this.redis = redis ? new FailoverCounterStore(redis, { log: this.log, local: this.memory }) : undefined;
    void previous?.close();
    this.log('info', redis ? `rate-limit counters shared through Redis at ${redis.address}` : 'rate-limit counters are local to this replica (no shared storage configured)');
  }

  close(): Promise<void> {
    const redis = this.redis;
    this.redis = undefined;
    return redis?.close() ?? Promise.resolve();
  }
}
