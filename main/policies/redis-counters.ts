/**
 * Rate-limit counters shared across replicas through Redis (Flex's `sharedStorage.redis`).
 * One Lua script checks and counts every window of a key atomically (fixed windows starting at
 * the first request, as the memory store), so N replicas with a 10/min limit admit 10 in total
 * and a rejected hit consumes nothing. When Redis is unreachable the failover store keeps
 * serving with local counters, says so in `kind` (health), and goes back to Redis when it returns.
 */
import { createHash } from 'node:crypto';
import { Redis, type RedisOptions } from 'ioredis';
import { MemoryCounterStore, type CounterResult, type CounterStore, type CounterWindow } from './counters';

/**
 * ioredis options for shared state on the request path: no offline queue and no retries per
 * command (a caller that cannot be answered at once falls back instead of waiting), while the
 * connection keeps trying to come back, at most every 2 s.
 */
export function failFastRedisOptions(settings: RedisSettings, commandTimeoutMs: number): RedisOptions {
  const parsed = parseRedisAddress(settings.address);
  return {
    host: parsed.host,
    port: parsed.port,
    ...(parsed.tls ? { tls: {} } : {}),
    username: settings.username ?? parsed.username,
    password: settings.password ?? parsed.password,
    db: settings.db ?? parsed.db ?? 0,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    connectTimeout: 1000,
    commandTimeout: commandTimeoutMs,
    retryStrategy: (times) => Math.min(100 * times, 2000),
  };
}

export interface RedisSettings {
  /** `host:port`, `host` (port 6379) or a `redis://` URL. */
  address: string;
  username?: string;
  password?: string;
  db?: number;
}

/**
 * KEYS: one per window. ARGV: the windows' maximums, then their periods (ms).
 * Returns {allowed, count_1..count_n, pttl_1..pttl_n}: counts after this hit (unchanged when rejected).
 */
const HIT_SCRIPT = `
local n = #KEYS
local counts, ttls, allowed = {}, {}, 1
for i = 1, n do
  local ttl = redis.call('PTTL', KEYS[i])
  local count = 0
  if ttl > 0 then count = tonumber(redis.call('GET', KEYS[i]) or '0') else ttl = tonumber(ARGV[n + i]) end
  counts[i] = count
  ttls[i] = ttl
  if count >= tonumber(ARGV[i]) then allowed = 0 end
end
if allowed == 1 then
  for i = 1, n do
    if counts[i] == 0 then redis.call('SET', KEYS[i], 1, 'PX', ARGV[n + i]) else redis.call('INCR', KEYS[i]) end
    counts[i] = counts[i] + 1
  end
end
local out = {allowed}
for i = 1, n do out[#out + 1] = counts[i] end
for i = 1, n do out[#out + 1] = ttls[i] end
return out
`;

interface HitCommand {
  gatehouseHit(numberOfKeys: number, ...args: (string | number)[]): Promise<number[]>;
}

export function parseRedisAddress(address: string): { host: string; port: number; tls: boolean; username?: string; password?: string; db?: number } {
  const text = address.trim();
  if (/^rediss?:\/\//i.test(text)) {
    const url = new URL(text);
    const db = url.pathname.length > 1 ? Number(url.pathname.slice(1)) : undefined;
    return {
      host: url.hostname.replace(/^\[|\]$/g, ''),
      port: url.port ? Number(url.port) : 6379,
      tls: url.protocol === 'rediss:',
      ...(url.username ? { username: decodeURIComponent(url.username) } : {}),
      ...(url.password ? { password: decodeURIComponent(url.password) } : {}),
      ...(db !== undefined && Number.isInteger(db) ? { db } : {}),
    };
  }
  const match = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(text);
  if (!match) throw new Error(`sharedStorage.redis.address: expected host:port or redis://host:port, got "${address}"`);
  return { host: match[1]!.replace(/^\[|\]$/g, ''), port: match[2] ? Number(match[2]) : 6379, tls: false };
}

export interface RedisCounterStoreOptions {
  /** Prefix of every key (default `gatehouse:rl:`). */
  keyPrefix?: string;
  /** A command slower than this fails (and the failover store counts locally). Default 500 ms. */
  commandTimeoutMs?: number;
  /** Called when the connection becomes ready or is lost. */
  onStateChange?: (ready: boolean, error?: Error) => void;
}

/** Counters in Redis only: `hit` rejects when Redis cannot answer. */
export class RedisCounterStore implements CounterStore {
  readonly kind = 'redis';
  private readonly client: Redis;
  private readonly prefix: string;
  private lastError: Error | undefined;

