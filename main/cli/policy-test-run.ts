/**
 * `gatehouse policy test PATH`: a policy's own tests, with nothing to install. Each test file
 * (`*.test.ts`/`.js`) is bundled by esbuild (the runtime's own dependency) with
 * `gatehouse/policy-testing` and `gatehouse/policy-sdk` pointing at this installation's built
 * modules, then run by Node's own test runner (node:test) from the test file's folder, so
 * `policy: './policy.ts'` means the file beside the test. Output is node:test's spec reporter.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const TEST_FILE = /\.test\.(ts|mts|cts|js|mjs|cjs)$/;
const GATEHOUSE_MODULE = /^gatehouse\/(policy-sdk|policy-testing)$/;

/** This installation's dist/ (the built CLI lives there; from sources, the repository's). */
export function gatehouseDist(): string {
  const start = typeof __dirname === 'string' ? __dirname : process.cwd();
  let dir = start;
  for (;;) {
    const manifest = path.join(dir, 'package.json');
    if (existsSync(manifest)) {
      try {
        if ((JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'gatehouse') return path.join(dir, 'dist');
      } catch {
        // not ours; keep looking
      }
    }
    const parent = path.dirname(dir);
    // Not found (a copied bundle): the built CLI sits in dist/ itself.
    if (parent === dir) return start;
    dir = parent;
  }
}

export function findTestFiles(target: string): string[] {
  const stat = statSync(target);
  if (!stat.isDirectory()) return [target];
  const found: string[] = [];
  const walk = (dir: string, depth: number) => {
    if (depth > 6) return;
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full, depth + 1);
      else if (TEST_FILE.test(entry.name)) found.push(full);
    }
  };
  walk(target, 0);
  return found.sort();
}

/** Runs every test file; resolves with the exit code (0 all passed, 1 a test or a build failed). */
export async function runPolicyTests(files: string[], dist: string): Promise<number> {
  const harness = path.join(dist, 'policy-testing.cjs');
  if (!existsSync(harness)) {
    process.stderr.write(`gatehouse policy test: ${harness} is missing; run \`npm run build\` in the gatehouse folder\n`);
    return 1;
  }
  const { build } = await import('esbuild');
  const work = mkdtempSync(path.join(tmpdir(), 'gatehouse-policy-test-'));
  let failed = 0;
  try {
    for (const [index, file] of files.entries()) {
      process.stdout.write(`\n${path.relative(process.cwd(), file) || file}\n`);
      const bundle = path.join(work, `${index}-${path.basename(file).replace(/\.[^.]+$/, '')}.cjs`);
      try {
        await build({
          entryPoints: [file],
          outfile: bundle,
          bundle: true,
          platform: 'node',
          format: 'cjs',
          target: 'node20',
          sourcemap: 'inline',
          logLevel: 'silent',
          plugins: [
            {
              name: 'gatehouse-modules',
              setup(builder) {
                builder.onResolve({ filter: GATEHOUSE_MODULE }, (args) => ({ path: path.join(dist, `${args.path.slice('gatehouse/'.length)}.cjs`), external: true }));
              },
            },
          ],
        });
      } catch (error) {
        const first = (error as { errors?: { text: string; location?: { file: string; line: number; column: number } | null }[] }).errors?.[0];
        const where = first?.location ? `${path.resolve(path.dirname(file), first.location.file)}:${first.location.line}:${first.location.column + 1}` : file;
        process.stderr.write(`${where}: ${first?.text ?? (error as Error).message}\n`);
        failed++;
        continue;
      }
      const code = await runNodeTest(bundle, path.dirname(file));
      if (code !== 0) failed++;
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  const total = files.length;
  process.stdout.write(`\n${failed === 0 ? `${total} test file${total === 1 ? '' : 's'} passed` : `${failed} of ${total} test file${total === 1 ? '' : 's'} failed`}\n`);
  return failed === 0 ? 0 : 1;
}

function runNodeTest(bundle: string, cwd: string): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--enable-source-maps', '--test', '--test-reporter=spec', bundle], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    // Through this process's streams (not inherited): whoever reads gatehouse's output sees it.
    child.stdout.on('data', (chunk: Buffer) => process.stdout.write(chunk));
    child.stderr.on('data', (chunk: Buffer) => process.stderr.write(chunk));
    child.on('close', (code) => resolve(code ?? 1));
    child.on('error', () => resolve(1));
  });
}
