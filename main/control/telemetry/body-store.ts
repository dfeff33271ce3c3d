/**
 * Captured request and response bodies of the request log, apart from the log itself: the log
 * is held in memory in full (for search), bodies are not. They wait in memory until the request
 * log's next checkpoint writes their entries, and are written with them (same transaction, same
 * range of sequence numbers), then live in SQLite by the entry's sequence number. Under load the
 * log checkpoints every few seconds and only its newest entries: the bodies of entries the log
 * drops before then are never written at all, which is most of what capture used to cost.
 * Bounded twice: a body goes with its entry when the log drops it (pending ones too: at most
 * `maxEntries` wait), and the oldest bodies go first when their total bytes pass the budget
 * (bodies not yet written count too).
 */
import type { TelemetryDb } from './telemetry-db';

export interface StoredBodies {
  request: Buffer | undefined;
  response: Buffer | undefined;
}

/** Default budget for all stored bodies together. */
export const DEFAULT_BODY_STORE_BYTES = 256 * 1024 * 1024;

export class BodyStore {
  private readonly pending = new PendingBodies();
  private pendingBytes = 0;
  private storedBytes: number;

  /** `maxEntries`: the request log's size (an older entry's bodies could never be shown). */
  constructor(
    private readonly db: TelemetryDb,
    readonly maxBytes: number = DEFAULT_BODY_STORE_BYTES,
    private readonly maxEntries: number = Number.POSITIVE_INFINITY,
  ) {
    if (!(Number.isInteger(maxBytes) && maxBytes >= 0)) throw new Error(`body store budget must be an integer ≥ 0, got ${maxBytes}`);
    this.storedBytes = db.requestBodyBytes();
  }

  /**
   * Keeps the bodies of entry `seq` (sequence numbers only grow) until they are written; the
   * oldest waiting go beyond the budget or the log's size.
   */
  put(seq: number, request: Buffer | undefined, response: Buffer | undefined): void {
    const bytes = (request?.length ?? 0) + (response?.length ?? 0);
    if (bytes === 0 || bytes > this.maxBytes) return;
    this.pending.push(seq, { request, response });
    this.pendingBytes += bytes;
    while (this.pendingBytes > this.maxBytes || this.pending.size > this.maxEntries) this.pendingBytes -= size(this.pending.shift()!);
  }

  get(seq: number): StoredBodies | undefined {
    const pending = this.pending.find(seq);
    if (pending !== undefined) return pending;
    if (!this.db.open) return undefined;
    const row = this.db.readRequestBodies(seq);
    return row === undefined ? undefined : { request: row.request ?? undefined, response: row.response ?? undefined };
  }

  get totalBytes(): number {
    return this.storedBytes + this.pendingBytes;
  }

  /**
   * Inside the transaction that writes the request log up to `upToSeq`: writes the bodies of
   * those entries, drops (unwritten) the bodies of entries the log no longer holds
   * (seq < oldestSeq), deletes stored ones of such entries and the oldest beyond the budget.
   * Returns what to apply once the transaction committed (a failed one leaves everything pending).
   */
  write(oldestSeq: number, upToSeq: number): () => void {
    let stored = this.storedBytes;
    let done = 0;
    let doneBytes = 0;
    this.pending.forEachUpTo(upToSeq, (seq, bodies) => {
      done++;
      doneBytes += size(bodies);
      if (seq < oldestSeq) return;
      this.db.insertRequestBodies(seq, bodies.request, bodies.response);
      stored += size(bodies);
    });
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
      // Called right after the commit, before any put: what was written (or dropped) is still the oldest `done`.
      this.pending.drop(done);
      this.pendingBytes -= doneBytes;
    };
  }
}

/**
 * Bodies waiting to be written, oldest first, by growing sequence number: a queue over arrays
 * (a Map that loses its oldest key on every put keeps the deleted slots until it rehashes, and
 * walking past them to the oldest made each put cost more the longer bodies waited).
 */
class PendingBodies {
  private seqs: number[] = [];
  private items: StoredBodies[] = [];
  private head = 0;

  get size(): number {
    return this.seqs.length - this.head;
  }

  push(seq: number, bodies: StoredBodies): void {
    this.seqs.push(seq);
    this.items.push(bodies);
  }

  shift(): StoredBodies | undefined {
    if (this.head >= this.seqs.length) return undefined;
    const bodies = this.items[this.head]!;
    this.items[this.head] = EMPTY;
    this.head++;
    this.compact();
    return bodies;
  }

  /** Removes the oldest `count`. */
  drop(count: number): void {
    const end = Math.min(this.head + count, this.seqs.length);
    this.items.fill(EMPTY, this.head, end);
    this.head = end;
    this.compact();
  }

  find(seq: number): StoredBodies | undefined {
    let low = this.head;
    let high = this.seqs.length - 1;
    while (low <= high) {
      const middle = (low + high) >>> 1;
      const at = this.seqs[middle]!;
      if (at === seq) return this.items[middle];
      if (at < seq) low = middle + 1;
      else high = middle - 1;
    }
    return undefined;
  }

  /** Oldest first, while seq ≤ upToSeq. */
  forEachUpTo(upToSeq: number, visit: (seq: number, bodies: StoredBodies) => void): void {
    for (let index = this.head; index < this.seqs.length && this.seqs[index]! <= upToSeq; index++) visit(this.seqs[index]!, this.items[index]!);
  }

  /** Gives back the space of removed entries once they are most of the arrays. */
  private compact(): void {
    if (this.head === this.seqs.length) {
      this.seqs = [];
      this.items = [];
      this.head = 0;
    } else if (this.head >= 4096 && this.head * 2 >= this.seqs.length) {
      this.seqs = this.seqs.slice(this.head);
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
  }
}

const EMPTY: StoredBodies = { request: undefined, response: undefined };

function size(bodies: StoredBodies): number {
  return (bodies.request?.length ?? 0) + (bodies.response?.length ?? 0);
}
