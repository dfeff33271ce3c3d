/**
 * Fixed, log-spaced latency buckets. Every bucket is 3 % wider than the previous one, so a
 * percentile read back as the bucket's geometric middle is within ~1.5 % of the true value,
 * and histograms from any second, minute or replica merge by plain addition. The layout is
 * part of the stored format: changing it needs a telemetry database migration.
 */

/** Lower edge of bucket 1; bucket 0 holds everything below it (and 0 / negative values). */
export const HISTOGRAM_MIN_MS = 0.01;
/** Values above this land in the last bucket (10 minutes: longer than any sane request). */
export const HISTOGRAM_MAX_MS = 600_000;
export const HISTOGRAM_GROWTH = 1.03;

const LOG_GROWTH = Math.log(HISTOGRAM_GROWTH);
const LOG_MIN = Math.log(HISTOGRAM_MIN_MS);
/** Bucket count: 0 for (−∞, MIN), then one per growth step up to MAX, plus the overflow. */
export const HISTOGRAM_BUCKETS = Math.ceil((Math.log(HISTOGRAM_MAX_MS) - LOG_MIN) / LOG_GROWTH) + 2;
const LAST = HISTOGRAM_BUCKETS - 1;

/** Index of the bucket holding `valueMs`; O(1), one Math.log. */
export function bucketIndex(valueMs: number): number {
  if (!(valueMs >= HISTOGRAM_MIN_MS)) return 0; // also catches NaN
  const index = Math.floor((Math.log(valueMs) - LOG_MIN) / LOG_GROWTH) + 1;
  return index > LAST ? LAST : index;
}

/** Value reported for a bucket: the geometric middle of its edges. */
export function bucketValue(index: number): number {
  if (index <= 0) return 0;
  if (index >= LAST) return HISTOGRAM_MAX_MS;
  return Math.exp(LOG_MIN + (index - 0.5) * LOG_GROWTH);
}

export function newHistogram(): Float64Array {
  return new Float64Array(HISTOGRAM_BUCKETS);
}

/**
 * The `q`-quantile (0 < q ≤ 1) of a dense histogram holding `total` values: the value at rank
 * ceil(q·total), the "nearest rank" definition. 0 for an empty histogram.
 */
export function quantile(histogram: Float64Array, total: number, q: number): number {
  if (total <= 0) return 0;
  const rank = Math.max(1, Math.ceil(q * total));
  let seen = 0;
  for (let i = 0; i < histogram.length; i++) {
    seen += histogram[i]!;
    if (seen >= rank) return round3(bucketValue(i));
  }
  return round3(bucketValue(LAST));
}

/** Sparse form for storage and replica batches: [index, count, index, count, …]. */
export function toSparse(histogram: Float64Array): number[] {
  const out: number[] = [];
  for (let i = 0; i < histogram.length; i++) if (histogram[i] !== 0) out.push(i, histogram[i]!);
  return out;
}

/** Adds a sparse histogram into a dense one; ignores indexes outside the layout. */
export function addSparse(into: Float64Array, sparse: readonly number[]): void {
  for (let i = 0; i + 1 < sparse.length; i += 2) {
    const index = sparse[i]!;
    if (index >= 0 && index < into.length) into[index] += sparse[i + 1]!;
  }
}

function round3(value: number): number {
  return Math.round(value * 1000) / 1000;
}
