/**
 * response-timeout-flex: the forwarder answers 504 when the upstream's response head does not
 * arrive in time. With two such bindings the shorter timeout wins.
 */
import type { ResponseTimeoutConfig } from '../../shared/policies/response-timeout';
import type { PolicyDefinition } from './types';

export const responseTimeoutPolicy: PolicyDefinition<ResponseTimeoutConfig> = {
  name: 'response-timeout-flex',
  create(config) {
    const timeoutMs = Math.max(1, Math.round(config.timeout * 1000));
    const detail = `upstream timeout ${config.timeout}s`;
    return {
      onRequest(request) {
        if (request.upstreamTimeoutMs === undefined || request.upstreamTimeoutMs > timeoutMs) request.upstreamTimeoutMs = timeoutMs;
        return { action: 'continue', detail, modified: true };
      },
    };
  },
};
