/**
 * APIs: one upstream (implementationUrl) exposed on a gateway under a base path.
 */
import type { SqliteDatabase } from './database';
import { definedOnly, fromFlag, newId, nowMs, toFlag } from './rows';

export interface ApiRecord {
  id: string;
  name: string;
  version: string;
  type: 'http';
  description?: string;
  implementationUrl: string;
  /** Normalized: leading slash, no trailing slash; the root is `/`. */
  basePath: string;
  gatewayId: string;
  enabled: boolean;
  createdAt: number;
  updatedAt: number;
}

export type NewApi = Pick<ApiRecord, 'name' | 'implementationUrl' | 'basePath' | 'gatewayId'> &
  Partial<Pick<ApiRecord, 'id' | 'version' | 'description' | 'enabled' | 'createdAt'>>;
export type ApiPatch = Partial<
  Pick<ApiRecord, 'name' | 'version' | 'description' | 'implementationUrl' | 'basePath' | 'gatewayId' | 'enabled'>
>;

interface Row {
  id: string;
  name: string;
  version: string;
  type: 'http';
  description: string | null;
  implementation_url: string;
  base_path: string;
  gateway_id: string;
  enabled: number;
  created_at: number;
  updated_at: number;
}

const toRecord = (row: Row): ApiRecord => ({
  id: row.id,
  name: row.name,
  version: row.version,
  type: row.type,
  ...(row.description !== null ? { description: row.description } : {}),
  implementationUrl: row.implementation_url,
  basePath: row.base_path,
  gatewayId: row.gateway_id,
  enabled: fromFlag(row.enabled),
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

const toRow = (record: ApiRecord): Row => ({
  id: record.id,
  name: record.name,
  version: record.version,
  type: record.type,
  description: record.description ?? null,
  implementation_url: record.implementationUrl,
  base_path: record.basePath,
  gateway_id: record.gatewayId,
  enabled: toFlag(record.enabled),
  created_at: record.createdAt,
  updated_at: record.updatedAt,
});

export class ApiRepository {
  private readonly listStatement;
  private readonly byGatewayStatement;
  private readonly getStatement;
  private readonly byNameStatement;
  private readonly insertStatement;
  private readonly updateStatement;
  private readonly deleteStatement;

  constructor(db: SqliteDatabase) {
    this.listStatement = db.prepare<[], Row>(`SELECT * FROM apis ORDER BY name, id`);
    this.byGatewayStatement = db.prepare<[string], Row>(`SELECT * FROM apis WHERE gateway_id = ? ORDER BY name, id`);
    this.getStatement = db.prepare<[string], Row>(`SELECT * FROM apis WHERE id = ?`);
    this.byNameStatement = db.prepare<[string], Row>(`SELECT * FROM apis WHERE name = ?`);
    this.insertStatement = db.prepare(
      `INSERT INTO apis (id, name, version, type, description, implementation_url, base_path, gateway_id, enabled, created_at, updated_at)
       VALUES (@id, @name, @version, @type, @description, @implementation_url, @base_path, @gateway_id, @enabled, @created_at, @updated_at)`,
    );
    this.updateStatement = db.prepare(
      `UPDATE apis SET name = @name, version = @version, description = @description, implementation_url = @implementation_url,
       base_path = @base_path, gateway_id = @gateway_id, enabled = @enabled, updated_at = @updated_at WHERE id = @id`,
    );
    this.deleteStatement = db.prepare<[string]>(`DELETE FROM apis WHERE id = ?`);
  }

  list(): ApiRecord[] {
    return this.listStatement.all().map(toRecord);
  }

  listByGateway(gatewayId: string): ApiRecord[] {
    return this.byGatewayStatement.all(gatewayId).map(toRecord);
  }

  get(id: string): ApiRecord | undefined {
    const row = this.getStatement.get(id);
    return row && toRecord(row);
  }

  findByName(name: string): ApiRecord | undefined {
    const row = this.byNameStatement.get(name);
    return row && toRecord(row);
  }

  insert(input: NewApi): ApiRecord {
    const at = input.createdAt ?? nowMs();
    const record: ApiRecord = {
      id: input.id ?? newId('api'),
      name: input.name,
      version: input.version ?? 'v1',
      type: 'http',
      ...(input.description !== undefined ? { description: input.description } : {}),
      implementationUrl: input.implementationUrl,
      basePath: input.basePath,
      gatewayId: input.gatewayId,
      enabled: input.enabled ?? true,
      createdAt: at,
      updatedAt: at,
    };
    this.insertStatement.run(toRow(record));
    return record;
  }

  update(id: string, patch: ApiPatch): ApiRecord | undefined {
    const current = this.get(id);
    if (!current) return undefined;
    const next: ApiRecord = { ...current, ...definedOnly(patch), updatedAt: nowMs() };
    const { created_at: _created, type: _type, ...row } = toRow(next);
    this.updateStatement.run(row);
    return next;
  }

  delete(id: string): boolean {
    return this.deleteStatement.run(id).changes > 0;
  }
}
