import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { findBoundaryViolations } from './import-boundaries';

function tree(files: Record<string, string>): string {
  const root = mkdtempSync(path.join(tmpdir(), 'gatehouse-boundaries-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
    writeFileSync(path.join(root, name), text);
  }
  return root;
}

describe('import boundaries', () => {
  it('the repository itself respects them', () => {
    const violations = findBoundaryViolations(path.resolve(__dirname, '..'));
    expect(violations.map((v) => `${v.file}:${v.line}: ${v.specifier}: ${v.rule}`)).toEqual([]);
  });

  it("flags 'electron' outside main/electron", () => {
    const root = tree({ 'main/control/x.ts': "import { app } from 'electron';\n", 'main/electron/ok.ts': "import { app } from 'electron';\n" });
    expect(findBoundaryViolations(root)).toEqual([
      expect.objectContaining({ file: 'main/control/x.ts', line: 1, specifier: 'electron' }),
    ]);
  });

  it('flags Node-only modules in shared/ and renderer/', () => {
    const root = tree({
      'shared/a.ts': "import fs from 'node:fs';\n",
      'renderer/src/b.tsx': "\nimport Database from 'better-sqlite3';\n",
      'renderer/src/c.ts': "import { x } from '../../main/gateway/runtime';\n",
      'shared/ok.ts': "import { z } from 'zod';\n",
    });
    expect(findBoundaryViolations(root).map((v) => `${v.file}:${v.line}`).sort()).toEqual([
      'renderer/src/b.tsx:2',
      'renderer/src/c.ts:1',
      'shared/a.ts:1',
    ]);
  });

  it('flags imports against the grain inside main/', () => {
    const root = tree({
      'main/gateway/a.ts': "import { openDatabase } from '../store/database';\n",
      'main/policies/b.ts': "import type { ApiSnapshot } from '../gateway/snapshot';\nimport { GatewayRuntime } from '../gateway/runtime';\n",
      'main/control/c.ts': "import { GatewayRuntime } from '../gateway/runtime';\n",
    });
    expect(findBoundaryViolations(root).map((v) => `${v.file}:${v.line}`).sort()).toEqual(['main/gateway/a.ts:1', 'main/policies/b.ts:2']);
  });
});
