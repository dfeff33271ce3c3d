/**
 * Collections (issue 15): the operations of an API's kept OpenAPI document as Try it shows
 * them (parameters to fill, a body to start from), and requests saved per API to run again.
 */
import { z } from 'zod';

export const PARAMETER_LOCATIONS = ['path', 'query', 'header'] as const;
export type ParameterLocation = (typeof PARAMETER_LOCATIONS)[number];
export const PARAMETER_TYPES = ['string', 'integer', 'number', 'boolean', 'array', 'object'] as const;
export type ParameterType = (typeof PARAMETER_TYPES)[number];

/** One path, query or header parameter of an operation (cookie parameters are left out). */
export const operationParameterSchema = z.object({
  name: z.string(),
  in: z.enum(PARAMETER_LOCATIONS),
  required: z.boolean(),
  description: z.string().optional(),
  type: z.enum(PARAMETER_TYPES).optional(),
  /** For an array parameter: the type of its items. */
  itemType: z.enum(PARAMETER_TYPES).optional(),
  /** The allowed values (of the items, for an array), as text. */
  enum: z.array(z.string()).optional(),
  /** An array in a query as repeated names (`explode`, the default) or one comma-joined value. */
  explode: z.boolean().optional(),
  /** A value to start from: the parameter's example or its schema's example or default. */
  example: z.string().optional(),
  deprecated: z.boolean().optional(),
});
export type OperationParameter = z.infer<typeof operationParameterSchema>;

export const openApiOperationSchema = z.object({
  /** `GET /users/{id}`: unique in a document. */
  key: z.string(),
  method: z.string(),
  /** The path template, relative to the API's base path. */
  path: z.string(),
  operationId: z.string().optional(),
  summary: z.string().optional(),
  description: z.string().optional(),
  /** Tags in the document's order; empty when the operation has none. */
  tags: z.array(z.string()),
  deprecated: z.boolean(),
  parameters: z.array(operationParameterSchema),
  body: z
    .object({
      contentType: z.string(),
      required: z.boolean(),
      /** Text to start from: the request body's example, else a value generated from its schema. */
      example: z.string(),
      origin: z.enum(['example', 'generated']),
    })
    .optional(),
});
export type OpenApiOperation = z.infer<typeof openApiOperationSchema>;

export const apiOperationsSchema = z.object({
  apiId: z.string(),
  /** The document's info.title, when one is kept. */
  title: z.string().optional(),
  updatedAt: z.number().optional(),
  /** Tags with their descriptions, the document's `tags` list first, then those only operations name. */
  tags: z.array(z.object({ name: z.string(), description: z.string().optional() })),
  operations: z.array(openApiOperationSchema),
});
export type ApiOperations = z.infer<typeof apiOperationsSchema>;

// ------------------------------------------------------------------------------ Saved requests

export const SAVED_REQUEST_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'] as const;
/** Bodies of saved requests are kept up to this size (Try it is for trying, not for uploads). */
export const SAVED_BODY_LIMIT = 1024 * 1024;

const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

export const savedRequestNameSchema = z.string().trim().min(1, 'give the request a name').max(200, 'at most 200 characters');

/** What is saved: a concrete request below the API's base path, as Try it sends it. */
export const savedRequestContentSchema = z.object({
  method: z
    .string()
    .trim()
    .transform((m) => m.toUpperCase())
    .pipe(z.enum(SAVED_REQUEST_METHODS, { message: `must be one of ${SAVED_REQUEST_METHODS.join(', ')}` })),
  /** Path and query below the API's base path: `/users/5?verbose=true`. */
  path: z
    .string()
    .max(8000)
    .regex(/^\/[^\s]*$/, 'must start with "/" and contain no spaces'),
  headers: z
    .record(z.string().regex(HEADER_NAME, 'not a valid HTTP header name'), z.string().max(8000).regex(/^[^\r\n]*$/, 'a header value may not contain a line break'))
    .refine((headers) => Object.keys(headers).length <= 100, 'at most 100 headers')
    .default({}),
  body: z.string().max(SAVED_BODY_LIMIT, `at most ${SAVED_BODY_LIMIT} characters`).optional(),
  /** The OpenAPI operation it was made from (`GET /users/{id}`), when one was chosen. */
  operation: z.string().max(2100).optional(),
});

export const savedRequestSaveSchema = savedRequestContentSchema.extend({ name: savedRequestNameSchema });
export type SavedRequestSave = z.input<typeof savedRequestSaveSchema>;

export const savedRequestSchema = z.object({
  id: z.string(),
  apiId: z.string(),
  name: z.string(),
  method: z.string(),
  path: z.string(),
  headers: z.record(z.string(), z.string()),
  body: z.string().optional(),
  operation: z.string().optional(),
  createdAt: z.number(),
  updatedAt: z.number(),
});
export type SavedRequest = z.infer<typeof savedRequestSchema>;
