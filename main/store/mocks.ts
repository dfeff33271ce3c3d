/**
 * Mocks of the APIs: the OpenAPI document kept with an API, its mock settings (mode, source,
 * hand-written routes, the record switch) and its recordings with their exchanges (bodies as
 * bytes, bounded per exchange and per recording: the oldest go first).
 */
import { RECORDED_BODY_LIMIT, type MockMode, type MockRoute, type MockSource, type RecordedExchange } from '../../shared/mocks/mock-models';
import type { SqliteDatabase } from './database';
import { fromJson, newId, nowMs } from './rows';

/** Exchanges kept per recording; recording more drops the oldest. */
export const RECORDING_EXCHANGE_LIMIT = 2000;

export interface MockRecord {
  apiId: string;
  mode: MockMode;
  source: MockSource;
  recordingId?: string;
  routes: MockRoute[];
  recordInto?: string;
  updatedAt: number;
}

export interface RecordingRecord {
  id: string;
  apiId: string;
  name: string;
  createdAt: number;
  exchanges: number;
}

export interface NewExchange {
  method: string;
  path: string;
  query: string;
  status: number;
  headers: Record<string, string>;
  body: Buffer;
  truncated: boolean;
  at: number;
}

interface MockRow {
  api_id: string;
  mode: string;
  source: string;
  recording_id: string | null;
  routes: string;
  record_into: string | null;
  updated_at: number;
}

interface ExchangeRow {
  method: string;
  path: string;
  query: string;
  status: number;
  headers: string;
  body: Buffer;
  truncated: number;
  at: number;
}

export class MockRepository {
  private readonly statements;

  constructor(db: SqliteDatabase) {
    this.statements = {
      getMock: db.prepare<[string], MockRow>(`SELECT * FROM api_mocks WHERE api_id = ?`),
      putMock: db.prepare(
        `INSERT INTO api_mocks (api_id, mode, source, recording_id, routes, record_into, updated_at) VALUES (@api_id, @mode, @source, @recording_id, @routes, @record_into, @updated_at)
         ON CONFLICT (api_id) DO UPDATE SET mode = excluded.mode, source = excluded.source, recording_id = excluded.recording_id, routes = excluded.routes, record_into = excluded.record_into, updated_at = excluded.updated_at`,
      ),
      getDocument: db.prepare<[string], { document: string; updated_at: number }>(`SELECT document, updated_at FROM api_openapi_documents WHERE api_id = ?`),
      putDocument: db.prepare<[string, string, number]>(
        `INSERT INTO api_openapi_documents (api_id, document, updated_at) VALUES (?, ?, ?) ON CONFLICT (api_id) DO UPDATE SET document = excluded.document, updated_at = excluded.updated_at`,
      ),
      listRecordings: db.prepare<[string], { id: string; api_id: string; name: string; created_at: number; exchanges: number }>(
        `SELECT r.id, r.api_id, r.name, r.created_at, (SELECT COUNT(*) FROM recording_exchanges e WHERE e.recording_id = r.id) AS exchanges
         FROM recordings r WHERE r.api_id = ? ORDER BY r.created_at DESC, r.rowid DESC`,
      ),
      getRecording: db.prepare<[string], { id: string; api_id: string; name: string; created_at: number }>(`SELECT * FROM recordings WHERE id = ?`),
      findRecording: db.prepare<[string, string], { id: string }>(`SELECT id FROM recordings WHERE api_id = ? AND name = ?`),
      insertRecording: db.prepare<[string, string, string, number]>(`INSERT INTO recordings (id, api_id, name, created_at) VALUES (?, ?, ?, ?)`),
      deleteRecording: db.prepare<[string]>(`DELETE FROM recordings WHERE id = ?`),
      clearExchanges: db.prepare<[string]>(`DELETE FROM recording_exchanges WHERE recording_id = ?`),
      exchanges: db.prepare<[string], ExchangeRow>(`SELECT method, path, query, status, headers, body, truncated, at FROM recording_exchanges WHERE recording_id = ? ORDER BY id`),
      insertExchange: db.prepare(
        `INSERT INTO recording_exchanges (recording_id, method, path, query, status, headers, body, truncated, at) VALUES (@recording_id, @method, @path, @query, @status, @headers, @body, @truncated, @at)`,
      ),
      trimExchanges: db.prepare<[string, string, number]>(
        `DELETE FROM recording_exchanges WHERE recording_id = ? AND id <= (SELECT id FROM recording_exchanges WHERE recording_id = ? ORDER BY id DESC LIMIT 1 OFFSET ?)`,
      ),
    };
  }

