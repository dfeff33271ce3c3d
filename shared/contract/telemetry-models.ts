/**
 * Telemetry shapes the control plane serves (metrics, request log, live ticks). Field names are
 * fixed by issue 3: scripts read them through `GET /api/v1/apis/{id}/metrics` and
 * `GET /api/v1/traffic`. Times are epoch milliseconds. "errors" everywhere means status ≥ 400.
 */
import { z } from 'zod';

export const statusClassSchema = z.enum(['2xx', '3xx', '4xx', '5xx']);
export type StatusClass = z.infer<typeof statusClassSchema>;

/** Who answered a request: the gateway itself (a policy, no route, upstream down), the upstream, or the API's mock. */
export const answerSourceSchema = z.enum(['gateway', 'upstream', 'mock']);
export type AnswerSource = z.infer<typeof answerSourceSchema>;

/** Same shape as main/gateway/telemetry.ts's PolicyTraceEntry (shared/ may not import main/). */
export const policyTraceEntrySchema = z.object({
  policy: z.string(),
  bindingId: z.string(),
  verdict: z.enum(['allow', 'deny', 'respond', 'modify', 'skip', 'error']),
  detail: z.string().optional(),
  status: z.number().int().optional(),
  durationMs: z.number(),
});
export type PolicyTraceEntryModel = z.infer<typeof policyTraceEntrySchema>;

export const apiMetricsSchema = z.object({
  requests: z.number().int(),
  status: z.object({ '2xx': z.number().int(), '3xx': z.number().int(), '4xx': z.number().int(), '5xx': z.number().int() }),
  latencyMs: z.object({ p50: z.number(), p95: z.number(), p99: z.number() }),
  policyViolations: z.number().int(),
  violationsByPolicy: z.record(z.string(), z.number().int()),
  /** Busiest clients first; requests without a client id are not listed. */
  topClients: z.array(z.object({ clientId: z.string(), requests: z.number().int(), errors: z.number().int() })),
  /** Oldest first; `t` is the start of each point's interval, points are evenly spaced. */
  series: z.array(z.object({ t: z.number(), requests: z.number().int(), errors: z.number().int(), p95: z.number() })),
});
export type ApiMetrics = z.infer<typeof apiMetricsSchema>;

/** Longest metrics window: the 1-minute buckets are kept for 30 days by default. */
export const MAX_METRICS_WINDOW_SECONDS = 30 * 24 * 3600;

/** Input of 'metrics.get'; `window` arrives as a query string over HTTP, hence the coercion. */
export const metricsQuerySchema = z.object({
  apiId: z.string().min(1),
  window: z.coerce.number().int().min(1).max(MAX_METRICS_WINDOW_SECONDS).default(3600),
});
export type MetricsQuery = z.infer<typeof metricsQuerySchema>;

export const trafficEntrySchema = z.object({
  id: z.string(),
  at: z.number(),
  apiId: z.string().nullable(),
  apiName: z.string().optional(),
  method: z.string(),
  path: z.string(),
  /** The query string as received, without its `?`; absent when the request had none. */
  query: z.string().optional(),
  status: z.number().int(),
  latencyMs: z.number(),
  clientId: z.string().nullable(),
  source: answerSourceSchema,
  errorCode: z.string().optional(),
  violatedPolicy: z.string().optional(),
  trace: z.array(policyTraceEntrySchema),
  requestHeaders: z.record(z.string(), z.string()).optional(),
  responseHeaders: z.record(z.string(), z.string()).optional(),
  /** Name of the connected replica that served it; absent for the embedded gateway. */
  replica: z.string().optional(),
  /** The upstream service it was forwarded to (one of a weighted route's); absent when it was not. */
  upstream: z.string().optional(),
  /** `host:port` of the gateway listener that served it. */
  listener: z.string().optional(),
  /** Body sizes as they went through (request as announced or read, response as sent). */
  bytesIn: z.number().int().optional(),
  bytesOut: z.number().int().optional(),
  /** Bytes of each body kept (see 'traffic.bodies'); absent when none were. */
  captured: z.object({ request: z.number().int(), response: z.number().int() }).optional(),
});
export type TrafficEntry = z.infer<typeof trafficEntrySchema>;

/** A point in time: epoch milliseconds (a number or a string of digits) or an ISO 8601 date. */
const instantSchema = z.union([z.number(), z.string()]).transform((value, ctx) => {
  const ms = typeof value === 'number' ? value : /^\d+$/.test(value.trim()) ? Number(value) : Date.parse(value);
  if (Number.isFinite(ms)) return ms;
  ctx.addIssue({ code: 'custom', message: 'expected epoch milliseconds or an ISO 8601 date such as 2025-01-15T12:00:00Z' });
  return z.NEVER;
});

/**
 * Input of 'traffic.list': filters over the whole stored request log, all of them together.
 * Numbers may arrive as query strings over HTTP, hence the coercion. Strict: a misspelt filter
 * is an error naming it, never a silently wider search.
 */
export const trafficQuerySchema = z
  .strictObject({
    apiId: z.string().min(1).optional(),
    limit: z.coerce.number().int().min(1).max(1000).default(100),
    statusClass: statusClassSchema.optional(),
    /** One exact status code. */
    status: z.coerce.number().int().min(100).max(599).optional(),
    /** Compared upper-cased: `get` finds GET. */
    method: z
      .string()
      .regex(/^[A-Za-z]{1,20}$/, 'expected an HTTP method such as GET or POST')
      .transform((value) => value.toUpperCase())
      .optional(),
    /** Case-insensitive part of the request path. */
    path: z.string().min(1).max(2000).optional(),
    /** The exact client id. */
    clientId: z.string().min(1).optional(),
    /** Case-insensitive part of the client id. */
    client: z.string().min(1).max(200).optional(),
    /** Who answered: the gateway itself (policy, no route, upstream down), the upstream, or the API's mock. */
    source: answerSourceSchema.optional(),
    /** Requests that arrived at or after this time. */
    since: instantSchema.optional(),
    /** Requests that arrived before this time. */
    until: instantSchema.optional(),
    /** Case-insensitive text searched in "METHOD path status policy error-code" (as the Traffic screen's search box). */
    q: z.string().min(1).max(500).optional(),
    /**
     * Paging: entries older than this. The id of an entry (the last one of the previous page),
     * or epoch milliseconds (a number or a string of digits that is not a known id).
     */
    before: z.union([z.string().min(1), z.number()]).optional(),
  })
  .superRefine((value, ctx) => {
    if (value.status !== undefined && value.statusClass !== undefined && Math.floor(value.status / 100) !== Number(value.statusClass[0]))
      ctx.addIssue({ code: 'custom', path: ['status'], message: `${value.status} is not a ${value.statusClass} status` });
    if (value.since !== undefined && value.until !== undefined && value.until <= value.since)
      ctx.addIssue({ code: 'custom', path: ['until'], message: 'must be later than since' });
  });
export type TrafficQuery = z.input<typeof trafficQuerySchema>;
export type TrafficQueryParsed = z.output<typeof trafficQuerySchema>;

/** Emitted once per second for live charts: the last full second, per API with traffic. */
export const trafficTickSchema = z.object({
  t: z.number(),
  apis: z.array(z.object({ apiId: z.string(), requests: z.number().int(), errors: z.number().int(), p95: z.number() })),
});
export type TrafficTick = z.infer<typeof trafficTickSchema>;
