/**
 * SLA tiers of an API: rate limits granted to an application through its contract. A tier in
 * use by a contract can be deprecated (no new contracts) but not deleted.
 */
import type { RateLimitWindow } from '../../shared/policies/common';
import type { SqliteDatabase } from './database';
import { definedOnly, fromJson, newId, nowMs, toJson } from './rows';

export type TierApproval = 'automatic' | 'manual';
export type TierStatus = 'active' | 'deprecated';

export interface SlaTierRecord {
  id: string;
  apiId: string;
  name: string;
  description?: string;
  limits: RateLimitWindow[];
  approval: TierApproval;
  status: TierStatus;
  createdAt: number;
  updatedAt: number;
}

export type NewSlaTier = Pick<SlaTierRecord, 'apiId' | 'name' | 'limits'> &
  Partial<Pick<SlaTierRecord, 'id' | 'description' | 'approval' | 'status' | 'createdAt'>>;
export type SlaTierPatch = Partial<Pick<SlaTierRecord, 'name' | 'description' | 'limits' | 'approval' | 'status'>>;

interface Row {
  id: string;
  api_id: string;
  name: string;
  description: string | null;
  limits: string;
  approval: TierApproval;
  status: TierStatus;
  created_at: number;
  updated_at: number;
}

const toRecord = (row: Row): SlaTierRecord => ({
  id: row.id,
  apiId: row.api_id,
  name: row.name,
  ...(row.description !== null ? { description: row.description } : {}),
  limits: fromJson<RateLimitWindow[]>(row.limits, []),
  approval: row.approval,
  status: row.status,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

const toRow = (record: SlaTierRecord): Row => ({
  id: record.id,
  api_id: record.apiId,
  name: record.name,
  description: record.description ?? null,
  limits: toJson(record.limits),
  approval: record.approval,
  status: record.status,
  created_at: record.createdAt,
  updated_at: record.updatedAt,
});

export class SlaTierRepository {
  private readonly listStatement;
  private readonly byApiStatement;
  private readonly getStatement;
  private readonly byNameStatement;
  private readonly contractCountStatement;
  private readonly insertStatement;
  private readonly updateStatement;
  private readonly deleteStatement;

  constructor(db: SqliteDatabase) {
    this.listStatement = db.prepare<[], Row>(`SELECT * FROM sla_tiers ORDER BY api_id, name, id`);
    this.byApiStatement = db.prepare<[string], Row>(`SELECT * FROM sla_tiers WHERE api_id = ? ORDER BY name, id`);
    this.getStatement = db.prepare<[string], Row>(`SELECT * FROM sla_tiers WHERE id = ?`);
    this.byNameStatement = db.prepare<[string, string], Row>(`SELECT * FROM sla_tiers WHERE api_id = ? AND name = ?`);
    this.contractCountStatement = db.prepare<[string], { count: number }>(
      `SELECT COUNT(*) AS count FROM contracts WHERE tier_id = ?`,
    );
    this.insertStatement = db.prepare(
      `INSERT INTO sla_tiers (id, api_id, name, description, limits, approval, status, created_at, updated_at)
       VALUES (@id, @api_id, @name, @description, @limits, @approval, @status, @created_at, @updated_at)`,
    );
    this.updateStatement = db.prepare(
      `UPDATE sla_tiers SET name = @name, description = @description, limits = @limits, approval = @approval,
       status = @status, updated_at = @updated_at WHERE id = @id`,
    );
    this.deleteStatement = db.prepare<[string]>(`DELETE FROM sla_tiers WHERE id = ?`);
  }

  list(): SlaTierRecord[] {
    return this.listStatement.all().map(toRecord);
  }

  listByApi(apiId: string): SlaTierRecord[] {
    return this.byApiStatement.all(apiId).map(toRecord);
  }

  get(id: string): SlaTierRecord | undefined {
    const row = this.getStatement.get(id);
    return row && toRecord(row);
  }

  findByName(apiId: string, name: string): SlaTierRecord | undefined {
    const row = this.byNameStatement.get(apiId, name);
    return row && toRecord(row);
  }

  /** Contracts of any status that name this tier. */
  contractCount(id: string): number {
    return this.contractCountStatement.get(id)!.count;
  }

  insert(input: NewSlaTier): SlaTierRecord {
    const at = input.createdAt ?? nowMs();
    const record: SlaTierRecord = {
      id: input.id ?? newId('tier'),
      apiId: input.apiId,
      name: input.name,
      ...(input.description !== undefined ? { description: input.description } : {}),
      limits: input.limits,
      approval: input.approval ?? 'automatic',
      status: input.status ?? 'active',
      createdAt: at,
      updatedAt: at,
    };
    this.insertStatement.run(toRow(record));
    return record;
  }

  update(id: string, patch: SlaTierPatch): SlaTierRecord | undefined {
    const current = this.get(id);
    if (!current) return undefined;
    const next: SlaTierRecord = { ...current, ...definedOnly(patch), updatedAt: nowMs() };
    const { api_id: _api, created_at: _created, ...row } = toRow(next);
    this.updateStatement.run(row);
    return next;
  }

  delete(id: string): boolean {
    return this.deleteStatement.run(id).changes > 0;
  }
}
