import { z } from 'zod';
import type { PolicyCatalogueEntry } from './catalogue-entry';
import { expressionString } from './common';
import { parseIpRange } from './ip-address';

/** One address, CIDR range or IPv4 octet prefix; the error says what is wrong (zod adds the list index to the path). */
export const ipOrCidrString = z.string().superRefine((value, ctx) => {
  const parsed = parseIpRange(value);
  if (!parsed.ok) ctx.addIssue({ code: 'custom', message: parsed.message });
});

export const ipFilterSchema = z
  .object({
    ips: z
      .array(ipOrCidrString)
      .min(1, 'at least one address or CIDR range is required')
      .describe('IPv4/IPv6 addresses, CIDR ranges (192.168.0.0/16, 2001:db8::/32) or IPv4 octet prefixes (192.168.2 is 192.168.2.0/24)'),
    ipExpression: expressionString()
      .optional()
      .describe("Where the client address comes from; default: the connection's address. #[attributes.headers['x-forwarded-for']] trusts a header any client can forge"),
  })
  .strict();
export type IpFilterConfig = z.infer<typeof ipFilterSchema>;

const ipFilterFields = {
  ips: { label: 'Addresses', chips: {}, placeholder: '192.168.0.0/16', help: 'IPv4/IPv6 addresses, CIDR ranges (192.168.0.0/16, 2001:db8::/32) or IPv4 prefixes (192.168.2 is 192.168.2.0/24)' },
  ipExpression: {
    label: 'Client address from',
    placeholder: "#[attributes.headers['x-forwarded-for']]",
    help: "Optional; empty: the connection's address. A header such as X-Forwarded-For can be forged by any client",
  },
};

export const ipAllowlistEntry: PolicyCatalogueEntry<typeof ipFilterSchema> = {
  name: 'ip-allowlist-flex',
  title: 'IP allowlist',
  description: 'Only clients whose address is in the list get through; others get 403.',
  category: 'security',
  scope: 'request',
  schema: ipFilterSchema,
  defaults: { ips: ['127.0.0.1', '::1'] },
  fields: ipFilterFields,
};

export const ipBlocklistEntry: PolicyCatalogueEntry<typeof ipFilterSchema> = {
  name: 'ip-blocklist-flex',
  title: 'IP blocklist',
  description: 'Clients whose address is in the list get 403; everyone else gets through.',
  category: 'security',
  scope: 'request',
  schema: ipFilterSchema,
  defaults: { ips: ['192.0.2.0/24'] },
  fields: ipFilterFields,
};
