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
import { policyTraceEntrySchema } from './telemetry-models';

const idSchema = z.string().min(1);
const nameSchema = z.string().trim().min(1, 'must not be empty').max(100, 'must be at most 100 characters');
const descriptionSchema = z.string().max(2000);
const timeSchema = z.number();

/** An absolute http(s) URL (the upstream of an API, a webhook). */
export const httpUrlSchema = z.string().superRefine((value, ctx) => {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    ctx.addIssue({ code: 'custom', message: `must be an absolute http(s) URL such as http://127.0.0.1:3000/, got "${value}"` });
    return;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    ctx.addIssue({ code: 'custom', message: `must use http or https, got "${url.protocol.slice(0, -1)}"` });
});

/** Normalized base path: leading slash, no trailing slash (the root is `/`), no query. */
export const basePathSchema = z
  .string()
  .trim()
  .regex(/^\/[^\s?#]*$/, 'must start with "/" and contain no spaces, "?" or "#"')
  .transform(normalizeBasePath);

export function normalizeBasePath(path: string): string {
  const trimmed = path.replace(/\/+$/, '');
  return trimmed === '' ? '/' : trimmed.replace(/\/{2,}/g, '/');
}

/** `My Orders API` → `/my-orders-api`: the base path an API gets when none is given. */
export function basePathFromName(name: string): string {
  const slug = name
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return `/${slug || 'api'}`;
}

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
  createdAt: timeSchema,
  updatedAt: timeSchema,
});
export type Api = z.infer<typeof apiSchema>;

