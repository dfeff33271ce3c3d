/**
 * Outbound credential injection: the gateway adds credentials to the request it sends upstream,
 * so clients never hold them. Keys and defaults are those of Flex's policy pages (Credential
 * Injection Basic Authentication, API Key and OAuth 2.0). The secrets (password, API key,
 * client secret) must be replayed, so the control plane stores them encrypted, never hashed.
 */
import { z } from 'zod';
import type { PolicyCatalogueEntry } from './catalogue-entry';
import { headerNameString } from './common';

const noLineBreaks = (value: string) => !/[\r\n\0]/.test(value);
const secret = (description: string) =>
  z
    .string()
    .min(1, 'must not be empty')
    .refine(noLineBreaks, 'cannot contain line breaks')
    .meta({ description: `${description} (stored encrypted)`, writeOnly: true });

export const credentialInjectionBasicAuthSchema = z
  .object({
    username: z.string().refine(noLineBreaks, 'a user name cannot contain line breaks').default('').describe('User name sent upstream'),
    password: secret('Password sent upstream').optional(),
    overwrite: z.boolean().default(true).describe("Replace the client's own header when it sent one"),
    customHeader: headerNameString.optional().describe('Send the credentials in this header instead of Authorization'),
  })
  .strict();
export type CredentialInjectionBasicAuthConfig = z.infer<typeof credentialInjectionBasicAuthSchema>;

export const credentialInjectionApiKeySchema = z
  .object({
    authType: z.enum(['apiKey', 'clientCredentials']).default('apiKey').describe('apiKey: one key header; clientCredentials: client_id and client_secret headers'),
    overwrite: z.boolean().default(true).describe("Replace the client's own headers when it sent them"),
    apiKey: secret('API key sent upstream').optional(),
    customHeader: headerNameString.optional().describe('Header for the API key (default Authorization)'),
    clientId: z.string().refine(noLineBreaks, 'a client id cannot contain line breaks').optional().describe('Client id sent upstream'),
    clientSecret: secret('Client secret sent upstream').optional(),
    customClientIdHeader: headerNameString.optional().describe('Header for the client id (default client_id)'),
    customClientSecretHeader: headerNameString.optional().describe('Header for the client secret (default client_secret)'),
  })
  .strict()
  .superRefine((config, ctx) => {
    const need = config.authType === 'apiKey' ? (['apiKey'] as const) : (['clientId', 'clientSecret'] as const);
    for (const key of need)
      if (config[key] === undefined) ctx.addIssue({ code: 'custom', path: [key], message: `${key} is required when authType is ${config.authType}` });
  });
export type CredentialInjectionApiKeyConfig = z.infer<typeof credentialInjectionApiKeySchema>;

export const credentialInjectionOAuth2Schema = z
  .object({
    oauthService: z
      .string()
      .refine((value) => /^https?:\/\/[^\s]+$/i.test(value), 'must be an http:// or https:// URL')
      .describe('Token endpoint of the OAuth 2.0 service'),
    grantType: z.enum(['clientCredentials', 'password']).default('clientCredentials').describe('Grant used to get the token'),
    credentialLocation: z.enum(['header', 'body']).default('header').describe('Client credentials as HTTP Basic (header) or as body fields'),
    clientId: z.string().min(1).optional().describe('Client id'),
    clientSecret: secret('Client secret').optional(),
    username: z.string().optional().describe('Resource owner user name (password grant)'),
    password: secret('Resource owner password (password grant)').optional(),
    scope: z.array(z.string().regex(/^[\x21\x23-\x5b\x5d-\x7e]+$/, 'not a valid scope token')).default([]).describe('Scopes asked for'),
    overwrite: z.boolean().default(true).describe("Replace the client's own header when it sent one"),
    tokenFetchTimeout: z.number().positive().default(10).describe('Seconds to wait for the token endpoint'),
    allowRequestWithoutCredential: z.boolean().default(false).describe('Forward the request without a token when none can be fetched'),
    tokenRequestBodyFormat: z.enum(['urlEncoded', 'json']).default('urlEncoded').describe('Encoding of the token request body'),
    upstreamTokenHeaderName: headerNameString.default('Authorization').describe('Header that carries the token upstream'),
    upstreamTokenPrefixName: z.string().refine(noLineBreaks, 'a prefix cannot contain line breaks').default('Bearer').describe('Text before the token in that header'),
    cachingTtl: z.number().int().nonnegative().default(3600).describe('Longest time in seconds a token is reused (also bounded by its expires_in)'),
    customRequestHeaders: z
      .array(z.object({ name: headerNameString, value: z.string().refine(noLineBreaks, 'a header value cannot contain line breaks') }).strict())
      .default([])
      .describe('Headers added to the token request'),
  })
  .strict()
  .superRefine((config, ctx) => {
    const need = config.grantType === 'clientCredentials' ? (['clientId', 'clientSecret'] as const) : (['username', 'password'] as const);
    for (const key of need)
      if (config[key] === undefined) ctx.addIssue({ code: 'custom', path: [key], message: `${key} is required when grantType is ${config.grantType}` });
  });
