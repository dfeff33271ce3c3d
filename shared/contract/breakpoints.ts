/**
 * Breakpoints (issue 15): rules that pause matching requests before the upstream and/or
 * responses before the client, on the embedded gateway and in local mode; the paused messages
 * as the UI shows them; and the edits a developer sends back. Rules live in memory (a restart
 * clears them, like "pause all traffic"): a forgotten breakpoint never survives one.
 */
import { z } from 'zod';

/** A paused message resumes unchanged after this long unless told otherwise (HTTP Toolkit never times out; the issue asks for 5 minutes). */
export const DEFAULT_BREAKPOINT_TIMEOUT_MS = 5 * 60_000;
/** Bodies up to this size are held for editing; a larger one passes without pausing (and the log says why). */
export const BREAKPOINT_BODY_LIMIT_BYTES = 4 * 1024 * 1024;
export const MAX_BREAKPOINT_RULES = 50;

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const NO_LINE_BREAKS = /^[^\r\n\0]*$/;

const headerName = z.string().min(1).max(256).regex(TOKEN, 'not a valid HTTP header name');
const headerValue = z.string().max(16_384).regex(NO_LINE_BREAKS, 'a header value cannot contain line breaks');

/** A JavaScript regular expression source, compiled once when the rules are set. */
const regexSource = z
  .string()
  .min(1)
  .max(1000)
  .superRefine((source, ctx) => {
    try {
      new RegExp(source);
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: `not a valid regular expression: ${(error as Error).message}` });
    }
  });

export const breakpointRuleInputSchema = z
  .strictObject({
    /** Kept when given (so the UI can edit a rule in place); else the gateway assigns one. */
    id: z.string().min(1).max(64).regex(/^[A-Za-z0-9._-]+$/, 'letters, digits, ".", "_" and "-" only').optional(),
    enabled: z.boolean().default(true),
    /** `POST`; any method when absent. */
    method: z.string().max(32).regex(TOKEN, 'not an HTTP method').transform((m) => m.toUpperCase()).optional(),
    /** Regular expression tested on the request path as the client sent it (no query), e.g. `^/orders/`. */
    path: regexSource.optional(),
    /** The request carries this header (names are case-insensitive); with `value`, exactly that value. */
    header: z.strictObject({ name: headerName.transform((n) => n.toLowerCase()), value: headerValue.optional() }).optional(),
    /** Pause the request before it goes to the upstream. */
    request: z.boolean().default(true),
    /** Pause the upstream's response before it goes back to the client. */
    response: z.boolean().default(false),
  })
  .refine((rule) => rule.request || rule.response, { message: 'pause on the request, the response or both', path: ['request'] });

export type BreakpointRuleInput = z.input<typeof breakpointRuleInputSchema>;

export const breakpointRuleSchema = z.object({
  id: z.string(),
  enabled: z.boolean(),
  method: z.string().optional(),
  path: z.string().optional(),
  header: z.object({ name: z.string(), value: z.string().optional() }).optional(),
  request: z.boolean(),
  response: z.boolean(),
});
export type BreakpointRule = z.infer<typeof breakpointRuleSchema>;

export const breakpointConfigInputSchema = z.strictObject({
  rules: z.array(breakpointRuleInputSchema).max(MAX_BREAKPOINT_RULES),
  /** How long a message may stay paused before it resumes unchanged (default 5 minutes). */
  timeoutMs: z.number().int().min(100).max(24 * 3_600_000).optional(),
});

export const breakpointPhaseSchema = z.enum(['request', 'response']);
export type BreakpointPhase = z.infer<typeof breakpointPhaseSchema>;

/** Headers in order, repeats kept (`set-cookie`), as `[name, value]` pairs. */
export const headerListSchema = z.array(z.tuple([headerName, headerValue])).max(500);
export type HeaderList = z.infer<typeof headerListSchema>;

/** A held body: UTF-8 text, or base64 when it is not valid UTF-8. Decoded first when content-encoded. */
export const heldBodySchema = z.object({
  text: z.string(),
  encoding: z.enum(['utf8', 'base64']),
  /** Bytes as held (before decoding). */
  size: z.number(),
  /** The body was gzip/br/deflate-encoded and is shown decoded; an edited body goes out unencoded. */
  decodedFrom: z.string().optional(),
});
export type HeldBody = z.infer<typeof heldBodySchema>;

export const pausedSummarySchema = z.object({
  /** The request's id (the same as its traffic log entry). */
  id: z.string(),
  phase: breakpointPhaseSchema,
  ruleId: z.string(),
  pausedAt: z.number(),
  /** When it resumes unchanged if nobody acts. */
  expiresAt: z.number(),
  apiId: z.string().optional(),
  apiName: z.string().optional(),
  /** The client's request line as received: method and path with query. */
  method: z.string(),
  target: z.string(),
  /** The upstream's status (response phase). */
  status: z.number().optional(),
});
export type PausedSummary = z.infer<typeof pausedSummarySchema>;

export const pausedMessageSchema = pausedSummarySchema.extend({
  /** Where the request goes: the upstream's origin, e.g. `http://127.0.0.1:3000`. */
  upstream: z.string(),
  /** The request as the upstream gets it (after the policies); editable in the request phase. */
  request: z.object({ method: z.string(), url: z.string(), headers: headerListSchema, body: heldBodySchema.optional() }),
  /** The response as the client would get it (after the policies); the response phase only. */
  response: z.object({ status: z.number(), headers: headerListSchema, body: heldBodySchema }).optional(),
});
export type PausedMessage = z.infer<typeof pausedMessageSchema>;

export const breakpointStateSchema = z.object({
  rules: z.array(breakpointRuleSchema),
  timeoutMs: z.number(),
  paused: z.array(pausedSummarySchema),
});
export type BreakpointState = z.infer<typeof breakpointStateSchema>;

const bodyEdit = {
  body: z.string().max(BREAKPOINT_BODY_LIMIT_BYTES * 2).optional(),
  bodyEncoding: z.enum(['utf8', 'base64']).default('utf8'),
};

/**
 * What to change before the message goes on: each field given replaces that part. `method`
 * and `url` (path and query sent upstream) apply to a paused request, `status` to a paused
 * response; `headers` replaces the whole list (Content-Length is recomputed, framing headers are
 * the gateway's); `body` replaces the body (sent unencoded).
 */
export const breakpointEditSchema = z.strictObject({
  method: z.string().max(32).regex(TOKEN, 'not an HTTP method').transform((m) => m.toUpperCase()).optional(),
  url: z
    .string()
    .max(8192)
    .regex(/^\/[^\s]*$/, 'a path starting with "/" (and an optional ?query), without spaces')
    .optional(),
  status: z.number().int().min(200).max(599).optional(),
  headers: headerListSchema.optional(),
  ...bodyEdit,
});
export type BreakpointEdit = z.output<typeof breakpointEditSchema>;

/** A response written by the developer instead of the upstream's. */
export const breakpointResponseSchema = z.strictObject({
  status: z.number().int().min(200).max(599).default(200),
  headers: headerListSchema.default([]),
  ...bodyEdit,
});
export type BreakpointResponse = z.output<typeof breakpointResponseSchema>;
