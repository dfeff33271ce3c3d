import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { TrafficEntry, TrafficTick } from '../../../shared/contract/telemetry-models';
import type { RequestFact } from '../../gateway/telemetry';
import { Aggregate } from './aggregator';
import { Telemetry, type TelemetryOptions } from './telemetry';
import { TelemetryDb } from './telemetry-db';

let dir: string;
let file: string;
let clock: number;
let opened: Telemetry[];
let counter: number;

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'gatehouse-telemetry-'));
  file = path.join(dir, 'telemetry.sqlite');
  clock = Date.UTC(2025, 0, 15, 12, 0, 0, 250);
  opened = [];
  counter = 0;
});

afterEach(() => {
  for (const telemetry of opened) telemetry.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Telemetry on the temp file with a hand-moved clock and no background flush unless asked. */
function open(options: Partial<TelemetryOptions> = {}): Telemetry {
  const telemetry = new Telemetry({ file, now: () => clock, flushIntervalMs: 3_600_000, ...options });
  opened.push(telemetry);
  return telemetry;
}

function reopen(telemetry: Telemetry, options: Partial<TelemetryOptions> = {}): Telemetry {
  telemetry.close();
  return open(options);
}

/** A finished request; by default it completes at the current clock. */
function fact(overrides: Partial<RequestFact> = {}): RequestFact {
  const latencyMs = overrides.latencyMs ?? 5;
  return {
    id: `req-${++counter}`,
    at: clock - latencyMs,
    apiId: 'api-1',
    listener: '127.0.0.1:8081',
    method: 'GET',
    path: '/users',
    status: 200,
    latencyMs,
    bytesIn: 0,
    bytesOut: 10,
    remoteAddress: '127.0.0.1',
    source: 'upstream',
    trace: [],
    ...overrides,
  };
}

function ingestMany(telemetry: Telemetry, count: number, overrides: Partial<RequestFact> = {}): void {
  for (let i = 0; i < count; i++) telemetry.ingest(fact(overrides));
}

/** 100 requests on api-1 with a known status mix, plus others that must not count for it. */
function ingestMix(telemetry: Telemetry): void {
  ingestMany(telemetry, 70);
  ingestMany(telemetry, 5, { status: 204 });
  ingestMany(telemetry, 3, { status: 301 });
  ingestMany(telemetry, 10, { status: 404, source: 'gateway', errorCode: 'NO_ROUTE' });
  ingestMany(telemetry, 2, { status: 429, source: 'gateway', violatedPolicy: 'rate-limiting-flex' });
  ingestMany(telemetry, 6, { status: 500 });
  ingestMany(telemetry, 4, { status: 503, source: 'gateway', errorCode: 'UPSTREAM_UNAVAILABLE' });
  ingestMany(telemetry, 7, { apiId: 'api-2' });
  ingestMany(telemetry, 3, { apiId: undefined, status: 404 });
}

const MIX = { requests: 100, status: { '2xx': 75, '3xx': 3, '4xx': 12, '5xx': 10 }, policyViolations: 2 };

function allTraffic(telemetry: Telemetry, query: { apiId?: string } = {}): TrafficEntry[] {
  const out: TrafficEntry[] = [];
  for (;;) {
    const page = telemetry.traffic({ ...query, limit: 1000, before: out.at(-1)?.id });
    out.push(...page);
    if (page.length < 1000) return out;
  }
}

describe('Telemetry counts', () => {
  it('counts every request exactly: before a flush, after it, and across a restart', () => {
    let telemetry = open();
    ingestMix(telemetry);
    expect(telemetry.metrics('api-1', 60)).toMatchObject({ ...MIX, violationsByPolicy: { 'rate-limiting-flex': 2 } });
    expect(telemetry.metrics('api-2', 60).requests).toBe(7);

    telemetry.flush();
    expect(telemetry.metrics('api-1', 60)).toMatchObject(MIX);
    telemetry.ingest(fact({ status: 502 }));
    expect(telemetry.metrics('api-1', 60).status['5xx']).toBe(11);

    telemetry = reopen(telemetry);
    const metrics = telemetry.metrics('api-1', 60);
    expect(metrics.requests).toBe(101);
    expect(metrics.status).toEqual({ '2xx': 75, '3xx': 3, '4xx': 12, '5xx': 11 });
    expect(metrics.violationsByPolicy).toEqual({ 'rate-limiting-flex': 2 });
    expect(allTraffic(telemetry)).toHaveLength(111);
  });

  it('keeps counting into a bucket that was already flushed (mid-second flush, late request)', () => {
    const telemetry = open();
    ingestMany(telemetry, 4);
    telemetry.flush();
    ingestMany(telemetry, 3); // same second as the flushed bucket
    telemetry.flush();
    clock += 2000;
    telemetry.ingest(fact({ latencyMs: 1800 })); // a slow one: counted in the second it finished (now)
    telemetry.ingest({ ...fact(), at: clock - 2100, latencyMs: 5 }); // finished two seconds ago, reported late
    telemetry.flush();
    const reopened = reopen(telemetry);
    expect(reopened.metrics('api-1', 60).requests).toBe(9);
    expect(reopened.windowStats({ apiId: 'api-1', fromMs: clock - 2000, toMs: clock - 1000 }).requests).toBe(8);
  });

  it('reports p50/p95/p99 within 5 % of the exact values, also after a restart', () => {
    let telemetry = open();
    const latencies: number[] = [];
    for (let i = 1; i <= 2000; i++) latencies.push(i <= 1800 ? 2 + (i % 100) * 0.3 : 150 + (i - 1800) * 4);
    for (const latencyMs of latencies) telemetry.ingest(fact({ latencyMs }));
    const sorted = [...latencies].sort((a, b) => a - b);
    const exact = (q: number) => sorted[Math.ceil(q * sorted.length) - 1]!;
    const check = (latency: { p50: number; p95: number; p99: number }) => {
      expect(Math.abs(latency.p50 - exact(0.5)) / exact(0.5)).toBeLessThan(0.05);
      expect(Math.abs(latency.p95 - exact(0.95)) / exact(0.95)).toBeLessThan(0.05);
      expect(Math.abs(latency.p99 - exact(0.99)) / exact(0.99)).toBeLessThan(0.05);
    };
    check(telemetry.metrics('api-1', 300).latencyMs);
    telemetry = reopen(telemetry);
    check(telemetry.metrics('api-1', 300).latencyMs);
    expect(telemetry.metrics('api-1', 300).latencyMs.p99).toBeGreaterThan(800);
  });

  it('lists the top clients with their errors', () => {
    const telemetry = open();
    ingestMany(telemetry, 5, { clientId: 'mobile' });
    ingestMany(telemetry, 2, { clientId: 'mobile', status: 401 });
    ingestMany(telemetry, 3, { clientId: 'web' });
    ingestMany(telemetry, 4);
    telemetry.flush();
    ingestMany(telemetry, 1, { clientId: 'web', status: 500 });
    expect(telemetry.metrics('api-1', 60).topClients).toEqual([
      { clientId: 'mobile', requests: 7, errors: 2 },
      { clientId: 'web', requests: 4, errors: 1 },
    ]);
  });

  it('summarizes windows for alert rules: exact status codes, classes, latency, violations, scope', () => {
    const telemetry = open();
    ingestMix(telemetry);
    telemetry.flush();
    ingestMany(telemetry, 2, { status: 502, latencyMs: 45 });
    const stats = telemetry.windowStats({ apiId: 'api-1', fromMs: clock - 10_000, toMs: clock + 1 });
    expect(stats.requests).toBe(102);
    expect(stats.byStatus).toEqual({ 200: 70, 204: 5, 301: 3, 404: 10, 429: 2, 500: 6, 502: 2, 503: 4 });
    expect(stats.statusClasses).toEqual({ '2xx': 75, '3xx': 3, '4xx': 12, '5xx': 12 });
    expect(stats.errors).toBe(24);
    expect(stats.avgLatencyMs).toBeCloseTo((100 * 5 + 2 * 45) / 102, 3);
    expect(stats.violationsByPolicy).toEqual({ 'rate-limiting-flex': 2 });
    expect(telemetry.windowStats({ apiIds: ['api-1', 'api-2'], fromMs: clock - 10_000, toMs: clock + 1 }).requests).toBe(109);
    expect(telemetry.windowStats({ fromMs: clock - 10_000, toMs: clock + 1 }).requests).toBe(112); // with unrouted
    expect(telemetry.windowStats({ apiId: 'api-1', fromMs: clock - 10_000, toMs: clock - 1000 }).requests).toBe(0);
  });

  it('merges pre-aggregated buckets from replicas', () => {
    const telemetry = open();
    const aggregate = new Aggregate();
    for (let i = 0; i < 40; i++) aggregate.add(i < 30 ? 200 : 503, 12, 'mobile', undefined);
    telemetry.ingestBuckets([aggregate.toData('api-1', clock - (clock % 1000))]);
    ingestMany(telemetry, 2);
    const metrics = telemetry.metrics('api-1', 60);
    expect(metrics.requests).toBe(42);
    expect(metrics.status['5xx']).toBe(10);
    expect(metrics.topClients[0]).toEqual({ clientId: 'mobile', requests: 40, errors: 10 });
  });
});

describe('Telemetry series and roll-ups', () => {
  it('gives an evenly spaced series ending with the current second', () => {
    const telemetry = open();
    const now = clock;
    for (const [secondsAgo, count] of [[0, 3], [5, 2], [59, 4], [60, 9]] as const) {
      clock = now - secondsAgo * 1000;
      ingestMany(telemetry, count, { status: secondsAgo === 5 ? 500 : 200 });
    }
    clock = now;
    telemetry.flush();
    const metrics = telemetry.metrics('api-1', 60);
    expect(metrics.requests).toBe(9); // the request 60 s ago is outside the 60-second window
    expect(metrics.series).toHaveLength(60);
    const currentSecond = now - (now % 1000);
    expect(metrics.series.at(-1)).toMatchObject({ t: currentSecond, requests: 3, errors: 0 });
    expect(metrics.series.find((p) => p.t === currentSecond - 5000)).toMatchObject({ requests: 2, errors: 2 });
    expect(metrics.series[0]).toMatchObject({ t: currentSecond - 59_000, requests: 4 });
    for (let i = 1; i < metrics.series.length; i++) expect(metrics.series[i]!.t - metrics.series[i - 1]!.t).toBe(1000);

    const hour = telemetry.metrics('api-1', 3600).series;
    expect(hour.length).toBeGreaterThanOrEqual(60);
    expect(hour.length).toBeLessThanOrEqual(121);
    expect(hour.reduce((sum, p) => sum + p.requests, 0)).toBe(18);
    const day = telemetry.metrics('api-1', 86_400).series;
    expect(day.length).toBeGreaterThanOrEqual(60);
    expect(day.length).toBeLessThanOrEqual(121);
    expect(day.reduce((sum, p) => sum + p.requests, 0)).toBe(18);
  });

  it('rolls seconds up into minutes that outlive the second buckets', () => {
    let telemetry = open();
    const start = clock;
    for (let minute = 0; minute < 3; minute++)
      for (let second = 0; second < 60; second += 20) {
        clock = start + minute * 60_000 + second * 1000;
        ingestMany(telemetry, minute + 1, { status: second === 40 ? 503 : 200 });
        telemetry.flush();
      }
    // 3 minutes × 3 seconds × (1, 2, 3) requests = 18; a third of them 503
    clock = start + 3 * 60_000;
    expect(telemetry.metrics('api-1', 7200)).toMatchObject({ requests: 18, status: { '2xx': 12, '5xx': 6 } });
    const minutePoints = telemetry.metrics('api-1', 7200).series.filter((p) => p.requests > 0);
    expect(minutePoints.map((p) => p.requests)).toEqual([3, 6, 9]);
    expect(new Set(minutePoints.map((p) => p.t % 60_000))).toEqual(new Set([0]));

    clock = start + 2 * 3600_000; // second buckets are past retention now
    telemetry.flush();
    telemetry = reopen(telemetry);
    const probe = new TelemetryDb(file);
    expect(probe.countBuckets('second')).toBe(0);
    expect(probe.countBuckets('minute')).toBe(3);
    probe.close();
    expect(telemetry.metrics('api-1', 3 * 3600).requests).toBe(18);
    expect(telemetry.windowStats({ apiId: 'api-1', fromMs: start - 60_000, toMs: start + 3 * 60_000 }).byStatus).toEqual({ 200: 12, 503: 6 });
  });

  it('applies configurable retention using the injected clock', () => {
    const telemetry = open({ retention: { secondBucketsSeconds: 120, minuteBucketsDays: 1 } });
    ingestMany(telemetry, 5);
    telemetry.flush();
    const probe = new TelemetryDb(file);
    expect([probe.countBuckets('second'), probe.countBuckets('minute')]).toEqual([1, 1]);

    clock += 121_000;
    ingestMany(telemetry, 1);
    telemetry.flush();
    expect([probe.countBuckets('second'), probe.countBuckets('minute')]).toEqual([1, 2]);
    expect(telemetry.metrics('api-1', 120).requests).toBe(1); // seconds window
    expect(telemetry.metrics('api-1', 600).requests).toBe(6); // minutes window

    clock += 86_400_000 + 60_000;
    telemetry.flush(); // idle, but retention still runs
    expect([probe.countBuckets('second'), probe.countBuckets('minute')]).toEqual([0, 0]);
    expect(telemetry.metrics('api-1', 86_400).requests).toBe(0);
    probe.close();
  });
});

describe('Telemetry request log', () => {
  it('lists requests newest first with their trace, filters and paging', () => {
    const telemetry = open();
    const trace = [{ policy: 'rate-limiting-flex', bindingId: 'b1', verdict: 'deny' as const, detail: '20/20 used', status: 429, durationMs: 0.2 }];
    telemetry.ingest(fact({ method: 'POST', path: '/Orders/7', status: 201, clientId: 'mobile' }));
    telemetry.ingest(fact({ status: 429, clientId: 'mobile', trace, violatedPolicy: 'rate-limiting-flex', source: 'gateway', errorCode: 'RATE_LIMITED' }));
    telemetry.flush();
    telemetry.ingest(fact({ apiId: 'api-2', apiName: 'Orders', path: '/orders', status: 503 }), 'replica-a');
    telemetry.ingest(fact({ apiId: undefined, path: '/nowhere', status: 404, requestHeaders: { host: 'localhost' } }));

    const all = telemetry.traffic({});
    expect(all.map((e) => e.id)).toEqual(['req-4', 'req-3', 'req-2', 'req-1']);
    expect(all[0]).toMatchObject({ apiId: null, clientId: null, requestHeaders: { host: 'localhost' } });
    expect(all[1]).toMatchObject({ apiId: 'api-2', apiName: 'Orders', replica: 'replica-a' });
    expect(all[2]).toMatchObject({ status: 429, trace, violatedPolicy: 'rate-limiting-flex', errorCode: 'RATE_LIMITED', source: 'gateway' });

    const ids = (query: Parameters<Telemetry['traffic']>[0]) => telemetry.traffic(query).map((e) => e.id);
    expect(ids({ apiId: 'api-1' })).toEqual(['req-2', 'req-1']);
    expect(ids({ statusClass: '5xx' })).toEqual(['req-3']);
    expect(ids({ statusClass: '4xx' })).toEqual(['req-4', 'req-2']);
    expect(ids({ clientId: 'mobile' })).toEqual(['req-2', 'req-1']);
    expect(ids({ q: 'orders' })).toEqual(['req-3', 'req-1']);
    expect(ids({ q: 'post' })).toEqual(['req-1']);
    expect(ids({ limit: 2 })).toEqual(['req-4', 'req-3']);
    expect(ids({ limit: 2, before: 'req-3' })).toEqual(['req-2', 'req-1']);
    expect(ids({ before: 'gone-long-ago' })).toEqual([]);
    expect(() => telemetry.traffic({ limit: 5000 })).toThrow(/1000/);
  });

  it('pages by time', () => {
    const telemetry = open();
    ingestMany(telemetry, 2);
    clock += 5000;
    ingestMany(telemetry, 2);
    expect(telemetry.traffic({ before: clock - 1000 }).map((e) => e.id)).toEqual(['req-2', 'req-1']);
    expect(telemetry.traffic({ before: String(clock - 1000) }).map((e) => e.id)).toEqual(['req-2', 'req-1']);
  });

  it('keeps only the newest 10,000 requests, also across a restart', () => {
    let telemetry = open();
    ingestMany(telemetry, 6000);
    telemetry.flush();
    ingestMany(telemetry, 4050);
    const before = allTraffic(telemetry);
    expect(before).toHaveLength(10_000);
    expect(before[0]!.id).toBe('req-10050');
    expect(before.at(-1)!.id).toBe('req-51');

    telemetry = reopen(telemetry);
    const after = allTraffic(telemetry);
    expect(after.map((e) => e.id)).toEqual(before.map((e) => e.id));
    telemetry.ingest(fact());
    expect(telemetry.traffic({ limit: 1 })[0]!.id).toBe('req-10051');
    expect(allTraffic(telemetry)).toHaveLength(10_000);
  });

  it('persists a small log across several flushes and restarts', () => {
    let telemetry = open({ requestLogSize: 5 });
    ingestMany(telemetry, 3);
    telemetry.flush();
    ingestMany(telemetry, 4);
    telemetry.flush();
    telemetry = reopen(telemetry, { requestLogSize: 5 });
    expect(telemetry.traffic({}).map((e) => e.id)).toEqual(['req-7', 'req-6', 'req-5', 'req-4', 'req-3']);
    ingestMany(telemetry, 1);
    telemetry = reopen(telemetry, { requestLogSize: 5 });
    expect(telemetry.traffic({}).map((e) => e.id)).toEqual(['req-8', 'req-7', 'req-6', 'req-5', 'req-4']);
  });
});

describe('Telemetry live events and lifecycle', () => {
  it('emits per-API ticks for the last second', () => {
    const telemetry = open();
    const ticks: TrafficTick[] = [];
    const stop = telemetry.onTick((tick) => ticks.push(tick));
    const second = clock - (clock % 1000);
    ingestMany(telemetry, 2);
    ingestMany(telemetry, 1, { status: 500, latencyMs: 80 });
    ingestMany(telemetry, 4, { apiId: 'api-2' });
    ingestMany(telemetry, 1, { apiId: undefined });
    telemetry.flush();
    clock += 1000;
    ingestMany(telemetry, 9); // the current second: not in this tick
    const tick = telemetry.emitTick();
    expect(tick.t).toBe(second);
    const apis = tick.apis.sort((a, b) => a.apiId.localeCompare(b.apiId));
    expect(apis).toMatchObject([
      { apiId: 'api-1', requests: 3, errors: 1 },
      { apiId: 'api-2', requests: 4, errors: 0 },
    ]);
    expect(Math.abs(apis[0]!.p95 - 80) / 80).toBeLessThan(0.05);
    expect(Math.abs(apis[1]!.p95 - 5) / 5).toBeLessThan(0.05);
    expect(ticks).toEqual([tick]);
    stop();
  });

  it('ticks on the wall clock once a second while subscribed', async () => {
    const telemetry = open({ now: Date.now });
    const ticks: TrafficTick[] = [];
    const stop = telemetry.onTick((tick) => ticks.push(tick));
    clock = Date.now();
    ingestMany(telemetry, 3);
    await vi.waitFor(() => expect(ticks.some((t) => t.apis[0]?.requests === 3)).toBe(true), { timeout: 2500, interval: 50 });
    stop();
    const count = ticks.length;
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect(ticks.length).toBe(count);
  });

  it('delivers each request to live listeners once, in order, off the hot path', async () => {
    const telemetry = open();
    ingestMany(telemetry, 2); // before subscribing: not replayed
    const seen: string[] = [];
    const stop = telemetry.onRequest((entry) => seen.push(entry.id));
    ingestMany(telemetry, 3);
    expect(seen).toEqual([]);
    await vi.waitFor(() => expect(seen).toEqual(['req-3', 'req-4', 'req-5']), { timeout: 1000, interval: 10 });
    ingestMany(telemetry, 1);
    telemetry.close(); // close delivers what is pending
    expect(seen).toEqual(['req-3', 'req-4', 'req-5', 'req-6']);
    stop();
  });

  it('skips live delivery while no listener wants entries', async () => {
    const telemetry = open();
    let wanted = false;
    const seen: string[] = [];
    telemetry.onRequest((entry) => seen.push(entry.id), () => wanted);
    ingestMany(telemetry, 3);
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(seen).toEqual([]);
    wanted = true;
    ingestMany(telemetry, 2);
    await vi.waitFor(() => expect(seen).toEqual(['req-4', 'req-5']), { timeout: 1000, interval: 10 });
  });

  it('in the background, writes the request log in chunks and within a small share of the time, while counts go every flush', async () => {
    let telemetry = open({ now: Date.now, flushIntervalMs: 20 });
    clock = Date.now();
    const probe = new TelemetryDb(file);
    const second = clock - (clock % 1000);
    const stored = () => probe.readBuckets('second', ['api-1'], second, second + 1000)[0]?.requests;
    ingestMany(telemetry, 5000);
    await vi.waitFor(() => expect(probe.maxRequestSeq()).toBe(5000), { timeout: 2000, interval: 5 });
    // In chunks, one per event-loop turn, so that requests never wait behind the whole log.
    expect(probe.requestBatchesAfter(0).map((batch) => batch.count)).toEqual([1000, 1000, 1000, 1000, 1000]);
    // Writing 5,000 entries took some ms: the next log write waits ~100 times as long; counts do not wait.
    ingestMany(telemetry, 10);
    await vi.waitFor(() => expect(stored()).toBe(5010), { timeout: 2000, interval: 5 });
    expect(probe.maxRequestSeq()).toBe(5000);
    telemetry.close(); // a clean stop writes the log
    expect(probe.maxRequestSeq()).toBe(5010);
    probe.close();
    telemetry = open();
    expect(allTraffic(telemetry)).toHaveLength(5010);
  });

  it('flushes on close: nothing counted is lost on a clean stop', () => {
    let telemetry = open();
    ingestMix(telemetry);
    telemetry.close();
    telemetry.ingest(fact()); // after close: ignored, no throw
    telemetry.close();
    telemetry = open();
    expect(telemetry.metrics('api-1', 60)).toMatchObject(MIX);
    expect(allTraffic(telemetry)).toHaveLength(110);
  });

  it('flushes in the background on its interval', async () => {
    const telemetry = open({ now: Date.now, flushIntervalMs: 30 });
    clock = Date.now();
    ingestMany(telemetry, 3);
    const probe = new TelemetryDb(file);
    await vi.waitFor(() => expect(probe.countBuckets('second')).toBe(1), { timeout: 2000, interval: 20 });
    probe.close();
  });

  it('refuses a database written by a newer version, leaving it untouched', () => {
    const db = new Database(file);
    db.pragma('user_version = 99');
    db.close();
    expect(() => new Telemetry({ file })).toThrow(/schema version 99, newer than this Gatehouse supports/);
    const check = new Database(file);
    expect(check.pragma('user_version', { simple: true })).toBe(99);
    check.close();
  });

  it('rejects bad options and windows with the field named', () => {
    expect(() => new Telemetry({ file, requestLogSize: 0 })).toThrow(/requestLogSize/);
    expect(() => new Telemetry({ file, retention: { secondBucketsSeconds: 1 } })).toThrow(/secondBucketsSeconds/);
    expect(() => open().metrics('api-1', 0)).toThrow(/window/);
  });
});
