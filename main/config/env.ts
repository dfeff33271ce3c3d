/**
 * `$ENV_NAME` / `${ENV_NAME}` substitution in string values. `$$` is a literal `$`.
 * `$NAME` takes conventional upper-case names only, so regexes such as `^/users/(.*)$` and
 * lower-case text after a dollar stay untouched; `${name}` takes any identifier.
 * `${NAME:-default}` (as in shells and Docker Compose) gives `default` when NAME is unset or
 * empty: portable exports write the exporting instance's port and data dir that way.
 */
import { isSecretHash } from '../policies/secret-hash';

const REFERENCE = /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}|\$([A-Z_][A-Z0-9_]*)/g;

export type Env = Readonly<Record<string, string | undefined>>;

export type SubstitutionResult = { ok: true; value: string } | { ok: false; missing: string[] };

export function substituteEnv(text: string, env: Env): SubstitutionResult {
  // A stored scrypt hash (`scrypt$<salt>$<hash>`) contains dollars by design.
  if (!text.includes('$') || isSecretHash(text)) return { ok: true, value: text };
  const missing: string[] = [];
  const value = text.replace(REFERENCE, (match, braced: string | undefined, fallback: string | undefined, bare: string | undefined) => {
    if (match === '$$') return '$';
    const name = (braced ?? bare)!;
    const found = env[name];
    if (fallback !== undefined && (found === undefined || found === '')) return fallback;
    if (found === undefined) {
      missing.push(name);
      return match;
    }
    return found;
  });
  return missing.length ? { ok: false, missing } : { ok: true, value };
}

/** The inverse for export: escapes dollars that substitution would otherwise consume. */
export function escapeEnv(text: string): string {
  if (!text.includes('$') || isSecretHash(text)) return text;
  return text.replace(/\$(?=[$A-Z_{])/g, '$$$$');
}

/** `${NAME:-default}`: a reference the loader resolves to `default` when NAME is not set. */
export function referenceWithDefault(name: string, fallback: string): string {
  return `\${${name}:-${fallback}}`;
}
