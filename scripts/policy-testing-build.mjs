// The custom policy test harness as its own entry point, `gatehouse/policy-testing` (package.json
// "exports"): dist/policy-testing.cjs (main/testing/policy-testing.ts, dependencies left to
// node_modules like the CLI's) and dist/policy-testing.d.ts (scripts/types/policy-testing.d.ts,
// kept by hand: a small surface that must not drag the gateway's types into an editor).
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export async function buildPolicyTesting({ root = process.cwd(), outDir = path.join(root, 'dist') } = {}) {
  const outfile = path.join(outDir, 'policy-testing.cjs');
  const result = await build({
    absWorkingDir: root,
    entryPoints: [path.join(root, 'main/testing/policy-testing.ts')],
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    packages: 'external',
    sourcemap: 'inline',
    write: false,
    outfile,
    logLevel: 'warning',
  });
  mkdirSync(outDir, { recursive: true });
  const temporary = `${outfile}.${process.pid}.tmp`;
  writeFileSync(temporary, result.outputFiles[0].contents);
  renameSync(temporary, outfile);
  const types = path.join(outDir, 'policy-testing.d.ts');
  copyFileSync(path.join(root, 'scripts/types/policy-testing.d.ts'), `${types}.${process.pid}.tmp`);
  renameSync(`${types}.${process.pid}.tmp`, types);
}