export type CredentialInjectionOAuth2Config = z.infer<typeof credentialInjectionOAuth2Schema>;

export const credentialInjectionBasicAuthEntry: PolicyCatalogueEntry<typeof credentialInjectionBasicAuthSchema> = {
  name: 'credential-injection-basic-auth-flex',
  title: 'Credential injection: Basic authentication',
  description: 'Sends a user name and password (Authorization: Basic) to the upstream; clients never see them.',
  category: 'security',
  scope: 'request',
  schema: credentialInjectionBasicAuthSchema,
  defaults: { overwrite: true },
  fields: {
    username: { label: 'User name', help: 'Sent to the upstream', userSupplied: true },
    password: { label: 'Password', help: 'Sent to the upstream; stored encrypted', userSupplied: true },
    overwrite: { label: "Replace the client's header", help: 'When the client sent its own Authorization (or custom) header' },
    customHeader: { label: 'Header', placeholder: 'Authorization', help: 'Optional: send the credentials in this header instead of Authorization' },
  },
};

export const credentialInjectionApiKeyEntry: PolicyCatalogueEntry<typeof credentialInjectionApiKeySchema> = {
  name: 'credential-injection-api-key-flex',
  title: 'Credential injection: API key',
  description: 'Sends an API key, or a client id and secret, to the upstream in headers; clients never see them.',
  category: 'security',
  scope: 'request',
  schema: credentialInjectionApiKeySchema,
  defaults: { authType: 'apiKey', overwrite: true },
  fields: {
    authType: { label: 'Send', help: 'What the upstream expects', options: { apiKey: 'An API key', clientCredentials: 'A client ID and secret' } },
    overwrite: { label: "Replace the client's headers", help: 'When the client sent the same headers itself' },
    apiKey: { label: 'API key', help: 'Sent to the upstream; stored encrypted', userSupplied: true, showWhen: { authType: ['apiKey'] } },
    customHeader: { label: 'API key header', placeholder: 'Authorization', showWhen: { authType: ['apiKey'] } },
    clientId: { label: 'Client ID', userSupplied: true, showWhen: { authType: ['clientCredentials'] } },
    clientSecret: { label: 'Client secret', help: 'Stored encrypted', userSupplied: true, showWhen: { authType: ['clientCredentials'] } },
    customClientIdHeader: { label: 'Client ID header', placeholder: 'client_id', showWhen: { authType: ['clientCredentials'] } },
    customClientSecretHeader: { label: 'Client secret header', placeholder: 'client_secret', showWhen: { authType: ['clientCredentials'] } },
  },
};

export const credentialInjectionOAuth2Entry: PolicyCatalogueEntry<typeof credentialInjectionOAuth2Schema> = {
  name: 'credential-injection-oauth2-flex',
  title: 'Credential injection: OAuth 2.0',
  description: 'Gets a token from an OAuth 2.0 token endpoint (client credentials or password grant), caches it and sends it upstream.',
  category: 'security',
  scope: 'request',
  schema: credentialInjectionOAuth2Schema,
  defaults: { grantType: 'clientCredentials' },
  fields: {
    oauthService: { label: 'Token endpoint', userSupplied: true, placeholder: 'https://auth.example.com/oauth/token', help: 'URL of the OAuth 2.0 token endpoint' },
    grantType: { label: 'Grant', options: { clientCredentials: 'Client credentials', password: 'Password (resource owner)' } },
    credentialLocation: { label: 'Send client credentials', options: { header: 'As HTTP Basic (header)', body: 'In the request body' } },
    clientId: { label: 'Client ID', help: 'Sent to the token endpoint', userSupplied: true },
    clientSecret: { label: 'Client secret', help: 'Sent to the token endpoint; stored encrypted', userSupplied: true },
    username: { label: 'User name', help: 'Of the resource owner', userSupplied: true, showWhen: { grantType: ['password'] } },
    password: { label: 'Password', help: 'Stored encrypted', userSupplied: true, showWhen: { grantType: ['password'] } },
    scope: { label: 'Scopes', chips: {}, placeholder: 'read:orders' },
    overwrite: { label: "Replace the client's header", help: 'When the client sent its own token header' },
    tokenFetchTimeout: { label: 'Token request timeout', unit: 'seconds' },
    allowRequestWithoutCredential: { label: 'Forward without a token on failure', help: 'When no token can be fetched; off: answer 502' },
    tokenRequestBodyFormat: { label: 'Token request body', options: { urlEncoded: 'Form (application/x-www-form-urlencoded)', json: 'JSON' } },
    upstreamTokenHeaderName: { label: 'Token header', help: 'Header that carries the token upstream' },
    upstreamTokenPrefixName: { label: 'Token prefix', help: 'Text before the token in that header' },
    cachingTtl: { label: 'Reuse a token for at most', unit: 'seconds', help: 'Also bounded by the token’s expires_in' },
    customRequestHeaders: { label: 'Extra token request headers', itemLabel: 'Header' },
    'customRequestHeaders.name': { label: 'Header name' },
    'customRequestHeaders.value': { label: 'Value' },
  },
};
