import { describe, expect, it } from 'vitest';
import { addSparse, bucketIndex, bucketValue, HISTOGRAM_BUCKETS, HISTOGRAM_MAX_MS, newHistogram, quantile, toSparse } from './histogram';

describe('latency histogram', () => {
  it('reads back any value in range within 2 %', () => {
    for (let value = 0.02; value < HISTOGRAM_MAX_MS; value *= 1.37) {
      const read = bucketValue(bucketIndex(value));
      expect(Math.abs(read - value) / value).toBeLessThan(0.02);
    }
  });

  it('keeps indexes ordered and inside the layout, including odd inputs', () => {
    let previous = -1;
    for (let value = 0; value < 1e7; value = value * 2 + 0.001) {
      const index = bucketIndex(value);
      expect(index).toBeGreaterThanOrEqual(previous);
      expect(index).toBeLessThan(HISTOGRAM_BUCKETS);
      previous = index;
    }
    expect(bucketIndex(-5)).toBe(0);
    expect(bucketIndex(Number.NaN)).toBe(0);
    expect(bucketIndex(Number.POSITIVE_INFINITY)).toBe(HISTOGRAM_BUCKETS - 1);
  });

  it('gives nearest-rank percentiles of a skewed distribution within 5 %', () => {
    // 10,000 latencies: 90 % fast (1–10 ms), 10 % slow (200–2000 ms), deterministic.
    const values: number[] = [];
    for (let i = 0; i < 9000; i++) values.push(1 + (i % 900) / 100);
    for (let i = 0; i < 1000; i++) values.push(200 + i * 1.8);
    const histogram = newHistogram();
    for (const value of values) histogram[bucketIndex(value)]++;
    const sorted = [...values].sort((a, b) => a - b);
    for (const q of [0.5, 0.9, 0.95, 0.99]) {
      const exact = sorted[Math.ceil(q * sorted.length) - 1]!;
      expect(Math.abs(quantile(histogram, values.length, q) - exact) / exact).toBeLessThan(0.05);
    }
    expect(quantile(newHistogram(), 0, 0.95)).toBe(0);
  });

  it('round-trips through the sparse storage form', () => {
    const histogram = newHistogram();
    for (const value of [3, 3, 50, 1200]) histogram[bucketIndex(value)]++;
    const copy = newHistogram();
    addSparse(copy, toSparse(histogram));
    addSparse(copy, [HISTOGRAM_BUCKETS + 5, 9, -1, 9]); // foreign indexes are ignored
    expect([...copy]).toEqual([...histogram]);
    expect(toSparse(histogram)).toHaveLength(6);
  });
});
