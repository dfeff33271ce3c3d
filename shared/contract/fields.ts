/** Field schemas the resource models share (ids, names, times, URLs, base paths). */
import { z } from 'zod';
import { checkBasePath, nameProblem } from '../api-paths';

export const idSchema = z.string().min(1);
/** Trimmed; control characters are refused before trimming (they would otherwise hide at the ends). */
export const nameSchema = z.string().transform((raw, ctx) => {
  const problem = nameProblem(raw);
  if (problem === undefined) return raw.trim();
  ctx.addIssue({ code: 'custom', message: problem });
  return z.NEVER;
});
export const descriptionSchema = z.string().max(2000);
export const timeSchema = z.number();

/** An absolute http(s) URL (the upstream of an API, a webhook). */
export const httpUrlSchema = z.string().superRefine((value, ctx) => {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    ctx.addIssue({ code: 'custom', message: `must be an absolute http(s) URL such as http://127.0.0.1:3000/, got "${value}"` });
    return;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    ctx.addIssue({ code: 'custom', message: `must use http or https, got "${url.protocol.slice(0, -1)}"` });
});

/**
 * Credentials in an upstream URL (`http://user:pw@host`) would be stored with the URL and never
 * sent by the gateway: refused, pointing at what does send them.
 */
export const UPSTREAM_CREDENTIALS_MESSAGE =
  'must not contain a user name or password (user:password@host): the gateway does not send them. Send credentials with the header-injection-flex policy (an Authorization header in inboundHeaders), or use the upstream\'s own authentication';

export function hasUrlCredentials(value: string): boolean {
  try {
    const url = new URL(value);
    return url.username !== '' || url.password !== '';
  } catch {
    return false;
  }
}

/** The upstream of an API: an absolute http(s) URL without credentials. */
export const upstreamUrlSchema = httpUrlSchema.superRefine((value, ctx) => {
  if (hasUrlCredentials(value)) ctx.addIssue({ code: 'custom', message: UPSTREAM_CREDENTIALS_MESSAGE });
});

/** Normalized base path: leading slash, no trailing slash (the root is `/`); see shared/api-paths.ts. */
export const basePathSchema = z.string().transform((raw, ctx) => {
  const checked = checkBasePath(raw);
  if (checked.ok) return checked.basePath;
  ctx.addIssue({ code: 'custom', message: checked.message });
  return z.NEVER;
});

export function normalizeBasePath(path: string): string {
  const trimmed = path.replace(/\/+$/, '');
  return trimmed === '' ? '/' : trimmed.replace(/\/{2,}/g, '/');
}

/** `My Orders API` → `/my-orders-api`: the base path an API gets when none is given. */
export function basePathFromName(name: string): string {
  const slug = name
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return `/${slug || 'api'}`;
}
