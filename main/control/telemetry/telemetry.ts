/**
 * Telemetry of the control plane: counts every finished request exactly, in memory per
 * (API, second) on the hot path, and writes batches to its own SQLite file once a second.
 * Queries combine what is stored with what is not flushed yet, so numbers are exact at once.
 */
import {
  type ApiMetrics,
  MAX_METRICS_WINDOW_SECONDS,
  type TrafficEntry,
  type TrafficQuery,
  type TrafficTick,
  trafficQuerySchema,
} from '../../../shared/contract/telemetry-models';
import { trafficMatcher } from '../../../shared/contract/traffic-match';
import type { RequestFact } from '../../gateway/telemetry';
import type { TrafficBodies } from '../../../shared/contract/capture-models';
import { Aggregate, type BucketData, BucketMap } from './aggregator';
import { BodyStore } from './body-store';
import { capturedBodyView } from './body-view';
import { type MemoryFilter, RequestRing, toTrafficEntry } from './request-log';
import { applyRetention, type Retention, type RetentionOptions, resolveRetention, retentionCutoffs } from './retention';
import { addSource, type BucketSource, planWindow, summarizeMetrics, summarizeWindow, type WindowStats } from './summarize';
import { type BucketKind, TelemetryDb } from './telemetry-db';

export type { BucketData } from './aggregator';
export type { RetentionOptions } from './retention';
export type { WindowStats } from './summarize';

export interface TelemetryOptions {
  /** The SQLite file, e.g. `<dataDir>/telemetry.sqlite`. */
  file: string;
  retention?: RetentionOptions;
  /** Requests kept in the request log (default 10,000). */
  requestLogSize?: number;
  /** Total bytes of captured bodies kept (default 256 MiB); the oldest go first. */
  bodyStoreBytes?: number;
  /** How often pending buckets and log entries are written (default 1000 ms). */
  flushIntervalMs?: number;
  /** Clock, epoch ms; injectable so tests can move time instead of sleeping. */
  now?: () => number;
  /** Where background flush failures go (default console.error); data stays pending and is retried. */
  onError?: (error: Error) => void;
}

export interface WindowStatsQuery {
  /** One API; with neither apiId nor apiIds, every API (and unrouted requests). */
  apiId?: string;
  apiIds?: readonly string[];
  fromMs: number;
  toMs: number;
}

/** Delay after a request before live-traffic listeners hear of it: batches them off the hot path. */
const REQUEST_DELIVERY_DELAY_MS = 50;
/** Retention also runs while idle, at most this often. */
const IDLE_RETENTION_INTERVAL_MS = 60_000;
/**
 * The request log (with its entries' captured bodies, body-store.ts) is the costliest write
 * (JSON of every request, several µs each). Background flushes keep it within this share of the
 * time: after a checkpoint that took d ms, the next waits at least d / share ms (light traffic
 * is still written every flush; 10,000 entries every several seconds under load: a crash can
 * lose those seconds of the log and bodies, never counts). A checkpoint holds at most the newest requestLogSize entries
 * (older ones would be deleted at once) and is written in chunks, one per event-loop turn, so
 * that traffic never waits long behind it. Explicit flush() and close() write all at once.
 */
const REQUEST_LOG_TIME_SHARE = 0.01;
const REQUEST_LOG_CHUNK = 1_000;

export class Telemetry {
  private readonly db: TelemetryDb;
  private readonly retention: Retention;
  private readonly now: () => number;
  private readonly onError: (error: Error) => void;
  private readonly ring: RequestRing;
  private readonly bodies: BodyStore;
  private pending = new BucketMap();
  private flushedSeq: number;
  private deliveredSeq: number;
  private lastRetentionAt = 0;
  private lastLogWriteAt = 0;
  /** How long the last request-log checkpoint took (wall ms, all its chunks). */
  private lastLogWriteMs = 0;
  /** A background checkpoint is being written, chunk by chunk. */
  private checkpointing = false;
  private chunkTimer: NodeJS.Timeout | undefined;
  private closed = false;
  private readonly flushTimer: NodeJS.Timeout;
  private tickTimer: NodeJS.Timeout | undefined;
  private deliveryTimer: NodeJS.Timeout | undefined;
  private readonly tickListeners = new Set<(tick: TrafficTick) => void>();
  /** Live-traffic listeners, each with whether it wants entries right now. */
  private readonly requestListeners = new Map<(entry: TrafficEntry) => void, () => boolean>();

