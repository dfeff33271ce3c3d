/**
 * The request log: the newest N request facts in a fixed-size ring the hot path appends to in
 * O(1) (the fact itself, no copy, no JSON). Every query is answered from here; SQLite only
 * persists it, as one JSON batch per flush, and refills the ring at start. The ring holds the
 * whole stored log (both keep the newest N), so a filtered scan of it searches everything kept:
 * no per-row table or index to maintain on the write path.
 */
import type { TrafficEntry } from '../../../shared/contract/telemetry-models';
import type { RequestFact } from '../../gateway/telemetry';
import type { RequestBatchRow } from './telemetry-db';

export interface MemoryFilter {
  /** The query's filters (shared/contract/traffic-match.ts); every entry when absent. */
  match?: ((fact: RequestFact) => boolean) | undefined;
  beforeSeq?: number;
  beforeAt?: number;
}

type StoredEntry = [seq: number, replica: string | null, fact: RequestFact];

export class RequestRing {
  private readonly facts: (RequestFact | undefined)[];
  private readonly replicas: (string | undefined)[];
  /** Sequence number of the newest entry; entry `seq` lives at slot seq % size. */
  private newest: number;

  /** `startSeq`: the newest sequence number already used (the stored log's, after a restart). */
  constructor(
    readonly size: number,
    startSeq: number,
  ) {
    this.facts = new Array<RequestFact | undefined>(size).fill(undefined);
    this.replicas = new Array<string | undefined>(size).fill(undefined);
    this.newest = startSeq;
  }

  /** Appends a fact and returns its sequence number. */
  push(fact: RequestFact, replica: string | undefined): number {
    const seq = ++this.newest;
    const slot = seq % this.size;
    this.facts[slot] = fact;
    this.replicas[slot] = replica;
    return seq;
  }

  /** Refills the ring from stored batches (oldest first); returns how many entries it holds. */
  restore(batches: readonly RequestBatchRow[]): number {
    let held = 0;
    for (const batch of batches) {
      for (const [seq, replica, fact] of JSON.parse(batch.entries) as StoredEntry[]) {
        if (seq <= this.newest - this.size || seq > this.newest) continue;
        const slot = seq % this.size;
        this.facts[slot] = fact;
        this.replicas[slot] = replica ?? undefined;
        held++;
      }
    }
    return held;
  }

  /** The entries after `afterSeq` (up to `upTo`) as one stored batch, or undefined when there are none. */
  batchAfter(afterSeq: number, upTo = this.newest): RequestBatchRow | undefined {
    const entries: StoredEntry[] = [];
    this.forEachAfter(afterSeq, (seq, fact, replica) => entries.push([seq, replica ?? null, fact]), upTo);
    if (entries.length === 0) return undefined;
    return { first_seq: entries[0]![0], last_seq: entries[entries.length - 1]![0], count: entries.length, entries: JSON.stringify(entries) };
  }

  get newestSeq(): number {
    return this.newest;
  }

  /** Oldest sequence number still held. */
  get oldestSeq(): number {
    return Math.max(1, this.newest - this.size + 1);
  }

  /** Calls `visit` for each held entry with afterSeq < seq ≤ upTo, oldest first. */
  forEachAfter(afterSeq: number, visit: (seq: number, fact: RequestFact, replica: string | undefined) => void, upTo = this.newest): void {
    const last = Math.min(upTo, this.newest);
    for (let seq = Math.max(afterSeq + 1, this.oldestSeq); seq <= last; seq++) {
      const slot = seq % this.size;
      const fact = this.facts[slot];
      if (fact !== undefined) visit(seq, fact, this.replicas[slot]);
    }
  }

  /** The held entry `seq`, if still held. */
  factAt(seq: number): RequestFact | undefined {
    if (seq < this.oldestSeq || seq > this.newest) return undefined;
    return this.facts[seq % this.size];
  }

  /** Sequence number of the held entry with this id, newest match. */
  findSeq(id: string): number | undefined {
    for (let seq = this.newest; seq >= this.oldestSeq; seq--) if (this.facts[seq % this.size]?.id === id) return seq;
    return undefined;
  }

  /** Entries matching `filter`, newest first, at most `limit`. */
  query(filter: MemoryFilter, limit: number): TrafficEntry[] {
    const out: TrafficEntry[] = [];
    const lowest = this.oldestSeq;
    let seq = filter.beforeSeq !== undefined ? Math.min(this.newest, filter.beforeSeq - 1) : this.newest;
    for (; seq >= lowest && out.length < limit; seq--) {
      const slot = seq % this.size;
      const fact = this.facts[slot];
      if (fact !== undefined && matches(fact, filter)) out.push(toTrafficEntry(fact, this.replicas[slot]));
    }
    return out;
  }
}

function matches(fact: RequestFact, filter: MemoryFilter): boolean {
  if (filter.beforeAt !== undefined && !(fact.at < filter.beforeAt)) return false;
  return filter.match === undefined || filter.match(fact);
}

/** The contract's view of a fact (a copy: later changes to the fact do not leak in). */
export function toTrafficEntry(fact: RequestFact, replica: string | undefined): TrafficEntry {
  const entry: TrafficEntry = {
    id: fact.id,
    at: fact.at,
    apiId: fact.apiId ?? null,
    method: fact.method,
    path: fact.path,
    status: fact.status,
    latencyMs: fact.latencyMs,
    clientId: fact.clientId ?? null,
    source: fact.source,
    trace: fact.trace.map((line) => ({ ...line })),
  };
  if (fact.apiName !== undefined) entry.apiName = fact.apiName;
  if (fact.errorCode !== undefined) entry.errorCode = fact.errorCode;
  if (fact.violatedPolicy !== undefined) entry.violatedPolicy = fact.violatedPolicy;
  if (fact.requestHeaders !== undefined) entry.requestHeaders = { ...fact.requestHeaders };
  if (fact.responseHeaders !== undefined) entry.responseHeaders = { ...fact.responseHeaders };
  if (replica !== undefined) entry.replica = replica;
  if (fact.upstream !== undefined) entry.upstream = fact.upstream;
  if (fact.query !== undefined) entry.query = fact.query;
  if (fact.listener !== undefined) entry.listener = fact.listener;
  entry.bytesIn = fact.bytesIn;
  entry.bytesOut = fact.bytesOut;
  if (fact.captured !== undefined) entry.captured = { ...fact.captured };
  return entry;
}
