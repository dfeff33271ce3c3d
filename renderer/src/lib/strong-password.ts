/**
 * A random password for a secret Gatehouse verifies (basic auth): 24 characters from 62
 * letters and digits, about 143 bits, drawn with the Web Crypto RNG. Rejection sampling keeps
 * every character equally likely (256 is not a multiple of 62).
 */
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const LIMIT = 256 - (256 % ALPHABET.length);

export function strongPassword(length = 24, random: (bytes: Uint8Array) => Uint8Array = (bytes) => crypto.getRandomValues(bytes)): string {
  let out = '';
  while (out.length < length) {
    for (const byte of random(new Uint8Array(length * 2))) {
      if (byte >= LIMIT) continue;
      out += ALPHABET[byte % ALPHABET.length];
      if (out.length === length) break;
    }
  }
  return out;
}
