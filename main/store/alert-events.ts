/**
 * Alert events: one row per state change of a rule (fired, resolved), never one per check.
 */
import type { SqliteDatabase } from './database';
import { fromJson, newId, toJson } from './rows';

export type AlertState = 'fired' | 'resolved';

/** How the event's webhook notification went (set by main/alerts). */
export interface AlertDeliveryRecord {
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  lastError?: string;
  at: number;
}

export interface AlertEventRecord {
  id: string;
  ruleId: string;
  state: AlertState;
  value: number;
  threshold: number;
  /** Epoch milliseconds. */
  at: number;
  message?: string;
  delivery?: AlertDeliveryRecord;
}

export type NewAlertEvent = Omit<AlertEventRecord, 'id'> & { id?: string };

interface Row {
  id: string;
  rule_id: string;
  state: AlertState;
  value: number;
  threshold: number;
  at: number;
  message: string | null;
  delivery: string | null;
}

const toRecord = (row: Row): AlertEventRecord => ({
  id: row.id,
  ruleId: row.rule_id,
  state: row.state,
  value: row.value,
  threshold: row.threshold,
  at: row.at,
  ...(row.message !== null ? { message: row.message } : {}),
  ...(row.delivery !== null ? { delivery: fromJson<AlertDeliveryRecord>(row.delivery, { status: 'pending', attempts: 0, at: row.at }) } : {}),
});

export class AlertEventRepository {
  private readonly listStatement;
  private readonly latestStatement;
  private readonly insertStatement;
  private readonly pruneStatement;
  private readonly deliveryStatement;

  constructor(db: SqliteDatabase) {
    this.listStatement = db.prepare<{ rule_id: string | null; limit: number }, Row>(
      `SELECT * FROM alert_events WHERE (@rule_id IS NULL OR rule_id = @rule_id) ORDER BY at DESC, rowid DESC LIMIT @limit`,
    );
    this.latestStatement = db.prepare<[string], Row>(
      `SELECT * FROM alert_events WHERE rule_id = ? ORDER BY at DESC, rowid DESC LIMIT 1`,
    );
    this.insertStatement = db.prepare(
      `INSERT INTO alert_events (id, rule_id, state, value, threshold, at, message, delivery)
       VALUES (@id, @rule_id, @state, @value, @threshold, @at, @message, @delivery)`,
    );
    this.deliveryStatement = db.prepare<[string, string]>(`UPDATE alert_events SET delivery = ? WHERE id = ?`);
    this.pruneStatement = db.prepare<[number]>(`DELETE FROM alert_events WHERE at < ?`);
  }

  /** Newest first. */
  list(filter: { ruleId?: string; limit?: number } = {}): AlertEventRecord[] {
    return this.listStatement.all({ rule_id: filter.ruleId ?? null, limit: filter.limit ?? 500 }).map(toRecord);
  }

  /** The rule's current state is its latest event (none: OK). */
  latest(ruleId: string): AlertEventRecord | undefined {
    const row = this.latestStatement.get(ruleId);
    return row && toRecord(row);
  }

  insert(input: NewAlertEvent): AlertEventRecord {
    const record: AlertEventRecord = { ...input, id: input.id ?? newId('alert') };
    this.insertStatement.run({
      id: record.id,
      rule_id: record.ruleId,
      state: record.state,
      value: record.value,
      threshold: record.threshold,
      at: record.at,
      message: record.message ?? null,
      delivery: record.delivery ? toJson(record.delivery) : null,
    });
    return record;
  }

  /** Records how the event's notification went; false when the event is gone (pruned, rule deleted). */
  setDelivery(id: string, delivery: AlertDeliveryRecord): boolean {
    return this.deliveryStatement.run(toJson(delivery), id).changes > 0;
  }

  /** Drops events older than `before` (epoch ms); returns how many. */
  prune(before: number): number {
    return this.pruneStatement.run(before).changes;
  }
}
