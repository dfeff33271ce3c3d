// The Electron build of better-sqlite3 lives in a cache keyed by both versions, platform and
// arch, never in node_modules.
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { electronVersion, ensureElectronSqlite, sqliteCacheFile } from './electron-native.cjs';

const root = path.resolve(__dirname, '..');
const target = { version: '0.0.0-cache-test', platform: 'linux', arch: 'x64' };
afterEach(() => rmSync(path.dirname(sqliteCacheFile(target)), { recursive: true, force: true }));

describe('sqliteCacheFile', () => {
  it('is under .cache/electron-native, keyed by better-sqlite3 and Electron versions, platform and arch', () => {
    const sqlite = JSON.parse(readFileSync(path.join(root, 'node_modules', 'better-sqlite3', 'package.json'), 'utf8')).version;
    expect(sqliteCacheFile({ version: '42.0.0', platform: 'darwin', arch: 'arm64' })).toBe(
      path.join(root, '.cache', 'electron-native', `better-sqlite3-${sqlite}-electron-42.0.0-darwin-arm64`, 'better_sqlite3.node'),
    );
    expect(sqliteCacheFile()).toContain(`-electron-${electronVersion()}-${process.platform}-${process.arch}`);
  });
});

describe('ensureElectronSqlite', () => {
  it('reuses a cached build without rebuilding, and never touches node_modules', () => {
    const nodeBuild = path.join(root, 'node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node');
    const before = statSync(nodeBuild).mtimeMs;
    const cached = sqliteCacheFile(target);
    mkdirSync(path.dirname(cached), { recursive: true });
    writeFileSync(cached, 'cached addon');
    const logged: string[] = [];
    expect(ensureElectronSqlite({ ...target, log: (line) => logged.push(line) })).toBe(cached);
    expect(logged).toEqual([]);
    expect(existsSync(nodeBuild) && statSync(nodeBuild).mtimeMs).toBe(before);
  });
});
