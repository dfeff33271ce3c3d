import { z } from 'zod';
import type { PolicyCatalogueEntry } from './catalogue-entry';

/** Bodies up to this size are read whole before the upstream request starts, unless a binding says otherwise. */
export const DEFAULT_BODY_BUFFER_BYTES = 1024 * 1024;

export const requestHandlingSchema = z
  .object({
    bodyBufferBytes: z
      .number()
      .int()
      .min(0)
      .max(64 * 1024 * 1024)
      .default(DEFAULT_BODY_BUFFER_BYTES)
      .describe('Request bodies up to this many bytes are read whole before the upstream is called (slow clients then hold no upstream connection); larger bodies are streamed. 0 streams every body'),
    allowEncodedPathSeparators: z
      .boolean()
      .default(false)
      .describe('Forward paths containing %2F, %5C or a backslash instead of refusing them with 400 (dot-segments stay refused)'),
  })
  .strict();
export type RequestHandlingConfig = z.infer<typeof requestHandlingSchema>;

export const requestHandlingEntry: PolicyCatalogueEntry<typeof requestHandlingSchema> = {
  name: 'request-handling',
  title: 'Request handling',
  description:
    'How the gateway reads requests for this API (Gatehouse only, not a Flex policy): how large a body is buffered before the upstream is called, and whether encoded slashes and backslashes in paths are forwarded.',
  category: 'quality',
  scope: 'request',
  schema: requestHandlingSchema,
  defaults: { bodyBufferBytes: DEFAULT_BODY_BUFFER_BYTES, allowEncodedPathSeparators: false },
  fields: {
    bodyBufferBytes: {
      label: 'Buffer request bodies up to',
      unit: 'bytes',
      help: 'Smaller bodies are read whole before the upstream is called (a slow client then holds no upstream connection); larger ones are streamed. 0 streams every body',
    },
    allowEncodedPathSeparators: { label: 'Forward encoded slashes', help: 'Forward paths containing %2F, %5C or a backslash instead of refusing them with 400 (dot segments stay refused)' },
  },
};
