/** Field schemas the resource models share (ids, names, times, URLs, base paths). */
import { z } from 'zod';

export const idSchema = z.string().min(1);
export const nameSchema = z.string().trim().min(1, 'must not be empty').max(100, 'must be at most 100 characters');
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

/** Normalized base path: leading slash, no trailing slash (the root is `/`), no query. */
export const basePathSchema = z
  .string()
  .trim()
  .regex(/^\/[^\s?#]*$/, 'must start with "/" and contain no spaces, "?" or "#"')
  .transform(normalizeBasePath);

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
