/**
 * "Start at login". macOS and Windows have it in Electron (app.setLoginItemSettings); on Linux
 * it is an XDG autostart entry (~/.config/autostart/gatehouse.desktop). Started at login, the
 * app opens hidden in the tray (`--hidden`).
 */
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const HIDDEN_FLAG = '--hidden';

export interface LoginItem {
  /** `undefined` where the platform cannot start apps at login. */
  get(): boolean | undefined;
  set(enabled: boolean): void;
}

/** Quotes an Exec argument per the Desktop Entry spec. */
function quoteExecArg(arg: string): string {
  return /[\s"'\\$`]/.test(arg) ? `"${arg.replace(/(["`$\\])/g, '\\$1')}"` : arg;
}

export function autostartDesktopEntry(command: readonly string[]): string {
  return ['[Desktop Entry]', 'Type=Application', 'Name=Gatehouse', 'Comment=Local API gateway manager', `Exec=${command.map(quoteExecArg).join(' ')}`, 'X-GNOME-Autostart-enabled=true', ''].join('\n');
}

export function autostartFile(env: NodeJS.ProcessEnv = process.env, home = os.homedir()): string {
  return path.join(env.XDG_CONFIG_HOME || path.join(home, '.config'), 'autostart', 'gatehouse.desktop');
}

/** Linux: the file's presence is the setting. `command` starts the app (AppImage path, or electron + app dir). */
export function linuxLoginItem(file: string, command: readonly string[]): LoginItem {
  return {
    get: () => existsSync(file),
    set(enabled) {
      if (!enabled) return rmSync(file, { force: true });
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, autostartDesktopEntry([...command, HIDDEN_FLAG]));
    },
  };
}

export interface ElectronLoginSettings {
  getLoginItemSettings(): { openAtLogin: boolean };
  setLoginItemSettings(settings: { openAtLogin: boolean; args?: string[] }): void;
}

export function electronLoginItem(app: ElectronLoginSettings): LoginItem {
  return {
    get: () => app.getLoginItemSettings().openAtLogin,
    set: (enabled) => app.setLoginItemSettings({ openAtLogin: enabled, args: [HIDDEN_FLAG] }),
  };
}
