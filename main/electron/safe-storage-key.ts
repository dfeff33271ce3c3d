/**
 * The desktop app's key for stored secrets: 32 random bytes wrapped by Electron's safeStorage
 * (the OS keychain: Keychain, DPAPI, libsecret/kwallet) in `<data-dir>/secret-key.safe-storage`,
 * so a copy of the data dir alone does not decrypt anything. A key file left by
 * `gatehouse serve` on the same data dir is adopted: wrapped, then its clear copy removed.
 * Where no keychain is usable (Linux without one gives safeStorage's "basic_text" backend, a
 * fixed key) the plain key file is used instead, as `gatehouse serve` does.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ensurePrivateDir, ensurePrivateFile, PRIVATE_FILE_MODE } from '../store/private-files';
import { fileSecretKeyProvider, SECRET_KEY_BYTES, SECRET_KEY_FILE, WRAPPED_SECRET_KEY_FILE, type SecretKeyProvider } from '../store/secret-keys';

/** The part of Electron's safeStorage used here. */
export interface SafeStorageLike {
  isEncryptionAvailable(): boolean;
  encryptString(plainText: string): Buffer;
  decryptString(encrypted: Buffer): string;
  /** Linux only. */
  getSelectedStorageBackend?(): string;
}

export function safeStorageKeyProvider(safeStorage: SafeStorageLike, dataDir: string, log: (level: 'warn', message: string) => void = () => {}): SecretKeyProvider {
  const wrappedFile = path.join(dataDir, WRAPPED_SECRET_KEY_FILE);
  const plainFile = path.join(dataDir, SECRET_KEY_FILE);
  const fallback = fileSecretKeyProvider(dataDir);
  const usable = () => safeStorage.isEncryptionAvailable() && safeStorage.getSelectedStorageBackend?.() !== 'basic_text';
  let warned = false;

  return {
    get description() {
      return existsSync(wrappedFile) || usable() ? `the key wrapped by the OS keychain in ${wrappedFile}` : fallback.description;
    },
    loadKey({ create }) {
      if (existsSync(wrappedFile)) {
        if (!usable()) throw new Error(`the OS keychain that wrapped ${wrappedFile} cannot be used now`);
        const key = Buffer.from(safeStorage.decryptString(readFileSync(wrappedFile)), 'base64');
        if (key.length !== SECRET_KEY_BYTES) throw new Error(`${wrappedFile} does not hold a ${SECRET_KEY_BYTES}-byte key`);
        return key;
      }
      if (!usable()) {
        if (!warned) log('warn', `no OS keychain is available: stored secrets are encrypted with the key file ${plainFile} (mode 0600)`);
        warned = true;
        return fallback.loadKey({ create });
      }
      const key = existsSync(plainFile) ? fallback.loadKey({ create: false }) : create ? randomBytes(SECRET_KEY_BYTES) : undefined;
      if (!key) return undefined;
      ensurePrivateDir(dataDir);
      writeFileSync(wrappedFile, safeStorage.encryptString(key.toString('base64')), { mode: PRIVATE_FILE_MODE });
      ensurePrivateFile(wrappedFile);
      rmSync(plainFile, { force: true });
      return key;
    },
  };
}
