// `npm start [-- --port N --gateway-port N --data-dir DIR]`: builds, then launches the desktop
// app, downloading the Electron binary first if this install has none yet. Where Electron
// cannot run (no display, binary not downloadable) it says why in one line and runs
// `gatehouse serve` instead, which prints the URL. Signals reach the child; its exit code is
// ours. `--no-build` skips the build (tests).
import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { downloadElectronBinary, electronLaunchCheck, electronVersion, ensureElectronSqlite } from './electron-native.cjs';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const args = process.argv.slice(2).filter((arg) => arg !== '--no-build');

if (!process.argv.includes('--no-build')) {
  const build = spawnSync(process.execPath, [path.join(root, 'scripts', 'build.mjs'), '--all'], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
}

function runChild(command, commandArgs, env) {
  // Its own process group: Ctrl+C reaches the child once (forwarded), not twice, which
  // `gatehouse serve` would take as "stop now without draining".
  const child = spawn(command, commandArgs, { cwd: root, stdio: 'inherit', env, detached: process.platform !== 'win32' });
  const forward = (signal) => child.kill(signal);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, forward);
  child.on('error', (error) => {
    console.error(`gatehouse start: cannot run ${command}: ${error.message}`);
    process.exit(1);
  });
  child.on('exit', (code, signal) => process.exit(code ?? (signal === 'SIGINT' || signal === 'SIGTERM' ? 0 : 1)));
}

function headless(reason) {
  console.log(`${reason} — starting the headless UI instead (gatehouse serve)`);
  runChild(process.execPath, [path.join(root, 'bin', 'gatehouse.cjs'), 'serve', ...args], process.env);
}

let check = electronLaunchCheck();
if (!check.ok && check.downloadable) {
  console.log(`Downloading Electron ${electronVersion()} (first launch only)…`);
  const download = downloadElectronBinary();
  check = download.ok ? electronLaunchCheck() : download;
}
if (!check.ok) {
  headless(check.reason);
} else {
  let binding;
  try {
    binding = ensureElectronSqlite({ log: (line) => console.log(line) });
  } catch (error) {
    headless(error.message);
  }
  if (binding) {
    const env = { ...process.env, GATEHOUSE_SQLITE_BINDING: binding };
    delete env.ELECTRON_RUN_AS_NODE;
    runChild(check.binary, [root, ...args], env);
  }
}
