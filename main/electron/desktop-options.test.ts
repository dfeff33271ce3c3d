import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { desktopOptions } from './desktop-options';

const userData = '/home/me/.config/Gatehouse';

describe('desktopOptions', () => {
  it("defaults to Electron's userData, the stored gateway port and the standard admin port", () => {
    expect(desktopOptions(['/usr/bin/electron', 'dist/electron/app.cjs'], {}, userData)).toEqual({ dataDir: userData, gatewayPort: undefined, adminPort: 4680, hidden: false, devTools: false });
  });

  it('takes --data-dir over GATEHOUSE_DATA_DIR over userData, resolved to an absolute path', () => {
    expect(desktopOptions(['electron', '.', '--data-dir', 'tmp/x'], { GATEHOUSE_DATA_DIR: '/env/dir' }, userData).dataDir).toBe(path.resolve('tmp/x'));
    expect(desktopOptions(['electron', '.', '--data-dir=/flag/dir'], {}, userData).dataDir).toBe('/flag/dir');
    expect(desktopOptions(['electron', '.'], { GATEHOUSE_DATA_DIR: '/env/dir' }, userData).dataDir).toBe('/env/dir');
  });

  it('reads ports and flags among Chromium switches', () => {
    const options = desktopOptions(['electron', '--no-sandbox', '.', '--gateway-port', '18081', '--port=14680', '--hidden', '--enable-logging'], {}, userData);
    expect(options).toMatchObject({ gatewayPort: 18081, adminPort: 14680, hidden: true });
  });

  it('names a bad port', () => {
    expect(() => desktopOptions(['electron', '.', '--gateway-port', 'eighty'], {}, userData)).toThrow('--gateway-port must be a port number (0-65535), got "eighty"');
    expect(() => desktopOptions(['electron', '.', '--port=70000'], {}, userData)).toThrow('--port must be a port number');
  });
});
