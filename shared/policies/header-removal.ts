import { z } from 'zod';
import type { PolicyCatalogueEntry } from './catalogue-entry';
import { headerNameString as headerName } from './common';

export const headerRemovalSchema = z
  .object({
    inboundHeaders: z.array(headerName).default([]).describe('Headers removed from the request before it goes upstream'),
    outboundHeaders: z.array(headerName).default([]).describe('Headers removed from the response before it reaches the client'),
  })
  .strict();
export type HeaderRemovalConfig = z.infer<typeof headerRemovalSchema>;

export const headerRemovalEntry: PolicyCatalogueEntry<typeof headerRemovalSchema> = {
  name: 'header-removal-flex',
  title: 'Header removal',
  description: 'Removes headers from the request sent upstream and from the response sent back.',
  category: 'transformation',
  scope: 'request',
  schema: headerRemovalSchema,
  defaults: { inboundHeaders: [], outboundHeaders: ['server'] },
};
