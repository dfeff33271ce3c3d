import { z } from 'zod';
import type { PolicyCatalogueEntry } from './catalogue-entry';
import { headerNameString as headerName } from './common';

const methodName = z.string().regex(/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/, 'not a valid HTTP method');

/** Flex writes `{methodName, isAllowed}`; a plain method name is accepted too. */
const allowedMethod = z.union([
  z
    .object({
      methodName: methodName.describe('HTTP method, e.g. GET'),
      isAllowed: z.boolean().default(true).describe('Whether cross-origin requests may use it'),
    })
    .strict(),
  methodName,
]);

const origin = z
  .string()
  .min(1)
  .describe('An origin such as https://app.example.com (scheme://host[:port]), * for any, or a regex');

export const originGroupSchema = z
  .object({
    origins: z.array(origin).min(1, 'at least one origin is required').describe('Origins this group applies to'),
    accessControlMaxAge: z.number().int().nonnegative().default(30).describe('Seconds a browser may cache the preflight answer'),
    allowedMethods: z.array(allowedMethod).default([]).describe('Methods allowed cross-origin; empty allows the method asked for'),
    headers: z.array(headerName).default([]).describe('Request headers allowed cross-origin; empty allows those asked for'),
    exposedHeaders: z.array(headerName).default([]).describe('Response headers the page may read'),
  })
  .strict();
export type OriginGroup = z.infer<typeof originGroupSchema>;

export const corsSchema = z
  .object({
    originGroups: z.array(originGroupSchema).default([]).describe('Which origins may call the API, and how'),
    publicResource: z.boolean().default(true).describe('Any origin may call the API (origin groups still set methods and headers)'),
    supportCredentials: z.boolean().default(false).describe('Allow cookies and Authorization on cross-origin requests'),
  })
  .strict();
export type CorsConfig = z.infer<typeof corsSchema>;

export const corsEntry: PolicyCatalogueEntry<typeof corsSchema> = {
  name: 'cors-flex',
  title: 'CORS',
  description: 'Lets web pages on other origins call the API: answers preflight requests and adds Access-Control-* headers.',
  category: 'security',
  scope: 'request',
  schema: corsSchema,
  defaults: { publicResource: true, supportCredentials: false, originGroups: [] },
  fields: {
    originGroups: { label: 'Origin groups', itemLabel: 'Origin group', help: 'Which origins may call the API, and with which methods and headers' },
    'originGroups.origins': { label: 'Origins', chips: {}, placeholder: 'https://app.example.com', help: 'scheme://host[:port], * for any, or a regular expression' },
    'originGroups.accessControlMaxAge': { label: 'Cache preflight for', unit: 'seconds', help: 'How long a browser may reuse a preflight answer' },
    'originGroups.allowedMethods': { label: 'Allowed methods', chips: { suggestions: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'] }, help: 'Empty: the method the browser asks for' },
    'originGroups.headers': { label: 'Allowed request headers', chips: {}, placeholder: 'content-type', help: 'Empty: the headers the browser asks for' },
    'originGroups.exposedHeaders': { label: 'Response headers the page may read', chips: {}, placeholder: 'x-request-id', help: 'Beyond the always-readable ones (Content-Type, Cache-Control…)' },
    publicResource: { label: 'Any origin may call', help: 'Origin groups still set methods and headers' },
    supportCredentials: { label: 'Allow cookies and Authorization', help: 'Cross-origin requests may carry credentials (needs named origins, not *)' },
  },
};
