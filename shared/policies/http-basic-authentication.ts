import { z } from 'zod';
import type { PolicyCatalogueEntry } from './catalogue-entry';

export const httpBasicAuthenticationSchema = z
  .object({
    username: z.string().min(1, 'username must not be empty').describe('The user name callers must send'),
    // Write-only: the control plane keeps only a salted hash (`scrypt$…`, accepted here too) and
    // shows that hash, never the password; a local-mode file may hold the password as Flex does.
    password: z
      .string()
      .min(1, 'password must not be empty')
      .meta({ description: 'The password callers must send (stored only as a salted hash)', writeOnly: true }),
  })
  .strict();
export type HttpBasicAuthenticationConfig = z.infer<typeof httpBasicAuthenticationSchema>;

export const httpBasicAuthenticationEntry: PolicyCatalogueEntry<typeof httpBasicAuthenticationSchema> = {
  name: 'http-basic-authentication-flex',
  title: 'HTTP Basic authentication',
  description: 'Requires a user name and password (Authorization: Basic); others get 401.',
  category: 'security',
  scope: 'request',
  schema: httpBasicAuthenticationSchema,
  defaults: {},
  fields: {
    username: { label: 'User name', help: 'The user name callers must send', userSupplied: true },
    password: { label: 'Password', help: 'The password callers must send; stored only as a salted hash, so copy it before saving', userSupplied: true, generate: true },
  },
};
