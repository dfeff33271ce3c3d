/**
 * Alert events: one row per state change of a rule (fired, resolved), never one per check.
 */
import type { SqliteDatabase } from './database';
import { newId } from './rows';

export type AlertState = 'fired' | 'resolved';

export interface AlertEventRecord {
  id: string;
  ruleId: string;
  state: AlertState;
  value: number;
  threshold: number;
  /** Epoch milliseconds. */
  at: number;
  message?: string;
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
}

const toRecord = (row: Row): AlertEventRecord => ({
  id: row.id,
  ruleId: row.rule_id,
  state: row.state,
  value: row.value,
  threshold: row.threshold,
  at: row.at,
  ...(row.message !== null ? { message: row.message } : {}),
});

export class AlertEventRepository {
  private readonly listStatement;
  private readonly latestStatement;
  private readonly insertStatement;
  private readonly pruneStatement;

  constructor(db: SqliteDatabase) {
    this.listStatement = db.prepare<{ rule_id: string | null; limit: number }, Row>(
      `SELECT * FROM alert_events WHERE (@rule_id IS NULL OR rule_id = @rule_id) ORDER BY at DESC, rowid DESC LIMIT @limit`,
    );
    this.latestStatement = db.prepare<[string], Row>(
      `SELECT * FROM alert_events WHERE rule_id = ? ORDER BY at DESC, rowid DESC LIMIT 1`,
    );
    this.insertStatement = db.prepare(
      `INSERT INTO alert_events (id, rule_id, state, value, threshold, at, message)
       VALUES (@id, @rule_id, @state, @value, @threshold, @at, @message)`,
    );
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
    });
    return record;
  }

  /** Drops events older than `before` (epoch ms); returns how many. */
  prune(before: number): number {
    return this.pruneStatement.run(before).changes;
  }
}
