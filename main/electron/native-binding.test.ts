import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Telemetry } from '../control/telemetry/telemetry';
import { openDatabase } from '../store/database';

// npm start hands the Electron app a better-sqlite3 build for Electron's ABI through this
// variable; both SQLite openers must use it.
const nodeBuild = path.join(path.dirname(createRequire(import.meta.url).resolve('better-sqlite3/package.json')), 'build', 'Release', 'better_sqlite3.node');
const dirs: string[] = [];
afterEach(() => {
  delete process.env.GATEHOUSE_SQLITE_BINDING;
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
const tempDir = () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'gatehouse-binding-'));
  dirs.push(dir);
  return dir;
};

describe('GATEHOUSE_SQLITE_BINDING', () => {
  it('loads the given build for the store and for telemetry', () => {
    process.env.GATEHOUSE_SQLITE_BINDING = nodeBuild;
    const dir = tempDir();
    openDatabase(dir).close();
    new Telemetry({ file: path.join(dir, 'telemetry.sqlite') }).close();
  });

  it('is really used: a missing build fails, naming the file', () => {
    process.env.GATEHOUSE_SQLITE_BINDING = '/nonexistent/electron-native/better_sqlite3.node';
    const dir = tempDir();
    expect(() => openDatabase(dir)).toThrow('/nonexistent/electron-native/better_sqlite3.node');
    expect(() => new Telemetry({ file: path.join(dir, 'telemetry.sqlite') })).toThrow('/nonexistent/electron-native/better_sqlite3.node');
  });
});
