/**
 * The telemetry database (its own SQLite file, apart from the config store, so heavy traffic
 * never contends with config writes): 1-second and 1-minute buckets and the request log.
 * Schema versions via `PRAGMA user_version`; a file from a newer Gatehouse is refused untouched.
 */
import Database from 'better-sqlite3';
import { sqliteNativeBinding } from '../../store/database';
import type { BucketData } from './aggregator';

export type BucketKind = 'second' | 'minute';

const TABLE: Record<BucketKind, string> = { second: 'second_buckets', minute: 'minute_buckets' };

function bucketTable(name: string): string {
  return `CREATE TABLE ${name} (
    api_id TEXT NOT NULL, t INTEGER NOT NULL, requests INTEGER NOT NULL,
    c2xx INTEGER NOT NULL, c3xx INTEGER NOT NULL, c4xx INTEGER NOT NULL, c5xx INTEGER NOT NULL,
    errors INTEGER NOT NULL, latency_sum_ms REAL NOT NULL,
    hist TEXT NOT NULL, by_status TEXT NOT NULL, violations TEXT NOT NULL, clients TEXT NOT NULL,
    PRIMARY KEY (api_id, t)) WITHOUT ROWID;
  CREATE INDEX ${name}_t ON ${name}(t);`;
}

/** Index i migrates from user_version i to i + 1. Append only. */
const MIGRATIONS: string[] = [
  `${bucketTable('second_buckets')}
   ${bucketTable('minute_buckets')}
   -- The request log is written as one row per flush (a JSON array of entries): one insert
   -- instead of thousands keeps the flush cheap at high request rates. Queries read memory.
   CREATE TABLE request_batches (
     first_seq INTEGER PRIMARY KEY, last_seq INTEGER NOT NULL, count INTEGER NOT NULL, entries TEXT NOT NULL);
   CREATE INDEX request_batches_last ON request_batches(last_seq);`,
  // Captured bodies, one row per request that had any (by the request log's sequence number),
  // raw as they went through; bounded by total bytes (see body-store.ts).
  `CREATE TABLE request_bodies (
     seq INTEGER PRIMARY KEY, request BLOB, response BLOB, bytes INTEGER NOT NULL);`,
];
export const TELEMETRY_SCHEMA_VERSION = MIGRATIONS.length;

interface BucketRow {
  api_id: string;
  t: number;
  requests: number;
  c2xx: number;
  c3xx: number;
  c4xx: number;
  c5xx: number;
  errors: number;
  latency_sum_ms: number;
  hist: string;
  by_status: string;
  violations: string;
  clients: string;
}

/** One flushed slice of the request log, as stored. */
export interface RequestBatchRow {
  first_seq: number;
  last_seq: number;
  count: number;
  /** JSON array of [seq, replica | null, RequestFact]. */
  entries: string;
}

export class TelemetryDb {
  private readonly db: Database.Database;
  private readonly statements = new Map<string, Database.Statement>();

  constructor(readonly file: string) {
    this.db = new Database(file, sqliteNativeBinding());
    try {
      this.db.pragma('journal_mode = WAL');
      // Telemetry may lose the last flush on a power cut, never its consistency: NORMAL is enough in WAL.
      this.db.pragma('synchronous = NORMAL');
      this.db.pragma('busy_timeout = 5000');
      this.migrate();
    } catch (error) {
      this.db.close();
      throw error;
    }
  }

  private migrate(): void {
    const version = this.db.pragma('user_version', { simple: true }) as number;
    if (version > TELEMETRY_SCHEMA_VERSION)
      throw new Error(
        `telemetry database ${this.file} has schema version ${version}, newer than this Gatehouse supports (${TELEMETRY_SCHEMA_VERSION}); ` +
          'upgrade Gatehouse or use another data directory (the file was not changed)',
      );
    if (version === TELEMETRY_SCHEMA_VERSION) return;
    this.db.transaction(() => {
      for (let v = version; v < TELEMETRY_SCHEMA_VERSION; v++) this.db.exec(MIGRATIONS[v]!);
      this.db.pragma(`user_version = ${TELEMETRY_SCHEMA_VERSION}`);
    })();
  }

