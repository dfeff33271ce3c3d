/**
 * Where http-caching-flex keeps responses. In memory: an LRU bounded by entries and by bytes,
 * outside snapshots (one per binding id), so a configuration reload keeps what was cached. In
 * Redis (the gateway's sharedStorage): entries shared by replicas and outliving the process,
 * each with Redis's own expiry; Redis unreachable is a miss, never an error for the client.
 */
import { createHash } from 'node:crypto';
import { Redis } from 'ioredis';
import { failFastRedisOptions, type RedisSettings } from './redis-counters';

export interface CacheEntry {
  status: number;
  headers: Record<string, string | string[]>;
  body: Buffer;
  /** When the response arrived (or was last revalidated), on the cache's clock. */
  responseTime: number;
  /** Age the upstream gave it on arrival (RFC 9111 §4.2.3). */
  initialAgeMs: number;
  /** Fresh while its age is below this. */
  lifetimeMs: number;
  /** Kept until then at the latest (ttl). */
  expiresAt: number;
  /** Request headers named by Vary, and their values when it was stored. */
  vary: string[];
  varyValues: (string | undefined)[];
  /** must-revalidate / proxy-revalidate: never served stale. */
  mustRevalidate: boolean;
  /** May satisfy a request with Authorization (public, s-maxage, must-revalidate; §3.5). */
  sharedWithAuthorization: boolean;
}

export interface CacheStore {
  readonly kind: 'memory' | 'redis';
  get(key: string, now: number): CacheEntry | undefined | Promise<CacheEntry | undefined>;
  set(key: string, entry: CacheEntry, now: number): void | Promise<void>;
  delete(key: string): void | Promise<void>;
  clear(): void | Promise<void>;
}

export interface MemoryBounds {
  maxEntries: number;
  maxBytes: number;
}

function sizeOf(key: string, entry: CacheEntry): number {
  let size = key.length + entry.body.length + 200;
  for (const name in entry.headers) size += name.length + String(entry.headers[name]).length + 4;
  return size;
}

export class MemoryCacheStore implements CacheStore {
  readonly kind = 'memory';
  /** Map order is recency: a hit moves its entry to the end; eviction takes from the front. */
  private readonly entries = new Map<string, { entry: CacheEntry; size: number }>();
  private bytes = 0;

  constructor(public bounds: MemoryBounds) {}

  get size(): number {
    return this.entries.size;
  }

  get usedBytes(): number {
    return this.bytes;
  }

  get(key: string, now: number): CacheEntry | undefined {
    const slot = this.entries.get(key);
    if (slot === undefined) return undefined;
    this.entries.delete(key);
    if (slot.entry.expiresAt <= now) {
      this.bytes -= slot.size;
      return undefined;
    }
    this.entries.set(key, slot);
    return slot.entry;
  }

  set(key: string, entry: CacheEntry): void {
    this.delete(key);
    const size = sizeOf(key, entry);
    if (size > this.bounds.maxBytes) return;
    this.entries.set(key, { entry, size });
    this.bytes += size;
    this.evict();
  }

  delete(key: string): void {
    const slot = this.entries.get(key);
    if (slot === undefined) return;
    this.entries.delete(key);
    this.bytes -= slot.size;
  }

  clear(): void {
    this.entries.clear();
    this.bytes = 0;
  }

  /** Least recently used first, until both bounds hold. */
  evict(): void {
    while (this.entries.size > this.bounds.maxEntries || this.bytes > this.bounds.maxBytes) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.delete(oldest);
    }
  }
}

/** One memory store per binding id, shared by the snapshots that hold the binding (reloads). */
const memoryStores = new Map<string, { store: MemoryCacheStore; refs: number }>();

export function acquireMemoryStore(bindingId: string, bounds: MemoryBounds): MemoryCacheStore {
  let slot = memoryStores.get(bindingId);
  if (slot === undefined) {
    slot = { store: new MemoryCacheStore(bounds), refs: 0 };
    memoryStores.set(bindingId, slot);
  } else {
    slot.store.bounds = bounds;
    slot.store.evict();
  }
  slot.refs++;
  return slot.store;
}

