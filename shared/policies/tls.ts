import { z } from 'zod';
import type { PolicyCatalogueEntry, PolicyFieldUi } from './catalogue-entry';

/** PEM text, or a path to a PEM file when it does not start with `-----BEGIN` (the config loader reads it). */
export const pemOrPath = z.string().min(1, 'a PEM text or a file path is required');

export function isPemText(value: string): boolean {
  return value.trimStart().startsWith('-----BEGIN');
}

export const tlsVersion = z.enum(['1.1', '1.2', '1.3']);

export const tlsCertificateSchema = z
  .object({
    key: pemOrPath.describe('Private key: PEM text or a file path'),
    crt: pemOrPath.describe('Certificate (chain): PEM text or a file path'),
  })
  .strict();

export const tlsCommonFields = {
  minversion: tlsVersion.optional().describe('Lowest TLS version accepted'),
  maxversion: tlsVersion.optional().describe('Highest TLS version accepted'),
  alpn: z.array(z.string().min(1)).optional().describe('ALPN protocols, e.g. h2, http/1.1'),
  ciphers: z.array(z.string().min(1)).optional().describe('Cipher suites (OpenSSL names)'),
};

function versionOrder(config: { minversion?: string; maxversion?: string }, ctx: z.RefinementCtx): void {
  if (config.minversion && config.maxversion && config.minversion > config.maxversion)
    ctx.addIssue({ code: 'custom', path: ['minversion'], message: `minversion ${config.minversion} is above maxversion ${config.maxversion}` });
}

export const tlsSchema = z
  .object({
    certificate: tlsCertificateSchema.describe("The listener's certificate and key"),
    requireClientCertificate: z.boolean().default(false).describe('Mutual TLS: clients must present a certificate signed by trustedCA'),
    trustedCA: pemOrPath.optional().describe('CA bundle for client certificates: PEM text or a file path'),
    ...tlsCommonFields,
  })
  .strict()
  .superRefine((config, ctx) => {
    versionOrder(config, ctx);
    if (config.requireClientCertificate && !config.trustedCA)
      ctx.addIssue({ code: 'custom', path: ['trustedCA'], message: 'requireClientCertificate needs trustedCA (the CA that signs client certificates)' });
  });
export type TlsConfig = z.infer<typeof tlsSchema>;

const certificateFields: Record<string, PolicyFieldUi> = {
  'certificate.key': { label: 'Private key', help: 'PEM text or a file path' },
  'certificate.crt': { label: 'Certificate (chain)', help: 'PEM text or a file path' },
};

const tlsVersionOptions = { '1.1': 'TLS 1.1', '1.2': 'TLS 1.2', '1.3': 'TLS 1.3' };
const tlsVersionFields: Record<string, PolicyFieldUi> = {
  minversion: { label: 'Lowest TLS version', options: tlsVersionOptions },
  maxversion: { label: 'Highest TLS version', options: tlsVersionOptions },
  alpn: { label: 'ALPN protocols', chips: { suggestions: ['h2', 'http/1.1'] } },
  ciphers: { label: 'Cipher suites', chips: {}, help: 'OpenSSL names' },
};

export const tlsEntry: PolicyCatalogueEntry<typeof tlsSchema> = {
  name: 'tls',
  title: 'TLS (HTTPS listener)',
  description: "Serves the API's listener over HTTPS with your certificate, optionally requiring client certificates.",
  category: 'tls',
  scope: 'listener',
  schema: tlsSchema,
  defaults: { certificate: { key: 'certs/server.key', crt: 'certs/server.crt' }, requireClientCertificate: false, minversion: '1.2' },
  fields: {
    certificate: { label: 'Certificate', help: "The listener's certificate and private key" },
    ...certificateFields,
    requireClientCertificate: { label: 'Require client certificates (mutual TLS)', help: 'Clients must present a certificate signed by the trusted CA' },
    trustedCA: { label: 'Trusted CA for clients', help: 'CA bundle for client certificates: PEM text or a file path' },
    ...tlsVersionFields,
  },
};

export const tlsOutboundSchema = z
  .object({
    skipValidation: z.boolean().default(false).describe("Do not verify the upstream's certificate (unsafe; logged loudly)"),
    trustedCA: pemOrPath.optional().describe("CA bundle for the upstream's certificate instead of the system CAs"),
    certificate: tlsCertificateSchema.optional().describe('Client certificate for mutual TLS to the upstream'),
    ...tlsCommonFields,
  })
  .strict()
  .superRefine(versionOrder);
export type TlsOutboundConfig = z.infer<typeof tlsOutboundSchema>;

export const tlsOutboundEntry: PolicyCatalogueEntry<typeof tlsOutboundSchema> = {
  name: 'tls-outbound',
  title: 'TLS to the upstream',
  description: 'How the gateway connects to an HTTPS upstream: a custom CA, a client certificate, TLS versions.',
  category: 'tls',
  scope: 'upstream',
  schema: tlsOutboundSchema,
  defaults: { skipValidation: false, minversion: '1.2' },
  fields: {
    skipValidation: { label: "Don't verify the upstream's certificate", help: 'Unsafe; logged loudly' },
    trustedCA: { label: 'Trusted CA', help: "CA bundle for the upstream's certificate instead of the system CAs" },
    certificate: { label: 'Client certificate', help: 'For mutual TLS to the upstream' },
    ...certificateFields,
    ...tlsVersionFields,
  },
};
