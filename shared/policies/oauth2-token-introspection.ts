/**
 * oauth2-token-introspection-flex: the client's bearer token is checked against an RFC 7662
 * introspection endpoint. Keys and defaults are those of Flex's local-mode page (Flex 1.5+
 * camelCase names). `authorizationValue` is the Authorization header of the introspection call
 * (`Basic …` with client credentials, or `Bearer …`), a credential: stored encrypted.
 */
import { z } from 'zod';
import type { PolicyCatalogueEntry } from './catalogue-entry';

export const oauth2TokenIntrospectionSchema = z
  .object({
    introspectionURL: z
      .string()
      .refine((value) => /^https?:\/\/[^\s]+$/i.test(value), 'must be an http:// or https:// URL')
      .describe('RFC 7662 introspection endpoint'),
    authorizationValue: z
      .string()
      .min(1, 'must not be empty')
      .refine((value) => !/[\r\n\0]/.test(value), 'cannot contain line breaks')
      .meta({ description: 'Authorization header of the introspection call: "Basic <client_id:client_secret in base64>" or "Bearer <token>" (stored encrypted)', writeOnly: true }),
    validatedTokenTTL: z.number().nonnegative().default(600).describe('Longest time in seconds a validated token is remembered (also bounded by its exp)'),
    authenticationTimeout: z.number().positive().default(10000).describe('Milliseconds to wait for the introspection endpoint'),
    skipClientIdValidation: z.boolean().default(true).describe("Skip checking that the token's client is an Application with an approved contract for this API"),
    consumerBy: z.string().min(1).default('client_id').describe('Introspection field that names the client'),
    exposeHeaders: z.boolean().default(false).describe('Accepted for Flex compatibility; not acted on'),
    scopes: z.string().default('').describe('Space-separated scopes the token must carry'),
    scopeValidationCriteria: z.enum(['AND', 'OR']).default('AND').describe('AND: every scope is needed; OR: any one of them'),
    maxCacheEntries: z.number().int().positive().default(10000).describe('Most validated tokens remembered'),
  })
  .strict();
export type OAuth2TokenIntrospectionConfig = z.infer<typeof oauth2TokenIntrospectionSchema>;

export const oauth2TokenIntrospectionEntry: PolicyCatalogueEntry<typeof oauth2TokenIntrospectionSchema> = {
  name: 'oauth2-token-introspection-flex',
  title: 'OAuth 2.0 token introspection',
  description: 'Lets a request through only when its bearer token is active (RFC 7662 introspection) and has the scopes required.',
  category: 'security',
  scope: 'request',
  schema: oauth2TokenIntrospectionSchema,
  defaults: {},
  fields: {
    introspectionURL: { label: 'Introspection endpoint', userSupplied: true, placeholder: 'https://auth.example.com/oauth/introspect', help: 'RFC 7662 endpoint that says whether a token is active' },
    authorizationValue: {
      label: 'Authorization for the endpoint',
      placeholder: 'Basic <base64 of client_id:client_secret>',
      help: 'The Authorization header Gatehouse sends to the endpoint: "Basic …" or "Bearer …"; stored encrypted',
      userSupplied: true,
    },
    validatedTokenTTL: { label: 'Remember a valid token for', unit: 'seconds', help: 'Also bounded by the token’s exp' },
    authenticationTimeout: { label: 'Endpoint timeout', unit: 'milliseconds' },
    skipClientIdValidation: { label: 'Skip the client ID check', help: "Off: the token's client must be an application with an approved contract for this API" },
    consumerBy: { label: 'Client ID field', help: 'Field of the introspection answer that names the client', showWhen: { skipClientIdValidation: [false] } },
    exposeHeaders: { label: 'Expose headers (Flex only)', hidden: true },
    scopes: { label: 'Required scopes', separator: ' ', placeholder: 'read:orders' },
    scopeValidationCriteria: { label: 'Scopes needed', options: { AND: 'All of them', OR: 'Any one of them' } },
    maxCacheEntries: { label: 'Tokens remembered at most' },
  },
};
