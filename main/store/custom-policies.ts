/**
 * Custom policies added in the app: the file or folder each comes from, and the last version
 * that compiled and loaded (name, version, bundled code and its checksum). The source file is
 * the truth; the kept code only lets a restart serve the policy while the file does not
 * compile. Not configuration: a YAML import leaves them alone.
 */
import type { SqliteDatabase } from './database';
import { newId, nowMs } from './rows';

export interface CustomPolicyRecord {
  id: string;
  /** Absolute path of the file or folder. */
  source: string;
  /** The last good version, absent until one loaded. */
  loaded?: CustomPolicyBundle;
  createdAt: number;
  updatedAt: number;
}

export interface CustomPolicyBundle {
  name: string;
  version: string;
  checksum: string;
  code: string;
}

interface Row {
  id: string;
  source: string;
  name: string | null;
  version: string | null;
  checksum: string | null;
  code: string | null;
  created_at: number;
  updated_at: number;
}

function toRecord(row: Row): CustomPolicyRecord {
  const loaded = row.name !== null && row.version !== null && row.checksum !== null && row.code !== null ? { name: row.name, version: row.version, checksum: row.checksum, code: row.code } : undefined;
  return { id: row.id, source: row.source, ...(loaded ? { loaded } : {}), createdAt: row.created_at, updatedAt: row.updated_at };
}

export class CustomPolicyRepository {
  private readonly statements;

  constructor(db: SqliteDatabase) {
    this.statements = {
      list: db.prepare<[], Row>(`SELECT * FROM custom_policies ORDER BY created_at, rowid`),
      get: db.prepare<[string], Row>(`SELECT * FROM custom_policies WHERE id = ?`),
      findBySource: db.prepare<[string], Row>(`SELECT * FROM custom_policies WHERE source = ?`),
      insert: db.prepare(`INSERT INTO custom_policies (id, source, created_at, updated_at) VALUES (@id, @source, @at, @at)`),
      setLoaded: db.prepare(`UPDATE custom_policies SET name = @name, version = @version, checksum = @checksum, code = @code, updated_at = @at WHERE id = @id`),
      delete: db.prepare<[string]>(`DELETE FROM custom_policies WHERE id = ?`),
    };
  }

  list(): CustomPolicyRecord[] {
    return this.statements.list.all().map(toRecord);
  }

  get(id: string): CustomPolicyRecord | undefined {
    const row = this.statements.get.get(id);
    return row ? toRecord(row) : undefined;
  }

  findBySource(source: string): CustomPolicyRecord | undefined {
    const row = this.statements.findBySource.get(source);
    return row ? toRecord(row) : undefined;
  }

  insert(source: string): CustomPolicyRecord {
    const id = newId('cpol');
    this.statements.insert.run({ id, source, at: nowMs() });
    return this.get(id)!;
  }

  /** Keeps the version that just loaded (replacing the one kept before). */
  setLoaded(id: string, bundle: CustomPolicyBundle): CustomPolicyRecord | undefined {
    this.statements.setLoaded.run({ id, ...bundle, at: nowMs() });
    return this.get(id);
  }

  delete(id: string): boolean {
    return this.statements.delete.run(id).changes > 0;
  }
}
