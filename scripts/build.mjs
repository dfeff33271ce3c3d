// Bundles the Node entry points with esbuild. Dependencies stay external (native modules such
// as better-sqlite3 must be loaded from node_modules); `typescript` only type-checks.
import { build } from 'esbuild';
import { rmSync } from 'node:fs';

const common = { bundle: true, platform: 'node', target: 'node20', format: 'cjs', packages: 'external', sourcemap: true, logLevel: 'warning' };
rmSync('dist/cli.cjs', { force: true });
await build({ ...common, entryPoints: ['main/cli.ts'], outfile: 'dist/cli.cjs' });
console.log('built dist/cli.cjs');
