/**
 * Live per-second series from `traffic.tick`s: a dense grid (missing seconds are zero), for one
 * API or all of them. Used by the Overview chart, the sparklines and the headline numbers.
 */
import { useEffect, useState } from 'react';
import type { TrafficTick } from '../../../shared/contract/telemetry-models';

export interface LiveSeries {
  times: number[];
  requests: number[];
  errors: number[];
  /** Highest p95 of the APIs in that second; null without traffic. */
  p95: (number | null)[];
}

export function perSecondSeries(ticks: readonly TrafficTick[], seconds: number, now: number, apiId?: string): LiveSeries {
  const end = Math.floor(now / 1000) * 1000 - 1000;
  const start = end - (seconds - 1) * 1000;
  const times = Array.from({ length: seconds }, (_, i) => start + i * 1000);
  const requests = new Array<number>(seconds).fill(0);
  const errors = new Array<number>(seconds).fill(0);
  const p95 = new Array<number | null>(seconds).fill(null);
  for (let i = ticks.length - 1; i >= 0; i--) {
    const tick = ticks[i]!;
    if (tick.t < start) break;
    const index = Math.round((tick.t - start) / 1000);
    if (index < 0 || index >= seconds) continue;
    for (const api of tick.apis) {
      if (apiId && api.apiId !== apiId) continue;
      requests[index]! += api.requests;
      errors[index]! += api.errors;
      if (api.requests > 0) p95[index] = Math.max(p95[index] ?? 0, api.p95);
    }
  }
  return { times, requests, errors, p95 };
}

/** Totals over the last `seconds` of ticks: rate, error ratio, worst p95. */
export function liveTotals(series: LiveSeries, seconds = 10) {
  const from = Math.max(0, series.times.length - seconds);
  let requests = 0;
  let errors = 0;
  let p95: number | undefined;
  for (let i = from; i < series.times.length; i++) {
    requests += series.requests[i]!;
    errors += series.errors[i]!;
    const value = series.p95[i];
    if (value != null) p95 = Math.max(p95 ?? 0, value);
  }
  const span = series.times.length - from || 1;
  return { perSecond: requests / span, errorRate: requests ? errors / requests : 0, p95, requests, errors };
}

/** Re-renders every `ms` so live charts keep scrolling when no tick arrives (idle gateway). */
export function useNow(ms = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(timer);
  }, [ms]);
  return now;
}
