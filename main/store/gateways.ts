/**
 * Gateways: the embedded one (exists from first start) and docker ones. Replica state is live
 * data owned by the docker manager, not stored here.
 */
import type { SqliteDatabase } from './database';
import { definedOnly, newId, nowMs } from './rows';

export type GatewayKind = 'embedded' | 'docker';

export interface GatewayRecord {
  id: string;
  name: string;
  kind: GatewayKind;
  /** Interface the listener binds. */
  host: string;
  port: number;
  desiredReplicas: number;
  createdAt: number;
  updatedAt: number;
}

export type NewGateway = Omit<GatewayRecord, 'id' | 'createdAt' | 'updatedAt' | 'host' | 'desiredReplicas'> &
  Partial<Pick<GatewayRecord, 'id' | 'host' | 'desiredReplicas' | 'createdAt'>>;
export type GatewayPatch = Partial<Pick<GatewayRecord, 'name' | 'host' | 'port' | 'desiredReplicas'>>;

/** The embedded gateway's id is fixed, so exports and imports agree across data dirs. */
export const EMBEDDED_GATEWAY_ID = 'gw_embedded';

interface Row {
  id: string;
  name: string;
  kind: GatewayKind;
  host: string;
  port: number;
  desired_replicas: number;
  created_at: number;
  updated_at: number;
}

const toRecord = (row: Row): GatewayRecord => ({
  id: row.id,
  name: row.name,
  kind: row.kind,
  host: row.host,
  port: row.port,
  desiredReplicas: row.desired_replicas,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

export class GatewayRepository {
  private readonly listStatement;
  private readonly getStatement;
  private readonly byNameStatement;
  private readonly byPortStatement;
  private readonly insertStatement;
  private readonly updateStatement;
  private readonly deleteStatement;

  constructor(db: SqliteDatabase) {
    // Embedded first, then by name: the order the UI and exports show.
    this.listStatement = db.prepare<[], Row>(`SELECT * FROM gateways ORDER BY kind = 'embedded' DESC, name, id`);
    this.getStatement = db.prepare<[string], Row>(`SELECT * FROM gateways WHERE id = ?`);
    this.byNameStatement = db.prepare<[string], Row>(`SELECT * FROM gateways WHERE name = ?`);
    this.byPortStatement = db.prepare<[number], Row>(`SELECT * FROM gateways WHERE port = ? ORDER BY id`);
    this.insertStatement = db.prepare(
      `INSERT INTO gateways (id, name, kind, host, port, desired_replicas, created_at, updated_at)
       VALUES (@id, @name, @kind, @host, @port, @desired_replicas, @created_at, @updated_at)`,
    );
    this.updateStatement = db.prepare(
      `UPDATE gateways SET name = @name, host = @host, port = @port, desired_replicas = @desired_replicas,
       updated_at = @updated_at WHERE id = @id`,
    );
    this.deleteStatement = db.prepare<[string]>(`DELETE FROM gateways WHERE id = ?`);
  }

  list(): GatewayRecord[] {
    return this.listStatement.all().map(toRecord);
  }

  get(id: string): GatewayRecord | undefined {
    const row = this.getStatement.get(id);
    return row && toRecord(row);
  }

  findByName(name: string): GatewayRecord | undefined {
    const row = this.byNameStatement.get(name);
    return row && toRecord(row);
  }

  findByPort(port: number): GatewayRecord[] {
    return this.byPortStatement.all(port).map(toRecord);
  }

  insert(input: NewGateway): GatewayRecord {
    const at = input.createdAt ?? nowMs();
    const record: GatewayRecord = {
      id: input.id ?? newId('gw'),
      name: input.name,
      kind: input.kind,
      host: input.host ?? '127.0.0.1',
      port: input.port,
      desiredReplicas: input.desiredReplicas ?? 1,
      createdAt: at,
      updatedAt: at,
    };
    this.insertStatement.run({
      id: record.id,
      name: record.name,
      kind: record.kind,
      host: record.host,
      port: record.port,
      desired_replicas: record.desiredReplicas,
      created_at: record.createdAt,
      updated_at: record.updatedAt,
    });
    return record;
  }

  update(id: string, patch: GatewayPatch): GatewayRecord | undefined {
    const current = this.get(id);
    if (!current) return undefined;
    const next: GatewayRecord = { ...current, ...definedOnly(patch), updatedAt: nowMs() };
    this.updateStatement.run({
      id,
      name: next.name,
      host: next.host,
      port: next.port,
      desired_replicas: next.desiredReplicas,
      updated_at: next.updatedAt,
    });
    return next;
  }

  delete(id: string): boolean {
    return this.deleteStatement.run(id).changes > 0;
  }
}
