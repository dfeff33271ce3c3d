// Types of electron-native.cjs for the TypeScript tests.
export type LaunchCheck = { ok: true; binary: string } | { ok: false; reason: string; downloadable?: true };
export function electronVersion(): string;
export function electronBinary(env?: NodeJS.ProcessEnv): string | undefined;
export function electronLaunchCheck(env?: NodeJS.ProcessEnv, platform?: NodeJS.Platform): LaunchCheck;
export function downloadElectronBinary(options?: { installer?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number }): { ok: true } | { ok: false; reason: string };
export function sqliteCacheFile(target?: { version?: string; platform?: string; arch?: string }): string;
export function ensureElectronSqlite(options?: { version?: string; platform?: string; arch?: string; log?: (line: string) => void }): string;
