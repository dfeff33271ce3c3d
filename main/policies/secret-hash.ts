/**
 * Application secrets and basic-auth passwords are stored only as salted scrypt hashes:
 * `scrypt$<salt b64>$<hash b64>`. Verification is constant-time.
 */
import { randomBytes, scrypt, scryptSync, timingSafeEqual } from 'node:crypto';

const KEY_LENGTH = 32;

export function hashSecret(secret: string): string {
  const salt = randomBytes(16);
  const hash = scryptSync(secret, salt, KEY_LENGTH);
  return `scrypt$${salt.toString('base64')}$${hash.toString('base64')}`;
}

export function verifySecret(secret: string, stored: string): boolean {
  const [scheme, saltText, hashText] = stored.split('$');
  if (scheme !== 'scrypt' || !saltText || !hashText) return false;
  const expected = Buffer.from(hashText, 'base64');
  const actual = scryptSync(secret, Buffer.from(saltText, 'base64'), expected.length);
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

/** As verifySecret, off the event loop (libuv's thread pool): for checks made while serving traffic. */
export function verifySecretAsync(secret: string, stored: string): Promise<boolean> {
  const [scheme, saltText, hashText] = stored.split('$');
  if (scheme !== 'scrypt' || !saltText || !hashText) return Promise.resolve(false);
  const expected = Buffer.from(hashText, 'base64');
  return new Promise((resolve) =>
    scrypt(secret, Buffer.from(saltText, 'base64'), expected.length, (error, actual) => resolve(!error && expected.length === actual.length && timingSafeEqual(expected, actual))),
  );
}

export function isSecretHash(value: string): boolean {
  return /^scrypt\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/.test(value);
}
