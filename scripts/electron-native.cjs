// Electron and native modules, for `npm start` and `npm run dist`:
// - electronLaunchCheck(): can the Electron binary run here (a display, installed)? If not, why.
// - downloadElectronBinary(): electron's own installer, which fetches the binary on first use.
// - ensureElectronSqlite(): better-sqlite3 built for Electron's ABI, in a cache
//   (.cache/electron-native/<key>/better_sqlite3.node), never in node_modules, so `npm test`
//   under Node keeps its own build. Prebuilt binary first (prebuild-install), else node-gyp.
// CommonJS so that start.mjs, the electron-builder hook and the Playwright spec can all load it.
const { spawnSync } = require('node:child_process');
const { cpSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync } = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');

function electronVersion() {
  return JSON.parse(readFileSync(path.join(root, 'node_modules', 'electron', 'package.json'), 'utf8')).version;
}

/**
 * The Electron executable without triggering electron's download-on-require: `path.txt` is
 * written by electron's install script once the binary is in place.
 */
function electronBinary(env = process.env) {
  const packageDir = path.join(root, 'node_modules', 'electron');
  const pathFile = path.join(packageDir, 'path.txt');
  const relative = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : undefined;
  if (env.ELECTRON_OVERRIDE_DIST_PATH) return path.join(env.ELECTRON_OVERRIDE_DIST_PATH, relative || 'electron');
  return relative ? path.join(packageDir, 'dist', relative) : undefined;
}

/**
 * `{ ok: true, binary }` or `{ ok: false, reason }` (one line, says what is missing). A missing
 * binary is `downloadable`: electron's installer can fetch it. The display is checked first, so
 * nothing is downloaded for a machine that could not show the window anyway.
 */
function electronLaunchCheck(env = process.env, platform = process.platform) {
  if (env.GATEHOUSE_HEADLESS === '1') return { ok: false, reason: 'GATEHOUSE_HEADLESS=1 is set' };
  if (platform === 'linux' && !env.DISPLAY && !env.WAYLAND_DISPLAY) return { ok: false, reason: 'no display (DISPLAY and WAYLAND_DISPLAY are unset)' };
  const binary = electronBinary(env);
  if (!binary || !existsSync(binary)) return { ok: false, downloadable: true, reason: 'Electron binary not installed (offline install; `npx install-electron` fetches it)' };
  return { ok: true, binary };
}

/**
 * Runs electron's installer (node_modules/electron/install.js, what `require('electron')` runs
 * on first use): `{ ok: true }` once the binary is in place, else `{ ok: false, reason }` in one
 * line. Its progress goes to our stdout; its error is kept for the reason.
 */
function downloadElectronBinary({ installer = path.join(root, 'node_modules', 'electron', 'install.js'), env = process.env, timeoutMs = 10 * 60_000 } = {}) {
  const result = spawnSync(process.execPath, [installer], { cwd: root, env, stdio: ['ignore', 'inherit', 'pipe'], encoding: 'utf8', timeout: timeoutMs, killSignal: 'SIGKILL' });
  if (result.status === 0) return { ok: true };
  const why = result.error?.code === 'ETIMEDOUT' ? `no answer within ${Math.round(timeoutMs / 1000)} s` : firstLine(result.stderr) || String(result.error?.message ?? `installer exited with ${result.status ?? result.signal}`);
  return { ok: false, reason: `Electron binary could not be downloaded (${why})` };
}

function firstLine(text) {
  const line = (text ?? '').split('\n').map((l) => l.trim()).find(Boolean) ?? '';
  return line.length > 160 ? `${line.slice(0, 159)}…` : line;
}

function sqliteCacheFile({ version = electronVersion(), platform = process.platform, arch = process.arch } = {}) {
  const sqliteVersion = JSON.parse(readFileSync(path.join(root, 'node_modules', 'better-sqlite3', 'package.json'), 'utf8')).version;
  const key = `better-sqlite3-${sqliteVersion}-electron-${version}-${platform}-${arch}`;
  return path.join(root, '.cache', 'electron-native', key, 'better_sqlite3.node');
}

function run(command, args, cwd, log) {
  log(`$ ${[command, ...args].join(' ')}`);
  const result = spawnSync(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8', env: { ...process.env, npm_config_build_from_source: '' } });
  if (result.status !== 0) log((result.stderr || result.stdout || String(result.error ?? '')).trim().split('\n').slice(-5).join('\n'));
  return result.status === 0;
}

/**
 * Returns the path of better-sqlite3 built for Electron; builds it into the cache when missing.
 * Throws with the reason when neither a prebuilt binary nor a local compile works.
 */
function ensureElectronSqlite({ version = electronVersion(), platform = process.platform, arch = process.arch, log = () => {} } = {}) {
  const target = sqliteCacheFile({ version, platform, arch });
  if (existsSync(target)) return target;
  const source = path.dirname(require.resolve('better-sqlite3/package.json'));
  const work = `${path.dirname(target)}.build-${process.pid}`;
  rmSync(work, { recursive: true, force: true });
  // A private copy of the package, so node_modules/better-sqlite3/build is never touched.
  const buildDir = path.join(source, 'build');
  cpSync(source, work, { recursive: true, filter: (file) => file !== buildDir && !file.startsWith(buildDir + path.sep) });
  try {
    const prebuild = path.join(path.dirname(require.resolve('prebuild-install/package.json')), 'bin.js');
    // node-gyp compiles for this OS only; another platform's addon must come prebuilt.
    const built =
      run(process.execPath, [prebuild, '--runtime', 'electron', '--target', version, '--arch', arch, '--platform', platform], work, log) ||
      (platform === process.platform &&
        run(process.execPath, [require.resolve('node-gyp/bin/node-gyp.js'), 'rebuild', '--release', `--target=${version}`, `--arch=${arch}`, '--dist-url=https://electronjs.org/headers', '--runtime=electron'], work, log));
    const output = path.join(work, 'build', 'Release', 'better_sqlite3.node');
    if (!built || !existsSync(output)) {
      const compile = platform === process.platform ? 'and compiling it with node-gyp failed' : `and node-gyp cannot compile for ${platform} on ${process.platform}`;
      throw new Error(`could not build better-sqlite3 for Electron ${version} (${platform}-${arch}): no prebuilt binary could be downloaded ${compile}`);
    }
    mkdirSync(path.dirname(target), { recursive: true });
    renameSync(output, target);
    return target;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

module.exports = { electronVersion, electronBinary, electronLaunchCheck, downloadElectronBinary, sqliteCacheFile, ensureElectronSqlite };
