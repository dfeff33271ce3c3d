/**
 * Connected replicas, control-plane side: per-gateway replica tokens (stored only as salted
 * hashes; rotating replaces, revoking removes) and the registry of replicas that registered,
 * Connected while their heartbeats arrive and Disconnected after about three missed ones.
 * A replica that stays disconnected is forgotten after `expireAfterMs` (default 10 minutes).
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Heartbeat, RegisterRequest } from '../gateway/connected/protocol';
import { HEARTBEAT_INTERVAL_MS } from '../gateway/connected/protocol';
import { hashSecret, verifySecret } from '../policies/secret-hash';
import type { Store } from '../store/store';

/** Settings key: `{ [gatewayId]: { hash, createdAt } }`. */
export const REPLICA_TOKENS_KEY = 'replicas.tokens';
const TOKEN_PREFIX = 'ghr';

interface StoredToken {
  hash: string;
  createdAt: number;
}

export interface ReplicaRecord {
  gatewayId: string;
  name: string;
  listenPort?: number;
  version?: string;
  registeredAt: number;
  lastHeartbeatAt: number;
  configVersion?: string;
  /** The replica's own health status (`ok`, `degraded`, `paused`, `starting`). */
  health?: Heartbeat['status'];
  counters?: string;
  lastConfigError?: string;
}

export interface ReplicaView extends ReplicaRecord {
  connection: 'connected' | 'disconnected';
}

export interface ReplicaRegistryOptions {
  store: Store;
  /** Serialized store writes (the control plane's `live.write`). */
  write<T>(change: (store: Store) => T): Promise<T>;
  now?: () => number;
  heartbeatIntervalMs?: number;
  /** Missed heartbeats before a replica shows Disconnected (default 3). */
  missedHeartbeats?: number;
  /** A disconnected replica is forgotten after this long (default 10 minutes). */
  expireAfterMs?: number;
  /** Called when a gateway's replicas change (registered, connected/disconnected, expired). */
  onChange?(gatewayId: string): void;
  sweepIntervalMs?: number;
}

