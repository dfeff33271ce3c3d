/**
 * Alert rules (evaluated by main/alerts). Identity and scope are columns; the rest of a rule
 * (comparator, threshold, window, periods, severity, codes, webhook…) is a JSON spec, so the
 * alert kinds can grow without a migration. The webhook URL often carries a token (Slack, …):
 * it is stored encrypted and read back decrypted (still sealed when the key cannot open it).
 */
import type { SqliteDatabase } from './database';
import { fromFlag, fromJson, newId, nowMs, toFlag, toJson } from './rows';
import { isSealed, type SecretBox } from './secret-box';

export interface AlertRuleRecord {
  id: string;
  name: string;
  kind: string;
  apiId?: string;
  gatewayId?: string;
  enabled: boolean;
  /** Everything else the rule says, as the alerts module defines it. */
  spec: Record<string, unknown>;
  createdAt: number;
  updatedAt: number;
}

export type NewAlertRule = Pick<AlertRuleRecord, 'name' | 'kind' | 'spec'> &
  Partial<Pick<AlertRuleRecord, 'id' | 'apiId' | 'gatewayId' | 'enabled' | 'createdAt'>>;
/** `apiId: null` / `gatewayId: null` remove the scope. */
export type AlertRulePatch = Partial<Pick<AlertRuleRecord, 'name' | 'kind' | 'enabled' | 'spec'>> & {
  apiId?: string | null;
  gatewayId?: string | null;
};

interface Row {
  id: string;
  name: string;
  kind: string;
  api_id: string | null;
  gateway_id: string | null;
  enabled: number;
  spec: string;
  created_at: number;
  updated_at: number;
}

/** The field name used in messages about a rule's webhook URL. */
export function webhookField(ruleName: string): string {
  return `alert rule "${ruleName}": webhookUrl`;
}

const toRecord = (row: Row, box: SecretBox): AlertRuleRecord => {
  const spec = fromJson<Record<string, unknown>>(row.spec, {});
  if (typeof spec.webhookUrl === 'string') spec.webhookUrl = box.openOrKeep(spec.webhookUrl, webhookField(row.name));
  return {
    id: row.id,
    name: row.name,
    kind: row.kind,
    ...(row.api_id !== null ? { apiId: row.api_id } : {}),
    ...(row.gateway_id !== null ? { gatewayId: row.gateway_id } : {}),
    enabled: fromFlag(row.enabled),
    spec,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
};

const toRow = (record: AlertRuleRecord, box: SecretBox): Row => {
  const spec = typeof record.spec.webhookUrl === 'string' ? { ...record.spec, webhookUrl: box.seal(record.spec.webhookUrl) } : record.spec;
  return {
    id: record.id,
    name: record.name,
    kind: record.kind,
    api_id: record.apiId ?? null,
    gateway_id: record.gatewayId ?? null,
    enabled: toFlag(record.enabled),
    spec: toJson(spec),
    created_at: record.createdAt,
    updated_at: record.updatedAt,
  };
};

export class AlertRuleRepository {
  private readonly listStatement;
  private readonly getStatement;
  private readonly byNameStatement;
  private readonly insertStatement;
  private readonly updateStatement;
  private readonly deleteStatement;

  constructor(
    db: SqliteDatabase,
    private readonly box: SecretBox,
  ) {
    this.listStatement = db.prepare<[], Row>(`SELECT * FROM alert_rules ORDER BY name, id`);
    this.getStatement = db.prepare<[string], Row>(`SELECT * FROM alert_rules WHERE id = ?`);
    this.byNameStatement = db.prepare<[string], Row>(`SELECT * FROM alert_rules WHERE name = ?`);
    this.insertStatement = db.prepare(
      `INSERT INTO alert_rules (id, name, kind, api_id, gateway_id, enabled, spec, created_at, updated_at)
       VALUES (@id, @name, @kind, @api_id, @gateway_id, @enabled, @spec, @created_at, @updated_at)`,
    );
    this.updateStatement = db.prepare(
      `UPDATE alert_rules SET name = @name, kind = @kind, api_id = @api_id, gateway_id = @gateway_id, enabled = @enabled,
       spec = @spec, updated_at = @updated_at WHERE id = @id`,
    );
    this.deleteStatement = db.prepare<[string]>(`DELETE FROM alert_rules WHERE id = ?`);
  }

  list(): AlertRuleRecord[] {
    return this.listStatement.all().map((row) => toRecord(row, this.box));
  }

  get(id: string): AlertRuleRecord | undefined {
    const row = this.getStatement.get(id);
    return row && toRecord(row, this.box);
  }

  findByName(name: string): AlertRuleRecord | undefined {
    const row = this.byNameStatement.get(name);
    return row && toRecord(row, this.box);
  }

  insert(input: NewAlertRule): AlertRuleRecord {
    const at = input.createdAt ?? nowMs();
    const record: AlertRuleRecord = {
      id: input.id ?? newId('rule'),
      name: input.name,
      kind: input.kind,
      ...(input.apiId !== undefined ? { apiId: input.apiId } : {}),
      ...(input.gatewayId !== undefined ? { gatewayId: input.gatewayId } : {}),
      enabled: input.enabled ?? true,
      spec: input.spec,
      createdAt: at,
      updatedAt: at,
    };
    this.insertStatement.run(toRow(record, this.box));
    return record;
  }

  update(id: string, patch: AlertRulePatch): AlertRuleRecord | undefined {
    const current = this.get(id);
    if (!current) return undefined;
    const next: AlertRuleRecord = { ...current, updatedAt: nowMs() };
    if (patch.name !== undefined) next.name = patch.name;
    if (patch.kind !== undefined) next.kind = patch.kind;
    if (patch.enabled !== undefined) next.enabled = patch.enabled;
    if (patch.spec !== undefined) next.spec = patch.spec;
    if (patch.apiId === null) delete next.apiId;
    else if (patch.apiId !== undefined) next.apiId = patch.apiId;
    if (patch.gatewayId === null) delete next.gatewayId;
    else if (patch.gatewayId !== undefined) next.gatewayId = patch.gatewayId;
    const { created_at: _created, ...row } = toRow(next, this.box);
    this.updateStatement.run(row);
    return next;
  }

  delete(id: string): boolean {
    return this.deleteStatement.run(id).changes > 0;
  }

  /** Encrypts webhook URLs stored in clear (before encryption existed); returns how many. */
  sealPlainSecrets(): number {
    let count = 0;
    for (const row of this.listStatement.all()) {
      const spec = fromJson<Record<string, unknown>>(row.spec, {});
      if (typeof spec.webhookUrl !== 'string' || isSealed(spec.webhookUrl)) continue;
      const { created_at: _created, ...rest } = toRow(toRecord(row, this.box), this.box);
      this.updateStatement.run(rest);
      count++;
    }
    return count;
  }
}
