/**
 * Resources of the control plane as the contract shows them (REST, IPC, renderer). Field names
 * are fixed by issue 3 and issue 7: scripts rely on them. Conventions:
 * - ids are opaque strings; every time is epoch milliseconds (as telemetry's `at` and `t`);
 * - `*Schema` describes what the control plane returns, `*CreateSchema` / `*PatchSchema` what
 *   callers send (create inputs fill defaults; patch inputs are partial). Bodies are strict: an
 *   unknown field is a validation error naming it, never silently dropped.
 */
import { z } from 'zod';
import { policyRulesSchema, rateLimitWindowSchema } from '../policies/common';
import { networkModeSchema, sharedStorageSchema, sharedStorageViewSchema } from './docker-models';
import { basePathFromName, basePathSchema, descriptionSchema, idSchema, nameSchema, timeSchema, upstreamUrlSchema } from './fields';

export * from './fields';
export * from './alert-models';
export * from './app-models';
export * from './docker-models';

// ---------------------------------------------------------------------------------------- APIs

export const apiSchema = z.object({
  id: idSchema,
  name: z.string(),
  version: z.string(),
  type: z.literal('http'),
  /** The upstream: where the gateway forwards requests. */
  implementationUrl: z.string(),
  basePath: z.string(),
  gatewayId: idSchema,
  enabled: z.boolean(),
  description: z.string().optional(),
  /** From health-check-flex, when the API has one. */
  upstreamHealth: z.enum(['healthy', 'unhealthy', 'unknown']).optional(),
  /** From circuit-breaker-flex, while its circuit is open on the embedded gateway (the threshold reached). */
  circuit: z.object({ state: z.literal('open'), detail: z.string(), since: timeSchema }).optional(),
  createdAt: timeSchema,
  updatedAt: timeSchema,
});
export type Api = z.infer<typeof apiSchema>;

const apiFields = {
  name: nameSchema,
  version: z.string().trim().min(1).max(50),
  type: z.literal('http'),
  implementationUrl: upstreamUrlSchema,
  basePath: basePathSchema,
  gatewayId: idSchema,
  enabled: z.boolean(),
  description: descriptionSchema,
};

/** Without `gatewayId` the embedded gateway is used (the control plane fills it in). */
export const apiCreateSchema = z
  .strictObject({
    ...apiFields,
    version: apiFields.version.default('v1'),
    type: apiFields.type.default('http'),
    basePath: apiFields.basePath.optional(),
    gatewayId: apiFields.gatewayId.optional(),
    enabled: apiFields.enabled.default(true),
    description: apiFields.description.optional(),
  })
  .transform((input) => ({ ...input, basePath: input.basePath ?? basePathFromName(input.name) }));
export type ApiCreate = z.input<typeof apiCreateSchema>;

export const apiPatchSchema = z.strictObject(apiFields).partial();
export type ApiPatch = z.input<typeof apiPatchSchema>;

// ----------------------------------------------------------------------------- Policy bindings

export const policyBindingSchema = z.object({
  id: idSchema,
  apiId: idSchema,
  /** Catalogue name, e.g. `rate-limiting-flex`. */
  policyRef: z.string(),
  /** Validated against the catalogue entry's schema, defaults filled in. */
  config: z.record(z.string(), z.unknown()),
  /** Lower runs first (default 50). */
  order: z.number().int(),
  enabled: z.boolean(),
  /** Absent or empty: the binding applies to every request. */
  rules: policyRulesSchema.optional(),
  createdAt: timeSchema,
  updatedAt: timeSchema,
});
export type PolicyBinding = z.infer<typeof policyBindingSchema>;

const policyFields = {
  policyRef: z.string().trim().min(1),
  config: z.record(z.string(), z.unknown()),
  order: z.number().int().min(0).max(10_000),
  enabled: z.boolean(),
  rules: policyRulesSchema,
};

/** `config` is checked against the catalogue by the control plane (it knows the policies). */
export const policyCreateSchema = z.strictObject({
  ...policyFields,
  config: policyFields.config.default({}),
  order: policyFields.order.default(50),
  enabled: policyFields.enabled.default(true),
  rules: policyFields.rules.optional(),
});
export type PolicyCreate = z.input<typeof policyCreateSchema>;

