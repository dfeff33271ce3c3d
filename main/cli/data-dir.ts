/**
 * Where Gatehouse keeps its state: `--data-dir`, else GATEHOUSE_DATA_DIR, else the platform's
 * app-data folder (the same folder Electron's userData uses for an app named Gatehouse).
 */
import os from 'node:os';
import path from 'node:path';

export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform, home = os.homedir()): string {
  if (platform === 'darwin') return path.join(home, 'Library', 'Application Support', 'Gatehouse');
  if (platform === 'win32') return path.win32.join(env.APPDATA ?? path.win32.join(home, 'AppData', 'Roaming'), 'Gatehouse');
  return path.join(env.XDG_CONFIG_HOME || path.join(home, '.config'), 'Gatehouse');
}

export function resolveDataDir(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  const chosen = flag ?? (env.GATEHOUSE_DATA_DIR || undefined);
  return chosen ? path.resolve(chosen) : defaultDataDir(env);
}
