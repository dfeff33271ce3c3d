// The custom policy SDK as its own entry point, `gatehouse/policy-sdk` (package.json "exports"):
// dist/policy-sdk.cjs (code) and dist/policy-sdk.d.ts (types, from shared/policy-sdk/index.ts by
// TypeScript's single-file declaration emit). Used by scripts/build.mjs and by its test.
import { build } from 'esbuild';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

export const POLICY_SDK_SOURCE = 'shared/policy-sdk/index.ts';

/** Writes `<outDir>/policy-sdk.cjs` and `<outDir>/policy-sdk.d.ts` (each renamed into place whole). */
export async function buildPolicySdk({ root = process.cwd(), outDir = path.join(root, 'dist') } = {}) {
  const source = path.join(root, POLICY_SDK_SOURCE);
  const result = await build({
    absWorkingDir: root,
    entryPoints: [source],
    bundle: true,
    platform: 'neutral',
    target: 'node20',
    format: 'cjs',
    write: false,
    outfile: path.join(outDir, 'policy-sdk.cjs'),
    logLevel: 'warning',
  });
  writeWhole(path.join(outDir, 'policy-sdk.cjs'), result.outputFiles[0].contents);
  writeWhole(path.join(outDir, 'policy-sdk.d.ts'), declarationsOf(root, source));
}

/** The SDK imports nothing, so one file's declarations are the whole of its types. */
function declarationsOf(root, source) {
  const ts = createRequire(path.join(root, 'package.json'))('typescript');
  const output = ts.transpileDeclaration(readFileSync(source, 'utf8'), {
    fileName: source,
    reportDiagnostics: true,
    compilerOptions: { target: ts.ScriptTarget.ES2022, strict: true },
  });
  const problems = (output.diagnostics ?? []).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
  if (problems.length > 0) throw new Error(`${POLICY_SDK_SOURCE}: no declarations: ${problems.join('; ')}`);
  return output.outputText;
}

function writeWhole(file, contents) {
  mkdirSync(path.dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, contents);
  renameSync(temporary, file);
}
