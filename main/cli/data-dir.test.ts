import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultDataDir, resolveDataDir } from './data-dir';

describe('data directory', () => {
  it('uses the flag, else GATEHOUSE_DATA_DIR, else the app-data folder', () => {
    expect(resolveDataDir('rel/dir', { GATEHOUSE_DATA_DIR: '/env' })).toBe(path.resolve('rel/dir'));
    expect(resolveDataDir(undefined, { GATEHOUSE_DATA_DIR: '/env' })).toBe('/env');
    expect(resolveDataDir(undefined, { GATEHOUSE_DATA_DIR: '', XDG_CONFIG_HOME: '/xdg' })).toBe(path.join('/xdg', 'Gatehouse'));
  });

  it('follows each platform\'s convention (Electron userData)', () => {
    expect(defaultDataDir({}, 'linux', '/home/ada')).toBe('/home/ada/.config/Gatehouse');
    expect(defaultDataDir({}, 'darwin', '/Users/ada')).toBe('/Users/ada/Library/Application Support/Gatehouse');
    expect(defaultDataDir({ APPDATA: 'C:\\Users\\ada\\AppData\\Roaming' }, 'win32', 'C:\\Users\\ada')).toBe('C:\\Users\\ada\\AppData\\Roaming\\Gatehouse');
  });
});
