import Database from 'better-sqlite3';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { databasePath, openDatabase, SchemaTooNewError, userVersion } from './database';
import { SCHEMA_VERSION } from './migrations';
import { Store } from './store';

let dataDir: string;
beforeEach(() => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'gatehouse-db-'));
});
afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

describe('openDatabase', () => {
  it('creates the file with the latest schema, WAL and foreign keys on', () => {
    const db = openDatabase(dataDir);
    expect(db.name).toBe(path.join(dataDir, 'gatehouse.sqlite'));
    expect(userVersion(db)).toBe(SCHEMA_VERSION);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('busy_timeout', { simple: true })).toBeGreaterThanOrEqual(1000);
    const tables = db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`).pluck().all();
    expect(tables).toEqual([
      'alert_events', 'alert_rules', 'api_mocks', 'api_openapi_documents', 'apis', 'applications', 'contracts', 'custom_policies', 'gateways', 'policy_bindings',
      'recording_exchanges', 'recordings', 'saved_requests', 'settings', 'signing_keys', 'sla_tiers',
    ]);
    db.close();
  });

  it('re-opens an existing file without re-running migrations and keeps its rows', () => {
    const store = Store.open(dataDir);
    store.ensureEmbeddedGateway(18081);
    store.settings.set('retention', { days: 30 });
    store.close();
    const again = Store.open(dataDir);
    expect(userVersion(again.db)).toBe(SCHEMA_VERSION);
    expect(again.gateways.list().map((g) => [g.name, g.port])).toEqual([['embedded', 18081]]);
    expect(again.settings.get('retention')).toEqual({ days: 30 });
    again.close();
  });

  it('refuses a database from a newer Gatehouse and leaves the file untouched', () => {
    const file = databasePath(dataDir);
    const raw = new Database(file);
    raw.exec(`CREATE TABLE future (x INTEGER); INSERT INTO future VALUES (42);`);
    raw.pragma(`user_version = ${SCHEMA_VERSION + 6}`);
    raw.close();
    const before = readFileSync(file);

    let caught: unknown;
    try {
      openDatabase(dataDir);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(SchemaTooNewError);
    expect((caught as Error).message).toBe(
      `${file} was created by a newer Gatehouse (schema ${SCHEMA_VERSION + 6}, this build knows ${SCHEMA_VERSION}); upgrade Gatehouse or use another --data-dir`,
    );
    expect(readFileSync(file).equals(before)).toBe(true);
    const check = new Database(file, { readonly: true });
    expect(check.pragma('journal_mode', { simple: true })).toBe('delete');
    expect(check.prepare('SELECT x FROM future').pluck().get()).toBe(42);
    check.close();
  });

  it('applies pending migrations in order and all-or-nothing', () => {
    const first = [{ version: 1, description: 'one', sql: 'CREATE TABLE a (x INTEGER);' }];
    openDatabase(dataDir, { migrations: first }).close();

    const broken = [
      ...first,
      { version: 2, description: 'two', sql: 'CREATE TABLE b (x INTEGER);' },
      { version: 3, description: 'three', sql: 'CREATE TABLE c (x INTEGER); THIS IS NOT SQL;' },
    ];
    expect(() => openDatabase(dataDir, { migrations: broken })).toThrow(/syntax error/);
    const check = new Database(databasePath(dataDir));
    expect(userVersion(check)).toBe(1);
    expect(check.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`).pluck().all()).toEqual(['a']);
    check.close();

    const fixed = [...broken.slice(0, 2), { version: 3, description: 'three', sql: 'CREATE TABLE c (x INTEGER);' }];
    const db = openDatabase(dataDir, { migrations: fixed });
    expect(userVersion(db)).toBe(3);
    db.close();
  });
});