  private statement(sql: string): Database.Statement {
    let statement = this.statements.get(sql);
    if (statement === undefined) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  transaction<T>(work: () => T): T {
    return this.db.transaction(work)();
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  get open(): boolean {
    return this.db.open;
  }

  /** The stored bucket (apiId, t), if any. */
  readBucket(kind: BucketKind, apiId: string, t: number): BucketData | undefined {
    const row = this.statement(`SELECT * FROM ${TABLE[kind]} WHERE api_id = ? AND t = ?`).get(apiId, t) as BucketRow | undefined;
    return row === undefined ? undefined : rowToBucket(row);
  }

  /** Replaces the bucket (apiId, t); callers merge with readBucket first. */
  writeBucket(kind: BucketKind, data: BucketData): void {
    this.statement(
      `INSERT OR REPLACE INTO ${TABLE[kind]} (api_id, t, requests, c2xx, c3xx, c4xx, c5xx, errors, latency_sum_ms, hist, by_status, violations, clients)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      data.apiId,
      data.t,
      data.requests,
      data.classes[0],
      data.classes[1],
      data.classes[2],
      data.classes[3],
      data.errors,
      data.latencySumMs,
      JSON.stringify(data.hist),
      JSON.stringify(data.byStatus),
      JSON.stringify(data.violations),
      JSON.stringify(data.clients),
    );
  }

  /** Buckets with fromT ≤ t < toT, oldest first; all APIs when `apiIds` is undefined. */
  readBuckets(kind: BucketKind, apiIds: readonly string[] | undefined, fromT: number, toT: number): BucketData[] {
    const table = TABLE[kind];
    if (apiIds === undefined) {
      const rows = this.statement(`SELECT * FROM ${table} WHERE t >= ? AND t < ? ORDER BY t`).all(fromT, toT) as BucketRow[];
      return rows.map(rowToBucket);
    }
    const out: BucketData[] = [];
    const statement = this.statement(`SELECT * FROM ${table} WHERE api_id = ? AND t >= ? AND t < ? ORDER BY t`);
    for (const apiId of apiIds) for (const row of statement.all(apiId, fromT, toT) as BucketRow[]) out.push(rowToBucket(row));
    if (apiIds.length > 1) out.sort((a, b) => a.t - b.t);
    return out;
  }

  deleteBucketsBefore(kind: BucketKind, t: number): number {
    return this.statement(`DELETE FROM ${TABLE[kind]} WHERE t < ?`).run(t).changes;
  }

  countBuckets(kind: BucketKind): number {
    return (this.statement(`SELECT COUNT(*) AS n FROM ${TABLE[kind]}`).get() as { n: number }).n;
  }

  insertRequestBatch(batch: RequestBatchRow): void {
    this.statement('INSERT OR REPLACE INTO request_batches (first_seq, last_seq, count, entries) VALUES (?, ?, ?, ?)').run(
      batch.first_seq,
      batch.last_seq,
      batch.count,
      batch.entries,
    );
  }

  /** Deletes batches whose entries all have seq ≤ `seq`. */
  deleteRequestBatchesUpTo(seq: number): number {
    return this.statement('DELETE FROM request_batches WHERE last_seq <= ?').run(seq).changes;
  }

  /** Batches holding entries with seq > `seq`, oldest first. */
  requestBatchesAfter(seq: number): RequestBatchRow[] {
    return this.statement('SELECT * FROM request_batches WHERE last_seq > ? ORDER BY first_seq').all(seq) as RequestBatchRow[];
  }

  insertRequestBodies(seq: number, request: Buffer | undefined, response: Buffer | undefined): void {
    const bytes = (request?.length ?? 0) + (response?.length ?? 0);
    this.statement('INSERT OR REPLACE INTO request_bodies (seq, request, response, bytes) VALUES (?, ?, ?, ?)').run(seq, request ?? null, response ?? null, bytes);
  }

  readRequestBodies(seq: number): { request: Buffer | null; response: Buffer | null } | undefined {
    return this.statement('SELECT request, response FROM request_bodies WHERE seq = ?').get(seq) as { request: Buffer | null; response: Buffer | null } | undefined;
  }

  /** Total bytes of stored bodies. */
  requestBodyBytes(): number {
    return (this.statement('SELECT COALESCE(SUM(bytes), 0) AS n FROM request_bodies').get() as { n: number }).n;
  }

  /** Deletes the bodies of entries with seq ≤ `seq`; returns the bytes freed. */
  deleteRequestBodiesUpTo(seq: number): number {
    const freed = (this.statement('SELECT COALESCE(SUM(bytes), 0) AS n FROM request_bodies WHERE seq <= ?').get(seq) as { n: number }).n;
    if (freed > 0 || this.statement('SELECT 1 FROM request_bodies WHERE seq <= ? LIMIT 1').get(seq) !== undefined)
      this.statement('DELETE FROM request_bodies WHERE seq <= ?').run(seq);
    return freed;
  }

  /** Stored bodies oldest first, as (seq, bytes): for deleting the oldest down to a byte budget. */
  *requestBodySizes(): IterableIterator<{ seq: number; bytes: number }> {
    yield* this.statement('SELECT seq, bytes FROM request_bodies ORDER BY seq').iterate() as IterableIterator<{ seq: number; bytes: number }>;
  }

  maxRequestSeq(): number {
    return (this.statement('SELECT MAX(last_seq) AS seq FROM request_batches').get() as { seq: number | null }).seq ?? 0;
  }
}

function rowToBucket(row: BucketRow): BucketData {
  return {
    apiId: row.api_id,
    t: row.t,
    requests: row.requests,
    classes: [row.c2xx, row.c3xx, row.c4xx, row.c5xx],
    errors: row.errors,
    latencySumMs: row.latency_sum_ms,
    hist: JSON.parse(row.hist) as number[],
    byStatus: JSON.parse(row.by_status) as Record<string, number>,
    violations: JSON.parse(row.violations) as Record<string, number>,
    clients: JSON.parse(row.clients) as Record<string, [number, number]>,
  };
}