export function releaseMemoryStore(bindingId: string): void {
  const slot = memoryStores.get(bindingId);
  if (slot !== undefined && --slot.refs <= 0) memoryStores.delete(bindingId);
}

interface StoredJson extends Omit<CacheEntry, 'body'> {
  body: string;
}

/** One Redis connection per address, shared by every caching binding that uses it. */
const redisClients = new Map<string, { client: Redis; refs: number; connected: Promise<void> }>();

function acquireRedis(settings: RedisSettings): { client: Redis; connected: Promise<void> } {
  const id = `${settings.address}|${settings.username ?? ''}|${settings.db ?? ''}`;
  let slot = redisClients.get(id);
  if (slot === undefined) {
    // A cache that cannot answer at once is a miss: never queue requests behind a reconnect.
    const client = new Redis(failFastRedisOptions(settings, 500));
    client.on('error', () => {});
    // The first connection attempt, settled either way (at most connectTimeout): lookups made
    // while a gateway starts wait for it rather than miss; later outages never wait.
    const connected = new Promise<void>((resolve) => {
      client.once('ready', () => resolve());
      client.once('error', () => resolve());
      setTimeout(resolve, 1000).unref();
    });
    slot = { client, refs: 0, connected };
    redisClients.set(id, slot);
  }
  slot.refs++;
  return slot;
}

function releaseRedis(client: Redis): void {
  for (const [id, slot] of redisClients)
    if (slot.client === client && --slot.refs <= 0) {
      redisClients.delete(id);
      client.disconnect();
    }
}

export class RedisCacheStore implements CacheStore {
  readonly kind = 'redis';
  private readonly client: Redis;
  private readonly connected: Promise<void>;
  private readonly prefix: string;

  constructor(
    settings: RedisSettings,
    bindingId: string,
    private readonly onError: (error: Error) => void,
  ) {
    ({ client: this.client, connected: this.connected } = acquireRedis(settings));
    this.prefix = `gatehouse:cache:{${createHash('sha1').update(bindingId).digest('base64url')}}:`;
  }

  get ready(): boolean {
    return this.client.status === 'ready';
  }

  private keyOf(key: string): string {
    return this.prefix + createHash('sha1').update(key).digest('base64url');
  }

  async get(key: string, now: number): Promise<CacheEntry | undefined> {
    if (!this.ready) await this.connected;
    if (!this.ready) return undefined;
    try {
      const text = await this.client.get(this.keyOf(key));
      if (text === null) return undefined;
      const stored = JSON.parse(text) as StoredJson;
      if (stored.expiresAt <= now) return undefined;
      return { ...stored, body: Buffer.from(stored.body, 'base64') };
    } catch (error) {
      this.onError(error as Error);
      return undefined;
    }
  }

  async set(key: string, entry: CacheEntry, now: number): Promise<void> {
    const ttlMs = Math.ceil(entry.expiresAt - now);
    if (!this.ready || ttlMs <= 0) return;
    try {
      await this.client.set(this.keyOf(key), JSON.stringify({ ...entry, body: entry.body.toString('base64') }), 'PX', ttlMs);
    } catch (error) {
      this.onError(error as Error);
    }
  }

  async delete(key: string): Promise<void> {
    if (!this.ready) return;
    await this.client.del(this.keyOf(key)).catch((error: Error) => this.onError(error));
  }

  async clear(): Promise<void> {
    if (!this.ready) return;
    try {
      let cursor = '0';
      do {
        const [next, keys] = await this.client.scan(cursor, 'MATCH', `${this.prefix}*`, 'COUNT', 500);
        cursor = next;
        if (keys.length > 0) await this.client.unlink(...keys);
      } while (cursor !== '0');
    } catch (error) {
      this.onError(error as Error);
    }
  }

  close(): void {
    releaseRedis(this.client);
  }
}

/** The Redis settings of the gateway's shared storage, when it has one (FailoverCounterStore). */
export function sharedRedisSettings(counters: unknown): RedisSettings | undefined {
  const settings = (counters as { settings?: RedisSettings } | undefined)?.settings;
  return settings !== undefined && typeof settings.address === 'string' ? settings : undefined;
}
