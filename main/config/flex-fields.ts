/**
 * Fields of a Flex conf.d that Gatehouse accepts without acting on them, each reported as one
 * warning line at load, never refused and never silent: unknown fields in policy configs,
 * fields Flex documents that Gatehouse ignores, Configuration sections it does not apply, and
 * the places where it deliberately behaves differently (the IP policies' default source).
 * docs/flex-compatibility.md lists the same cases; keep the two together.
 */
import { UNREMOVABLE_HEADERS } from '../../shared/policies/header-removal';
import type { PolicyLookup } from './compile-bindings';
import { formatFieldPath, type ConfigError } from './errors';
import { resourcesOfKind, type AnyResource } from './resources';
import { parseTolerant, unknownFieldMessage } from './tolerance';

const MISPLACED_IN_WINDOW = (field: string) =>
  `Flex documents ${field} at the policy's config level, not inside a rateLimits entry; ignored here (move it up one level for it to take effect)`;
const BLOCK_ON_UNKNOWN_QUOTA =
  "not acted on: while Redis is unreachable Gatehouse counts locally, as Flex does with blockOnUnknownQuota: false";

/** Per policy, fields Flex documents (or tolerates) that Gatehouse ignores; `[]` stands for any index. */
const IGNORED_POLICY_FIELDS: Record<string, Record<string, string>> = {
  'rate-limiting-flex': {
    blockOnUnknownQuota: BLOCK_ON_UNKNOWN_QUOTA,
    'rateLimits[].keySelector': MISPLACED_IN_WINDOW('keySelector'),
    'rateLimits[].exposeHeaders': MISPLACED_IN_WINDOW('exposeHeaders'),
    'rateLimits[].clusterizable': MISPLACED_IN_WINDOW('clusterizable'),
  },
  'rate-limiting-sla-based-flex': { blockOnUnknownQuota: BLOCK_ON_UNKNOWN_QUOTA },
};

/**
 * What Gatehouse applies of a Configuration, per section path ('' is spec); the rest is reported.
 * configuration.ts applies logging, timeouts and probe (and warns of log outputs it does not write).
 */
const APPLIED_CONFIGURATION: Record<string, readonly string[]> = {
  '': ['sharedStorage', 'logging', 'timeouts', 'probe'],
  sharedStorage: ['redis'],
  'sharedStorage.redis': ['address', 'username', 'password', 'db', 'DB'],
  logging: ['outputs', 'runtimeLogs', 'accessLogs'],
  'logging.runtimeLogs': ['logLevel', 'outputs'],
  'logging.accessLogs': ['outputs'],
  timeouts: ['upstreamResponseSeconds'],
  probe: ['enabled', 'port', 'path'],
};

const CONFIGURATION_NOTES: Record<string, string> = {
  tracing: "not acted on: Gatehouse traces each request's policies in its own traffic view, not to an OpenTelemetry collector",
  'logging.anypoint': 'not acted on: Gatehouse sends no logs to Anypoint',
  'timeouts.streamIdleSeconds': "not acted on: Gatehouse's upstream timeout (upstreamResponseSeconds) already ends a response that stalls; a client's request body must arrive within 30 s",
  'timeouts.upstreamConnectionIdleSeconds': 'not acted on: idle upstream connections are closed after 4 s',
  proxyProtocol: 'not acted on: listeners do not read a PROXY protocol header; the client address is the connection\'s',
  forwardProxy: 'not acted on: upstream connections go direct, not through a forward proxy',
  'sharedStorage.local': 'not acted on: without Redis each gateway counts in memory already',
  'sharedStorage.redis.tls': 'not acted on: give a rediss:// address for TLS to Redis',
};

export const IP_DEFAULT_SOURCE_WARNING =
  "ipExpression is not set: Flex then reads the client address from X-Forwarded-For, Gatehouse from the connection, which a client cannot forge; behind a trusted proxy set ipExpression: \"#[attributes.headers['x-forwarded-for']]\"";

