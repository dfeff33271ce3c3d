// electron-builder afterPack hook (electron-builder.yml): puts better-sqlite3 built for
// Electron's ABI and the target platform/arch (scripts/electron-native.cjs, cached) into the
// unpacked part of the package, over the Node build copied from node_modules.
import { copyFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { ensureElectronSqlite } from './electron-native.cjs';

const ARCH_NAMES = ['ia32', 'x64', 'armv7l', 'arm64', 'universal'];

export function resourcesDir(context) {
  if (context.electronPlatformName === 'darwin' || context.electronPlatformName === 'mas')
    return path.join(context.appOutDir, `${context.packager.appInfo.productFilename}.app`, 'Contents', 'Resources');
  return path.join(context.appOutDir, 'resources');
}

export default async function afterPack(context) {
  const arch = ARCH_NAMES[context.arch];
  if (arch === 'universal') throw new Error('universal macOS builds are not supported: build x64 and arm64 separately');
  const version = context.packager.config.electronVersion ?? context.packager.info.framework.version;
  const built = ensureElectronSqlite({ version, platform: context.electronPlatformName, arch, log: (line) => console.log(`  • ${line}`) });
  const target = path.join(resourcesDir(context), 'app.asar.unpacked', 'node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node');
  if (!existsSync(path.dirname(target))) throw new Error(`better-sqlite3 is not unpacked at ${path.dirname(target)}; check asarUnpack in electron-builder.yml`);
  copyFileSync(built, target);
  console.log(`  • better-sqlite3 for Electron ${version} ${context.electronPlatformName}-${arch} → ${path.relative(context.outDir, target)}`);
}
