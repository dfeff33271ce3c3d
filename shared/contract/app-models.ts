/** App-level shapes: config import results, Try it, settings, system info. */
import { z } from 'zod';
import { configChangeSchema, configImportModeSchema } from './config-models';
import { dockerInfoSchema } from './docker-models';
import { idSchema, timeSchema } from './fields';
import { policyTraceEntrySchema } from './telemetry-models';

// ------------------------------------------------------------------------------ Config (YAML)

export const configImportResultSchema = z.object({
  /** Resources in the imported document, by kind (`ApiInstance`, `PolicyBinding`, …). */
  imported: z.record(z.string(), z.number().int()),
  warnings: z.array(z.string()),
  mode: configImportModeSchema,
  /** Resource by resource, what changed (or, in a dry run, would change). */
  changes: z.array(configChangeSchema),
  /** False for a dry run, or when nothing differed. */
  applied: z.boolean(),
});
export type ConfigImportResult = z.infer<typeof configImportResultSchema>;

// ------------------------------------------------------------------------------------ Try it

const headerMapSchema = z.record(z.string(), z.string());

export const tryRequestSchema = z.strictObject({
  apiId: idSchema,
  method: z
    .string()
    .trim()
    .regex(/^[A-Za-z]+$/, 'must be an HTTP method such as GET')
    .transform((m) => m.toUpperCase())
    .default('GET'),
  /** Path below the API's base path, e.g. `/posts/1?x=y`. */
  path: z.string().regex(/^\//, 'must start with "/"').default('/'),
  headers: headerMapSchema.default({}),
  body: z.string().optional(),
  /** Sends this application's client id and secret (as Basic auth and client_id/client_secret headers). */
  applicationId: idSchema.optional(),
  /** Run the policies and show their decisions without calling the upstream. */
  dryRun: z.boolean().default(false),
  /** `gateway`: through the API's gateway (policies apply). `upstream`: straight to the API's implementationUrl, no policies. */
  target: z.enum(['gateway', 'upstream']).default('gateway'),
});
export type TryRequest = z.input<typeof tryRequestSchema>;

export const tryResultSchema = z.object({
  /** The URL the request was sent to. */
  url: z.string(),
  status: z.number().int(),
  headers: headerMapSchema,
  body: z.string(),
  /** `base64` when the response body is not text. */
  bodyEncoding: z.enum(['utf8', 'base64']),
  /** The body was cut at 256 KiB (Try it is for looking, not for downloads). */
  truncated: z.boolean().optional(),
  timing: z.object({ totalMs: z.number(), upstreamMs: z.number().optional() }),
  /** Who answered, from the response's x-gatehouse-source. */
  source: z.enum(['gateway', 'upstream', 'mock']),
  trace: z.array(policyTraceEntrySchema),
  requestId: z.string().optional(),
});
export type TryResult = z.infer<typeof tryResultSchema>;

// ------------------------------------------------------------------------------------ Settings

/**
 * What quitting Gatehouse does to Docker gateway replicas (the embedded gateway always stops:
 * it runs in the app). `keep-running`: they keep serving their last config while the app is
 * closed and reconnect when it returns. `stop`: their containers are stopped (not removed) and
 * start again with the app.
 */
export const onQuitSchema = z.enum(['keep-running', 'stop']);
export type OnQuit = z.infer<typeof onQuitSchema>;

export const settingsSchema = z.object({
  theme: z.enum(['light', 'dark', 'system']),
  /** Electron: closing the window keeps the gateway running in the tray. */
  closeToTray: z.boolean(),
  desktopNotifications: z.boolean(),
  /** Docker gateway replicas when the app (or `gatehouse serve`) quits. */
  onQuit: onQuitSchema,
  retention: z.object({
    /** Newest requests kept with their trace. */
    requestLogEntries: z.number().int().min(100).max(1_000_000),
    /** 1-second buckets. */
    secondBucketsMinutes: z.number().int().min(1).max(24 * 60),
    /** 1-minute buckets. */
    minuteBucketsDays: z.number().int().min(1).max(365),
    /** Captured request and response bodies, all together; the oldest go first. */
    bodyStorageMiB: z.number().int().min(1).max(10_240),
  }),
  /** Bytes of each request and response body kept in the traffic log (0: bodies are not captured). */
  captureBodyLimitKiB: z.number().int().min(0).max(16_384),
});
export type Settings = z.infer<typeof settingsSchema>;

export const defaultSettings: Settings = {
  theme: 'system',
  closeToTray: true,
  desktopNotifications: true,
  onQuit: 'keep-running',
  retention: { requestLogEntries: 10_000, secondBucketsMinutes: 60, minuteBucketsDays: 30, bodyStorageMiB: 256 },
  captureBodyLimitKiB: 256,
};

export const settingsPatchSchema = z
  .strictObject({
    theme: settingsSchema.shape.theme,
    closeToTray: z.boolean(),
    desktopNotifications: z.boolean(),
    onQuit: onQuitSchema,
    retention: z.strictObject(settingsSchema.shape.retention.shape).partial(),
    captureBodyLimitKiB: settingsSchema.shape.captureBodyLimitKiB,
  })
  .partial();
export type SettingsPatch = z.input<typeof settingsPatchSchema>;

// ------------------------------------------------------------------------------ Traffic pause

/**
 * "Pause all traffic": every gateway (embedded and connected replicas) answers 503
 * TRAFFIC_PAUSED, health endpoints still answer. Held by the running control plane, not stored:
 * a restart resumes traffic.
 */
export const trafficStateSchema = z.object({
  paused: z.boolean(),
  /** When the pause began (absent while traffic flows). */
  pausedAt: timeSchema.optional(),
});
export type TrafficState = z.infer<typeof trafficStateSchema>;

// -------------------------------------------------------------------------------------- System

export const systemInfoSchema = z.object({
  version: z.string(),
  dataDir: z.string(),
  /** Absent when the token comes from GATEHOUSE_ADMIN_TOKEN. */
  adminTokenFile: z.string().optional(),
  gatewayPort: z.number().int(),
  adminUrl: z.string().optional(),
  platform: z.string(),
  startedAt: timeSchema,
  /** Docker engine status, networking and the gateway image (docker-models.ts). */
  docker: dockerInfoSchema,
  /** Whether all traffic is paused (`traffic.pause` / `traffic.resume`, event `traffic.state`). */
  traffic: trafficStateSchema,
});
export type SystemInfo = z.infer<typeof systemInfoSchema>;
