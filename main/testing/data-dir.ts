/**
 * Test support for secrets at rest: temp data dirs and admin planes that are cleaned up after
 * each test, and a byte search over every file of a data dir (what `grep -r` would find).
 *
 *   const { tempDir, plane } = useDataDirs('gatehouse-at-rest-');   // registers an afterEach
 *   filesContaining(dir, 'secret') → ['gatehouse.sqlite']          // UTF-8 or UTF-16
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach } from 'vitest';
import { startAdminPlane, type AdminPlane } from './admin-plane';

export function useDataDirs(prefix: string): { tempDir(): string; plane(dataDir: string): Promise<AdminPlane>; onCleanup(step: () => Promise<void> | void): void } {
  const cleanup: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });
  return {
    tempDir() {
      const dir = mkdtempSync(path.join(tmpdir(), prefix));
      cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
      return dir;
    },
    async plane(dataDir) {
      const started = await startAdminPlane({ dataDir });
      cleanup.push(() => started.close());
      return started;
    },
    onCleanup(step) {
      cleanup.push(step);
    },
  };
}

/** Files under `dir` (relative names) that hold `needle` as UTF-8 or UTF-16 bytes. */
export function filesContaining(dir: string, needle: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.join(entry.parentPath, entry.name))
    .filter((file) => {
      const bytes = readFileSync(file);
      return bytes.includes(needle) || bytes.includes(Buffer.from(needle, 'utf16le'));
    })
    .map((file) => path.relative(dir, file));
}
