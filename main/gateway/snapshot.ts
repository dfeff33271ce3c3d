/**
 * The config snapshot: the only input of the data plane. Plain, JSON-serializable data, so the
 * same snapshot feeds the embedded gateway and (over HTTP) connected replicas. Producers: the
 * config compiler (YAML, local mode) and the control plane (SQLite). Policy configs in a
 * snapshot are already validated against the catalogue schemas; the runtime compiles them into
 * policy instances when the snapshot is applied.
 */
import type { PolicyRule, RateLimitWindow } from '../../shared/policies/common';

export interface GatewaySnapshot {
  /** Changes whenever the content changes (a counter or a content hash). */
  version: string;
  listeners: ListenerSnapshot[];
  /** Files the snapshot was built from (local mode); empty when it came from the store. */
  sources: string[];
  identity: IdentitySnapshot;
  sharedStorage?: SharedStorageSnapshot;
  /**
   * "Pause all traffic" in the app, sent to connected replicas with their snapshot (the embedded
   * gateway is paused directly). Applied by the connected replica, not by the runtime.
   */
  trafficPaused?: boolean;
  /**
   * Custom policies the bindings use, as bundled code (connected replicas have no compiler):
   * a replica checks each checksum and instantiates the code. The embedded gateway and local
   * mode get their implementations from their own library instead.
   */
  customPolicies?: CustomPolicySnapshot[];
}

export interface CustomPolicySnapshot {
  name: string;
  version: string;
  /** sha256 (hex) of `code`. */
  checksum: string;
  /** Bundled CommonJS, as compileCustomPolicy produced it. */
  code: string;
  /** The file or folder it was compiled from on the control plane's machine (named in errors). */
  source: string;
}

export interface ListenerSnapshot {
  /** Interface to bind, e.g. `0.0.0.0` or `127.0.0.1`. */
  host: string;
  port: number;
  /** Present when a `tls` policy makes this listener HTTPS. */
  tls?: ListenerTlsSnapshot;
  /** APIs served on this listener. The runtime sorts them by base path (longest first). */
  apis: ApiSnapshot[];
}

export interface ListenerTlsSnapshot {
  /** PEM text (files are read by the producer). */
  certificate: string;
  key: string;
  minVersion?: 'TLSv1.2' | 'TLSv1.3';
  maxVersion?: 'TLSv1.2' | 'TLSv1.3';
  /** PEM CA bundle for client certificates; with `requireClientCertificate`, mutual TLS. */
  clientCa?: string;
  requireClientCertificate?: boolean;
  alpn?: string[];
  ciphers?: string[];
}

export interface ApiSnapshot {
  id: string;
  name: string;
  /** Normalized: leading slash, no trailing slash; the root is `/`. */
  basePath: string;
  enabled: boolean;
  services: ServiceSnapshot[];
  /** First match wins; when none is given, everything goes to the first service at `/`. */
  routes: RouteSnapshot[];
  policies: PolicyBindingSnapshot[];
  /** Where it was declared, for error messages. */
  source?: SourceLocation;
  /** Answers from a mock instead of (or when it is down, besides) the upstream; see mock.ts. */
  mock?: MockSnapshot;
  /** Upstream responses are recorded (RuntimeOptions.onRecorded) under this recording's name. */
  recording?: { name: string; maxBodyBytes: number };
}

/**
 * A mock as the data plane needs it: flat routes, tried in order, already built by the
 * producer from hand-written routes, a recording and OpenAPI examples. `only`: the upstream is
 * never called (an API may then have no service); `fallback`: used when the upstream refuses
 * the connection or times out.
 */
export interface MockSnapshot {
  mode: 'only' | 'fallback';
  routes: MockRouteSnapshot[];
}

export interface MockRouteSnapshot {
  /** Upper case, or `*` for any. */
  method: string;
  /** Below the API's base path: exact, `{name}`/`:name` segments, a final `*` for the rest. */
  path: string;
  /** Recordings: the query must be the same (parameters in any order); absent: any query. */
  query?: string;
  status: number;
  headers: Record<string, string>;
  /** The body in base64 (exact bytes). */
  bodyBase64: string;
  /** Where the answer came from, for the trace: `routes`, `recording "name"`, `openapi`. */
  origin: string;
}

export interface ServiceSnapshot {
  name: string;
  /** Absolute http(s) URL; its path is prefixed to every forwarded path. */
  url: string;
  /** From a `tls-outbound` binding on the service (or, in the app, on the API). */
  tls?: UpstreamTlsSnapshot;
}

/**
 * Outbound TLS (Flex `tls-outbound`). Without it, https upstreams are verified against the
 * system CAs with SNI; `skipValidation` turns verification off and is logged loudly.
 */
export interface UpstreamTlsSnapshot {
  skipValidation?: boolean;
  /** PEM CA bundle trusted for this upstream (instead of the system CAs). */
  trustedCA?: string;
  /** Client certificate for mutual TLS, PEM. */
  certificate?: { crt: string; key: string };
  minVersion?: 'TLSv1.2' | 'TLSv1.3';
  maxVersion?: 'TLSv1.2' | 'TLSv1.3';
  alpn?: string[];
  ciphers?: string[];
}

export interface RouteSnapshot {
  service: string;
  /**
   * Regexes, as Flex's route rules (path, methods, host, headers). `path` matches the path
   * relative to the API's base path; its capture groups, concatenated, are what is forwarded.
   */
  rules?: PolicyRule[];
  /** Path on the upstream the forwarded path is appended to (Flex `destinationPath`). */
  destinationPath: string;
  /**
   * Flex `route-weighted`: the route's traffic split over several services by weight. When
   * given, `service` and `destinationPath` repeat the first destination's.
   */
  weighted?: WeightedDestination[];
}

export interface WeightedDestination {
  service: string;
  destinationPath: string;
  /** 1-100; a destination's share is its weight over the sum of the route's weights. */
  weight: number;
}

export interface PolicyBindingSnapshot {
  id: string;
  /** Catalogue name, e.g. `rate-limiting-flex`. */
  name: string;
  /** Validated config with defaults filled in. */
  config: Record<string, unknown>;
  /** Lower runs first (default 50); ties keep declaration order. */
  order: number;
  enabled: boolean;
  rules?: PolicyRule[];
  source?: SourceLocation;
}

export interface SourceLocation {
  file: string;
  line?: number;
}

/** Applications, SLA tiers and contracts, for client-id enforcement and SLA limits. */
export interface IdentitySnapshot {
  applications: { clientId: string; name: string; secretHash: string }[];
  tiers: { id: string; name: string; apiId: string; limits: RateLimitWindow[]; status: 'active' | 'deprecated' }[];
  contracts: { clientId: string; apiId: string; tierId?: string; status: 'pending' | 'approved' | 'revoked' }[];
}

export interface SharedStorageSnapshot {
  redis?: { address: string; username?: string; password?: string; db?: number };
}

export const emptyIdentity = (): IdentitySnapshot => ({ applications: [], tiers: [], contracts: [] });
