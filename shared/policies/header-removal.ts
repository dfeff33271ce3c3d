import { z } from 'zod';
import type { PolicyCatalogueEntry } from './catalogue-entry';
import { regexString } from './common';

/** Headers Flex's Header Removal policy never removes, whatever the entries match. */
export const UNREMOVABLE_HEADERS: readonly string[] = ['accept', 'host', 'content-type', 'content-length', 'date', 'transfer-encoding', 'connection'];

/** As in Flex, an entry is a header name or a regular expression matched against whole names, ignoring case. */
const headerPattern = regexString.min(1, 'a header name or regular expression is required');

export const headerRemovalSchema = z
  .object({
    inboundHeaders: z
      .array(headerPattern)
      .default([])
      .describe('Header names or regular expressions (e.g. Access-Control.*) removed from the request before it goes upstream'),
    outboundHeaders: z
      .array(headerPattern)
      .default([])
      .describe('Header names or regular expressions removed from the response before it reaches the client'),
  })
  .strict();
export type HeaderRemovalConfig = z.infer<typeof headerRemovalSchema>;

export const headerRemovalEntry: PolicyCatalogueEntry<typeof headerRemovalSchema> = {
  name: 'header-removal-flex',
  title: 'Header removal',
  description: `Removes headers, named or matched by regular expressions, from the request sent upstream and from the response sent back (never ${UNREMOVABLE_HEADERS.join(', ')}).`,
  category: 'transformation',
  scope: 'request',
  schema: headerRemovalSchema,
  defaults: { inboundHeaders: [], outboundHeaders: ['server'] },
  fields: {
    inboundHeaders: { label: 'Remove from the request', chips: {}, placeholder: 'x-debug', help: 'Header names or regular expressions (e.g. Access-Control.*) removed before the request goes upstream' },
    outboundHeaders: { label: 'Remove from the response', chips: {}, placeholder: 'server', help: 'Header names or regular expressions removed before the response reaches the client' },
  },
};
