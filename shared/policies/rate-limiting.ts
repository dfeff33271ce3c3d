import { z } from 'zod';
import type { PolicyCatalogueEntry } from './catalogue-entry';
import { expressionString, rateLimitWindowSchema } from './common';

export const exposeHeadersField = z
  .boolean()
  .default(false)
  .describe('Add X-Ratelimit-Limit, X-Ratelimit-Remaining and X-Ratelimit-Reset to every response');

export const clusterizableField = z
  .boolean()
  .default(true)
  .describe('Share counters across replicas (through the control plane or Redis) when configured');

export const rateLimitingSchema = z
  .object({
    rateLimits: z
      .array(rateLimitWindowSchema)
      .min(1, 'at least one window ({maximumRequests, timePeriodInMilliseconds}) is required')
      .describe('Windows that must all have quota left; each is a fixed window starting at its first request'),
    keySelector: expressionString()
      .optional()
      .describe("Expression choosing the counter, e.g. #[attributes.headers['x-api-key']]; one counter per value"),
    exposeHeaders: exposeHeadersField,
    clusterizable: clusterizableField,
  })
  .strict();
export type RateLimitingConfig = z.infer<typeof rateLimitingSchema>;

export const rateLimitingEntry: PolicyCatalogueEntry<typeof rateLimitingSchema> = {
  name: 'rate-limiting-flex',
  title: 'Rate limiting',
  description: 'Allows at most N requests per time window (per key, when a key selector is set); answers 429 beyond that.',
  category: 'traffic',
  scope: 'request',
  schema: rateLimitingSchema,
  defaults: { rateLimits: [{ maximumRequests: 100, timePeriodInMilliseconds: 60_000 }], exposeHeaders: true },
  fields: {
    rateLimits: { label: 'Limits', itemLabel: 'Limit', help: 'Every limit must have quota left; each window starts at its first request' },
    'rateLimits.maximumRequests': { label: 'Requests', help: 'Requests allowed in one window' },
    'rateLimits.timePeriodInMilliseconds': { label: 'Per', unit: 'milliseconds', help: 'Length of the window' },
    keySelector: { label: 'Count separately by', placeholder: "#[attributes.headers['x-api-key']]", help: 'Optional expression: one counter per value (per API key, per client address…); empty: one counter for everyone' },
    exposeHeaders: { label: 'Send rate-limit headers', help: 'X-Ratelimit-Limit, X-Ratelimit-Remaining and X-Ratelimit-Reset on every response' },
    clusterizable: { label: 'Share counters across replicas', help: 'Through the control plane, or Redis when the gateway has shared storage' },
  },
};
