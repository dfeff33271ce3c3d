/**
 * Docker gateways and connected replicas as the contract shows them: the engine's status and
 * networking (system.info), shared counters (Redis) per gateway, replica logs, orphaned
 * containers and replica tokens.
 */
import { z } from 'zod';
import { idSchema } from './fields';

export const networkModeSchema = z.enum(['host', 'bridge']);

export const dockerImageStateSchema = z.object({
  status: z.enum(['idle', 'building', 'ready', 'failed']),
  tag: z.string().optional(),
  /** The base actually used (the configured one, or one made from the local Node runtime). */
  base: z.string().optional(),
  baseSource: z.enum(['configured', 'local-runtime']).optional(),
  message: z.string(),
  /** Old Gatehouse images removed once replicas ran on this one: "removed 2 old gateway images (210 MB)". */
  pruned: z.object({ images: z.number().int(), bytes: z.number(), message: z.string() }).optional(),
});

/** `system.info`'s `docker`: whether an engine answers, and what to do when none does. */
export const dockerInfoSchema = z.object({
  status: z.enum(['unknown', 'available', 'unavailable']),
  /** "Docker is not running — start Docker Desktop or …" when unavailable. */
  message: z.string().optional(),
  version: z.string().optional(),
  endpoint: z.string().optional(),
  /** How replicas reach the host's 127.0.0.1 (upstreams, the control plane). */
  networkMode: networkModeSchema.optional(),
  networkModeMessage: z.string().optional(),
  image: dockerImageStateSchema.optional(),
});
export type DockerInfo = z.infer<typeof dockerInfoSchema>;

/** Flex's `sharedStorage.redis` for one gateway's replicas. */
export const redisSettingsSchema = z.strictObject({
  address: z
    .string()
    .trim()
    .min(1, 'must not be empty')
    .regex(/^(rediss?:\/\/\S+|\[[0-9a-fA-F:]+\](:\d+)?|[A-Za-z0-9_.-]+(:\d+)?)$/, 'must be host:port (e.g. 127.0.0.1:6379) or a redis:// URL'),
  username: z.string().min(1).optional(),
  password: z.string().min(1).optional(),
  db: z.number().int().min(0).max(15).optional(),
});
export const sharedStorageSchema = z.strictObject({ redis: redisSettingsSchema.optional() });
export type SharedStorage = z.infer<typeof sharedStorageSchema>;

/** What a gateway shows about its shared storage: never the password. */
export const sharedStorageViewSchema = z.object({
  redis: z.object({ address: z.string(), username: z.string().optional(), db: z.number().optional(), hasPassword: z.boolean() }).optional(),
});

export const replicaLogLineSchema = z.object({
  stream: z.enum(['stdout', 'stderr']),
  /** ISO time from the engine ('' when unknown). */
  at: z.string(),
  text: z.string(),
});
export type ReplicaLogLine = z.infer<typeof replicaLogLineSchema>;

export const replicaLogsQuerySchema = z.object({
  id: idSchema,
  index: z.coerce.number().int().min(0).max(19),
  tail: z.coerce.number().int().min(1).max(5000).default(200),
});

export const orphanContainerSchema = z.object({
  containerId: z.string(),
  name: z.string(),
  gatewayId: z.string(),
  index: z.number().int(),
  state: z.string(),
  /** Made by another Gatehouse data dir on this machine. */
  foreign: z.boolean(),
});
export type OrphanContainer = z.infer<typeof orphanContainerSchema>;

export const cleanupOrphansSchema = z.strictObject({
  /** Also remove containers another Gatehouse data dir made (default false). */
  includeForeign: z.boolean().default(false),
});

/** A gateway's replica token: shown once, when issued. */
export const replicaTokenSchema = z.object({
  gatewayId: z.string(),
  token: z.string(),
  /** Ready to paste: `gatehouse gateway --connect URL --token TOKEN --name NAME`. */
  command: z.string(),
});
export type ReplicaToken = z.infer<typeof replicaTokenSchema>;
