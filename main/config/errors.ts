/**
 * Config errors are data: where (file, line), what (field path) and why. Every stage collects
 * them instead of throwing, so `gatehouse validate` can print all of them at once.
 */

export interface ConfigError {
  file: string;
  /** 1-based; 0 when the error has no line (a missing directory, an unreadable file). */
  line: number;
  /** Dotted field path such as `spec.policies[0].config.rateLimits[0].maximumRequests`; may be empty. */
  field: string;
  message: string;
}

export type FieldPath = readonly (string | number)[];

/** `['spec', 'policies', 0, 'config']` → `spec.policies[0].config`. */
export function formatFieldPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else {
      const text = String(part);
      // Keys that are not identifiers (labels such as `secured-by: yes`, header names) are quoted.
      const plain = /^[A-Za-z_][A-Za-z0-9_-]*$/.test(text);
      out += plain ? (out ? `.${text}` : text) : `[${JSON.stringify(text)}]`;
    }
  }
  return out;
}

/** `file:line: field: message`, leaving out what is unknown. */
export function formatConfigError(error: ConfigError): string {
  const where = error.line > 0 ? `${error.file}:${error.line}` : error.file;
  return error.field ? `${where}: ${error.field}: ${error.message}` : `${where}: ${error.message}`;
}

/**
 * One line per mistake: a misspelt field is dropped with an "unknown field … (did you mean
 * maximumRequests?)" warning, and then the real name is missing. The two become one error,
 * on the line of the misspelling, naming both.
 */
export function foldMisspellings(errors: ConfigError[], warnings: ConfigError[]): { errors: ConfigError[]; warnings: ConfigError[] } {
  const folded = new Set<ConfigError>();
  const out = errors.map((error) => {
    if (!error.message.startsWith('required')) return error;
    const cut = Math.max(error.field.lastIndexOf('.'), error.field.lastIndexOf('['));
    const parent = cut < 0 ? '' : error.field.slice(0, cut);
    const name = error.field.slice(cut + 1);
    const typo = warnings.find(
      (warning) =>
        !folded.has(warning) &&
        warning.file === error.file &&
        warning.field.slice(0, Math.max(warning.field.lastIndexOf('.'), warning.field.lastIndexOf('['))) === parent &&
        new RegExp(`did you mean (?:\\S+ or )*${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\b`).test(warning.message),
    );
    if (typo === undefined) return error;
    folded.add(typo);
    const misspelt = typo.field.slice(Math.max(typo.field.lastIndexOf('.'), typo.field.lastIndexOf('[')) + 1);
    return { ...error, line: typo.line || error.line, message: `${error.message}; found "${misspelt}" instead (a misspelling?)` };
  });
  return { errors: out, warnings: warnings.filter((warning) => !folded.has(warning)) };
}

export function sortConfigErrors(errors: ConfigError[]): ConfigError[] {
  return [...errors].sort((a, b) => (a.file === b.file ? a.line - b.line : a.file < b.file ? -1 : 1));
}

/** Levenshtein distance, for "did you mean" suggestions. */
export function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length]!;
}

/** Up to `limit` candidates close to `name` (edit distance or a shared stem), closest first. */
export function similarNames(name: string, candidates: readonly string[], limit = 3): string[] {
  // Compare without Flex's `-flex` suffix, so `nope-flex` is not "close" to `cors-flex`.
  const stemOf = (text: string) => text.toLowerCase().replace(/-flex$/, '');
  const stem = stemOf(name);
  return candidates
    .map((candidate) => {
      const other = stemOf(candidate);
      let score = editDistance(stem, other);
      if (stem.length >= 4 && (other.includes(stem) || stem.includes(other))) score = Math.min(score, 2);
      return { candidate, score, limit: Math.max(2, Math.floor(other.length / 3)) };
    })
    .filter(({ score, limit: max }) => score <= max)
    .sort((a, b) => a.score - b.score || a.candidate.localeCompare(b.candidate))
    .slice(0, limit)
    .map(({ candidate }) => candidate);
}
