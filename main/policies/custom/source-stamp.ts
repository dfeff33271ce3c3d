/**
 * A fingerprint of a custom policy's source: the names, sizes and mtimes of the scripts it may
 * consist of (a file and the scripts beside it, or a whole folder). Local mode and the app both
 * compare it to notice an edit without reading or compiling anything.
 */
import { createHash } from 'node:crypto';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';

const SCRIPT = /\.(?:[cm]?[jt]s|tsx|jsx|json)$/;
const SKIPPED_FOLDERS = new Set(['node_modules', '.git']);
const MAX_DEPTH = 8;

export function sourceStamp(source: string): string {
  const hash = createHash('sha256').update(source);
  for (const file of policyScripts(source)) {
    try {
      const stat = statSync(file);
      hash.update(`\u0000${file}\u0000${stat.size}\u0000${stat.mtimeMs}`);
    } catch {
      hash.update(`\u0000${file}\u0000gone`);
    }
  }
  return hash.digest('hex');
}

/** The scripts a source may consist of, sorted: a folder's (not node_modules), or a file's neighbours. */
export function policyScripts(source: string): string[] {
  return isDirectory(source) ? scriptsUnder(source, 0) : scriptsBeside(source);
}

export function isDirectory(target: string): boolean {
  try {
    return statSync(target).isDirectory();
  } catch {
    return false;
  }
}

function scriptsBeside(file: string): string[] {
  const dir = path.dirname(file);
  try {
    return [...new Set([file, ...readdirSync(dir).filter((name) => SCRIPT.test(name)).map((name) => path.join(dir, name))])].sort();
  } catch {
    return [file];
  }
}

function scriptsUnder(dir: string, depth: number): string[] {
  if (depth > MAX_DEPTH) return [];
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  const files: string[] = [];
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!SKIPPED_FOLDERS.has(entry.name)) files.push(...scriptsUnder(full, depth + 1));
    } else if (SCRIPT.test(entry.name)) files.push(full);
  }
  return files.sort();
}
