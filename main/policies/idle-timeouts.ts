/**
 * stream-idle-timeout-flex and idle-timeout-flex: each sets a limit on the request that the
 * gateway enforces (request-body.ts while the body is read, idle-timeouts.ts and the upstream
 * sweeper after). With two bindings of one kind the shorter limit wins.
 */
import type { IdleTimeoutConfig, StreamIdleTimeoutConfig } from '../../shared/policies/idle-timeouts';
import type { PolicyDefinition } from './types';

const milliseconds = (seconds: number) => Math.max(1, Math.round(seconds * 1000));

export const streamIdleTimeoutPolicy: PolicyDefinition<StreamIdleTimeoutConfig> = {
  name: 'stream-idle-timeout-flex',
  create(config) {
    const ms = milliseconds(config.timeout);
    const detail = `stream idle timeout ${config.timeout}s`;
    return {
      onRequest(request) {
        if (request.streamIdleTimeoutMs === undefined || request.streamIdleTimeoutMs > ms) request.streamIdleTimeoutMs = ms;
        return { action: 'continue', detail, modified: true };
      },
    };
  },
};

export const idleTimeoutPolicy: PolicyDefinition<IdleTimeoutConfig> = {
  name: 'idle-timeout-flex',
  create(config) {
    const ms = milliseconds(config.timeout);
    const detail = `upstream idle timeout ${config.timeout}s`;
    return {
      onRequest(request) {
        if (request.upstreamIdleTimeoutMs === undefined || request.upstreamIdleTimeoutMs > ms) request.upstreamIdleTimeoutMs = ms;
        return { action: 'continue', detail, modified: true };
      },
    };
  },
};
