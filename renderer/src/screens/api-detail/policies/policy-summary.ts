/** One line saying what a binding does, shown on its card ("3 requests / 1 min"). */
import type { PolicyBinding } from '../../../../../shared/contract/models';
import { formatBytes, formatPeriod } from '../../../lib/format';

type Config = Record<string, unknown>;
const list = (value: unknown) => (Array.isArray(value) ? value : []);

const summaries: Record<string, (config: Config) => string> = {
  'rate-limiting-flex': (c) =>
    list(c.rateLimits)
      .map((w) => `${(w as Config).maximumRequests} requests / ${formatPeriod(Number((w as Config).timePeriodInMilliseconds))}`)
      .join(' and ') + (c.keySelector ? `, per ${String(c.keySelector)}` : ''),
  'rate-limiting-sla-based-flex': () => "Limits from each application's SLA tier",
  'spike-control-flex': (c) => `${c.maximumRequests} requests / ${formatPeriod(Number(c.timePeriodInMilliseconds))}, queue ${c.queuingLimit ?? 0}`,
  'response-timeout-flex': (c) => `Timeout ${c.timeout} s`,
  'http-basic-authentication-flex': (c) => `User "${String(c.username)}"`,
  'client-id-enforcement-flex': (c) => ((c.credentialsOrigin ?? c.credentialsOriginHasHttpBasicAuthenticationHeader) === 'customExpression' ? 'Credentials from expressions' : 'Credentials from Basic auth'),
  'ip-allowlist-flex': (c) => `Allow ${list(c.ips).join(', ')}`,
  'ip-blocklist-flex': (c) => `Block ${list(c.ips).join(', ')}`,
  'cors-flex': (c) => (c.publicResource ? 'Any origin' : `${list(c.originGroups).length} origin group(s)`),
  'header-injection-flex': (c) => `${list(c.inboundHeaders).length} request, ${list(c.outboundHeaders).length} response header(s)`,
  'header-removal-flex': (c) => `Removes ${[...list(c.inboundHeaders), ...list(c.outboundHeaders)].join(', ') || 'nothing'}`,
  'health-check-flex': (c) => `GET ${String(c.path ?? '/')} every ${c.intervalSeconds ?? 10} s`,
  'request-handling': (c) => `Buffers bodies up to ${formatBytes(Number(c.bodyBufferBytes))}${c.allowEncodedPathSeparators ? ', allows encoded slashes' : ''}`,
};

export function policySummary(binding: Pick<PolicyBinding, 'policyRef' | 'config'>): string {
  try {
    const summary = summaries[binding.policyRef]?.(binding.config);
    if (summary) return summary;
  } catch {
    // A config this summary does not understand falls back to the generic one.
  }
  return Object.entries(binding.config)
    .slice(0, 3)
    .map(([key, value]) => `${key}: ${typeof value === 'object' ? JSON.stringify(value) : String(value)}`)
    .join(' · ');
}
