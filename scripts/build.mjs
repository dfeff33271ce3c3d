// Bundles the Node entry points with esbuild. Dependencies stay external (native modules such
// as better-sqlite3 must be loaded from node_modules); `typescript` only type-checks.
import { build } from 'esbuild';
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const common = { bundle: true, platform: 'node', target: 'node20', format: 'cjs', packages: 'external', sourcemap: true, logLevel: 'warning' };

/** Builds in memory and renames into place, so a process starting meanwhile never sees half a file. */
export async function buildAtomically(options) {
  const result = await build({ ...options, write: false });
  for (const file of result.outputFiles) {
    mkdirSync(path.dirname(file.path), { recursive: true });
    const temporary = `${file.path}.${process.pid}.tmp`;
    writeFileSync(temporary, file.contents);
    renameSync(temporary, file.path);
  }
}

await buildAtomically({ ...common, entryPoints: ['main/cli.ts'], outfile: 'dist/cli.cjs' });
console.log('built dist/cli.cjs');

// --- The custom policy SDK, `require('gatehouse/policy-sdk')` (package.json "exports"): code + types.
await (await import('./policy-sdk-build.mjs')).buildPolicySdk();
console.log('built dist/policy-sdk.cjs, dist/policy-sdk.d.ts');

// --- The custom policy test harness, `gatehouse/policy-testing` (what `gatehouse policy test` runs tests with).
await (await import('./policy-testing-build.mjs')).buildPolicyTesting();
console.log('built dist/policy-testing.cjs, dist/policy-testing.d.ts');

// --- Electron (main/electron, owned by the Electron shell): app.cjs + preload.cjs, with --all.
if (process.argv.includes('--all')) await (await import('./electron-build.mjs')).buildElectron(buildAtomically);

// --- Renderer (renderer/, owned by the UI): the web UI into dist/renderer with Vite, with --all.
if (process.argv.includes('--all') && existsSync('renderer/index.html')) {
  const { spawnSync } = await import('node:child_process');
  const vite = spawnSync(process.execPath, ['node_modules/vite/bin/vite.js', 'build', '--logLevel', 'warn'], { stdio: 'inherit' });
  if (vite.status !== 0) process.exit(vite.status ?? 1);
  console.log('built dist/renderer');
}

// --- Gateway replica (main/docker, owned by the Docker manager): one self-contained file for the
// Docker image, dist/replica/gatehouse-replica.cjs, with --all.
if (process.argv.includes('--all')) await (await import('./replica-build.mjs')).buildReplica(buildAtomically);
