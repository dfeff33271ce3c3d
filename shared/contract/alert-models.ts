/** Alert rules and alert events (issue 7); routes `/alert-rules`, `/alert-events`. */
import { z } from 'zod';
import { httpUrlSchema, idSchema, nameSchema, timeSchema } from './fields';

export const alertKindSchema = z.enum([
  'request-count',
  'response-codes',
  'response-time',
  'policy-violations',
  'upstream-down',
  'gateway-down',
  /** circuit-breaker-flex's circuit is open on the API (1 while open). */
  'circuit-open',
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