  constructor(settings: RedisSettings, options: RedisCounterStoreOptions = {}) {
    this.prefix = options.keyPrefix ?? 'gatehouse:rl:';
    // Fail fast while disconnected: the caller counts locally instead of queueing requests.
    this.client = new Redis(failFastRedisOptions(settings, options.commandTimeoutMs ?? 500));
    this.client.defineCommand('gatehouseHit', { lua: HIT_SCRIPT });
    this.client.on('ready', () => {
      this.lastError = undefined;
      options.onStateChange?.(true);
    });
    this.client.on('error', (error: Error) => {
      this.lastError = error;
    });
    this.client.on('close', () => options.onStateChange?.(false, this.lastError));
  }

  /** Connected and able to run commands. */
  get ready(): boolean {
    return this.client.status === 'ready';
  }

  get error(): Error | undefined {
    return this.lastError;
  }

  async hit(key: string, windows: readonly CounterWindow[]): Promise<CounterResult> {
    const base = `${this.prefix}{${createHash('sha1').update(key).digest('base64url')}}:`;
    const keys = windows.map((window, index) => `${base}${index}:${window.maximumRequests}/${window.timePeriodInMilliseconds}`);
    const args = [...windows.map((window) => window.maximumRequests), ...windows.map((window) => window.timePeriodInMilliseconds)];
    const reply = await (this.client as unknown as HitCommand).gatehouseHit(keys.length, ...keys, ...args);
    const n = windows.length;
    return resultOf(
      reply[0] === 1,
      windows.map((window, index) => ({ window, count: Number(reply[1 + index]), ttl: Number(reply[1 + n + index]) })),
    );
  }

  async close(): Promise<void> {
    this.client.disconnect();
  }
}

function resultOf(allowed: boolean, states: { window: CounterWindow; count: number; ttl: number }[]): CounterResult {
  // Report the window closest to exhaustion, as the memory store does.
  let tightest = states[0]!;
  for (const state of states)
    if (state.window.maximumRequests - state.count < tightest.window.maximumRequests - tightest.count) tightest = state;
  let retryAfterMs: number | undefined;
  if (!allowed) {
    retryAfterMs = 0;
    for (const state of states) if (state.count >= state.window.maximumRequests) retryAfterMs = Math.max(retryAfterMs, state.ttl);
  }
  return {
    allowed,
    ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    limit: tightest.window.maximumRequests,
    remaining: Math.max(0, tightest.window.maximumRequests - tightest.count),
    resetMs: Math.max(0, tightest.ttl),
  };
}

export const REDIS_UNREACHABLE = 'redis (unreachable, using local counters)';

/**
 * Redis while it answers, local memory counters while it does not. `kind` says which, for the
 * health endpoint: `redis`, `redis (connecting, using local counters)` or REDIS_UNREACHABLE.
 */
export class FailoverCounterStore implements CounterStore {
  readonly local: CounterStore;
  private readonly redis: RedisCounterStore;
  private connectedOnce = false;
  private failing = false;

  constructor(
    readonly settings: RedisSettings,
    private readonly options: RedisCounterStoreOptions & { log?: (level: 'info' | 'warn', message: string) => void; local?: CounterStore } = {},
  ) {
    this.local = options.local ?? new MemoryCounterStore();
    this.redis = new RedisCounterStore(settings, {
      ...options,
      onStateChange: (ready, error) => {
        if (ready) {
          if (this.failing || !this.connectedOnce) options.log?.('info', `shared counters: Redis at ${settings.address} is ${this.connectedOnce ? 'back' : 'connected'}`);
          this.connectedOnce = true;
          this.failing = false;
        } else if (!this.failing) {
          this.failing = true;
          options.log?.('warn', `shared counters: Redis at ${settings.address} is unreachable${error ? ` (${error.message})` : ''}; counting locally until it returns`);
        }
        options.onStateChange?.(ready, error);
      },
    });
  }

  get kind(): string {
    if (this.redis.ready) return 'redis';
    return this.connectedOnce || this.failing ? REDIS_UNREACHABLE : 'redis (connecting, using local counters)';
  }

  /** Whether counters are shared right now. */
  get shared(): boolean {
    return this.redis.ready;
  }

  hit(key: string, windows: readonly CounterWindow[], now?: number): CounterResult | Promise<CounterResult> {
    if (!this.redis.ready) return this.local.hit(key, windows, now);
    return this.redis.hit(key, windows).catch(() => this.local.hit(key, windows, now));
  }

  close(): Promise<void> {
    return this.redis.close();
  }
}