/** The policy itself (`policyRef`) cannot change: remove and add instead. */
export const policyPatchSchema = z
  .strictObject({ config: policyFields.config, order: policyFields.order, enabled: policyFields.enabled, rules: policyFields.rules })
  .partial();
export type PolicyPatch = z.input<typeof policyPatchSchema>;

/** What `catalogue.list` returns: JSON-safe (the config schema as JSON Schema). */
export const catalogueItemSchema = z.object({
  name: z.string(),
  title: z.string(),
  description: z.string(),
  category: z.enum(['traffic', 'security', 'transformation', 'quality', 'tls', 'custom']),
  scope: z.enum(['request', 'listener', 'upstream', 'probe']),
  defaults: z.unknown(),
  configSchema: z.record(z.string(), z.unknown()),
});
export type CatalogueItem = z.infer<typeof catalogueItemSchema>;

// ------------------------------------------------------------------------------------ Gateways

export const replicaSchema = z.object({
  index: z.number().int(),
  containerId: z.string(),
  hostPort: z.number().int(),
  status: z.enum(['connected', 'disconnected', 'starting']),
  lastHeartbeatAt: timeSchema.optional(),
  configVersion: z.string().optional(),
  /** Replica name (telemetry is tagged with it); `replica-<index>` for docker replicas. */
  name: z.string().optional(),
  /** Where its rate-limit counters live now: `local`, `redis`, `redis (unreachable, using local counters)`. */
  counters: z.string().optional(),
  /** Container state when it is not running (`exited`, `restarting`, …) or the replica's own config error. */
  detail: z.string().optional(),
});
export type Replica = z.infer<typeof replicaSchema>;

export const gatewayStatusSchema = z.enum(['running', 'starting', 'stopped', 'degraded', 'error']);
export type GatewayStatus = z.infer<typeof gatewayStatusSchema>;

export const gatewaySchema = z.object({
  id: idSchema,
  name: z.string(),
  kind: z.enum(['embedded', 'docker']),
  /** Listener port (embedded) or the first host port of the replicas (docker). */
  port: z.number().int(),
  /** Interface the embedded gateway binds. */
  host: z.string().optional(),
  desiredReplicas: z.number().int(),
  /** Docker replicas; always empty for an embedded gateway. */
  replicas: z.array(replicaSchema),
  status: gatewayStatusSchema,
  configVersion: z.string().optional(),
  /** The last config or start error, shown until the next success. */
  lastError: z.string().optional(),
  // Docker gateways and connected replicas (issue 6; see docker-models.ts).
  /** Whether rate-limit counters are shared by all replicas (Redis), and that said plainly. */
  sharedCounters: z.boolean().optional(),
  countersMessage: z.string().optional(),
  sharedStorage: sharedStorageViewSchema.optional(),
  networkMode: networkModeSchema.optional(),
  networkModeMessage: z.string().optional(),
  createdAt: timeSchema,
  updatedAt: timeSchema,
});
export type Gateway = z.infer<typeof gatewaySchema>;

const portSchema = z.number().int().min(1).max(65_535);
const gatewayFields = {
  name: nameSchema,
  kind: z.enum(['embedded', 'docker']),
  port: portSchema,
  host: z.string().trim().min(1),
  desiredReplicas: z.number().int().min(0).max(20),
};

/** `replicas` is accepted as an alias of `desiredReplicas` (issue 6's `{ name, kind: "docker", replicas: 2, port }`). */
export const gatewayCreateSchema = z
  .strictObject({
    ...gatewayFields,
    kind: gatewayFields.kind.default('embedded'),
    host: gatewayFields.host.optional(),
    desiredReplicas: gatewayFields.desiredReplicas.optional(),
    replicas: gatewayFields.desiredReplicas.optional(),
    /** Redis for counters shared by the replicas (Flex's `sharedStorage`). */
    sharedStorage: sharedStorageSchema.optional(),
  })
  .superRefine((value, ctx) => {
    if (value.replicas !== undefined && value.desiredReplicas !== undefined && value.replicas !== value.desiredReplicas)
      ctx.addIssue({ code: 'custom', path: ['replicas'], message: `is an alias of desiredReplicas; they disagree (${value.replicas} vs ${value.desiredReplicas})` });
  })
  .transform(({ replicas, desiredReplicas, ...rest }) => ({ ...rest, desiredReplicas: desiredReplicas ?? replicas ?? 1 }));
