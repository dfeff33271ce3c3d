// electron-builder.yml checked by electron-builder itself (its configuration schema), plus the
// settings the issue asks for: targets, asar with better-sqlite3 unpacked, fuses.
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { WINDOWS_APP_USER_MODEL_ID } from '../main/electron/notifications';
import { resourcesDir } from './electron-after-pack.mjs';

const require = createRequire(import.meta.url);
const root = path.resolve(__dirname, '..');
const { getConfig, validateConfiguration } = require('app-builder-lib/out/util/config/config.js') as {
  getConfig(projectDir: string, configPath: string, fromOptions: null): Promise<Record<string, unknown>>;
  validateConfiguration(config: unknown, logger: unknown): Promise<void>;
};
const { DebugLogger } = require('builder-util') as { DebugLogger: new (enabled: boolean) => unknown };

async function loadConfig() {
  return getConfig(root, path.join(root, 'electron-builder.yml'), null) as Promise<Record<string, any>>;
}

describe('electron-builder.yml', () => {
  it('passes electron-builder validation', async () => {
    const config = await loadConfig();
    await validateConfiguration(config, new DebugLogger(false));
    // The check is real: a misspelt fuse is refused.
    await expect(validateConfiguration({ ...config, electronFuses: { runAsNod: false } }, new DebugLogger(false))).rejects.toThrow(/electronFuses/);
  });

  it('packages Gatehouse for Linux (AppImage, deb), macOS (dmg x64 + arm64) and Windows (nsis)', async () => {
    const config = await loadConfig();
    expect(config).toMatchObject({ appId: 'dev.gatehouse.app', productName: 'Gatehouse', asar: true });
    // The installer's shortcut carries appId; the app claims the same ID for its notifications.
    expect(config.appId).toBe(WINDOWS_APP_USER_MODEL_ID);
    expect(config.linux.target).toEqual(['AppImage', 'deb']);
    expect(config.mac.target).toEqual([{ target: 'dmg', arch: ['x64', 'arm64'] }]);
    expect(config.win.target).toEqual([{ target: 'nsis', arch: ['x64'] }]);
    expect(config.files[0].filter).toEqual(expect.arrayContaining(['dist/**', 'package.json']));
    expect(config.asarUnpack).toContain('node_modules/better-sqlite3/**');
  });

  it('sets the Electron fuses and never rebuilds node_modules in place', async () => {
    const config = await loadConfig();
    expect(config.electronFuses).toEqual({
      runAsNode: false,
      enableCookieEncryption: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      grantFileProtocolExtraPrivileges: false,
    });
    expect(config).toMatchObject({ npmRebuild: false, nodeGypRebuild: false, afterPack: './scripts/electron-after-pack.mjs' });
  });

  it("puts the Electron build of better-sqlite3 in each platform's resources folder", () => {
    const packager = { appInfo: { productFilename: 'Gatehouse' } };
    expect(resourcesDir({ electronPlatformName: 'linux', appOutDir: '/out/linux-unpacked', packager })).toBe('/out/linux-unpacked/resources');
    expect(resourcesDir({ electronPlatformName: 'darwin', appOutDir: '/out/mac-arm64', packager })).toBe('/out/mac-arm64/Gatehouse.app/Contents/Resources');
  });
});
