/**
 * What a notification says: one line of text (stored on the event, shown in the app, logged,
 * and the Slack-compatible `text` of the webhook) and the webhook's JSON body.
 */
import { COMPARATOR_SYMBOLS, type AlertRuleDefinition } from './rule';

export type AlertState = 'fired' | 'resolved';

export interface AlertContext {
  rule: AlertRuleDefinition;
  state: AlertState;
  value: number;
  at: number;
  apiName?: string;
  gatewayName?: string;
  /** From the measurement (failing health check, replicas down). */
  detail?: string;
}

export interface WebhookBody {
  /** The alert event's id: receivers can de-duplicate on it. */
  id: string;
  rule: { id: string; name: string; kind: string };
  api: { id: string; name: string } | null;
  gateway: { id: string; name: string } | null;
  value: number;
  threshold: number;
  comparator: string;
  state: AlertState;
  severity: string;
  /** ISO 8601. */
  at: string;
  text: string;
}

export function alertText(context: AlertContext): string {
  const { rule, state } = context;
  const head = `[${rule.severity}] ${rule.name} ${state === 'fired' ? 'is firing' : 'resolved'}`;
  return `${head}: ${describeValue(context)} (alert when ${COMPARATOR_SYMBOLS[rule.comparator]} ${rule.threshold}${periodsText(rule)})`;
}

function describeValue({ rule, value, apiName, gatewayName, detail, state }: AlertContext): string {
  const window = `in the last ${rule.windowSeconds} s`;
  const scope = rule.apiId ? ` on ${apiName ?? rule.apiId}` : rule.kind === 'gateway-down' ? '' : rule.gatewayId ? ` on gateway ${gatewayName ?? rule.gatewayId}` : ' on all APIs';
  const n = formatNumber(value);
  switch (rule.kind) {
    case 'request-count':
      return `${n} request${value === 1 ? '' : 's'} ${window}${scope}`;
    case 'response-codes':
      return `${n} response${value === 1 ? '' : 's'} with ${rule.codes.join('/')} ${window}${scope}`;
    case 'response-time':
      return `${rule.statistic === 'p95' ? 'p95' : 'average'} response time ${n} ms ${window}${scope}`;
    case 'policy-violations':
      return `${n} ${rule.policy ?? 'policy'} violation${value === 1 ? '' : 's'} ${window}${scope}`;
    case 'upstream-down': {
      const what = rule.apiId ? `upstream of ${apiName ?? rule.apiId}` : `${n} upstream(s)`;
      if (state === 'resolved') return `${what} healthy again`;
      return `${what} down${detail ? ` (${detail})` : ''}`;
    }
    case 'circuit-open': {
      const what = rule.apiId ? `circuit of ${apiName ?? rule.apiId}` : `${n} circuit(s)`;
      if (state === 'resolved') return `${what} closed again`;
      return `${what} open${detail ? ` (${detail})` : ''}`;
    }
    case 'gateway-down': {
      const what = rule.gatewayId ? `gateway ${gatewayName ?? rule.gatewayId}` : 'gateways';
      if (state === 'resolved') return `${what} up again`;
      return `${what}: ${n} down${detail ? ` (${detail})` : ''}`;
    }
  }
}

function periodsText(rule: AlertRuleDefinition): string {
  return rule.periods > 1 ? ` for ${rule.periods} periods of ${rule.windowSeconds} s` : '';
}

function formatNumber(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(1);
}

export function webhookBody(context: AlertContext & { eventId: string; text: string }): WebhookBody {
  const { rule } = context;
  return {
    id: context.eventId,
    rule: { id: rule.id, name: rule.name, kind: rule.kind },
    api: rule.apiId ? { id: rule.apiId, name: context.apiName ?? rule.apiId } : null,
    gateway: rule.gatewayId ? { id: rule.gatewayId, name: context.gatewayName ?? rule.gatewayId } : null,
    value: context.value,
    threshold: rule.threshold,
    comparator: rule.comparator,
    state: context.state,
    severity: rule.severity,
    at: new Date(context.at).toISOString(),
    text: context.text,
  };
}
