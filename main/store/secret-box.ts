/**
 * Secrets the control plane must use in clear (webhook URLs, TLS private keys, Redis
 * passwords) are stored encrypted: AES-256-GCM under the data dir's key, as
 * `enc:v1:<base64 of iv | tag | ciphertext>`. The key is loaded on first use, so a data dir
 * that never stored such a secret never gets a key. A value that cannot be decrypted (key lost
 * or replaced) is reported naming its field; it never takes the process down.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { SecretKeyProvider } from './secret-keys';

export const SEALED_PREFIX = 'enc:v1:';
const IV_BYTES = 12;
const TAG_BYTES = 16;

export function isSealed(value: unknown): value is string {
  return typeof value === 'string' && value.startsWith(SEALED_PREFIX);
}

/** Thrown by `open` with a message that names the field and says what to do. */
export class SecretUnreadableError extends Error {
  readonly code = 'SECRET_UNREADABLE';
  constructor(
    readonly field: string,
    reason: string,
  ) {
    super(`${field} cannot be decrypted: ${reason}; enter it again`);
    this.name = 'SecretUnreadableError';
  }
}

export class SecretBox {
  private key: Buffer | undefined;

  constructor(readonly provider: SecretKeyProvider) {}

  /** Encrypts `plain` (a value already sealed is returned as it is). */
  seal(plain: string): string {
    if (isSealed(plain)) return plain;
    const key = this.loadKey(true)!;
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return SEALED_PREFIX + Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64');
  }

  /** Decrypts a sealed value; any other value is returned as it is (written before encryption). */
  open(value: string, field: string): string {
    if (!isSealed(value)) return value;
    let key: Buffer | undefined;
    try {
      key = this.loadKey(false);
    } catch (error) {
      throw new SecretUnreadableError(field, (error as Error).message);
    }
    if (!key) throw new SecretUnreadableError(field, `${this.provider.description} is missing`);
    const raw = Buffer.from(value.slice(SEALED_PREFIX.length), 'base64');
    if (raw.length < IV_BYTES + TAG_BYTES) throw new SecretUnreadableError(field, 'the stored value is damaged');
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, IV_BYTES));
      decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
      return Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
    } catch {
      throw new SecretUnreadableError(field, `it was encrypted with another key than ${this.provider.description}`);
    }
  }

  /** Like `open`, but an unreadable value stays sealed (callers check `isSealed` and report it). */
  openOrKeep(value: string, field: string): string {
    try {
      return this.open(value, field);
    } catch (error) {
      if (error instanceof SecretUnreadableError) return value;
      throw error;
    }
  }

  private loadKey(create: boolean): Buffer | undefined {
    if (this.key) return this.key;
    const key = this.provider.loadKey({ create });
    if (key) this.key = key;
    return key;
  }
}
