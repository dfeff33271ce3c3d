/**
 * Per-request facts the runtime emits. The control plane aggregates them; local mode logs them.
 */

export type PolicyVerdict = 'allow' | 'deny' | 'respond' | 'modify' | 'skip' | 'error';

/** One line of a request's policy trace: which policy ran, what it decided, how long it took. */
export interface PolicyTraceEntry {
  policy: string;
  bindingId: string;
  verdict: PolicyVerdict;
  /** Short human reason, e.g. `20/20 used, resets in 41s` or `rule did not match`. */
  detail?: string;
  /** Status the policy answered with, for `deny` and `respond`. */
  status?: number;
  durationMs: number;
}

export interface RequestFact {
  id: string;
  /** Epoch milliseconds at which the request arrived. */
  at: number;
  apiId?: string;
  apiName?: string;
  /** `host:port` of the listener. */
  listener: string;
  method: string;
  path: string;
  /** The query string as received, without its `?`; absent when there was none. */
  query?: string;
  status: number;
  latencyMs: number;
  /** Time spent waiting for the upstream's response head, when it was called. */
  upstreamLatencyMs?: number;
  /** The service the request was sent to (one of a weighted route's), when it was forwarded. */
  upstream?: string;
  bytesIn: number;
  bytesOut: number;
  clientId?: string;
  remoteAddress: string;
  /** `gateway` when the gateway answered itself (policy, 404, 502…), `mock` when the API's mock did, else `upstream`. */
  source: 'gateway' | 'upstream' | 'mock';
  /** Error code for gateway-made errors. */
  errorCode?: string;
  /** Policy that rejected the request, when one did. */
  violatedPolicy?: string;
  trace: PolicyTraceEntry[];
  requestHeaders?: Record<string, string>;
  responseHeaders?: Record<string, string>;
  /**
   * The first bytes of the request and response bodies, raw (still content-encoded), when the
   * runtime captures bodies; `bytesIn` / `bytesOut` say how long the whole bodies were.
   */
  requestBody?: Buffer;
  responseBody?: Buffer;
  /** Set by the control plane when it moves the bodies to its body store: bytes kept of each. */
  captured?: { request: number; response: number };
}

export type RequestFactListener = (fact: RequestFact) => void;
