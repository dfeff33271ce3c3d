/**
 * Where the key that encrypts stored secrets (webhook URLs, TLS private keys, Redis passwords)
 * comes from. `gatehouse serve` and the CLI keep it in `<data-dir>/secret-key` (32 random
 * bytes, 0600, made on first use); the desktop app injects a provider that keeps it wrapped by
 * the OS keychain (main/electron/safe-storage-key.ts).
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ensurePrivateDir, ensurePrivateFile, PRIVATE_FILE_MODE } from './private-files';

export const SECRET_KEY_BYTES = 32;
export const SECRET_KEY_FILE = 'secret-key';
/** The key wrapped by Electron's safeStorage (written by the desktop app). */
export const WRAPPED_SECRET_KEY_FILE = 'secret-key.safe-storage';

export interface SecretKeyProvider {
  /** Where the key lives, for error messages: "the key file /data/secret-key". */
  readonly description: string;
  /**
   * The 32-byte key. Without `create`, undefined when none exists yet (nothing was encrypted);
   * with it, one is made. Throws with a message saying what is wrong when it cannot be read.
   */
  loadKey(options: { create: boolean }): Buffer | undefined;
}

export function fileSecretKeyProvider(dataDir: string): SecretKeyProvider {
  const file = path.join(dataDir, SECRET_KEY_FILE);
  return {
    description: `the key file ${file}`,
    loadKey({ create }) {
      if (existsSync(file)) return readKeyFile(file);
      if (existsSync(path.join(dataDir, WRAPPED_SECRET_KEY_FILE)))
        throw new Error(
          `the secrets in ${dataDir} are protected by the desktop app's key (in the OS keychain); open this data dir with the Gatehouse app, or re-enter them here`,
        );
      if (!create) return undefined;
      ensurePrivateDir(dataDir);
      try {
        // `wx`: another process (serve and an import) may create it at the same moment; theirs wins.
        writeFileSync(file, randomBytes(SECRET_KEY_BYTES), { mode: PRIVATE_FILE_MODE, flag: 'wx' });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      return readKeyFile(file);
    },
  };
}

function readKeyFile(file: string): Buffer {
  ensurePrivateFile(file);
  const key = readFileSync(file);
  if (key.length !== SECRET_KEY_BYTES) throw new Error(`${file} holds ${key.length} bytes, not a ${SECRET_KEY_BYTES}-byte key`);
  return key;
}
