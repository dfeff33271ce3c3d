/**
 * Errors cross every boundary (HTTP, IPC, gateway responses) as data, never as stack traces.
 */
export interface ErrorDetail {
  /** Field path, e.g. `spec.policies[0].config.rateLimits` or `body.name`. */
  path: string;
  message: string;
  /** Where the field came from, when it came from a file. */
  file?: string;
  line?: number;
}

export interface ErrorBody {
  code: string;
  message: string;
  /** The policy that produced a gateway error, when one did. */
  policy?: string;
  details?: ErrorDetail[];
}

export interface ErrorEnvelope {
  error: ErrorBody;
}

/** Codes the gateway itself produces (besides policy-specific ones). */
export const GatewayErrorCode = {
  noRoute: 'NO_ROUTE',
  apiDisabled: 'API_DISABLED',
  upstreamUnavailable: 'UPSTREAM_UNAVAILABLE',
  upstreamTimeout: 'UPSTREAM_TIMEOUT',
  upstreamTls: 'UPSTREAM_TLS_ERROR',
  badRequest: 'BAD_REQUEST',
  trafficPaused: 'TRAFFIC_PAUSED',
  internal: 'INTERNAL_ERROR',
} as const;

export function errorEnvelope(code: string, message: string, extra: Partial<ErrorBody> = {}): ErrorEnvelope {
  return { error: { code, message, ...extra } };
}
