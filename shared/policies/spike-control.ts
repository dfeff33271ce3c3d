import { z } from 'zod';
import type { PolicyCatalogueEntry } from './catalogue-entry';

export const spikeControlSchema = z
  .object({
    maximumRequests: z.number().int().positive().default(1).describe('Requests allowed in any sliding window'),
    timePeriodInMilliseconds: z.number().int().positive().default(1000).describe('Length of the sliding window (ms)'),
    delayTimeInMillis: z.number().int().nonnegative().default(1000).describe('How long an excess request waits before trying again (ms)'),
    delayAttempts: z.number().int().nonnegative().default(1).describe('How many times an excess request waits before it is rejected'),
    queuingLimit: z.number().int().nonnegative().default(0).describe('How many requests may wait at once; beyond that they are rejected at once'),
    exposeHeaders: z.boolean().default(false).describe('Add X-Ratelimit-Limit, X-Ratelimit-Remaining and X-Ratelimit-Reset to responses'),
  })
  .strict();
export type SpikeControlConfig = z.infer<typeof spikeControlSchema>;

export const spikeControlEntry: PolicyCatalogueEntry<typeof spikeControlSchema> = {
  name: 'spike-control-flex',
  title: 'Spike control',
  description: 'Smooths bursts: requests beyond the sliding-window limit wait and retry, then get 429.',
  category: 'traffic',
  scope: 'request',
  schema: spikeControlSchema,
  defaults: { maximumRequests: 10, timePeriodInMilliseconds: 1000, delayTimeInMillis: 500, delayAttempts: 1, queuingLimit: 5, exposeHeaders: false },
  fields: {
    maximumRequests: { label: 'Requests', help: 'Requests allowed in any sliding window' },
    timePeriodInMilliseconds: { label: 'Per', unit: 'milliseconds', help: 'Length of the sliding window' },
    delayTimeInMillis: { label: 'Retry after', unit: 'milliseconds', help: 'How long an excess request waits before it tries again' },
    delayAttempts: { label: 'Retries', help: 'How many times an excess request waits before it gets 429' },
    queuingLimit: { label: 'Waiting requests at most', help: 'Requests that may wait at once; beyond that they get 429 at once' },
    exposeHeaders: { label: 'Send rate-limit headers', help: 'X-Ratelimit-Limit, X-Ratelimit-Remaining and X-Ratelimit-Reset on responses' },
  },
};