interface PolicyUse {
  resource: AnyResource;
  /** Path of the use: `['spec', 'policies', i]` or `['spec']`. */
  base: (string | number)[];
  name: string;
  holder: { config?: unknown };
}

function policyUses(resources: readonly AnyResource[]): PolicyUse[] {
  const uses: PolicyUse[] = [];
  for (const api of resourcesOfKind(resources, 'ApiInstance')) {
    (api.spec.policies ?? []).forEach((policy, index) => {
      uses.push({ resource: api as AnyResource, base: ['spec', 'policies', index], name: policy.policyRef.name, holder: policy as { config?: unknown } });
    });
  }
  for (const binding of resourcesOfKind(resources, 'PolicyBinding')) {
    uses.push({ resource: binding as AnyResource, base: ['spec'], name: binding.spec.policyRef.name, holder: binding.spec as { config?: unknown } });
  }
  return uses;
}

/**
 * Drops what policy configs carry that the catalogue does not know (the compiler then sees only
 * fields it checks) and returns one warning per field dropped, per Configuration section not
 * applied and per documented difference a file relies on.
 */
export function tolerateFlexFields(resources: readonly AnyResource[], lookup: PolicyLookup): ConfigError[] {
  const warnings: ConfigError[] = [];
  const warn = (resource: AnyResource, path: (string | number)[], message: string) =>
    warnings.push({ file: resource.file, line: resource.lineOf(path), field: formatFieldPath(path), message });

  for (const use of policyUses(resources)) {
    const entry = lookup.find(use.name);
    const config = use.holder.config;
    if (!entry || !config || typeof config !== 'object' || Array.isArray(config)) continue;
    const { value, dropped } = parseTolerant(entry.schema, config);
    if (dropped.length > 0) use.holder.config = value;
    const documented = IGNORED_POLICY_FIELDS[use.name] ?? {};
    for (const field of dropped) {
      const pattern = field.path.map((part) => (typeof part === 'number' ? '[]' : part)).join('.').replace(/\.\[\]/g, '[]');
      warn(use.resource, [...use.base, 'config', ...field.path], documented[pattern] ?? unknownFieldMessage(field));
    }
    notePolicyDifferences(use, value as Record<string, unknown>, warn);
  }

  for (const configuration of resourcesOfKind(resources, 'Configuration')) {
    noteConfigurationSections(configuration as AnyResource, configuration.spec as Record<string, unknown>, [], warn);
  }
  return warnings;
}

type Warn = (resource: AnyResource, path: (string | number)[], message: string) => void;

function notePolicyDifferences(use: PolicyUse, config: Record<string, unknown>, warn: Warn): void {
  if ((use.name === 'ip-allowlist-flex' || use.name === 'ip-blocklist-flex') && !config.ipExpression) {
    warn(use.resource, [...use.base, 'config'], IP_DEFAULT_SOURCE_WARNING);
  }
  if (use.name === 'header-removal-flex') {
    for (const direction of ['inboundHeaders', 'outboundHeaders']) {
      const entries = config[direction];
      if (!Array.isArray(entries)) continue;
      entries.forEach((entry, index) => {
        if (typeof entry === 'string' && UNREMOVABLE_HEADERS.includes(entry.toLowerCase())) {
          warn(use.resource, [...use.base, 'config', direction, index], `${entry} is never removed (as in Flex); this entry has no effect`);
        }
      });
    }
  }
}

function noteConfigurationSections(resource: AnyResource, section: Record<string, unknown>, path: string[], warn: Warn): void {
  const applied = APPLIED_CONFIGURATION[path.join('.')] ?? [];
  for (const [key, value] of Object.entries(section)) {
    const here = [...path, key];
    const name = here.join('.');
    if (!applied.includes(key)) {
      warn(resource, ['spec', ...here], CONFIGURATION_NOTES[name] ?? 'a Configuration setting Gatehouse does not act on; ignored');
    } else if (APPLIED_CONFIGURATION[name] && value && typeof value === 'object' && !Array.isArray(value)) {
      noteConfigurationSections(resource, value as Record<string, unknown>, here, warn);
    }
  }
}
