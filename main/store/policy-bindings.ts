/**
 * Policy bindings of an API: a catalogue policy with its config, order, enabled flag and
 * optional rules. `position` keeps declaration order for ties of `order`. Secrets in a config
 * are written hashed or encrypted (policy-secrets.ts) and read back decrypted.
 */
import type { PolicyRule } from '../../shared/policies/common';
import type { SqliteDatabase } from './database';
import { holdsPlainSecret, openPolicyConfig, sealPolicyConfig } from './policy-secrets';
import type { SecretBox } from './secret-box';
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

const toRecord = (row: Row, box: SecretBox): PolicyBindingRecord => {
  const rules = fromJson<PolicyRule[] | null>(row.rules, null);
  return {
    id: row.id,
    apiId: row.api_id,
    policyRef: row.policy_ref,
    config: openPolicyConfig(row.policy_ref, fromJson<Record<string, unknown>>(row.config, {}), box),
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
  private readonly toRecord: (row: Row) => PolicyBindingRecord;

  constructor(
    db: SqliteDatabase,
    private readonly box: SecretBox,
  ) {
    this.toRecord = (row) => toRecord(row, box);
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
    return this.listStatement.all(apiId).map(this.toRecord);
  }

  list(): PolicyBindingRecord[] {
    return this.allStatement.all().map(this.toRecord);
  }

  get(id: string): PolicyBindingRecord | undefined {
    const row = this.getStatement.get(id);
    return row && this.toRecord(row);
  }

  insert(input: NewPolicyBinding): PolicyBindingRecord {
    const at = input.createdAt ?? nowMs();
    const stored = sealPolicyConfig(input.policyRef, input.config, this.box);
    const record: PolicyBindingRecord = {
      id: input.id ?? newId('pol'),
      apiId: input.apiId,
      policyRef: input.policyRef,
      config: openPolicyConfig(input.policyRef, stored, this.box),
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
      config: toJson(stored),
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
    const stored = sealPolicyConfig(next.policyRef, next.config, this.box);
    next.config = openPolicyConfig(next.policyRef, stored, this.box);
    this.updateStatement.run({
      id,
      config: toJson(stored),
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

  /** Rewrites bindings whose stored config still holds a secret in clear; returns how many. */
  sealPlainSecrets(): number {
    let count = 0;
    for (const row of this.allStatement.all()) {
      if (!holdsPlainSecret(row.policy_ref, fromJson<Record<string, unknown>>(row.config, {}))) continue;
      const record = this.toRecord(row);
      this.updateStatement.run({
        id: row.id,
        config: toJson(sealPolicyConfig(row.policy_ref, record.config, this.box)),
        order: row.order,
        enabled: row.enabled,
        rules: row.rules,
        updated_at: row.updated_at,
      });
      count++;
    }
    return count;
  }
}
