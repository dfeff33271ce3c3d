import { z } from 'zod';
import type { PolicyCatalogueEntry } from './catalogue-entry';
import { expressionString } from './common';
import { DEFAULT_CLIENT_ID_EXPRESSION, DEFAULT_CLIENT_SECRET_EXPRESSION } from './rate-limiting-sla-based';

const credentialsOrigin = z.enum(['customExpression', 'httpBasicAuthenticationHeader']);
export type CredentialsOrigin = z.infer<typeof credentialsOrigin>;

/**
 * Flex names the origin `credentialsOriginHasHttpBasicAuthenticationHeader`; API Manager's
 * generic template calls it `credentialsOrigin`. Both are accepted; use `credentialsOriginOf`.
 */
export const clientIdEnforcementSchema = z
  .object({
    credentialsOriginHasHttpBasicAuthenticationHeader: credentialsOrigin
      .default('httpBasicAuthenticationHeader')
      .describe('Credentials from the Authorization: Basic header, or from the two expressions below'),
    credentialsOrigin: credentialsOrigin.optional().describe('Alias of credentialsOriginHasHttpBasicAuthenticationHeader'),
    clientIdExpression: expressionString().default(DEFAULT_CLIENT_ID_EXPRESSION).describe('Where the client id comes from (custom expression origin)'),
    clientSecretExpression: expressionString()
      .optional()
      .default(DEFAULT_CLIENT_SECRET_EXPRESSION)
      .describe('Where the client secret comes from (custom expression origin)'),
  })
  .strict();
export type ClientIdEnforcementConfig = z.infer<typeof clientIdEnforcementSchema>;

/** The effective origin: the alias wins when given (the Flex key then only holds its default). */
export function credentialsOriginOf(config: ClientIdEnforcementConfig): CredentialsOrigin {
  return config.credentialsOrigin ?? config.credentialsOriginHasHttpBasicAuthenticationHeader;
}

export const clientIdEnforcementEntry: PolicyCatalogueEntry<typeof clientIdEnforcementSchema> = {
  name: 'client-id-enforcement-flex',
  title: 'Client ID enforcement',
  description: 'Only applications with an approved contract for this API get through; others get 401.',
  category: 'security',
  scope: 'request',
  schema: clientIdEnforcementSchema,
  defaults: { credentialsOriginHasHttpBasicAuthenticationHeader: 'httpBasicAuthenticationHeader' },
  fields: {
    credentialsOriginHasHttpBasicAuthenticationHeader: {
      label: 'Credentials from',
      help: 'Where callers put their client ID and secret',
      options: { httpBasicAuthenticationHeader: 'Authorization: Basic header', customExpression: 'Custom expressions (headers, query)' },
    },
    credentialsOrigin: { label: 'Credentials from (alias)', hidden: true, aliasOf: 'credentialsOriginHasHttpBasicAuthenticationHeader' },
    clientIdExpression: { label: 'Client ID from', showWhen: { credentialsOriginHasHttpBasicAuthenticationHeader: ['customExpression'] } },
    clientSecretExpression: { label: 'Client secret from', showWhen: { credentialsOriginHasHttpBasicAuthenticationHeader: ['customExpression'] } },
  },
};