export class ReplicaRegistry {
  private readonly replicas = new Map<string, Map<string, ReplicaRecord>>();
  private readonly lastConnection = new Map<string, 'connected' | 'disconnected'>();
  /** sha256(token) → gateway id, for tokens already verified (scrypt is slow by design). */
  private readonly verified = new Map<string, string>();
  private readonly now: () => number;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly options: ReplicaRegistryOptions) {
    this.now = options.now ?? Date.now;
  }

  get disconnectAfterMs(): number {
    return (this.options.heartbeatIntervalMs ?? HEARTBEAT_INTERVAL_MS) * (this.options.missedHeartbeats ?? 3);
  }

  // ------------------------------------------------------------------------------- tokens

  private tokens(store: Store = this.options.store): Record<string, StoredToken> {
    return store.settings.get<Record<string, StoredToken>>(REPLICA_TOKENS_KEY) ?? {};
  }

  hasToken(gatewayId: string): boolean {
    return this.tokens()[gatewayId] !== undefined;
  }

  /** A new token for the gateway (shown once); any previous token stops working. */
  async issueToken(gatewayId: string): Promise<string> {
    const token = `${TOKEN_PREFIX}.${gatewayId}.${randomBytes(24).toString('base64url')}`;
    const hash = hashSecret(token);
    await this.options.write((store) => {
      store.settings.set(REPLICA_TOKENS_KEY, { ...this.tokens(store), [gatewayId]: { hash, createdAt: this.now() } });
    });
    this.dropVerified(gatewayId);
    return token;
  }

  /** Replicas using the gateway's token are refused from now on. */
  async revokeToken(gatewayId: string): Promise<boolean> {
    const removed = await this.options.write((store) => {
      const tokens = this.tokens(store);
      if (!(gatewayId in tokens)) return false;
      delete tokens[gatewayId];
      store.settings.set(REPLICA_TOKENS_KEY, tokens);
      return true;
    });
    this.dropVerified(gatewayId);
    return removed;
  }

  private dropVerified(gatewayId: string): void {
    for (const [digest, id] of this.verified) if (id === gatewayId) this.verified.delete(digest);
  }

  /** The gateway a token belongs to, when it is that gateway's current token. */
  authenticate(token: string): string | undefined {
    const digest = createHash('sha256').update(token).digest('base64');
    const cached = this.verified.get(digest);
    if (cached !== undefined) {
      if (this.tokens()[cached]) return cached;
      this.verified.delete(digest);
      return undefined;
    }
    const match = /^ghr\.(.+)\.([A-Za-z0-9_-]+)$/.exec(token);
    if (!match) return undefined;
    const gatewayId = match[1]!;
    const stored = this.tokens()[gatewayId];
    if (!stored || !verifySecret(token, stored.hash)) return undefined;
    this.verified.set(digest, gatewayId);
    return gatewayId;
  }

  // ----------------------------------------------------------------------------- registry

  private record(gatewayId: string, name: string): ReplicaRecord {
    let byName = this.replicas.get(gatewayId);
    if (!byName) this.replicas.set(gatewayId, (byName = new Map()));
    let record = byName.get(name);
    if (!record) {
      const now = this.now();
      record = { gatewayId, name, registeredAt: now, lastHeartbeatAt: now };
      byName.set(name, record);
    }
    return record;
  }

  register(gatewayId: string, request: RegisterRequest): ReplicaRecord {
    const record = this.record(gatewayId, request.name);
    const now = this.now();
    record.registeredAt = now;
    record.lastHeartbeatAt = now;
    if (request.listenPort !== undefined) record.listenPort = request.listenPort;
    if (request.version !== undefined) record.version = request.version;
    // A (re)started replica: what it serves is what it says now, not what an earlier run said.
    record.configVersion = request.configVersion;
    if (!request.configVersion) record.health = 'starting';
    this.noteConnection(record);
    this.options.onChange?.(gatewayId);
    return record;
  }

  /** A heartbeat (also registers a replica the control plane does not know, e.g. after its restart). */
  heartbeat(gatewayId: string, beat: Heartbeat): ReplicaRecord {
    const known = this.replicas.get(gatewayId)?.get(beat.name);
    const record = this.record(gatewayId, beat.name);
    const before = JSON.stringify([record.configVersion, record.health, record.counters, record.lastConfigError, record.listenPort]);
    record.lastHeartbeatAt = this.now();
    if (beat.listenPort !== undefined) record.listenPort = beat.listenPort;
    record.configVersion = beat.configVersion;
    record.health = beat.status;
    record.counters = beat.counters;
    record.lastConfigError = beat.lastConfigError;
    const changed = this.noteConnection(record) || !known || before !== JSON.stringify([record.configVersion, record.health, record.counters, record.lastConfigError, record.listenPort]);
    if (changed) this.options.onChange?.(gatewayId);
    return record;
  }

  /** Any other sign of life (telemetry). */
  touch(gatewayId: string, name: string): void {
    const record = this.replicas.get(gatewayId)?.get(name);
    if (!record) return;
    record.lastHeartbeatAt = this.now();
    if (this.noteConnection(record)) this.options.onChange?.(gatewayId);
  }

  connectionOf(record: ReplicaRecord): 'connected' | 'disconnected' {
    return this.now() - record.lastHeartbeatAt <= this.disconnectAfterMs ? 'connected' : 'disconnected';
  }

  private noteConnection(record: ReplicaRecord): boolean {
    const key = `${record.gatewayId}\u0000${record.name}`;
    const connection = this.connectionOf(record);
    if (this.lastConnection.get(key) === connection) return false;
    this.lastConnection.set(key, connection);
    return true;
  }

  list(gatewayId: string): ReplicaView[] {
    return [...(this.replicas.get(gatewayId)?.values() ?? [])].map((record) => ({ ...record, connection: this.connectionOf(record) })).sort((a, b) => a.name.localeCompare(b.name));
  }

  get(gatewayId: string, name: string): ReplicaView | undefined {
    const record = this.replicas.get(gatewayId)?.get(name);
    return record ? { ...record, connection: this.connectionOf(record) } : undefined;
  }

  /** The gateway was deleted: its replicas and token go. */
  forget(gatewayId: string): void {
    this.replicas.delete(gatewayId);
    for (const key of this.lastConnection.keys()) if (key.startsWith(`${gatewayId}\u0000`)) this.lastConnection.delete(key);
    this.dropVerified(gatewayId);
  }

  /** Marks replicas whose heartbeats stopped as disconnected and drops expired ones. */
  sweep(): void {
    const expireAfter = this.options.expireAfterMs ?? 10 * 60_000;
    const now = this.now();
    for (const [gatewayId, byName] of this.replicas) {
      let changed = false;
      for (const [name, record] of byName) {
        if (now - record.lastHeartbeatAt > expireAfter) {
          byName.delete(name);
          this.lastConnection.delete(`${gatewayId}\u0000${name}`);
          changed = true;
        } else if (this.noteConnection(record)) changed = true;
      }
      if (byName.size === 0) this.replicas.delete(gatewayId);
      if (changed) this.options.onChange?.(gatewayId);
    }
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.sweep(), this.options.sweepIntervalMs ?? 1000);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}
