/**
 * Settings: small key → JSON values (telemetry retention, UI preferences, …).
 */
import type { SqliteDatabase } from './database';
import { nowMs, toJson } from './rows';

export class SettingsRepository {
  private readonly getStatement;
  private readonly allStatement;
  private readonly setStatement;
  private readonly deleteStatement;

  constructor(db: SqliteDatabase) {
    this.getStatement = db.prepare<[string], { value: string }>(`SELECT value FROM settings WHERE key = ?`);
    this.allStatement = db.prepare<[], { key: string; value: string }>(`SELECT key, value FROM settings ORDER BY key`);
    this.setStatement = db.prepare(
      `INSERT INTO settings (key, value, updated_at) VALUES (@key, @value, @updated_at)
       ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
    );
    this.deleteStatement = db.prepare<[string]>(`DELETE FROM settings WHERE key = ?`);
  }

  get<T>(key: string): T | undefined {
    const row = this.getStatement.get(key);
    return row ? (JSON.parse(row.value) as T) : undefined;
  }

  all(): Record<string, unknown> {
    return Object.fromEntries(this.allStatement.all().map((row) => [row.key, JSON.parse(row.value) as unknown]));
  }

  set(key: string, value: unknown): void {
    this.setStatement.run({ key, value: toJson(value), updated_at: nowMs() });
  }

  delete(key: string): boolean {
    return this.deleteStatement.run(key).changes > 0;
  }
}
