/**
 * Contracts: an application's access to an API, at a tier. Only approved contracts let
 * requests through; revoking one takes effect with the next snapshot (the next request).
 */
import type { SqliteDatabase } from './database';
import { newId, nowMs } from './rows';

export type ContractStatus = 'pending' | 'approved' | 'revoked';

export interface ContractRecord {
  id: string;
  applicationId: string;
  apiId: string;
  tierId?: string;
  status: ContractStatus;
  createdAt: number;
  updatedAt: number;
}

export type NewContract = Pick<ContractRecord, 'applicationId' | 'apiId' | 'status'> &
  Partial<Pick<ContractRecord, 'id' | 'tierId' | 'createdAt'>>;
/** `tierId: null` removes the tier. */
export type ContractPatch = { status?: ContractStatus; tierId?: string | null };

export interface ContractFilter {
  apiId?: string;
  applicationId?: string;
  status?: ContractStatus;
}

interface Row {
  id: string;
  application_id: string;
  api_id: string;
  tier_id: string | null;
  status: ContractStatus;
  created_at: number;
  updated_at: number;
}

const toRecord = (row: Row): ContractRecord => ({
  id: row.id,
  applicationId: row.application_id,
  apiId: row.api_id,
  ...(row.tier_id !== null ? { tierId: row.tier_id } : {}),
  status: row.status,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

export class ContractRepository {
  private readonly listStatement;
  private readonly getStatement;
  private readonly pairStatement;
  private readonly insertStatement;
  private readonly updateStatement;
  private readonly deleteStatement;

  constructor(db: SqliteDatabase) {
    // NULL filters match everything, so one statement serves every combination.
    this.listStatement = db.prepare<{ api_id: string | null; application_id: string | null; status: string | null }, Row>(
      `SELECT * FROM contracts
       WHERE (@api_id IS NULL OR api_id = @api_id)
         AND (@application_id IS NULL OR application_id = @application_id)
         AND (@status IS NULL OR status = @status)
       ORDER BY api_id, application_id, id`,
    );
    this.getStatement = db.prepare<[string], Row>(`SELECT * FROM contracts WHERE id = ?`);
    this.pairStatement = db.prepare<[string, string], Row>(
      `SELECT * FROM contracts WHERE application_id = ? AND api_id = ?`,
    );
    this.insertStatement = db.prepare(
      `INSERT INTO contracts (id, application_id, api_id, tier_id, status, created_at, updated_at)
       VALUES (@id, @application_id, @api_id, @tier_id, @status, @created_at, @updated_at)`,
    );
    this.updateStatement = db.prepare(
      `UPDATE contracts SET tier_id = @tier_id, status = @status, updated_at = @updated_at WHERE id = @id`,
    );
    this.deleteStatement = db.prepare<[string]>(`DELETE FROM contracts WHERE id = ?`);
  }

  list(filter: ContractFilter = {}): ContractRecord[] {
    return this.listStatement
      .all({ api_id: filter.apiId ?? null, application_id: filter.applicationId ?? null, status: filter.status ?? null })
      .map(toRecord);
  }

  get(id: string): ContractRecord | undefined {
    const row = this.getStatement.get(id);
    return row && toRecord(row);
  }

  findByPair(applicationId: string, apiId: string): ContractRecord | undefined {
    const row = this.pairStatement.get(applicationId, apiId);
    return row && toRecord(row);
  }

  insert(input: NewContract): ContractRecord {
    const at = input.createdAt ?? nowMs();
    const record: ContractRecord = {
      id: input.id ?? newId('con'),
      applicationId: input.applicationId,
      apiId: input.apiId,
      ...(input.tierId !== undefined ? { tierId: input.tierId } : {}),
      status: input.status,
      createdAt: at,
      updatedAt: at,
    };
    this.insertStatement.run({
      id: record.id,
      application_id: record.applicationId,
      api_id: record.apiId,
      tier_id: record.tierId ?? null,
      status: record.status,
      created_at: record.createdAt,
      updated_at: record.updatedAt,
    });
    return record;
  }

  update(id: string, patch: ContractPatch): ContractRecord | undefined {
    const current = this.get(id);
    if (!current) return undefined;
    const next: ContractRecord = { ...current, updatedAt: nowMs() };
    if (patch.status !== undefined) next.status = patch.status;
    if (patch.tierId === null) delete next.tierId;
    else if (patch.tierId !== undefined) next.tierId = patch.tierId;
    this.updateStatement.run({ id, tier_id: next.tierId ?? null, status: next.status, updated_at: next.updatedAt });
    return next;
  }

  delete(id: string): boolean {
    return this.deleteStatement.run(id).changes > 0;
  }
}