export type GatewayCreate = z.input<typeof gatewayCreateSchema>;

/** The kind of a gateway is fixed at creation. `sharedStorage: null` turns shared counters off. */
export const gatewayPatchSchema = z
  .strictObject({
    name: gatewayFields.name,
    port: gatewayFields.port,
    host: gatewayFields.host,
    desiredReplicas: gatewayFields.desiredReplicas,
    sharedStorage: sharedStorageSchema.nullable(),
  })
  .partial();
export type GatewayPatch = z.input<typeof gatewayPatchSchema>;

// -------------------------------------------------------------------------------- Applications

export const applicationSchema = z.object({
  id: idSchema,
  name: z.string(),
  clientId: z.string(),
  description: z.string().optional(),
  createdAt: timeSchema,
});
export type Application = z.infer<typeof applicationSchema>;

/** Returned by create and regenerate-secret only: the secret is stored hashed, shown once. */
export const applicationWithSecretSchema = applicationSchema.extend({ clientSecret: z.string() });
export type ApplicationWithSecret = z.infer<typeof applicationWithSecretSchema>;

const credentialSchema = z
  .string()
  .min(8, 'must be at least 8 characters')
  .max(200)
  .regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces');

/** `clientId` / `clientSecret` are generated when absent (given ones help imports and tests). */
export const applicationCreateSchema = z.strictObject({
  name: nameSchema,
  description: descriptionSchema.optional(),
  clientId: credentialSchema.optional(),
  clientSecret: credentialSchema.optional(),
});
export type ApplicationCreate = z.input<typeof applicationCreateSchema>;

export const applicationPatchSchema = z.strictObject({ name: nameSchema, description: descriptionSchema }).partial();
export type ApplicationPatch = z.input<typeof applicationPatchSchema>;

// ------------------------------------------------------------------------------------ SLA tiers

export const slaTierSchema = z.object({
  id: idSchema,
  apiId: idSchema,
  name: z.string(),
  description: z.string().optional(),
  limits: z.array(rateLimitWindowSchema),
  approval: z.enum(['automatic', 'manual']),
  status: z.enum(['active', 'deprecated']),
  createdAt: timeSchema,
});
export type SlaTier = z.infer<typeof slaTierSchema>;

const slaTierFields = {
  apiId: idSchema,
  name: nameSchema,
  description: descriptionSchema,
  limits: z.array(rateLimitWindowSchema).min(1, 'a tier needs at least one limit'),
  approval: z.enum(['automatic', 'manual']),
  status: z.enum(['active', 'deprecated']),
};

export const slaTierCreateSchema = z.strictObject({
  ...slaTierFields,
  description: slaTierFields.description.optional(),
  approval: slaTierFields.approval.default('automatic'),
  status: slaTierFields.status.default('active'),
});
export type SlaTierCreate = z.input<typeof slaTierCreateSchema>;

/** A tier in use can be deprecated (status), not deleted (remove answers 409). */
export const slaTierPatchSchema = z
  .strictObject({
    name: slaTierFields.name,
    description: slaTierFields.description,
    limits: slaTierFields.limits,
    approval: slaTierFields.approval,
    status: slaTierFields.status,
  })
  .partial();
export type SlaTierPatch = z.input<typeof slaTierPatchSchema>;

// ------------------------------------------------------------------------------------ Contracts

export const contractStatusSchema = z.enum(['pending', 'approved', 'revoked']);
export type ContractStatus = z.infer<typeof contractStatusSchema>;

export const contractSchema = z.object({
  id: idSchema,
  applicationId: idSchema,
  apiId: idSchema,
  tierId: idSchema.optional(),
  status: contractStatusSchema,
  createdAt: timeSchema,
  updatedAt: timeSchema,
});
export type Contract = z.infer<typeof contractSchema>;

/** Status starts `approved` for an automatic tier (or no tier), `pending` for a manual one. */
export const contractCreateSchema = z.strictObject({
  applicationId: idSchema,
  apiId: idSchema,
  tierId: idSchema.optional(),
});
export type ContractCreate = z.input<typeof contractCreateSchema>;

export const contractPatchSchema = z.strictObject({ status: contractStatusSchema, tierId: idSchema }).partial();
export type ContractPatch = z.input<typeof contractPatchSchema>;
