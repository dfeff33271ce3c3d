/**
 * The install says, in one line, that the SQLite driver is being built, before the ~2-minute
 * compile starts (npm hides dependencies' script output). A real `npm install` of a throwaway
 * project that uses scripts/install-notice exactly as package.json does, next to a stand-in
 * native dependency whose install step writes to the same "terminal" (a file here).
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

const root = path.resolve(__dirname, '..');
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
  devDependencies: Record<string, string>;
  allowScripts: Record<string, boolean>;
};
const NOTICE = /^\r\x1b\[Kgatehouse: building the SQLite driver \(better-sqlite3; about 2 minutes when no prebuilt binary downloads\)…$/;
const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'gatehouse-install-notice-'));
  dirs.push(dir);
  return dir;
};
afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));

describe('install notice', () => {
  it('is a dev dependency whose script npm is allowed to run', () => {
    expect(pkg.devDependencies['gatehouse-install-notice']).toBe('file:scripts/install-notice');
    expect(pkg.allowScripts['file:../scripts/install-notice']).toBe(true);
  });

  it('prints its line during npm install, before a dependency compiles', () => {
    const project = tempDir();
    const terminal = path.join(project, 'terminal.txt');
    cpSync(path.join(root, 'scripts', 'install-notice'), path.join(project, 'scripts', 'install-notice'), { recursive: true });
    mkdirSync(path.join(project, 'native'));
    writeFileSync(
      path.join(project, 'native', 'package.json'),
      JSON.stringify({ name: 'native', version: '1.0.0', scripts: { install: `node -e "require('fs').appendFileSync(process.env.GATEHOUSE_NOTICE_TTY, 'compiled\\n')"` } }),
    );
    writeFileSync(
      path.join(project, 'package.json'),
      JSON.stringify({
        name: 'install-notice-check',
        version: '1.0.0',
        private: true,
        devDependencies: { native: 'file:native', 'gatehouse-install-notice': pkg.devDependencies['gatehouse-install-notice'] },
        allowScripts: { 'file:../native': true, 'file:../scripts/install-notice': true },
      }),
    );
    execFileSync('npm', ['install', '--offline', '--no-audit', '--no-fund'], {
      cwd: project,
      env: { ...process.env, GATEHOUSE_NOTICE_TTY: terminal, INIT_CWD: project },
      stdio: 'pipe',
    });
    const lines = readFileSync(terminal, 'utf8').split('\n').filter(Boolean);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(NOTICE);
    expect(lines[1]).toBe('compiled');
  }, 120_000);

  it('says nothing when the driver is already built', () => {
    const project = tempDir();
    const terminal = path.join(project, 'terminal.txt');
    writeFileSync(terminal, '');
    const release = path.join(project, 'node_modules', 'better-sqlite3', 'build', 'Release');
    mkdirSync(release, { recursive: true });
    writeFileSync(path.join(release, 'better_sqlite3.node'), '');
    execFileSync(process.execPath, [path.join(root, 'scripts', 'install-notice', 'notice.cjs')], { env: { ...process.env, GATEHOUSE_NOTICE_TTY: terminal, INIT_CWD: project } });
    expect(readFileSync(terminal, 'utf8')).toBe('');
  });

  it('stays quiet, without failing the install, where there is no terminal', () => {
    const project = tempDir();
    const out = execFileSync(process.execPath, [path.join(root, 'scripts', 'install-notice', 'notice.cjs')], {
      env: { ...process.env, GATEHOUSE_NOTICE_TTY: path.join(project, 'missing', 'tty'), INIT_CWD: project },
    });
    expect(out.toString()).toBe('');
  });
});
