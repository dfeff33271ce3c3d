/**
 * The wire protocol between connected replicas and the control plane (`/api/v1/replicas/*`),
 * authenticated with the gateway's token (`Authorization: Bearer <token>`), never the admin token.
 *
 * - POST register   {name, listenPort?, version?}          → RegisterReply
 * - GET  snapshot?after=VERSION&name=N                     → 200 SnapshotReply, or 204 when nothing
 *   changed within the hold time (long poll: a change is answered at once)
 * - POST heartbeat  Heartbeat                              → HeartbeatReply
 * - POST telemetry  TelemetryBatch                         → 204
 */
import { z } from 'zod';
import type { GatewaySnapshot } from '../snapshot';

export const REPLICA_PATH_PREFIX = '/api/v1/replicas';

/** How long the control plane holds a snapshot long poll before answering 204. */
export const SNAPSHOT_HOLD_MS = 25_000;
export const HEARTBEAT_INTERVAL_MS = 2000;
export const TELEMETRY_INTERVAL_MS = 1000;

const replicaName = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(100, 'must be at most 100 characters')
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.:@-]*$/, 'letters, digits and _ . : @ - only');

export const registerRequestSchema = z.object({
  name: replicaName,
  listenPort: z.number().int().min(0).max(65_535).optional(),
  /** The replica's Gatehouse version. */
  version: z.string().max(50).optional(),
  /** The config it serves already (a reconnect, or a cached one); absent when it serves nothing yet. */
  configVersion: z.string().max(200).optional(),
});
export type RegisterRequest = z.infer<typeof registerRequestSchema>;

export interface RegisterReply {
  gatewayId: string;
  gatewayName: string;
  name: string;
  heartbeatIntervalMs: number;
  telemetryIntervalMs: number;
}

export interface SnapshotReply {
  version: string;
  snapshot: GatewaySnapshot;
}

export const heartbeatSchema = z.object({
  name: replicaName,
  listenPort: z.number().int().min(0).max(65_535).optional(),
  /** Version serving traffic (absent before the first snapshot is applied). */
  configVersion: z.string().max(200).optional(),
  status: z.enum(['ok', 'degraded', 'paused', 'starting']),
  /** Where rate-limit counters live right now (`local`, `redis`, `redis (unreachable, …)`). */
  counters: z.string().max(200),
  lastConfigError: z.string().max(2000).optional(),
});
export type Heartbeat = z.infer<typeof heartbeatSchema>;

export interface HeartbeatReply {
  /** The version the control plane would serve now: a replica behind it polls at once. */
  snapshotVersion: string;
}

const traceEntrySchema = z.object({
  policy: z.string(),
  bindingId: z.string(),
  verdict: z.enum(['allow', 'deny', 'respond', 'modify', 'skip', 'error']),
  detail: z.string().optional(),
  status: z.number().optional(),
  durationMs: z.number(),
});

/** A RequestFact as JSON (header maps omitted: replicas do not capture headers). */
export const requestFactSchema = z.object({
  id: z.string(),
  at: z.number(),
  apiId: z.string().optional(),
  apiName: z.string().optional(),
  listener: z.string(),
  method: z.string(),
  path: z.string(),
  /** The query string without its `?` (the request target is path and query). */
  query: z.string().max(65_536).optional(),
  status: z.number().int(),
  latencyMs: z.number(),
  upstreamLatencyMs: z.number().optional(),
  upstream: z.string().optional(),
  bytesIn: z.number(),
  bytesOut: z.number(),
  clientId: z.string().optional(),
  remoteAddress: z.string(),
  source: z.enum(['gateway', 'upstream', 'mock']),
  errorCode: z.string().optional(),
  violatedPolicy: z.string().optional(),
  trace: z.array(traceEntrySchema),
  /** The first bytes of the bodies (REPLICA_BODY_BYTES each), base64. */
  requestBody64: z.string().max(32 * 1024).optional(),
  responseBody64: z.string().max(32 * 1024).optional(),
});

export const telemetryBatchSchema = z.object({
  name: replicaName,
  facts: z.array(requestFactSchema).max(50_000),
  /** Facts the replica had to drop (control plane unreachable too long). */
  dropped: z.number().int().min(0).optional(),
});
export type TelemetryBatch = z.infer<typeof telemetryBatchSchema>;
