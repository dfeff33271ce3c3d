import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { autostartDesktopEntry, autostartFile, electronLoginItem, linuxLoginItem } from './login-item';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('Linux autostart', () => {
  it('writes and removes an XDG autostart entry that starts the app hidden', () => {
    const home = mkdtempSync(path.join(os.tmpdir(), 'gatehouse-autostart-'));
    dirs.push(home);
    const file = autostartFile({ XDG_CONFIG_HOME: path.join(home, 'config') }, home);
    expect(file).toBe(path.join(home, 'config', 'autostart', 'gatehouse.desktop'));
    const item = linuxLoginItem(file, ['/opt/Gatehouse/Gatehouse.AppImage']);
    expect(item.get()).toBe(false);
    item.set(true);
    expect(item.get()).toBe(true);
    expect(readFileSync(file, 'utf8')).toContain('Exec=/opt/Gatehouse/Gatehouse.AppImage --hidden\n');
    item.set(false);
    expect(existsSync(file)).toBe(false);
    item.set(false);
  });

  it('quotes paths with spaces and special characters', () => {
    expect(autostartDesktopEntry(['/home/me/My Apps/electron', '/src/"x"/app.cjs'])).toContain('Exec="/home/me/My Apps/electron" "/src/\\"x\\"/app.cjs"');
    expect(autostartFile({}, '/home/me')).toBe('/home/me/.config/autostart/gatehouse.desktop');
  });
});

describe('macOS and Windows', () => {
  it("uses Electron's login item settings with the hidden flag", () => {
    let settings = { openAtLogin: false, args: [] as string[] | undefined };
    const item = electronLoginItem({ getLoginItemSettings: () => settings, setLoginItemSettings: (next) => void (settings = { ...next, args: next.args }) });
    item.set(true);
    expect(item.get()).toBe(true);
    expect(settings.args).toEqual(['--hidden']);
  });
});
