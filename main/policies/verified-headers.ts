/**
 * Authorization headers already proven right, so that a hashed password costs one scrypt per
 * distinct credential, not one per request. Only successful headers are kept, at most `limit`
 * (a binding has one user and password; the few spellings of its header fit), oldest dropped
 * first. A lookup compares the header with every entry in one branch-free pass, never
 * stopping early, so its timing says nothing about how close a guess was.
 */
export class VerifiedHeaders {
  private readonly entries: string[] = [];

  constructor(private readonly limit = 8) {}

  has(header: string): boolean {
    let found = 0;
    for (const entry of this.entries) found |= sameText(header, entry);
    return found === 1;
  }

  add(header: string): void {
    if (this.has(header)) return;
    // Flattened once here: charCodeAt on a concatenated string walks it on every call.
    this.entries.push(Buffer.from(header, 'latin1').toString('latin1'));
    if (this.entries.length > this.limit) this.entries.shift();
  }

  get size(): number {
    return this.entries.length;
  }
}

/**
 * 1 when equal, else 0; the work depends on the expected length only (the length difference is
 * folded in, not branched on).
 */
export function sameText(actual: string, expected: string): 0 | 1 {
  let difference = actual.length ^ expected.length;
  for (let i = 0; i < expected.length; i++) difference |= actual.charCodeAt(i) ^ expected.charCodeAt(i);
  return difference === 0 ? 1 : 0;
}
