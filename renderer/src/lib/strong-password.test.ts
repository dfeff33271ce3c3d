import { describe, expect, it } from 'vitest';
import { strongPassword } from './strong-password';

describe('strongPassword', () => {
  it('gives 24 letters and digits, different each time', () => {
    const first = strongPassword();
    expect(first).toMatch(/^[A-Za-z0-9]{24}$/);
    expect(new Set(Array.from({ length: 20 }, () => strongPassword())).size).toBe(20);
  });

  it('never maps the biased top bytes onto the alphabet', () => {
    // Bytes 248–255 would favour the first 8 characters; they are skipped, not folded in.
    const source = [255, 250, 248, 0, 61, 62];
    const password = strongPassword(3, (bytes) => bytes.map((_, i) => source[i % source.length]!));
    expect(password).toBe('A9A');
  });
});
