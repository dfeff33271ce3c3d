/**
 * ip-allowlist-flex and ip-blocklist-flex. The default source is the TCP peer's address, which
 * a client cannot forge; `ipExpression` (e.g. X-Forwarded-For behind a trusted proxy) is used
 * only when configured, and then its first address counts.
 */
import type { IpFilterConfig } from '../../shared/policies/ip-filter';
import { compileIpMatcher, firstAddress } from './ip-matcher';
import { compileRequestExpression } from './request-expression';
import type { PolicyCompileContext, PolicyDefinition, PolicyInstance, PolicyRequest } from './types';

export const IP_NOT_ALLOWED = 'IP_NOT_ALLOWED';
export const IP_BLOCKED = 'IP_BLOCKED';

function compileSource(config: IpFilterConfig): { read: (request: PolicyRequest) => string | undefined; label: string } {
  if (!config.ipExpression) return { read: (request) => request.remoteAddress, label: 'connection address' };
  const read = compileRequestExpression(config.ipExpression);
  return {
    read: (request) => {
      const value = read(request);
      return value === undefined || value.trim() === '' ? undefined : firstAddress(value);
    },
    label: config.ipExpression,
  };
}

function createFilter(mode: 'allow' | 'block', config: IpFilterConfig, _context: PolicyCompileContext): PolicyInstance {
  const matches = compileIpMatcher(config.ips);
  const source = compileSource(config);
  return {
    onRequest(request) {
      const address = source.read(request);
      const listed = address === undefined ? undefined : matches(address);
      if (mode === 'allow') {
        if (listed) return { action: 'continue', detail: `${address} allowed` };
        const message =
          address === undefined
            ? `no client address found in ${source.label}`
            : listed === undefined
              ? `"${address}" from ${source.label} is not an IP address`
              : `client address ${address} is not allowed`;
        return { action: 'reject', status: 403, code: IP_NOT_ALLOWED, message };
      }
      // A blocklist cannot block what it cannot read: no address (or not an IP) passes.
      if (listed) return { action: 'reject', status: 403, code: IP_BLOCKED, message: `client address ${address} is blocked` };
      return { action: 'continue', detail: address === undefined ? `no address in ${source.label}` : `${address} not blocked` };
    },
  };
}

export const ipAllowlistPolicy: PolicyDefinition<IpFilterConfig> = {
  name: 'ip-allowlist-flex',
  create: (config, context) => createFilter('allow', config, context),
};

export const ipBlocklistPolicy: PolicyDefinition<IpFilterConfig> = {
  name: 'ip-blocklist-flex',
  create: (config, context) => createFilter('block', config, context),
};
