/**
 * How long telemetry is kept: 1-second buckets for an hour, 1-minute buckets for 30 days and
 * the newest 10,000 requests, by default. Run inside the flush transaction, so deletions and
 * the writes they make room for land together.
 */
import type { TelemetryDb } from './telemetry-db';

export interface RetentionOptions {
  /** Age in seconds after which 1-second buckets are deleted (default 3600). */
  secondBucketsSeconds?: number;
  /** Age in days after which 1-minute buckets are deleted (default 30). */
  minuteBucketsDays?: number;
}

export interface Retention {
  secondBucketsMs: number;
  minuteBucketsMs: number;
  requestLogSize: number;
}

export const DEFAULT_RETENTION = { secondBucketsSeconds: 3600, minuteBucketsDays: 30, requestLogSize: 10_000 } as const;

export function resolveRetention(options: RetentionOptions | undefined, requestLogSize: number | undefined): Retention {
  const seconds = options?.secondBucketsSeconds ?? DEFAULT_RETENTION.secondBucketsSeconds;
  const days = options?.minuteBucketsDays ?? DEFAULT_RETENTION.minuteBucketsDays;
  const logSize = requestLogSize ?? DEFAULT_RETENTION.requestLogSize;
  if (!(Number.isFinite(seconds) && seconds >= 60)) throw new Error(`retention.secondBucketsSeconds must be a number ≥ 60, got ${seconds}`);
  if (!(Number.isFinite(days) && days > 0)) throw new Error(`retention.minuteBucketsDays must be a number > 0, got ${days}`);
  if (!(Number.isInteger(logSize) && logSize >= 1)) throw new Error(`requestLogSize must be an integer ≥ 1, got ${logSize}`);
  return { secondBucketsMs: seconds * 1000, minuteBucketsMs: days * 86_400_000, requestLogSize: logSize };
}

/** Oldest bucket start still kept for each resolution at time `now`. */
export function retentionCutoffs(retention: Retention, now: number): { second: number; minute: number } {
  return {
    second: Math.floor((now - retention.secondBucketsMs) / 1000) * 1000,
    minute: Math.floor((now - retention.minuteBucketsMs) / 60_000) * 60_000,
  };
}

export interface RetentionResult {
  secondBuckets: number;
  minuteBuckets: number;
  requestBatches: number;
}

/** Deletes what is past retention; `newestSeq` is the newest request-log sequence number written. */
export function applyRetention(db: TelemetryDb, retention: Retention, now: number, newestSeq: number): RetentionResult {
  const cutoffs = retentionCutoffs(retention, now);
  return {
    secondBuckets: db.deleteBucketsBefore('second', cutoffs.second),
    minuteBuckets: db.deleteBucketsBefore('minute', cutoffs.minute),
    requestBatches: newestSeq > retention.requestLogSize ? db.deleteRequestBatchesUpTo(newestSeq - retention.requestLogSize) : 0,
  };
}
