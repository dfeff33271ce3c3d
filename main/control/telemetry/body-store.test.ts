// Captured bodies wait in memory until the request log's checkpoint writes their entries, on a
// real telemetry file: only bodies of entries the log still holds are ever written, the waiting
// ones are bounded by the log's size and the byte budget (oldest first), a reader sees them
// before and after they are written, and a restart keeps what was written.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { RequestFact } from '../../gateway/telemetry';
import { BodyStore } from './body-store';
import { Telemetry } from './telemetry';
import { TelemetryDb } from './telemetry-db';

let dir: string;
const open: { close(): void }[] = [];
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'gatehouse-bodies-'));
});
afterEach(() => {
  for (const item of open.splice(0).reverse()) item.close();
  rmSync(dir, { recursive: true, force: true });
});

const body = (seq: number) => Buffer.from(`response ${seq} `.repeat(10));
const text = (bodies: { response: Buffer | undefined } | undefined) => bodies?.response?.toString();
const storedText = (telemetryDb: TelemetryDb, seq: number) => telemetryDb.readRequestBodies(seq)?.response?.toString();
async function shownText(telemetry: Telemetry, id: string): Promise<string | undefined> {
  const base64 = (await telemetry.requestBodies(id))?.response?.base64;
  return base64 === undefined ? undefined : Buffer.from(base64, 'base64').toString();
}

function db(): TelemetryDb {
  const opened = new TelemetryDb(path.join(dir, 'telemetry.sqlite'));
  open.push(opened);
  return opened;
}

function write(store: BodyStore, telemetryDb: TelemetryDb, oldestSeq: number, upToSeq: number): void {
  let commit: (() => void) | undefined;
  telemetryDb.transaction(() => {
    commit = store.write(oldestSeq, upToSeq);
  });
  commit!();
}

it('waiting bodies are bounded by the log size, oldest first; only those a checkpoint covers are written', () => {
  const telemetryDb = db();
  const store = new BodyStore(telemetryDb, 1_000_000, 10);
  for (let seq = 1; seq <= 30; seq++) store.put(seq, undefined, body(seq));
  // The log holds 21..30: older bodies were let go while waiting, never written.
  expect(store.get(20)).toBeUndefined();
  expect(text(store.get(21))).toBe(body(21).toString());
  expect(store.totalBytes).toBe(10 * body(21).length);

  // A checkpoint chunk that wrote the log up to 25: those bodies are in the file, the rest still wait.
  write(store, telemetryDb, 21, 25);
  expect(telemetryDb.requestBodyBytes()).toBe(5 * body(21).length);
  expect(storedText(telemetryDb, 25)).toBe(body(25).toString());
  expect(telemetryDb.readRequestBodies(26)).toBeUndefined();
  for (const seq of [21, 25, 26, 30]) expect(text(store.get(seq))).toBe(body(seq).toString());
  expect(store.totalBytes).toBe(10 * body(21).length);

  // More traffic: the log now holds 26..35; 26..30 were waiting, 21..25 are deleted from the file.
  for (let seq = 31; seq <= 35; seq++) store.put(seq, undefined, body(seq));
  write(store, telemetryDb, 26, 35);
  expect(telemetryDb.requestBodyBytes()).toBe(10 * body(26).length);
  expect(store.get(25)).toBeUndefined();
  for (const seq of [26, 30, 31, 35]) expect(text(store.get(seq))).toBe(body(seq).toString());
  expect(store.totalBytes).toBe(10 * body(26).length);

  // Reopened (a restart): the written bodies are there.
  const reopened = new BodyStore(db(), 1_000_000, 10);
  expect(reopened.totalBytes).toBe(10 * body(26).length);
  expect(text(reopened.get(35))).toBe(body(35).toString());
});

it('waiting bodies stay within the byte budget, the oldest going first', () => {
  const telemetryDb = db();
  const size = body(1).length;
  const store = new BodyStore(telemetryDb, size * 3, 100);
  for (let seq = 1; seq <= 8; seq++) store.put(seq, undefined, body(seq));
  expect(store.totalBytes).toBe(size * 3);
  expect([5, 6, 7, 8].map((seq) => store.get(seq) !== undefined)).toEqual([false, true, true, true]);
  write(store, telemetryDb, 1, 8);
  expect(telemetryDb.requestBodyBytes()).toBe(size * 3);
  expect(text(store.get(6))).toBe(body(6).toString());
});

function fact(n: number): RequestFact {
  return {
    id: `req_${n}`,
    at: 1_700_000_000_000 + n,
    apiId: 'api_1',
    listener: '127.0.0.1:8081',
    method: 'GET',
    path: `/users/${n}`,
    status: 200,
    latencyMs: 1,
    bytesIn: 0,
    bytesOut: body(n).length,
    remoteAddress: '127.0.0.1',
    source: 'upstream',
    trace: [],
    responseBody: body(n),
  };
}

it('the telemetry writes the bodies of the entries its log keeps, and a restart shows them', async () => {
  const file = path.join(dir, 'telemetry.sqlite');
  const telemetry = new Telemetry({ file, requestLogSize: 5 });
  for (let n = 1; n <= 20; n++) telemetry.ingest(fact(n));
  // Before any write: from memory, the newest five only.
  expect(telemetry.bodyBytes).toBe(5 * body(16).length);
  expect(await shownText(telemetry, 'req_20')).toBe(body(20).toString());
  telemetry.close();

  const check = db();
  expect(check.requestBodyBytes()).toBe(5 * body(16).length);
  expect(check.readRequestBodies(15)).toBeUndefined();
  check.close();

  const reopened = new Telemetry({ file, requestLogSize: 5 });
  open.push(reopened);
  expect(reopened.traffic().map((entry) => entry.id)).toEqual(['req_20', 'req_19', 'req_18', 'req_17', 'req_16']);
  expect(await shownText(reopened, 'req_16')).toBe(body(16).toString());
});
