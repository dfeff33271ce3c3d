/**
 * Policy bindings of an API: a catalogue policy with its config, order, enabled flag and
 * optional rules. `position` keeps declaration order for ties of `order`.
 */
import type { PolicyRule } from '../../shared/policies/common';
import type { SqliteDatabase } from './database';
import { definedOnly, fromFlag, fromJson, newId, nowMs, toFlag, toJson } from './rows';

export interface PolicyBindingRecord {
  id: string;
  apiId: string;
  /** Catalogue name, e.g. `rate-limiting-flex`. */
  policyRef: string;
  /** As the user gave it (validated); defaults are filled in when the snapshot is built. */
  config: Record<string, unknown>;
  order: number;
  enabled: boolean;
  rules?: PolicyRule[];
  position: number;
  createdAt: number;
  updatedAt: number;
}

export type NewPolicyBinding = Pick<PolicyBindingRecord, 'apiId' | 'policyRef' | 'config'> &
  Partial<Pick<PolicyBindingRecord, 'id' | 'order' | 'enabled' | 'rules' | 'position' | 'createdAt'>>;
/** `rules: null` removes the rules. */
export type PolicyBindingPatch = Partial<Pick<PolicyBindingRecord, 'config' | 'order' | 'enabled'>> & {
  rules?: PolicyRule[] | null;
};

interface Row {
  id: string;
  api_id: string;
  policy_ref: string;
  config: string;
  order: number;
  enabled: number;
  rules: string | null;
  position: number;
  created_at: number;
  updated_at: number;
}

const toRecord = (row: Row): PolicyBindingRecord => {
  const rules = fromJson<PolicyRule[] | null>(row.rules, null);
  return {
    id: row.id,
    apiId: row.api_id,
    policyRef: row.policy_ref,
    config: fromJson<Record<string, unknown>>(row.config, {}),
    order: row.order,
    enabled: fromFlag(row.enabled),
    ...(rules ? { rules } : {}),
    position: row.position,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
};

export class PolicyBindingRepository {
  private readonly listStatement;
  private readonly allStatement;
  private readonly getStatement;
  private readonly nextPositionStatement;
  private readonly insertStatement;
  private readonly updateStatement;
  private readonly deleteStatement;

  constructor(db: SqliteDatabase) {
    // The order the pipeline runs them in.
    this.listStatement = db.prepare<[string], Row>(
      `SELECT * FROM policy_bindings WHERE api_id = ? ORDER BY "order", position, id`,
    );
    this.allStatement = db.prepare<[], Row>(`SELECT * FROM policy_bindings ORDER BY api_id, "order", position, id`);
    this.getStatement = db.prepare<[string], Row>(`SELECT * FROM policy_bindings WHERE id = ?`);
    this.nextPositionStatement = db.prepare<[string], { next: number }>(
      `SELECT COALESCE(MAX(position) + 1, 0) AS next FROM policy_bindings WHERE api_id = ?`,
    );
    this.insertStatement = db.prepare(
      `INSERT INTO policy_bindings (id, api_id, policy_ref, config, "order", enabled, rules, position, created_at, updated_at)
       VALUES (@id, @api_id, @policy_ref, @config, @order, @enabled, @rules, @position, @created_at, @updated_at)`,
    );
    this.updateStatement = db.prepare(
      `UPDATE policy_bindings SET config = @config, "order" = @order, enabled = @enabled, rules = @rules,
       updated_at = @updated_at WHERE id = @id`,
    );
    this.deleteStatement = db.prepare<[string]>(`DELETE FROM policy_bindings WHERE id = ?`);
  }

  listByApi(apiId: string): PolicyBindingRecord[] {
    return this.listStatement.all(apiId).map(toRecord);
  }

  list(): PolicyBindingRecord[] {
    return this.allStatement.all().map(toRecord);
  }

  get(id: string): PolicyBindingRecord | undefined {
    const row = this.getStatement.get(id);
    return row && toRecord(row);
  }

  insert(input: NewPolicyBinding): PolicyBindingRecord {
    const at = input.createdAt ?? nowMs();
    const record: PolicyBindingRecord = {
      id: input.id ?? newId('pol'),
      apiId: input.apiId,
      policyRef: input.policyRef,
      config: input.config,
      order: input.order ?? 50,
      enabled: input.enabled ?? true,
      ...(input.rules ? { rules: input.rules } : {}),
      position: input.position ?? this.nextPositionStatement.get(input.apiId)!.next,
      createdAt: at,
      updatedAt: at,
    };
    this.insertStatement.run({
      id: record.id,
      api_id: record.apiId,
      policy_ref: record.policyRef,
      config: toJson(record.config),
      order: record.order,
      enabled: toFlag(record.enabled),
      rules: record.rules ? toJson(record.rules) : null,
      position: record.position,
      created_at: record.createdAt,
      updated_at: record.updatedAt,
    });
    return record;
  }

  update(id: string, patch: PolicyBindingPatch): PolicyBindingRecord | undefined {
    const current = this.get(id);
    if (!current) return undefined;
    const { rules, ...rest } = patch;
    const next: PolicyBindingRecord = { ...current, ...definedOnly(rest), updatedAt: nowMs() };
    if (rules === null) delete next.rules;
    else if (rules !== undefined) next.rules = rules;
    this.updateStatement.run({
      id,
      config: toJson(next.config),
      order: next.order,
      enabled: toFlag(next.enabled),
      rules: next.rules ? toJson(next.rules) : null,
      updated_at: next.updatedAt,
    });
    return next;
  }

  delete(id: string): boolean {
    return this.deleteStatement.run(id).changes > 0;
  }
}
