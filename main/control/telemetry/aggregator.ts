/**
 * In-memory aggregate of requests: one per (API, second) while counting, and the accumulator
 * used to sum buckets into a window. Adding a fact is O(1) and allocation-free once the
 * client/status maps hold their keys; the serialisable `BucketData` form is what the database
 * stores and what connected replicas will send in batches.
 */
import { addSparse, bucketIndex, newHistogram, quantile, toSparse } from './histogram';

/** One bucket in plain JSON-able form: stored rows and replica batches use this shape. */
export interface BucketData {
  /** '' for requests that matched no API (404s, health checks). */
  apiId: string;
  /** Bucket start, epoch ms (a whole second or minute). */
  t: number;
  requests: number;
  /** Counts for 2xx, 3xx, 4xx, 5xx (other statuses only appear in `byStatus`). */
  classes: [number, number, number, number];
  /** Responses with status ≥ 400. */
  errors: number;
  latencySumMs: number;
  /** Sparse latency histogram, see histogram.ts. */
  hist: number[];
  byStatus: Record<string, number>;
  violations: Record<string, number>;
  /** clientId → [requests, errors]. */
  clients: Record<string, [number, number]>;
}

/** Distinct clients kept per aggregate; beyond that they are counted together as OTHER_CLIENTS. */
export const MAX_CLIENTS_PER_BUCKET = 1000;
export const OTHER_CLIENTS = '(other clients)';

export class Aggregate {
  requests = 0;
  readonly classes: [number, number, number, number] = [0, 0, 0, 0];
  errors = 0;
  latencySumMs = 0;
  readonly histogram = newHistogram();
  readonly byStatus = new Map<number, number>();
  readonly violations = new Map<string, number>();
  readonly clients = new Map<string, [number, number]>();

  add(status: number, latencyMs: number, clientId: string | undefined, violatedPolicy: string | undefined): void {
    this.requests++;
    const klass = ((status / 100) | 0) - 2;
    if (klass >= 0 && klass <= 3) this.classes[klass]++;
    const isError = status >= 400 ? 1 : 0;
    this.errors += isError;
    this.latencySumMs += latencyMs;
    this.histogram[bucketIndex(latencyMs)]++;
    this.byStatus.set(status, (this.byStatus.get(status) ?? 0) + 1);
    if (violatedPolicy !== undefined) this.violations.set(violatedPolicy, (this.violations.get(violatedPolicy) ?? 0) + 1);
    if (clientId !== undefined && clientId !== '') this.addClient(clientId, 1, isError);
  }

  merge(other: Aggregate): void {
    this.requests += other.requests;
    for (let i = 0; i < 4; i++) this.classes[i] += other.classes[i]!;
    this.errors += other.errors;
    this.latencySumMs += other.latencySumMs;
    const histogram = this.histogram;
    const source = other.histogram;
    for (let i = 0; i < histogram.length; i++) histogram[i] += source[i]!;
    for (const [status, count] of other.byStatus) this.byStatus.set(status, (this.byStatus.get(status) ?? 0) + count);
    for (const [policy, count] of other.violations) this.violations.set(policy, (this.violations.get(policy) ?? 0) + count);
    for (const [client, [requests, errors]] of other.clients) this.addClient(client, requests, errors);
  }

  mergeData(data: BucketData): void {
    this.requests += data.requests;
    for (let i = 0; i < 4; i++) this.classes[i] += data.classes[i] ?? 0;
    this.errors += data.errors;
    this.latencySumMs += data.latencySumMs;
    addSparse(this.histogram, data.hist);
    for (const [status, count] of Object.entries(data.byStatus)) {
      const code = Number(status);
      this.byStatus.set(code, (this.byStatus.get(code) ?? 0) + count);
    }
    for (const [policy, count] of Object.entries(data.violations)) this.violations.set(policy, (this.violations.get(policy) ?? 0) + count);
    for (const [client, [requests, errors]] of Object.entries(data.clients)) this.addClient(client, requests, errors);
  }

  toData(apiId: string, t: number): BucketData {
    return {
      apiId,
      t,
      requests: this.requests,
      classes: [...this.classes],
      errors: this.errors,
      latencySumMs: this.latencySumMs,
      hist: toSparse(this.histogram),
      byStatus: Object.fromEntries(this.byStatus),
      violations: Object.fromEntries(this.violations),
      clients: Object.fromEntries(this.clients),
    };
  }

  quantile(q: number): number {
    return quantile(this.histogram, this.requests, q);
  }

  get violationCount(): number {
    let total = 0;
    for (const count of this.violations.values()) total += count;
    return total;
  }

  private addClient(clientId: string, requests: number, errors: number): void {
    let entry = this.clients.get(clientId);
    if (entry === undefined) {
      // Client ids can come from any header value: bound the map so one bucket stays small.
      if (this.clients.size >= MAX_CLIENTS_PER_BUCKET && clientId !== OTHER_CLIENTS) {
        this.addClient(OTHER_CLIENTS, requests, errors);
        return;
      }
      entry = [0, 0];
      this.clients.set(clientId, entry);
    }
    entry[0] += requests;
    entry[1] += errors;
  }
}

/** Pending buckets keyed by API, then bucket start: no string keys built per request. */
export class BucketMap {
  private readonly byApi = new Map<string, Map<number, Aggregate>>();
  private lastApi: string | undefined;
  private lastT = -1;
  private lastBucket: Aggregate | undefined;

  /** The bucket for (apiId, t), created when missing. Caches the last one: traffic is bursty. */
  get(apiId: string, t: number): Aggregate {
    if (t === this.lastT && apiId === this.lastApi && this.lastBucket !== undefined) return this.lastBucket;
    let perApi = this.byApi.get(apiId);
    if (perApi === undefined) {
      perApi = new Map();
      this.byApi.set(apiId, perApi);
    }
    let bucket = perApi.get(t);
    if (bucket === undefined) {
      bucket = new Aggregate();
      perApi.set(t, bucket);
    }
    this.lastApi = apiId;
    this.lastT = t;
    this.lastBucket = bucket;
    return bucket;
  }

  get size(): number {
    let total = 0;
    for (const perApi of this.byApi.values()) total += perApi.size;
    return total;
  }

  *entries(apiId?: string): IterableIterator<[apiId: string, t: number, bucket: Aggregate]> {
    for (const [api, perApi] of this.byApi) {
      if (apiId !== undefined && api !== apiId) continue;
      for (const [t, bucket] of perApi) yield [api, t, bucket];
    }
  }

  clear(): void {
    this.byApi.clear();
    this.lastApi = undefined;
    this.lastT = -1;
    this.lastBucket = undefined;
  }
}
