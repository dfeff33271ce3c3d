/**
 * The data dir holds secrets (admin token, secret key, hashed credentials, encrypted webhook
 * URLs): it is 0700 and the files directly in it 0600, whatever the umask, and an existing
 * install created with 0755/0644 is narrowed on the next start. Modes are set with chmod after
 * creating, because the create mode is filtered through the umask.
 */
import { chmodSync, closeSync, lstatSync, mkdirSync, openSync, readdirSync } from 'node:fs';
import path from 'node:path';

export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

/** Creates the dir (0700) if needed, and narrows it and its regular files to 0700/0600. */
export function ensurePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  restrict(dir, PRIVATE_DIR_MODE);
  for (const name of readdirSync(dir)) {
    const file = path.join(dir, name);
    let stat;
    try {
      stat = lstatSync(file);
    } catch {
      continue; // removed meanwhile (a SQLite -shm, a temp file)
    }
    // Only plain files: subfolders (Electron's profile) keep their own layout, symlinks are not followed.
    if (stat.isFile() && (stat.mode & 0o777) !== PRIVATE_FILE_MODE) restrict(file, PRIVATE_FILE_MODE);
  }
}

/**
 * Creates an empty file with mode 0600 when it does not exist yet (and narrows an existing one).
 * SQLite creates its -wal and -shm files with the mode of the database file, so a database
 * file made here keeps all three private.
 */
export function ensurePrivateFile(file: string): void {
  closeSync(openSync(file, 'a', PRIVATE_FILE_MODE));
  restrict(file, PRIVATE_FILE_MODE);
}

function restrict(target: string, mode: number): void {
  try {
    chmodSync(target, mode);
  } catch (error) {
    // Windows has no POSIX modes; a file owned by someone else cannot be changed by us.
    if (process.platform !== 'win32' && (error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}
