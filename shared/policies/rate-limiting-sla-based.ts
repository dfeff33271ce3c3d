import { z } from 'zod';
import type { PolicyCatalogueEntry } from './catalogue-entry';
import { expressionString } from './common';
import { clusterizableField, exposeHeadersField } from './rate-limiting';

export const DEFAULT_CLIENT_ID_EXPRESSION = "#[attributes.headers['client_id']]";
export const DEFAULT_CLIENT_SECRET_EXPRESSION = "#[attributes.headers['client_secret']]";

export const rateLimitingSlaBasedSchema = z
  .object({
    clientIdExpression: expressionString()
      .default(DEFAULT_CLIENT_ID_EXPRESSION)
      .describe('Where the client id comes from'),
    clientSecretExpression: expressionString()
      .optional()
      .default(DEFAULT_CLIENT_SECRET_EXPRESSION)
      .describe('Where the client secret comes from'),
    exposeHeaders: exposeHeadersField,
    clusterizable: clusterizableField,
  })
  .strict();
export type RateLimitingSlaBasedConfig = z.infer<typeof rateLimitingSlaBasedSchema>;

export const rateLimitingSlaBasedEntry: PolicyCatalogueEntry<typeof rateLimitingSlaBasedSchema> = {
  name: 'rate-limiting-sla-based-flex',
  title: 'SLA-based rate limiting',
  description: "Limits each application to its contract's SLA tier; unknown credentials get 401, callers over quota 429.",
  category: 'traffic',
  scope: 'request',
  schema: rateLimitingSlaBasedSchema,
  defaults: {
    clientIdExpression: DEFAULT_CLIENT_ID_EXPRESSION,
    clientSecretExpression: DEFAULT_CLIENT_SECRET_EXPRESSION,
    exposeHeaders: true,
  },
  fields: {
    clientIdExpression: { label: 'Client ID from', help: 'Expression giving the client ID of the calling application' },
    clientSecretExpression: { label: 'Client secret from', help: 'Expression giving the client secret of the calling application' },
    exposeHeaders: { label: 'Send rate-limit headers', help: 'X-Ratelimit-Limit, X-Ratelimit-Remaining and X-Ratelimit-Reset on every response' },
    clusterizable: { label: 'Share counters across replicas', help: 'Through the control plane, or Redis when the gateway has shared storage' },
  },
};
