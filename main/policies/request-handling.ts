/**
 * request-handling (Gatehouse only): sets, for the requests its rules match, the body buffer
 * limit and whether encoded path separators may be forwarded. The forwarder acts on both after
 * the pipeline (see gateway/request-body.ts and gateway/request-checks.ts).
 */
import type { RequestHandlingConfig } from '../../shared/policies/request-handling';
import type { PolicyDecision, PolicyDefinition } from './types';

export const requestHandlingPolicy: PolicyDefinition<RequestHandlingConfig> = {
  name: 'request-handling',
  create(config) {
    const decision: PolicyDecision = {
      action: 'continue',
      modified: true,
      detail: `body buffer ${config.bodyBufferBytes} bytes${config.allowEncodedPathSeparators ? '; encoded path separators allowed' : ''}`,
    };
    return {
      onRequest(request) {
        request.bodyBufferBytes = config.bodyBufferBytes;
        if (config.allowEncodedPathSeparators) request.allowEncodedPathSeparators = true;
        return decision;
      },
    };
  },
};
