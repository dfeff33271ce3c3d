/**
 * An alert rule as the evaluator uses it: the store's record (identity, scope, enabled, and a
 * JSON spec) read into one typed value with the contract's defaults, and the comparison.
 */
import { z } from 'zod';
import {
  alertCodeSchema,
  alertKindSchema,
  comparatorSchema,
  severitySchema,
  type AlertKind,
  type Comparator,
  type Severity,
} from '../../shared/contract/models';
import type { AlertRuleRecord } from '../store/alert-rules';

export type AlertCode = z.infer<typeof alertCodeSchema>;

export interface AlertRuleDefinition {
  id: string;
  name: string;
  kind: AlertKind;
  apiId?: string;
  gatewayId?: string;
  /** `response-codes`: exact codes and/or classes; 5xx when none is given. */
  codes: AlertCode[];
  /** `response-time`. */
  statistic: 'average' | 'p95';
  /** `policy-violations`: one policy, else any. */
  policy?: string;
  comparator: Comparator;
  threshold: number;
  windowSeconds: number;
  periods: number;
  severity: Severity;
  enabled: boolean;
  muted: boolean;
  webhookUrl?: string;
  updatedAt: number;
}

/** Lenient on purpose: the API validated the rule when it was written; defaults fill what is absent. */
const specSchema = z.object({
  codes: z.array(alertCodeSchema).min(1).optional(),
  statistic: z.enum(['average', 'p95']).default('average'),
  policy: z.string().min(1).optional(),
  comparator: comparatorSchema.default('gt'),
  threshold: z.number().default(0),
  windowSeconds: z.number().positive().default(60),
  periods: z.number().int().min(1).default(1),
  severity: severitySchema.default('warning'),
  muted: z.boolean().default(false),
  webhookUrl: z.string().min(1).optional(),
});

export function ruleFromRecord(record: AlertRuleRecord): { rule: AlertRuleDefinition } | { error: string } {
  const kind = alertKindSchema.safeParse(record.kind);
  if (!kind.success) return { error: `kind: unknown alert kind "${record.kind}"` };
  const spec = specSchema.safeParse(record.spec);
  if (!spec.success) {
    const issue = spec.error.issues[0]!;
    return { error: `${issue.path.map(String).join('.') || 'spec'}: ${issue.message}` };
  }
  const { codes, policy, webhookUrl, ...rest } = spec.data;
  return {
    rule: {
      id: record.id,
      name: record.name,
      kind: kind.data,
      ...(record.apiId !== undefined ? { apiId: record.apiId } : {}),
      ...(record.gatewayId !== undefined ? { gatewayId: record.gatewayId } : {}),
      codes: codes ?? ['5xx'],
      ...(policy !== undefined ? { policy } : {}),
      ...(webhookUrl !== undefined ? { webhookUrl } : {}),
      ...rest,
      enabled: record.enabled,
      updatedAt: record.updatedAt,
    },
  };
}

export function compare(value: number, comparator: Comparator, threshold: number): boolean {
  switch (comparator) {
    case 'gt':
      return value > threshold;
    case 'gte':
      return value >= threshold;
    case 'lt':
      return value < threshold;
    case 'lte':
      return value <= threshold;
    case 'eq':
      return value === threshold;
  }
}

export const COMPARATOR_SYMBOLS: Record<Comparator, string> = { gt: '>', gte: '>=', lt: '<', lte: '<=', eq: '=' };

/** How long the condition must hold before a change of state: N back-to-back windows. */
export function holdMs(rule: Pick<AlertRuleDefinition, 'periods' | 'windowSeconds'>): number {
  return (rule.periods - 1) * rule.windowSeconds * 1000;
}
