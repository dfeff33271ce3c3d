import { z } from 'zod';
import type { PolicyCatalogueEntry } from './catalogue-entry';
import { expressionString, headerNameString } from './common';

const injectedHeader = z
  .object({
    key: headerNameString.describe('Header name'),
    value: expressionString({ allowLiteral: true })
      .refine((value) => !/[\r\n\0]/.test(value), 'a header value cannot contain line breaks')
      .describe("Value: text, or an expression such as #[attributes.headers['x-id']]"),
  })
  .strict();

export const headerInjectionSchema = z
  .object({
    inboundHeaders: z.array(injectedHeader).default([]).describe('Headers added to the request sent upstream'),
    outboundHeaders: z.array(injectedHeader).default([]).describe('Headers added to the response sent to the client'),
  })
  .strict();
export type HeaderInjectionConfig = z.infer<typeof headerInjectionSchema>;

export const headerInjectionEntry: PolicyCatalogueEntry<typeof headerInjectionSchema> = {
  name: 'header-injection-flex',
  title: 'Header injection',
  description: 'Adds headers to the request sent upstream and to the response sent back.',
  category: 'transformation',
  scope: 'request',
  schema: headerInjectionSchema,
  defaults: { inboundHeaders: [{ key: 'x-gateway', value: 'gatehouse' }], outboundHeaders: [] },
  fields: {
    inboundHeaders: { label: 'Add to the request', itemLabel: 'Request header', help: 'Headers added to the request sent upstream' },
    'inboundHeaders.key': { label: 'Header name', placeholder: 'x-request-source' },
    'inboundHeaders.value': { label: 'Value', help: "Text, or an expression such as #[attributes.headers['x-id']]" },
    outboundHeaders: { label: 'Add to the response', itemLabel: 'Response header', help: 'Headers added to the response sent to the client' },
    'outboundHeaders.key': { label: 'Header name', placeholder: 'x-served-by' },
    'outboundHeaders.value': { label: 'Value', help: "Text, or an expression such as #[attributes.headers['x-id']]" },
  },
};
