/**
 * Mocks and recordings as data: a hand-written mock route, a recorded exchange, a recording
 * file (export/import), and an API's mock settings. Validated with these schemas at every
 * boundary (admin API, YAML `Mock` kind, imported files).
 */
import { z } from 'zod';

export const MOCK_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS', '*'] as const;

/** `/users/{id}`, `/users/:id`, `/files/*` (the rest of the path), relative to the API's base path. */
export const mockPathSchema = z
  .string()
  .min(1)
  .max(2000)
  .regex(/^\/[^?#\s]*$/, 'a path starting with "/", without query or spaces (use {name} or :name for a segment, * at the end for the rest)');

const headerMap = z.record(z.string().regex(/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/, 'not a valid HTTP header name'), z.string());

/** A hand-written route: what the mock answers to a method and path. */
export const mockRouteSchema = z
  .object({
    method: z.enum(MOCK_METHODS).default('GET'),
    path: mockPathSchema,
    status: z.number().int().min(100).max(599).default(200),
    headers: headerMap.default({}),
    /** Text as sent; a JSON value (object, array, number…) is sent as JSON. */
    body: z.unknown().optional(),
  })
  .strict();
export type MockRoute = z.infer<typeof mockRouteSchema>;
export type MockRouteInput = z.input<typeof mockRouteSchema>;

/** Recorded bodies are kept up to this many bytes (larger ones keep their first bytes, marked truncated). */
export const RECORDED_BODY_LIMIT = 1024 * 1024;

/** One recorded exchange: the request's method, path (below the API's base path) and query, and the response. */
export const recordedExchangeSchema = z
  .object({
    method: z.string().min(1).max(20),
    path: mockPathSchema,
    /** As sent, without `?` ('' when none). */
    query: z.string().max(8000).default(''),
    status: z.number().int().min(100).max(599),
    headers: z.record(z.string(), z.string()).default({}),
    /** The body in base64 (bytes exactly as the upstream sent them). */
    bodyBase64: z.string().default(''),
    truncated: z.boolean().default(false),
    at: z.number().int().nonnegative().optional(),
  })
  .strict();
export type RecordedExchange = z.infer<typeof recordedExchangeSchema>;

export const RECORDING_FORMAT = 'gatehouse-recording/v1';

/** A recording as a file: what export writes and import reads. */
export const recordingFileSchema = z
  .object({
    format: z.literal(RECORDING_FORMAT),
    name: z.string().min(1).max(200),
    exchanges: z.array(recordedExchangeSchema).max(10_000),
  })
  .strict();
export type RecordingFile = z.infer<typeof recordingFileSchema>;

export const MOCK_MODES = ['off', 'only', 'fallback'] as const;
export type MockMode = (typeof MOCK_MODES)[number];
export const MOCK_SOURCES = ['openapi', 'recording', 'routes'] as const;
export type MockSource = (typeof MOCK_SOURCES)[number];

/** How a recording is matched, shown in the UI and the docs next to the recording source. */
export const RECORDING_MATCH_RULES =
  'Same method, same path (below the API base path, exact) and same query parameters (any order); the latest recorded response wins. Headers and bodies of requests are not compared.';

/** An API's mock as the admin API shows it. */
export const mockSettingsSchema = z.object({
  apiId: z.string(),
  mode: z.enum(MOCK_MODES),
  source: z.enum(MOCK_SOURCES),
  /** The recording replayed when `source` is `recording`. */
  recordingId: z.string().optional(),
  routes: z.array(mockRouteSchema),
  /** While the record switch is on: the recording that new upstream responses go to. */
  recordingInto: z.string().optional(),
  /** An OpenAPI document is kept with the API (imported with it or uploaded here). */
  openApi: z.object({ operations: z.number().int(), updatedAt: z.number() }).optional(),
  /** How a recording is matched, to show next to the recording source. */
  matchRules: z.string(),
});
export type MockSettings = z.infer<typeof mockSettingsSchema>;

export const mockSettingsPatchSchema = z
  .object({
    mode: z.enum(MOCK_MODES).optional(),
    source: z.enum(MOCK_SOURCES).optional(),
    recordingId: z.string().min(1).nullable().optional(),
    routes: z.array(mockRouteSchema).max(500).optional(),
    /** Turns the record switch on (responses go to the recording of that name, created when new) or off (null). */
    recordInto: z.string().trim().min(1).max(200).nullable().optional(),
  })
  .strict();
export type MockSettingsPatch = z.infer<typeof mockSettingsPatchSchema>;

export const recordingSummarySchema = z.object({
  id: z.string(),
  apiId: z.string(),
  name: z.string(),
  createdAt: z.number(),
  exchanges: z.number().int(),
});
export type RecordingSummary = z.infer<typeof recordingSummarySchema>;