const apiFields = {
  name: nameSchema,
  version: z.string().trim().min(1).max(50),
  type: z.literal('http'),
  implementationUrl: httpUrlSchema,
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
  category: z.enum(['traffic', 'security', 'transformation', 'quality', 'tls']),
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

export const gatewayCreateSchema = z.strictObject({
  ...gatewayFields,
  kind: gatewayFields.kind.default('embedded'),
  host: gatewayFields.host.optional(),
  desiredReplicas: gatewayFields.desiredReplicas.default(1),
});
export type GatewayCreate = z.input<typeof gatewayCreateSchema>;

/** The kind of a gateway is fixed at creation. */
export const gatewayPatchSchema = z
  .strictObject({ name: gatewayFields.name, port: gatewayFields.port, host: gatewayFields.host, desiredReplicas: gatewayFields.desiredReplicas })
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

// --------------------------------------------------------------------------------------- Alerts

export const alertKindSchema = z.enum([
  'request-count',
  'response-codes',
  'response-time',
  'policy-violations',
  'upstream-down',
  'gateway-down',
]);
export type AlertKind = z.infer<typeof alertKindSchema>;

/** Words, not symbols: `>` would start a folded block in YAML exports. */
export const comparatorSchema = z.enum(['gt', 'gte', 'lt', 'lte', 'eq']);
export type Comparator = z.infer<typeof comparatorSchema>;

export const severitySchema = z.enum(['info', 'warning', 'critical']);
export type Severity = z.infer<typeof severitySchema>;

/** A status code (`503`) or a class (`"5xx"`). */
export const alertCodeSchema = z.union([z.number().int().min(100).max(599), z.enum(['1xx', '2xx', '3xx', '4xx', '5xx'])]);

export const alertRuleSchema = z.object({
  id: idSchema,
  name: z.string(),
  kind: alertKindSchema,
  apiId: idSchema.optional(),
  gatewayId: idSchema.optional(),
  /** For `response-codes`. */
  codes: z.array(alertCodeSchema).optional(),
  /** For `response-time`: which latency is compared. */
  statistic: z.enum(['average', 'p95']).optional(),
  /** For `policy-violations`: one policy (catalogue name), else any. */
  policy: z.string().optional(),
  comparator: comparatorSchema,
  threshold: z.number(),
  windowSeconds: z.number().int(),
  /** Fires only after this many consecutive periods over the threshold. */
  periods: z.number().int(),
  severity: severitySchema,
  enabled: z.boolean(),
  webhookUrl: z.string().optional(),
  /** Still evaluated and recorded, but no notification goes out (webhook, desktop). */
  muted: z.boolean().optional(),
  /** Current state of the evaluator for this rule. */
  state: z.enum(['ok', 'alerting']).optional(),
  createdAt: timeSchema,
  updatedAt: timeSchema,
});
export type AlertRule = z.infer<typeof alertRuleSchema>;

const alertRuleFields = {
  name: nameSchema,
  kind: alertKindSchema,
  apiId: idSchema,
  gatewayId: idSchema,
  codes: z.array(alertCodeSchema).min(1),
  statistic: z.enum(['average', 'p95']),
  policy: z.string().trim().min(1),
  comparator: comparatorSchema,
  threshold: z.number().min(0),
  windowSeconds: z.number().int().min(1).max(86_400),
  periods: z.number().int().min(1).max(1_000),
  severity: severitySchema,
  enabled: z.boolean(),
  webhookUrl: httpUrlSchema,
  muted: z.boolean(),
};

/** Scope rules (API for traffic kinds, gateway for gateway-down) are checked by the control plane. */
export const alertRuleCreateSchema = z.strictObject({
  ...alertRuleFields,
  apiId: alertRuleFields.apiId.optional(),
  gatewayId: alertRuleFields.gatewayId.optional(),
  codes: alertRuleFields.codes.optional(),
  statistic: alertRuleFields.statistic.optional(),
  policy: alertRuleFields.policy.optional(),
  comparator: alertRuleFields.comparator.default('gt'),
  threshold: alertRuleFields.threshold.default(0),
  windowSeconds: alertRuleFields.windowSeconds.default(60),
  periods: alertRuleFields.periods.default(1),
  severity: alertRuleFields.severity.default('warning'),
  enabled: alertRuleFields.enabled.default(true),
  webhookUrl: alertRuleFields.webhookUrl.optional(),
  muted: alertRuleFields.muted.optional(),
});
export type AlertRuleCreate = z.input<typeof alertRuleCreateSchema>;

export const alertRulePatchSchema = z.strictObject(alertRuleFields).partial();
export type AlertRulePatch = z.input<typeof alertRulePatchSchema>;

export const alertDeliverySchema = z.object({
  status: z.enum(['pending', 'delivered', 'failed']),
  attempts: z.number().int(),
  lastError: z.string().optional(),
  /** When the status last changed. */
  at: timeSchema,
});
export type AlertDelivery = z.infer<typeof alertDeliverySchema>;

export const alertEventSchema = z.object({
  id: idSchema,
  ruleId: idSchema,
  state: z.enum(['fired', 'resolved']),
  value: z.number(),
  threshold: z.number(),
  at: timeSchema,
  /** Denormalized for lists and notifications. */
  ruleName: z.string().optional(),
  apiId: idSchema.optional(),
  severity: severitySchema.optional(),
  /** The rule was muted: recorded and shown in the app, but not notified. */
  muted: z.boolean().optional(),
  /** The notification text (the same as the webhook's `text`). */
  message: z.string().optional(),
  /** The webhook delivery of this event, when the rule has a webhook. */
  delivery: alertDeliverySchema.optional(),
});
export type AlertEvent = z.infer<typeof alertEventSchema>;

// ------------------------------------------------------------------------------ Config (YAML)

export const configImportResultSchema = z.object({
  /** Resources in the imported document, by kind (`ApiInstance`, `PolicyBinding`, …). */
  imported: z.record(z.string(), z.number().int()),
  warnings: z.array(z.string()),
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
  timing: z.object({ totalMs: z.number(), upstreamMs: z.number().optional() }),
  source: z.enum(['gateway', 'upstream']),
  trace: z.array(policyTraceEntrySchema),
  requestId: z.string().optional(),
});
export type TryResult = z.infer<typeof tryResultSchema>;

// ------------------------------------------------------------------------------------ Settings

export const settingsSchema = z.object({
  theme: z.enum(['light', 'dark', 'system']),
  /** Electron: closing the window keeps the gateway running in the tray. */
  closeToTray: z.boolean(),
  desktopNotifications: z.boolean(),
  retention: z.object({
    /** Newest requests kept with their trace. */
    requestLogEntries: z.number().int().min(100).max(1_000_000),
    /** 1-second buckets. */
    secondBucketsMinutes: z.number().int().min(1).max(24 * 60),
    /** 1-minute buckets. */
    minuteBucketsDays: z.number().int().min(1).max(365),
  }),
});
export type Settings = z.infer<typeof settingsSchema>;

export const defaultSettings: Settings = {
  theme: 'system',
  closeToTray: true,
  desktopNotifications: true,
  retention: { requestLogEntries: 10_000, secondBucketsMinutes: 60, minuteBucketsDays: 30 },
};

export const settingsPatchSchema = z
  .strictObject({
    theme: settingsSchema.shape.theme,
    closeToTray: z.boolean(),
    desktopNotifications: z.boolean(),
    retention: z.strictObject(settingsSchema.shape.retention.shape).partial(),
  })
  .partial();
export type SettingsPatch = z.input<typeof settingsPatchSchema>;

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
  docker: z.object({ status: z.enum(['unknown', 'available', 'unavailable']), message: z.string().optional() }),
});
export type SystemInfo = z.infer<typeof systemInfoSchema>;
