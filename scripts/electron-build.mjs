// The Electron bundles, called by scripts/build.mjs with --all:
//   main/electron/app.ts     → dist/electron/app.cjs     (node_modules and electron external)
//   main/electron/preload.ts → dist/electron/preload.cjs (sandboxed: everything bundled but electron)
// The preload needs only the contract's method and event names, so main/electron/contract-names.ts
// is replaced by those names as literals (no zod and schemas in the preload).
import { build } from 'esbuild';
import { createRequire } from 'node:module';
import path from 'node:path';

/** Evaluates the contract once (in memory) to read its method and event names. */
async function contractNames() {
  const result = await build({
    stdin: { contents: "export { methodNames } from './shared/contract/methods'; export { eventNames } from './shared/contract/events';", resolveDir: process.cwd(), loader: 'ts' },
    bundle: true,
    platform: 'node',
    format: 'cjs',
    write: false,
    logLevel: 'warning',
  });
  const module = { exports: {} };
  new Function('module', 'exports', 'require', result.outputFiles[0].text)(module, module.exports, createRequire(import.meta.url));
  return module.exports;
}

const namesPlugin = (names) => ({
  name: 'contract-names-literals',
  setup(pluginBuild) {
    pluginBuild.onLoad({ filter: /main[\\/]electron[\\/]contract-names\.ts$/ }, () => ({
      contents: `export const methodNames = ${JSON.stringify(names.methodNames)};\nexport const eventNames = ${JSON.stringify(names.eventNames)};\n`,
      loader: 'js',
    }));
  },
});

const common = { bundle: true, platform: 'node', target: 'node22', format: 'cjs', sourcemap: true, logLevel: 'warning' };

/** The sandboxed preload: everything bundled but electron. */
export async function buildPreload(outfile = 'dist/electron/preload.cjs', write = build) {
  await write({ ...common, entryPoints: ['main/electron/preload.ts'], outfile, external: ['electron'], plugins: [namesPlugin(await contractNames())] });
}

/** `write` is build.mjs's buildAtomically (a launching app never reads half a file). */
export async function buildElectron(write = build) {
  await write({ ...common, entryPoints: ['main/electron/app.ts'], outfile: 'dist/electron/app.cjs', packages: 'external' });
  await buildPreload('dist/electron/preload.cjs', write);
  console.log(`built ${path.join('dist', 'electron', 'app.cjs')} and preload.cjs`);
}