  constructor(options: TelemetryOptions) {
    const flushIntervalMs = options.flushIntervalMs ?? 1000;
    if (!(Number.isFinite(flushIntervalMs) && flushIntervalMs > 0)) throw new Error(`flushIntervalMs must be a positive number, got ${flushIntervalMs}`);
    this.retention = resolveRetention(options.retention, options.requestLogSize);
    this.now = options.now ?? Date.now;
    this.onError = options.onError ?? ((error) => console.error(`telemetry: ${error.message}`));
    this.db = new TelemetryDb(options.file);
    this.flushedSeq = this.db.maxRequestSeq();
    this.deliveredSeq = this.flushedSeq;
    this.ring = new RequestRing(this.retention.requestLogSize, this.flushedSeq);
    this.ring.restore(this.db.requestBatchesAfter(this.flushedSeq - this.retention.requestLogSize));
    this.bodies = new BodyStore(this.db, options.bodyStoreBytes, this.retention.requestLogSize);
    this.flushTimer = setInterval(() => this.flushInBackground(), flushIntervalMs);
    this.flushTimer.unref();
  }

  /**
   * Counts one finished request. Hot path: O(1), no I/O, no serialisation. The request is
   * bucketed by the second it finished in (arrival + latency), like a counter incremented on
   * completion, so live ticks are complete when emitted.
   */
  ingest(fact: RequestFact, replica?: string): void {
    if (this.closed) return;
    let end = fact.at + fact.latencyMs;
    if (!Number.isFinite(end)) end = this.now();
    this.pending.get(fact.apiId ?? '', end - (end % 1000)).add(fact.status, fact.latencyMs, fact.clientId, fact.violatedPolicy);
    const { requestBody, responseBody } = fact;
    if (requestBody !== undefined || responseBody !== undefined) {
      // The ring (and its JSON batches) keep the sizes; the bytes go to the body store.
      fact.captured = { request: requestBody?.length ?? 0, response: responseBody?.length ?? 0 };
      fact.requestBody = undefined;
      fact.responseBody = undefined;
    }
    const seq = this.ring.push(fact, replica);
    if (requestBody !== undefined || responseBody !== undefined) this.bodies.put(seq, requestBody, responseBody);
    if (this.requestListeners.size > 0 && this.deliveryTimer === undefined) {
      // Nobody is watching live traffic right now: skip these instead of copying them later.
      if (!this.requestsWanted()) this.deliveredSeq = seq;
      else {
        this.deliveryTimer = setTimeout(() => this.deliverRequests(), REQUEST_DELIVERY_DELAY_MS);
        this.deliveryTimer.unref();
      }
    }
  }

  /** Merges pre-aggregated 1-second buckets (batches from connected replicas). */
  ingestBuckets(buckets: readonly BucketData[]): void {
    if (this.closed) return;
    for (const bucket of buckets) this.pending.get(bucket.apiId, bucket.t - (bucket.t % 1000)).mergeData(bucket);
  }

  /** Writes pending buckets (seconds and their minute roll-ups) and new log entries in one transaction. */
  flush(): void {
    this.write(false);
  }

  private write(background: boolean): void {
    if (!this.db.open) return;
    const now = this.now();
    const newestSeq = this.ring.newestSeq;
    const writeLog =
      newestSeq > this.flushedSeq && (!background || this.checkpointing || now - this.lastLogWriteAt >= this.lastLogWriteMs / REQUEST_LOG_TIME_SHARE);
    const logFrom = Math.max(this.flushedSeq, newestSeq - this.retention.requestLogSize);
    const logTo = background ? Math.min(newestSeq, logFrom + REQUEST_LOG_CHUNK) : newestSeq;
    const hasWork = this.pending.size > 0 || writeLog;
    if (!hasWork && now - this.lastRetentionAt < IDLE_RETENTION_INTERVAL_MS) return;

    const minutes = new BucketMap();
    for (const [apiId, t, bucket] of this.pending.entries()) minutes.get(apiId, t - (t % 60_000)).merge(bucket);
    const cutoffs = retentionCutoffs(this.retention, now);
    const started = performance.now();
    let commitBodies: (() => void) | undefined;
    this.db.transaction(() => {
      // Bodies go with their log entries: written when the log is, for the same entries.
      if (writeLog) commitBodies = this.bodies.write(this.ring.oldestSeq, logTo);
      for (const [apiId, t, bucket] of this.pending.entries()) if (t >= cutoffs.second) this.writeMerged('second', apiId, t, bucket);
      for (const [apiId, t, bucket] of minutes.entries()) if (t >= cutoffs.minute) this.writeMerged('minute', apiId, t, bucket);
      if (writeLog) {
        const batch = this.ring.batchAfter(logFrom, logTo);
        if (batch !== undefined) this.db.insertRequestBatch(batch);
      }
      applyRetention(this.db, this.retention, now, writeLog ? logTo : this.flushedSeq);
    });
    // Only after the commit: a failed transaction leaves everything pending for the next try.
    this.pending.clear();
    commitBodies?.();
    this.lastRetentionAt = now;
    if (!writeLog) return;
    this.flushedSeq = logTo;
    // The whole transaction (serialising, inserting, committing): the log is most of it.
    const took = performance.now() - started;
    this.lastLogWriteMs = this.checkpointing ? this.lastLogWriteMs + took : took;
    this.checkpointing = background && logTo < newestSeq;
    if (!this.checkpointing) this.lastLogWriteAt = now;
    else if (this.chunkTimer === undefined) {
      // The next chunk on the next turn of the event loop: requests waiting now go first.
      this.chunkTimer = setTimeout(() => {
        this.chunkTimer = undefined;
        this.flushInBackground();
      }, 0);
      this.chunkTimer.unref();
    }
  }

