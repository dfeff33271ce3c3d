/**
 * spec-validation-flex (Flex's "Schema Validation" policy): requests are checked against an
 * OpenAPI 3.0/3.1 document. Keys are Flex's local-mode keys; `validateResponses` is Gatehouse's
 * (responses are checked and logged, never blocked: they are already on their way).
 */
import { z } from 'zod';
import type { PolicyCatalogueEntry } from './catalogue-entry';

/** `spec` holds a file path (read relative to the YAML file in local mode) rather than the document. */
export function looksLikeSpecPath(spec: string): boolean {
  return !/[\n{]/.test(spec) && /\.(ya?ml|json)$/i.test(spec.trim());
}

export const specValidationSchema = z
  .object({
    source: z
      .enum(['context', 'inline'])
      .default('inline')
      .describe('Where the document comes from: "inline" (spec holds it) or "context" (the API\'s own document: in the app, the OpenAPI file it was imported from)'),
    // A document written as a YAML mapping is kept as its JSON text: one form for snapshots and the form.
    spec: z
      .preprocess((value) => (value !== null && typeof value === 'object' ? JSON.stringify(value) : value), z.string().min(1, 'must hold the OpenAPI document, its base64, or a file path'))
      .optional()
      .describe('The OpenAPI 3 document: YAML or JSON text, the same in base64, or the path of a .yaml/.yml/.json file (relative to the configuration file)'),
    apiBasePath: z
      .string()
      .regex(/^(\/[^\s?#]*)?$/, 'must be a path starting with / (or empty)')
      .default('')
      .describe('Prefix of the request path (below the API base path) that the document\'s paths start after, e.g. /v1'),
    blockOperation: z.boolean().default(true).describe('Answer 400 to a request that does not match; off: log it and let it through'),
    strictParamsValidation: z.boolean().default(false).describe('Query parameters the operation does not declare are violations too'),
    validateResponses: z.boolean().default(false).describe('Also check upstream responses (status and JSON body) and log what does not match; they are never blocked'),
  })
  .strict()
  .superRefine((config, ctx) => {
    if (config.source === 'inline' && config.spec === undefined)
      ctx.addIssue({ code: 'custom', path: ['spec'], message: 'required with source "inline": the OpenAPI document, its base64, or a file path' });
  });
export type SpecValidationConfig = z.infer<typeof specValidationSchema>;

export const specValidationEntry: PolicyCatalogueEntry<typeof specValidationSchema> = {
  name: 'spec-validation-flex',
  title: 'OpenAPI validation',
  description: 'Checks each request against an OpenAPI 3 document (path, method, parameters, JSON body) and answers 400 listing every violation.',
  category: 'security',
  scope: 'request',
  schema: specValidationSchema,
  defaults: {
    source: 'inline',
    spec: 'openapi: 3.0.3\ninfo: { title: My API, version: "1" }\npaths:\n  /users/{id}:\n    get:\n      parameters:\n        - { name: id, in: path, required: true, schema: { type: integer } }\n      responses: { "200": { description: OK } }\n',
    blockOperation: true,
  },
  fields: {
    source: { label: 'Document source', options: { inline: 'The document below', context: 'The OpenAPI file this API was imported from' } },
    spec: { label: 'API document (OAS 3.0 or 3.1)', help: 'YAML or JSON (3.0 or 3.1), base64 of it, or a file path in local mode', showWhen: { source: ['inline'] } },
    apiBasePath: { label: 'Base path of the document', placeholder: '/v1', help: 'Stripped from the request path before matching the document\'s paths' },
    blockOperation: { label: 'Block requests that do not match', help: 'Off: violations are logged and the request goes through' },
    strictParamsValidation: { label: 'Refuse undeclared query parameters' },
    validateResponses: { label: 'Check responses too (logged only)' },
  },
};
