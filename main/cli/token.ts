/**
 * `gatehouse token mint|decode`: test tokens for scripts, signed with the same keys (same data
 * dir, same SQLite file) as the app's token workbench. Only the token goes to stdout, so
 * `curl -H "Authorization: Bearer $(gatehouse token mint --api Orders)"` works.
 */
import { existsSync } from 'node:fs';
import type { Store } from '../store/store';
import { parseCommandArgs } from './args';
import { UsageError, type CliCommand } from './command';
import { resolveDataDir } from './data-dir';

const usage = `Usage: gatehouse token mint --api NAME [--claim NAME=VALUE]... [--expires 10m] [--not-before 0s] [--key KID] [--data-dir DIR]
       gatehouse token decode TOKEN

mint     Signs a token with a signing key of the API (the newest unless --key names one; keys are
         generated in the app: API > Policies > JWT validation > Keys, or Try it > Token). Prints
         only the token. --claim may repeat; a repeated name makes a list (aud=a --claim aud=b),
         a JSON value stays JSON (n=3, admin=true, roles=["a","b"]). --expires: lifetime as 30s,
         10m, 2h, 7d or seconds (default 10m; 0 for no exp). --not-before: nbf from now (same units,
         may be negative); no nbf when absent.
decode   Prints the header and payload of any JWT as JSON, without checking it.`;

const UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };

/** `10m` → 600; a bare number is seconds. */
export function durationSeconds(text: string, flag: string, allowNegative = false): number {
  const match = /^(-?)(\d+)([smhd]?)$/.exec(text.trim());
  if (!match || (match[1] && !allowNegative)) throw new UsageError(`--${flag} must be a duration such as 30s, 10m, 2h or 7d${allowNegative ? ' (may be negative)' : ''}, got "${text}"`);
  return (match[1] ? -1 : 1) * Number(match[2]) * UNITS[match[3] || 's']!;
}

/** `--claim` values into a claims object; a repeated name collects a list. */
export function parseClaims(values: readonly string[], claimValue: (text: string) => unknown): Record<string, unknown> {
  const claims: Record<string, unknown> = {};
  for (const entry of values) {
    const at = entry.indexOf('=');
    const name = at > 0 ? entry.slice(0, at).trim() : '';
    if (!name) throw new UsageError(`--claim must be NAME=VALUE (e.g. --claim sub=alice), got "${entry}"`);
    if (['exp', 'nbf', 'iat'].includes(name)) throw new UsageError(`--claim ${name}: set by --expires / --not-before and the time of minting`);
    const value = claimValue(entry.slice(at + 1));
    if (!Object.hasOwn(claims, name)) claims[name] = value;
    else claims[name] = [...(Array.isArray(claims[name]) ? (claims[name] as unknown[]) : [claims[name]]), value];
  }
  return claims;
}

async function mint(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(
    argv,
    {
      api: { type: 'string', short: 'a' },
      claim: { type: 'string', short: 'c', multiple: true },
      expires: { type: 'string', short: 'e' },
      'not-before': { type: 'string' },
      key: { type: 'string', short: 'k' },
      'data-dir': { type: 'string', short: 'd' },
    },
    true,
  );
  if (values.help) {
    process.stdout.write(`${usage}\n`);
    return 0;
  }
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"; claims go in --claim NAME=VALUE`);
  const apiName = values.api as string | undefined;
  if (!apiName) throw new UsageError('--api is required: the name (or id) of the API whose key signs the token');
  const expiresInSeconds = durationSeconds((values.expires as string | undefined) ?? '10m', 'expires');
  const notBefore = values['not-before'] as string | undefined;
  const notBeforeSeconds = notBefore === undefined ? undefined : durationSeconds(notBefore, 'not-before', true);
  const dataDir = resolveDataDir(values['data-dir'] as string | undefined);

  const [{ claimValue, mintToken }, { databasePath }, { Store }] = await Promise.all([import('../control/token-keys'), import('../store/database'), import('../store/store')]);
  const claims = parseClaims((values.claim as string[] | undefined) ?? [], claimValue);
  if (!existsSync(databasePath(dataDir))) {
    process.stderr.write(`gatehouse token: --data-dir: no Gatehouse data in ${dataDir} (start the app or \`gatehouse serve\` there first)\n`);
    return 1;
  }
  let store: Store;
  try {
    store = Store.open(dataDir);
  } catch (error) {
    process.stderr.write(`gatehouse token: ${(error as Error).message}\n`);
    return 1;
  }
  try {
    const api = store.apis.findByName(apiName) ?? store.apis.get(apiName);
    if (!api) {
      process.stderr.write(`gatehouse token: --api: no API named "${apiName}" in ${dataDir} (APIs: ${store.apis.list().map((a) => a.name).join(', ') || 'none'})\n`);
      return 2;
    }
    const keys = store.signingKeys.listByApi(api.id);
    const kid = values.key as string | undefined;
    const key = kid === undefined ? keys[0] : keys.find((candidate) => candidate.kid === kid);
    if (!key) {
      const known = keys.map((candidate) => `${candidate.kid} (${candidate.alg})`).join(', ');
      process.stderr.write(
        kid === undefined
          ? `gatehouse token: --api: API "${api.name}" has no signing key yet; generate one in the app (Policies > JWT validation > Keys, or Try it > Token)\n`
          : `gatehouse token: --key: API "${api.name}" has no key "${kid}"${known ? ` (keys: ${known})` : ''}\n`,
      );
      return 2;
    }
    const material = store.signingKeys.privateMaterial(api.id, key.kid)!;
    process.stdout.write(`${mintToken(key, material, { claims, expiresInSeconds, ...(notBeforeSeconds !== undefined ? { notBeforeSeconds } : {}) }).token}\n`);
    return 0;
  } catch (error) {
    process.stderr.write(`gatehouse token: ${(error as Error).message}\n`);
    return 1;
  } finally {
    store.close();
  }
}

async function decode(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, {}, true);
  if (values.help) {
    process.stdout.write(`${usage}\n`);
    return 0;
  }
  if (positionals.length !== 1) throw new UsageError('decode takes one argument: the token');
  const { decodeToken } = await import('../policies/jwt-token');
  const decoded = decodeToken(positionals[0]!.trim());
  if (!decoded.ok) {
    process.stderr.write(`gatehouse token: TOKEN: ${decoded.reason}\n`);
    return 2;
  }
  process.stdout.write(`${JSON.stringify({ header: decoded.token.header, payload: decoded.token.claims }, null, 2)}\n`);
  return 0;
}

export const tokenCommand: CliCommand = {
  name: 'token',
  summary: "mint a test JWT with an API's signing key, or decode one",
  usage,
  async run(argv) {
    const [sub, ...rest] = argv;
    if (sub === 'mint') return mint(rest);
    if (sub === 'decode') return decode(rest);
    if (sub === undefined || sub === '--help' || sub === '-h') {
      process.stdout.write(`${usage}\n`);
      return sub === undefined ? 2 : 0;
    }
    throw new UsageError(`unknown token command "${sub}"; use mint or decode`);
  },
};
