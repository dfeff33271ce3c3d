/**
 * Captured request and response bodies of the request log, apart from the log itself: the log
 * is held in memory in full (for search), bodies are not. They wait in memory only until the
 * next flush, then live in SQLite by the entry's sequence number. Bounded twice: a body goes
 * with its entry when the log drops it, and the oldest bodies go first when their total bytes
 * pass the budget (bodies not yet flushed count too).
 */
import type { TelemetryDb } from './telemetry-db';

export interface StoredBodies {
  request: Buffer | undefined;
  response: Buffer | undefined;
}

/** Default budget for all stored bodies together. */
export const DEFAULT_BODY_STORE_BYTES = 256 * 1024 * 1024;

export class BodyStore {
  private pending = new Map<number, StoredBodies>();
  private pendingBytes = 0;
  private storedBytes: number;

  constructor(
    private readonly db: TelemetryDb,
    readonly maxBytes: number = DEFAULT_BODY_STORE_BYTES,
  ) {
    if (!(Number.isInteger(maxBytes) && maxBytes >= 0)) throw new Error(`body store budget must be an integer ≥ 0, got ${maxBytes}`);
    this.storedBytes = db.requestBodyBytes();
  }

  /** Keeps the bodies of entry `seq` until the next flush (the oldest unflushed go beyond the budget). */
  put(seq: number, request: Buffer | undefined, response: Buffer | undefined): void {
    const bytes = (request?.length ?? 0) + (response?.length ?? 0);
    if (bytes === 0 || bytes > this.maxBytes) return;
    this.pending.set(seq, { request, response });
    this.pendingBytes += bytes;
    if (this.pendingBytes <= this.maxBytes) return;
    for (const [oldest, bodies] of this.pending) {
      if (this.pendingBytes <= this.maxBytes) break;
      this.pending.delete(oldest);
      this.pendingBytes -= size(bodies);
    }
  }

  get(seq: number): StoredBodies | undefined {
    const pending = this.pending.get(seq);
    if (pending !== undefined) return pending;
    if (!this.db.open) return undefined;
    const row = this.db.readRequestBodies(seq);
    return row === undefined ? undefined : { request: row.request ?? undefined, response: row.response ?? undefined };
  }

  get totalBytes(): number {
    return this.storedBytes + this.pendingBytes;
  }

  /**
   * Inside the flush transaction: writes what is pending, deletes the bodies of entries the
   * log no longer holds (seq < oldestSeq) and the oldest beyond the budget. Returns what to
   * apply once the transaction committed (a failed one leaves everything pending).
   */
  write(oldestSeq: number): () => void {
    let stored = this.storedBytes;
    for (const [seq, bodies] of this.pending) {
      if (seq < oldestSeq) continue;
      this.db.insertRequestBodies(seq, bodies.request, bodies.response);
      stored += size(bodies);
    }
    stored -= this.db.deleteRequestBodiesUpTo(oldestSeq - 1);
    if (stored > this.maxBytes) {
      let upTo = -1;
      let remaining = stored;
      for (const row of this.db.requestBodySizes()) {
        if (remaining <= this.maxBytes) break;
        remaining -= row.bytes;
        upTo = row.seq;
      }
      if (upTo >= 0) stored -= this.db.deleteRequestBodiesUpTo(upTo);
    }
    return () => {
      this.storedBytes = stored;
      this.pending = new Map();
      this.pendingBytes = 0;
    };
  }
}

function size(bodies: StoredBodies): number {
  return (bodies.request?.length ?? 0) + (bodies.response?.length ?? 0);
}
