/**
 * Opens the control plane's SQLite file (`<dataDir>/gatehouse.sqlite`): WAL, foreign keys,
 * a busy timeout so that a second writer (another process, the CLI's import) waits instead of
 * failing, and the schema migrations applied in one transaction. A file written by a newer
 * Gatehouse is refused before anything is written to it. The data dir is made private (0700,
 * files 0600) first, and deleted content is overwritten (secure_delete), so a secret replaced
 * by its hash does not stay readable in a free page.
 */
import Database from 'better-sqlite3';
import path from 'node:path';
import { MIGRATIONS, type Migration } from './migrations';
import { ensurePrivateDir, ensurePrivateFile } from './private-files';

export type SqliteDatabase = Database.Database;

export const DATABASE_FILE = 'gatehouse.sqlite';
const BUSY_TIMEOUT_MS = 5_000;

export class SchemaTooNewError extends Error {
  readonly code = 'SCHEMA_TOO_NEW';
  constructor(
    readonly file: string,
    readonly fileVersion: number,
    readonly knownVersion: number,
  ) {
    super(
      `${file} was created by a newer Gatehouse (schema ${fileVersion}, this build knows ${knownVersion}); upgrade Gatehouse or use another --data-dir`,
    );
    this.name = 'SchemaTooNewError';
  }
}

export interface OpenOptions {
  /** Apply pending migrations (default true). A second connection of the same process passes false. */
  migrate?: boolean;
  /** Overrides the built-in list (tests). */
  migrations?: readonly Migration[];
  readonly?: boolean;
}

/**
 * Optional hook for the desktop app: `npm start` builds better-sqlite3 for Electron's ABI into a
 * cache and passes its path in GATEHOUSE_SQLITE_BINDING, so node_modules keeps the Node build
 * (and the tests keep working). Unset, better-sqlite3 loads its own build as usual.
 */
export function sqliteNativeBinding(env: NodeJS.ProcessEnv = process.env): { nativeBinding?: string } {
  const binding = env.GATEHOUSE_SQLITE_BINDING;
  return binding ? { nativeBinding: binding } : {};
}

export function databasePath(dataDir: string): string {
  return path.join(dataDir, DATABASE_FILE);
}

export function openDatabase(dataDir: string, options: OpenOptions = {}): SqliteDatabase {
  const migrations = options.migrations ?? MIGRATIONS;
  ensurePrivateDir(dataDir);
  const file = databasePath(dataDir);
  // Made 0600 before SQLite creates it: its -wal and -shm files take the database file's mode.
  if (!options.readonly) ensurePrivateFile(file);
  const db = new Database(file, { readonly: options.readonly ?? false, timeout: BUSY_TIMEOUT_MS, ...sqliteNativeBinding() });
  try {
    // Refuse a newer schema before changing anything, not even the journal mode.
    const fileVersion = userVersion(db);
    const known = latestVersion(migrations);
    if (fileVersion > known) throw new SchemaTooNewError(file, fileVersion, known);
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    if (!options.readonly) {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
    }
    db.pragma('foreign_keys = ON');
    db.pragma('secure_delete = ON');
    if (options.migrate !== false && !options.readonly && migrate(db, migrations, file) !== fileVersion) {
      // A migration may have replaced secrets (hashed passwords): rebuilding the file drops what
      // older versions left in free space, and the old pages leave the WAL.
      scrubFreeSpace(db);
    }
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

/** Rebuilds the file (no free space left holding old values) and empties the WAL. */
export function scrubFreeSpace(db: SqliteDatabase): void {
  try {
    db.exec('VACUUM');
  } catch {
    // Another connection holds a read: free space stays as it is (new deletes are zeroed anyway).
  }
  db.pragma('wal_checkpoint(TRUNCATE)');
}

export function userVersion(db: SqliteDatabase): number {
  return db.pragma('user_version', { simple: true }) as number;
}

function latestVersion(migrations: readonly Migration[]): number {
  return migrations.reduce((max, migration) => Math.max(max, migration.version), 0);
}

/** Applies every migration above the file's user_version, all in one IMMEDIATE transaction. */
export function migrate(db: SqliteDatabase, migrations: readonly Migration[] = MIGRATIONS, file = db.name): number {
  const ordered = [...migrations].sort((a, b) => a.version - b.version);
  const run = db.transaction(() => {
    // Re-read inside the write lock: another process may have migrated meanwhile.
    const current = userVersion(db);
    const known = latestVersion(ordered);
    if (current > known) throw new SchemaTooNewError(file, current, known);
    for (const migration of ordered) {
      if (migration.version <= current) continue;
      db.exec(migration.sql);
      migration.run?.(db);
      db.pragma(`user_version = ${migration.version}`);
    }
    return userVersion(db);
  });
  return run.immediate();
}
