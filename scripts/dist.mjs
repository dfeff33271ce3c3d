// `npm run dist [-- electron-builder args]`: builds everything, then packages with
// electron-builder (electron-builder.yml) for this platform, or for the targets given, e.g.
// `npm run dist -- --linux AppImage deb`, `npm run dist -- --mac --arm64`, `npm run dist -- --win`.
// Packages land in out/. Needs the Electron zip for the target (downloaded, or from the cache).
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const run = (args) => spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit' }).status ?? 1;

const built = run([path.join(root, 'scripts', 'build.mjs'), '--all']);
if (built !== 0) process.exit(built);
const cli = path.join(root, 'node_modules', 'electron-builder', 'cli.js');
process.exit(run([cli, '--config', 'electron-builder.yml', '--publish', 'never', ...process.argv.slice(2)]));
