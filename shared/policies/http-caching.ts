/**
 * http-caching-flex: a shared HTTP cache in front of the upstream. Keys and defaults are those of
 * Flex's local-mode page; `maxCacheBytes` and `maxEntryBytes` are Gatehouse's bounds on memory.
 */
import { z } from 'zod';
import type { PolicyCatalogueEntry } from './catalogue-entry';
import { expressionString, headerNameString } from './common';
import { parseCondition, type ConditionPhase } from './condition-expression';

function conditionString(phase: ConditionPhase) {
  return z.string().superRefine((value, ctx) => {
    const parsed = parseCondition(value, phase);
    if (!parsed.ok) ctx.addIssue({ code: 'custom', message: parsed.message });
  });
}

export const DEFAULT_REQUEST_EXPRESSION = "#[attributes.method == 'GET' or attributes.method == 'HEAD']";
export const DEFAULT_RESPONSE_EXPRESSION = '#[[200, 203, 204, 206, 300, 301, 404, 405, 410, 414, 501] contains attributes.statusCode]';

export const httpCachingSchema = z
  .object({
    httpCachingKey: expressionString().default('#[attributes.requestPath]').describe('Expression whose value names the cache entry (the query string is always part of the key)'),
    maxCacheEntries: z.number().int().positive().default(10000).describe('Most responses kept; the least recently used goes first'),
    ttl: z.number().positive().default(600).describe('Seconds an entry is kept (and, without freshness information from the upstream, how long it is fresh)'),
    distributed: z.boolean().default(false).describe('Share the cache between replicas through Redis (the Configuration sharedStorage.redis)'),
    persistCache: z.boolean().default(false).describe('Keep the cache when the gateway restarts (Redis, with distributed); a configuration reload always keeps it'),
    useHttpCacheHeaders: z.boolean().default(true).describe('Follow Cache-Control, Expires, Vary and validators (RFC 9111); off: every matching response is kept for ttl'),
    invalidationHeader: z
      .string()
      .refine((value) => value === '' || headerNameString.safeParse(value).success, 'not a valid HTTP header name')
      .default('')
      .describe('Request header that clears the cache: value "invalidate" drops this entry, "invalidate-all" every entry'),
    requestExpression: conditionString('request').default(DEFAULT_REQUEST_EXPRESSION).describe('Which requests may be answered from (and stored in) the cache'),
    responseExpression: conditionString('response').default(DEFAULT_RESPONSE_EXPRESSION).describe('Which upstream responses may be stored'),
    maxCacheBytes: z
      .number()
      .int()
      .positive()
      .default(64 * 1024 * 1024)
      .describe('Most bytes of stored bodies and headers in memory; the least recently used entries go first'),
    maxEntryBytes: z
      .number()
      .int()
      .positive()
      .default(1024 * 1024)
      .describe('Larger response bodies are passed through but not stored'),
  })
  .strict()
  .superRefine((config, ctx) => {
    if (config.maxEntryBytes > config.maxCacheBytes)
      ctx.addIssue({ code: 'custom', path: ['maxEntryBytes'], message: `must not be larger than maxCacheBytes (${config.maxCacheBytes})` });
  });
export type HttpCachingConfig = z.infer<typeof httpCachingSchema>;

export const httpCachingEntry: PolicyCatalogueEntry<typeof httpCachingSchema> = {
  name: 'http-caching-flex',
  title: 'HTTP caching',
  description: 'Answers repeated requests from a shared cache (RFC 9111) without calling the upstream; says hit, miss or revalidated in x-gatehouse-cache.',
  category: 'quality',
  scope: 'request',
  schema: httpCachingSchema,
  defaults: { httpCachingKey: '#[attributes.requestPath]', maxCacheEntries: 10000, ttl: 600, useHttpCacheHeaders: true },
  fields: {
    httpCachingKey: { label: 'Cache key', placeholder: '#[attributes.requestPath]', help: "Requests with the same value share an entry; the query string is always added. E.g. #[attributes.headers['x-tenant']]" },
    maxCacheEntries: { label: 'Most entries', help: 'The least recently used entry goes first' },
    ttl: { label: 'Keep entries for', unit: 'seconds', help: 'Also how long a response without Cache-Control or Expires stays fresh' },
    useHttpCacheHeaders: { label: 'Follow HTTP caching headers', help: 'Cache-Control (max-age, s-maxage, no-store, private, no-cache, must-revalidate), Expires, Vary, ETag and Last-Modified' },
    invalidationHeader: { label: 'Invalidation header', placeholder: 'x-cache-invalidate', help: 'A request with this header set to "invalidate" drops its entry; "invalidate-all" empties the cache' },
    requestExpression: { label: 'Cache requests when', help: "DataWeave condition, e.g. #[attributes.method == 'GET']" },
    responseExpression: { label: 'Store responses when', help: 'DataWeave condition, e.g. #[[200, 404] contains attributes.statusCode]' },
    distributed: { label: 'Share between replicas (Redis)', help: 'Needs sharedStorage.redis in the gateway Configuration; without it each replica caches alone' },
    persistCache: { label: 'Keep the cache across restarts', help: 'Entries live in Redis (with the shared storage) and outlive the gateway process' },
    maxCacheBytes: { label: 'Memory for the cache', unit: 'bytes' },
    maxEntryBytes: { label: 'Largest response stored', unit: 'bytes' },
  },
};