  private writeMerged(kind: BucketKind, apiId: string, t: number, bucket: Aggregate): void {
    const stored = this.db.readBucket(kind, apiId, t);
    if (stored === undefined) return this.db.writeBucket(kind, bucket.toData(apiId, t));
    // A late request (or a flush mid-second) adds to a stored bucket; never mutate `bucket` itself.
    const merged = new Aggregate();
    merged.mergeData(stored);
    merged.merge(bucket);
    this.db.writeBucket(kind, merged.toData(apiId, t));
  }

  private flushInBackground(): void {
    try {
      this.write(true);
    } catch (error) {
      this.onError(error instanceof Error ? error : new Error(String(error)));
    }
  }

  /** Stored and pending buckets of `kind` with fromT ≤ t < toT. */
  private sources(kind: BucketKind, apiIds: readonly string[] | undefined, fromT: number, toT: number): BucketSource[] {
    const out: BucketSource[] = this.db.readBuckets(kind, apiIds, fromT, toT).map((data) => ({ apiId: data.apiId, t: data.t, data }));
    const width = kind === 'second' ? 1000 : 60_000;
    for (const [apiId, t, aggregate] of this.pending.entries()) {
      if (apiIds !== undefined && !apiIds.includes(apiId)) continue;
      const bucketT = t - (t % width);
      if (bucketT >= fromT && bucketT < toT) out.push({ apiId, t: bucketT, aggregate });
    }
    return out;
  }

  /** An API's numbers over the last `windowSeconds` (1 s … 30 days), including unflushed traffic. */
  metrics(apiId: string, windowSeconds: number): ApiMetrics {
    if (!(Number.isFinite(windowSeconds) && windowSeconds > 0)) throw new RangeError(`window must be a positive number of seconds, got ${windowSeconds}`);
    const window = Math.min(Math.ceil(windowSeconds), MAX_METRICS_WINDOW_SECONDS, Math.ceil(this.retention.minuteBucketsMs / 1000));
    const plan = planWindow(this.now(), window, this.retention.secondBucketsMs);
    return summarizeMetrics(plan, this.sources(plan.kind, [apiId], plan.fromT, plan.toT));
  }

  /**
   * Totals over [fromMs, toMs) for the alert evaluator. Uses 1-second buckets while the range
   * is within their retention, else 1-minute buckets (the range then widens to whole minutes).
   */
  windowStats(query: WindowStatsQuery): WindowStats {
    const kind: BucketKind = query.fromMs >= this.now() - this.retention.secondBucketsMs ? 'second' : 'minute';
    const width = kind === 'second' ? 1000 : 60_000;
    const apiIds = query.apiIds ?? (query.apiId !== undefined ? [query.apiId] : undefined);
    return summarizeWindow(this.sources(kind, apiIds, Math.floor(query.fromMs / width) * width, query.toMs));
  }

  /**
   * The newest requests matching the query, newest first: a scan of the whole request log
   * (from memory, so exact before any flush). Throws a ZodError for an invalid query.
   */
  traffic(query: TrafficQuery = {}): TrafficEntry[] {
    const { limit, before, ...criteria } = trafficQuerySchema.parse(query);
    const filter: MemoryFilter = { match: trafficMatcher(criteria) };
    if (before !== undefined) {
      const seq = typeof before === 'string' ? this.ring.findSeq(before) : undefined;
      if (seq !== undefined) filter.beforeSeq = seq;
      else if (typeof before === 'number') filter.beforeAt = before;
      else if (/^\d+$/.test(before)) filter.beforeAt = Number(before);
      else return []; // an id no longer kept: everything older is gone too
    }
    return this.ring.query(filter, limit);
  }

