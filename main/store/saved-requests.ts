/**
 * Requests saved from Try it, per API: a name unique in its API, the concrete request (method,
 * path and query below the base path, headers, body) and the OpenAPI operation it came from.
 * Deleting the API deletes them (ON DELETE CASCADE). A YAML import in sync mode re-creates the
 * APIs it keeps with the same ids, so their saved requests are set aside and put back then.
 */
import type { SqliteDatabase } from './database';
import { fromJson, newId, nowMs } from './rows';

export interface SavedRequestRecord {
  id: string;
  apiId: string;
  name: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
  operation?: string;
  createdAt: number;
  updatedAt: number;
}

export type SavedRequestContent = Pick<SavedRequestRecord, 'method' | 'path' | 'headers' | 'body' | 'operation'>;

interface Row {
  id: string;
  api_id: string;
  name: string;
  method: string;
  path: string;
  headers: string;
  body: string | null;
  operation: string | null;
  created_at: number;
  updated_at: number;
}

function toRecord(row: Row): SavedRequestRecord {
  return {
    id: row.id,
    apiId: row.api_id,
    name: row.name,
    method: row.method,
    path: row.path,
    headers: fromJson<Record<string, string>>(row.headers, {}),
    ...(row.body !== null ? { body: row.body } : {}),
    ...(row.operation !== null ? { operation: row.operation } : {}),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export class SavedRequestRepository {
  private readonly statements;

  constructor(db: SqliteDatabase) {
    this.statements = {
      list: db.prepare<[string], Row>(`SELECT * FROM saved_requests WHERE api_id = ? ORDER BY name COLLATE NOCASE, rowid`),
      get: db.prepare<[string], Row>(`SELECT * FROM saved_requests WHERE id = ?`),
      findByName: db.prepare<[string, string], Row>(`SELECT * FROM saved_requests WHERE api_id = ? AND name = ?`),
      insert: db.prepare(
        `INSERT INTO saved_requests (id, api_id, name, method, path, headers, body, operation, created_at, updated_at)
         VALUES (@id, @api_id, @name, @method, @path, @headers, @body, @operation, @at, @at)`,
      ),
      replace: db.prepare(`UPDATE saved_requests SET method = @method, path = @path, headers = @headers, body = @body, operation = @operation, updated_at = @at WHERE id = @id`),
      rename: db.prepare<[string, number, string]>(`UPDATE saved_requests SET name = ?, updated_at = ? WHERE id = ?`),
      delete: db.prepare<[string]>(`DELETE FROM saved_requests WHERE id = ?`),
    };
  }

  list(apiId: string): SavedRequestRecord[] {
    return this.statements.list.all(apiId).map(toRecord);
  }

  get(id: string): SavedRequestRecord | undefined {
    const row = this.statements.get.get(id);
    return row ? toRecord(row) : undefined;
  }

  findByName(apiId: string, name: string): SavedRequestRecord | undefined {
    const row = this.statements.findByName.get(apiId, name);
    return row ? toRecord(row) : undefined;
  }

  /** Saves under `name`: a new request, or the one of that name with its content replaced (same id). */
  save(apiId: string, name: string, content: SavedRequestContent): SavedRequestRecord {
    const columns = { method: content.method, path: content.path, headers: JSON.stringify(content.headers), body: content.body ?? null, operation: content.operation ?? null, at: nowMs() };
    const existing = this.statements.findByName.get(apiId, name);
    if (existing) this.statements.replace.run({ ...columns, id: existing.id });
    else this.statements.insert.run({ ...columns, id: newId('req'), api_id: apiId, name });
    return toRecord(this.statements.findByName.get(apiId, name)!);
  }

  rename(id: string, name: string): SavedRequestRecord | undefined {
    this.statements.rename.run(name, nowMs(), id);
    return this.get(id);
  }

  delete(id: string): boolean {
    return this.statements.delete.run(id).changes > 0;
  }
}