  get(apiId: string): MockRecord | undefined {
    const row = this.statements.getMock.get(apiId);
    if (!row) return undefined;
    return {
      apiId: row.api_id,
      mode: row.mode as MockMode,
      source: row.source as MockSource,
      ...(row.recording_id !== null ? { recordingId: row.recording_id } : {}),
      routes: fromJson<MockRoute[]>(row.routes, []),
      ...(row.record_into !== null ? { recordInto: row.record_into } : {}),
      updatedAt: row.updated_at,
    };
  }

  put(record: Omit<MockRecord, 'updatedAt'>): MockRecord {
    const updatedAt = nowMs();
    this.statements.putMock.run({
      api_id: record.apiId,
      mode: record.mode,
      source: record.source,
      recording_id: record.recordingId ?? null,
      routes: JSON.stringify(record.routes),
      record_into: record.recordInto ?? null,
      updated_at: updatedAt,
    });
    return { ...record, updatedAt };
  }

  openApiDocument(apiId: string): { document: string; updatedAt: number } | undefined {
    const row = this.statements.getDocument.get(apiId);
    return row ? { document: row.document, updatedAt: row.updated_at } : undefined;
  }

  putOpenApiDocument(apiId: string, document: string): void {
    this.statements.putDocument.run(apiId, document, nowMs());
  }

  listRecordings(apiId: string): RecordingRecord[] {
    return this.statements.listRecordings.all(apiId).map((row) => ({ id: row.id, apiId: row.api_id, name: row.name, createdAt: row.created_at, exchanges: row.exchanges }));
  }

  getRecording(id: string): Omit<RecordingRecord, 'exchanges'> | undefined {
    const row = this.statements.getRecording.get(id);
    return row ? { id: row.id, apiId: row.api_id, name: row.name, createdAt: row.created_at } : undefined;
  }

  /** The recording of that name on the API, created when new. */
  recordingNamed(apiId: string, name: string): string {
    const found = this.statements.findRecording.get(apiId, name);
    if (found) return found.id;
    const id = newId('rec');
    this.statements.insertRecording.run(id, apiId, name, nowMs());
    return id;
  }

  findRecordingByName(apiId: string, name: string): string | undefined {
    return this.statements.findRecording.get(apiId, name)?.id;
  }

  clearExchanges(recordingId: string): void {
    this.statements.clearExchanges.run(recordingId);
  }

  removeRecording(id: string): boolean {
    return this.statements.deleteRecording.run(id).changes > 0;
  }

  exchanges(recordingId: string): RecordedExchange[] {
    return this.statements.exchanges.all(recordingId).map((row) => ({
      method: row.method,
      path: row.path,
      query: row.query,
      status: row.status,
      headers: fromJson<Record<string, string>>(row.headers, {}),
      bodyBase64: Buffer.from(row.body).toString('base64'),
      truncated: row.truncated !== 0,
      at: row.at,
    }));
  }

  /** Appends one exchange (its body cut at the bound) and drops the oldest past the recording's limit. */
  appendExchange(recordingId: string, exchange: NewExchange): void {
    const body = exchange.body.length > RECORDED_BODY_LIMIT ? exchange.body.subarray(0, RECORDED_BODY_LIMIT) : exchange.body;
    this.statements.insertExchange.run({
      recording_id: recordingId,
      method: exchange.method,
      path: exchange.path,
      query: exchange.query,
      status: exchange.status,
      headers: JSON.stringify(exchange.headers),
      body,
      truncated: exchange.truncated || body.length < exchange.body.length ? 1 : 0,
      at: exchange.at,
    });
    this.statements.trimExchanges.run(recordingId, recordingId, RECORDING_EXCHANGE_LIMIT);
  }
}