  /**
   * The captured bodies of the request-log entry `id` (decoded for display when
   * content-encoded); undefined when the log no longer holds the entry.
   */
  async requestBodies(id: string): Promise<TrafficBodies | undefined> {
    const seq = this.ring.findSeq(id);
    const fact = seq === undefined ? undefined : this.ring.factAt(seq);
    if (seq === undefined || fact === undefined) return undefined;
    const stored = fact.captured === undefined ? undefined : this.bodies.get(seq);
    return {
      request: await capturedBodyView(stored?.request, fact.bytesIn, fact.requestHeaders),
      response: await capturedBodyView(stored?.response, fact.bytesOut, fact.responseHeaders),
    };
  }

  /** Bytes of captured bodies kept (stored and not yet flushed). */
  get bodyBytes(): number {
    return this.bodies.totalBytes;
  }

  /** Per-API numbers of the last full second, once a second while subscribed. */
  onTick(listener: (tick: TrafficTick) => void): () => void {
    this.tickListeners.add(listener);
    if (this.tickTimer === undefined && !this.closed) this.scheduleTick();
    return () => {
      this.tickListeners.delete(listener);
      if (this.tickListeners.size === 0 && this.tickTimer !== undefined) {
        clearTimeout(this.tickTimer);
        this.tickTimer = undefined;
      }
    };
  }

  private scheduleTick(): void {
    // Just after each wall-clock second, when that second's requests are all counted.
    const delay = 1000 - (Date.now() % 1000) + 5;
    this.tickTimer = setTimeout(() => {
      this.emitTick();
      if (this.tickListeners.size > 0 && !this.closed) this.scheduleTick();
      else this.tickTimer = undefined;
    }, delay);
    this.tickTimer.unref();
  }

  /** Builds and emits the tick for the second before now(); the timer calls it, tests may too. */
  emitTick(): TrafficTick {
    const t = Math.floor(this.now() / 1000) * 1000 - 1000;
    const perApi = new Map<string, Aggregate>();
    for (const source of this.sources('second', undefined, t, t + 1000)) {
      if (source.apiId === '') continue; // requests that matched no API
      let total = perApi.get(source.apiId);
      if (total === undefined) perApi.set(source.apiId, (total = new Aggregate()));
      addSource(total, source);
    }
    const tick: TrafficTick = {
      t,
      apis: [...perApi].map(([apiId, total]) => ({ apiId, requests: total.requests, errors: total.errors, p95: total.quantile(0.95) })),
    };
    for (const listener of this.tickListeners) this.safely(() => listener(tick));
    return tick;
  }

  /**
   * Each request, shortly after it finished (delivered in batches, oldest first, off the hot
   * path). `wanted` says whether the listener wants entries at the moment (e.g. whether anyone
   * subscribed to the event it forwards to); requests finished while no listener wants them are
   * skipped, not copied.
   */
  onRequest(listener: (entry: TrafficEntry) => void, wanted: () => boolean = always): () => void {
    if (this.requestListeners.size === 0) this.deliveredSeq = this.ring.newestSeq;
    this.requestListeners.set(listener, wanted);
    return () => {
      this.requestListeners.delete(listener);
    };
  }

  private deliverRequests(): void {
    this.deliveryTimer = undefined;
    if (this.requestListeners.size === 0) return;
    const entries: TrafficEntry[] = [];
    this.ring.forEachAfter(this.deliveredSeq, (_seq, fact, replica) => entries.push(toTrafficEntry(fact, replica)));
    this.deliveredSeq = this.ring.newestSeq;
    for (const entry of entries) for (const listener of this.requestListeners.keys()) this.safely(() => listener(entry));
  }

  private requestsWanted(): boolean {
    for (const wanted of this.requestListeners.values()) if (wanted()) return true;
    return false;
  }

  private safely(call: () => void): void {
    try {
      call();
    } catch (error) {
      this.onError(error instanceof Error ? error : new Error(String(error)));
    }
  }

  /** Stops the timers, delivers and flushes everything counted, and closes the database. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.flushTimer);
    if (this.chunkTimer !== undefined) clearTimeout(this.chunkTimer);
    if (this.tickTimer !== undefined) clearTimeout(this.tickTimer);
    if (this.deliveryTimer !== undefined) {
      clearTimeout(this.deliveryTimer);
      this.deliverRequests();
    }
    try {
      this.flush();
    } finally {
      this.db.close();
    }
  }
}

function always(): boolean {
  return true;
}
