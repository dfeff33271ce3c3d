/** Alert rules in words: "5xx responses > 10 in 1 min (2 periods)". */
import type { AlertKind, AlertRule, Comparator } from '../../../../shared/contract/models';
import { formatPeriod } from '../../lib/format';

export const KIND_LABELS: Record<AlertKind, { label: string; unit: string; description: string }> = {
  'request-count': { label: 'Request count', unit: 'requests', description: 'Too much (or too little) traffic' },
  'response-codes': { label: 'Response codes', unit: 'responses', description: 'Responses with given codes, e.g. 5xx' },
  'response-time': { label: 'Response time', unit: 'ms', description: 'Average or p95 latency' },
  'policy-violations': { label: 'Policy violations', unit: 'violations', description: 'Requests rejected by a policy' },
  'upstream-down': { label: 'Upstream down', unit: '', description: "The API's health check fails" },
  'gateway-down': { label: 'Gateway down', unit: '', description: 'A gateway or replica stops' },
  'circuit-open': { label: 'Circuit open', unit: '', description: "The API's circuit breaker refuses requests" },
};

export const COMPARATORS: { value: Comparator; label: string; symbol: string }[] = [
  { value: 'gt', label: 'is above', symbol: '>' },
  { value: 'gte', label: 'is at least', symbol: '≥' },
  { value: 'lt', label: 'is below', symbol: '<' },
  { value: 'lte', label: 'is at most', symbol: '≤' },
  { value: 'eq', label: 'equals', symbol: '=' },
];

export function describeRule(rule: Pick<AlertRule, 'kind' | 'comparator' | 'threshold' | 'windowSeconds' | 'periods' | 'codes' | 'statistic' | 'policy'>): string {
  const symbol = COMPARATORS.find((c) => c.value === rule.comparator)?.symbol ?? rule.comparator;
  const window = formatPeriod(rule.windowSeconds * 1000);
  const periods = rule.periods > 1 ? ` for ${rule.periods} periods in a row` : '';
  switch (rule.kind) {
    case 'upstream-down':
      return `Upstream health check failing${periods}`;
    case 'gateway-down':
      return `Gateway not running${periods}`;
    case 'circuit-open':
      return `Circuit breaker open${periods}`;
    case 'response-codes':
      return `${(rule.codes ?? ['5xx']).join(', ')} responses ${symbol} ${rule.threshold} in ${window}${periods}`;
    case 'response-time':
      return `${rule.statistic === 'p95' ? 'p95' : 'Average'} latency ${symbol} ${rule.threshold} ms over ${window}${periods}`;
    case 'policy-violations':
      return `${rule.policy ? `${rule.policy} violations` : 'Policy violations'} ${symbol} ${rule.threshold} in ${window}${periods}`;
    default:
      return `Requests ${symbol} ${rule.threshold} in ${window}${periods}`;
  }
}

/** "5xx, 503" → ['5xx', 503]; bad parts are returned as-is for the schema to name. */
export function parseCodes(text: string): (number | string)[] {
  return text
    .split(/[\s,]+/)
    .filter(Boolean)
    .map((part) => (/^\d{3}$/.test(part) ? Number(part) : part.toLowerCase()));
}
