import { z } from 'zod';
import type { PolicyCatalogueEntry } from './catalogue-entry';

export const responseTimeoutSchema = z
  .object({
    timeout: z.number().positive().default(15).describe('Seconds to wait for the upstream before answering 504'),
  })
  .strict();
export type ResponseTimeoutConfig = z.infer<typeof responseTimeoutSchema>;

export const responseTimeoutEntry: PolicyCatalogueEntry<typeof responseTimeoutSchema> = {
  name: 'response-timeout-flex',
  title: 'Response timeout',
  description: 'Answers 504 when the upstream takes longer than the timeout.',
  category: 'quality',
  scope: 'request',
  schema: responseTimeoutSchema,
  defaults: { timeout: 15 },
  fields: {
    timeout: { label: 'Timeout', unit: 'seconds', help: 'How long to wait for the upstream before answering 504' },
  },
};
