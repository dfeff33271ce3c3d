/**
 * The desktop app's command line and environment, read leniently: Electron's argv also holds
 * the app path and Chromium switches. Same names as `gatehouse serve`: --data-dir (else
 * GATEHOUSE_DATA_DIR, else Electron's userData), --gateway-port, --port (admin API), plus
 * --hidden (start in the tray) and --dev-tools.
 */
import path from 'node:path';

export interface DesktopOptions {
  dataDir: string;
  /** Only when given: otherwise the stored port is kept (8081 on first start), as with `gatehouse serve`. */
  gatewayPort: number | undefined;
  /** Admin API and web UI port on 127.0.0.1 (replicas and "open in browser" use it). */
  adminPort: number;
  hidden: boolean;
  devTools: boolean;
}

export const DEFAULT_ADMIN_PORT = 4680;

function flagValue(argv: readonly string[], name: string): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === `--${name}`) return argv[i + 1];
    if (arg.startsWith(`--${name}=`)) return arg.slice(name.length + 3);
  }
  return undefined;
}

function portValue(value: string | undefined, name: string): number | undefined;
function portValue(value: string | undefined, name: string, fallback: number): number;
function portValue(value: string | undefined, name: string, fallback?: number): number | undefined {
  if (value === undefined || value === '') return fallback;
  if (!/^\d+$/.test(value) || Number(value) > 65_535) throw new Error(`--${name} must be a port number (0-65535), got "${value}"`);
  return Number(value);
}

export function desktopOptions(argv: readonly string[], env: NodeJS.ProcessEnv, userDataDir: string): DesktopOptions {
  const dataDir = flagValue(argv, 'data-dir') || env.GATEHOUSE_DATA_DIR || userDataDir;
  return {
    dataDir: path.resolve(dataDir),
    gatewayPort: portValue(flagValue(argv, 'gateway-port'), 'gateway-port'),
    adminPort: portValue(flagValue(argv, 'port'), 'port', DEFAULT_ADMIN_PORT),
    hidden: argv.includes('--hidden'),
    devTools: argv.includes('--dev-tools') || env.GATEHOUSE_DEV_TOOLS === '1',
  };
}
