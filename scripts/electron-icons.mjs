// Draws the app icon (build/icon.png, used by electron-builder) and the tray icons
// (build/tray-<status>.png and @2x) from main/electron/icon-art.ts: `node scripts/electron-icons.mjs`.
// The app draws the same tray icons at run time; these files are for packaging and review.
import { build } from 'esbuild';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const bundled = await build({
  stdin: {
    contents: "export { drawMark, STATUS_COLOURS, BRAND_COLOUR } from './main/electron/icon-art'; export { encodePng } from './main/electron/png';",
    resolveDir: process.cwd(),
    loader: 'ts',
  },
  bundle: true,
  platform: 'node',
  format: 'cjs',
  write: false,
  logLevel: 'warning',
});
const module = { exports: {} };
new Function('module', 'exports', 'require', bundled.outputFiles[0].text)(module, module.exports, createRequire(import.meta.url));
const { drawMark, encodePng, STATUS_COLOURS, BRAND_COLOUR } = module.exports;

mkdirSync('build', { recursive: true });
const write = (file, size, colour, shape) => {
  writeFileSync(file, encodePng(size, size, drawMark(size, colour, shape)));
  console.log(`wrote ${file} (${size}×${size})`);
};
write('build/icon.png', 512, BRAND_COLOUR, 'rounded');
for (const [status, colour] of Object.entries(STATUS_COLOURS)) {
  write(`build/tray-${status}.png`, 16, colour, 'disc');
  write(`build/tray-${status}@2x.png`, 32, colour, 'disc');
}
