import { z } from 'zod';
import type { PolicyCatalogueEntry } from './catalogue-entry';

export const streamIdleTimeoutSchema = z
  .object({
    timeout: z.number().positive().default(300).describe('Seconds a request may go without a byte from the client or the upstream'),
  })
  .strict();
export type StreamIdleTimeoutConfig = z.infer<typeof streamIdleTimeoutSchema>;

export const streamIdleTimeoutEntry: PolicyCatalogueEntry<typeof streamIdleTimeoutSchema> = {
  name: 'stream-idle-timeout-flex',
  title: 'Stream idle timeout',
  description: 'Ends a request that goes silent: 408 when the client stops sending its body, 504 when the upstream stops answering.',
  category: 'quality',
  scope: 'request',
  schema: streamIdleTimeoutSchema,
  defaults: { timeout: 300 },
  fields: {
    timeout: { label: 'Silence allowed', unit: 'seconds', help: 'How long the client or the upstream may send nothing before the request ends' },
  },
};

export const idleTimeoutSchema = z
  .object({
    timeout: z.number().positive().default(60).describe('Seconds an upstream connection may stay idle, between requests and within one'),
  })
  .strict();
export type IdleTimeoutConfig = z.infer<typeof idleTimeoutSchema>;

export const idleTimeoutEntry: PolicyCatalogueEntry<typeof idleTimeoutSchema> = {
  name: 'idle-timeout-flex',
  title: 'Upstream idle timeout',
  description: 'How long a connection to the upstream may stay idle: kept for reuse that long between requests, and a request whose upstream goes silent that long gets 504.',
  category: 'quality',
  scope: 'request',
  schema: idleTimeoutSchema,
  defaults: { timeout: 60 },
  fields: {
    timeout: { label: 'Idle connection kept for', unit: 'seconds', help: 'Between requests; a request whose upstream is silent this long gets 504' },
  },
};
