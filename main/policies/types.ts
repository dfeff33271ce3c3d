/**
 * The policy interface: an Envoy-style filter. Each binding is compiled once per snapshot into
 * a PolicyInstance; per request it decides one thing: continue, reject, or answer itself.
 */
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';
import type { ApiSnapshot, IdentitySnapshot, PolicyBindingSnapshot } from '../gateway/snapshot';
import type { CounterStore } from './counters';

export interface PolicyRequest {
  readonly id: string;
  readonly method: string;
  /** Path as the client sent it, without the query string. */
  readonly path: string;
  readonly query: URLSearchParams;
  /** Headers to be forwarded upstream; policies may change them (header-injection, removal). */
  readonly headers: IncomingHttpHeaders;
  /** The TCP peer's address (never X-Forwarded-For). */
  readonly remoteAddress: string;
  readonly host: string;
  readonly api: { readonly id: string; readonly name: string; readonly basePath: string };
  /** Aborted when the client goes away; queued policies stop waiting. */
  readonly signal: AbortSignal;
  /** Headers added to whatever response reaches the client (upstream or gateway-made); names in lower case. */
  readonly responseHeaders: OutgoingHttpHeaders;
  /**
   * Set by an authentication policy (jwt-validation-flex): who the caller is and the claims it
   * proved, read by later policies as `#[authentication.properties.claims.name]`.
   */
  authentication?: RequestAuthentication;
  /** Set by client-id enforcement / SLA policies; shown in traffic and analytics. */
  clientId?: string;
  /** Set by response-timeout-flex; the forwarder answers 504 past it. */
  upstreamTimeoutMs?: number;
  /** Set by stream-idle-timeout-flex: no byte either way for this long ends the exchange (408 while the body is read, 504 after). */
  streamIdleTimeoutMs?: number;
  /** Set by idle-timeout-flex: the upstream connection may idle this long, in an exchange (504) and in the pool after it. */
  upstreamIdleTimeoutMs?: number;
  /** Set by request-handling: bodies up to this size are buffered before the upstream is called. */
  bodyBufferBytes?: number;
  /** Set by request-handling: `%2F`, `%5C` and a backslash in the path are forwarded instead of refused. */
  allowEncodedPathSeparators?: boolean;
  /** Runs on the upstream's response head before it is sent (header injection, removal…). */
  onResponse(hook: ResponseHook): void;
  /**
   * Runs when the upstream answers 401 to a request whose body can be sent again: the hook
   * renews the credential it put in `headers` and resolves true to have the request sent once
   * more (credential-injection-oauth2-flex). At most one retry per request; absent where there
   * is no upstream (tests' fake requests, dry runs).
   */
  onUpstreamUnauthorized?(hook: UnauthorizedHook): void;
  /**
   * Keeps a copy of the upstream's response body while it streams to the client
   * (http-caching-flex stores it). Absent where there is no upstream (tests' fake requests).
   */
  captureResponseBody?(capture: ResponseBodyCapture): void;
  /**
   * Sends whatever response reaches the client at this rate (fault-injection's slowBody);
   * absent where there is no response body to slow (tests' fake requests, dry runs).
   */
  throttleResponseBody?(bytesPerSecond: number): void;
  /**
   * Shows `inspector` the request body chunk by chunk as it arrives, before it goes upstream
   * (json-threat-protection-flex, custom policies). A refusal ends the request with a gateway
   * error; a body larger than the buffer is checked as it streams, and a refusal then aborts
   * the upstream request. Absent where no body is read (tests' fake requests, dry runs).
   */
  inspectBody?(inspector: BodyInspector): void;
  /**
   * Adds a line to this request's policy trace after the policy decided (what it did later,
   * e.g. on the response: message-logging-flex's second section). Absent without a trace.
   */
  traceNote?(binding: { readonly id: string; readonly name: string }, detail: string): void;
  /**
   * Reads the whole request body before the upstream is called (custom policies'
   * `request.body()`); later calls get the same bytes. Undefined when the body is larger than
   * `limit`: the caller refuses the request (413; the connection is then closed). A request
   * without a body gives an empty buffer. Absent where no body is read (tests' fake requests).
   */
  readBody?(limit: number): Promise<Buffer | undefined>;
  /** Replaces the body sent upstream (framed with its Content-Length); a body sent by the client must have been read first. */
  replaceBody?(body: Buffer): void;
  /**
   * Runs `interceptor` on whatever response reaches the client (the upstream's, a later policy's
   * answer or a gateway error) before its head is written; it may be asynchronous and may read
   * or replace the body. Absent where there is no response to hold (tests' fake requests).
   */
  interceptResponse?(interceptor: ResponseInterceptor): void;
}

/** An asynchronous response hook that may read or replace the body (custom policies' onResponse). */
export interface ResponseInterceptor {
  /** The binding that registered it: named in the error, the trace and the log when it fails. */
  readonly binding: { readonly id: string; readonly name: string };
  intercept(response: InterceptedResponse): void | Promise<void>;
}

export interface InterceptedResponse {
  status: number;
  /** The head going to the client; names in lower case. */
  readonly headers: OutgoingHttpHeaders;
  /**
   * The body as it stands (the upstream's, read whole on first call; or an earlier
   * replacement). Undefined when it is larger than `limit`: the gateway then answers 502.
   */
  readBody(limit: number): Promise<Buffer | undefined>;
  /** Replaces the body sent to the client (Content-Length is set by the gateway). */
  replaceBody(body: Buffer): void;
}

export interface RequestAuthentication {
  /** The subject (`sub`) when the token has one. */
  principal?: string;
  clientId?: string;
  properties: { claims: Readonly<Record<string, unknown>> };
}

/** Reads a request body as it streams (see PolicyRequest.inspectBody); keeps its own, bounded, state. */
export interface BodyInspector {
  /** The binding that registered it: named in the error and the trace. */
  readonly binding: { readonly id: string; readonly name: string };
  /** Undefined: keep going. */
  chunk(data: Buffer): BodyRefusal | undefined;
  /** The body is complete. */
  end(): BodyRefusal | undefined;
}

export interface BodyRefusal {
  status: number;
  code: string;
  message: string;
}

/**
 * A hook may set `body` to answer with it instead of the upstream's body (a cache turning the
 * upstream's 304 into the response it stored); honoured for upstream responses.
 */
export type ResponseHook = (response: { status: number; headers: OutgoingHttpHeaders; body?: Buffer }) => void;

export interface ResponseBodyCapture {
  /** Bodies larger than this are not kept: `done` gets undefined. */
  readonly maxBytes: number;
  /** The upstream's status and end-to-end headers (a copy), before any policy changed them; false: keep nothing. */
  head(status: number, headers: OutgoingHttpHeaders): boolean;
  /** The whole body, or undefined when it was too large or did not arrive complete. */
  done(body: Buffer | undefined): void;
}
export type UnauthorizedHook = (request: PolicyRequest) => Promise<boolean>;

export type PolicyDecision =
  | { action: 'continue'; detail?: string; modified?: boolean }
  /** A gateway-made error: JSON `{error:{code,message,policy}}`. */
  | { action: 'reject'; status: number; code: string; message: string; headers?: OutgoingHttpHeaders; detail?: string }
  /** The policy answers itself (CORS preflight, a cache hit). */
  | { action: 'respond'; status: number; headers?: OutgoingHttpHeaders; body?: string | Buffer; detail?: string }
  /** Reset the client connection without any response (fault-injection's reset). */
  | { action: 'reset'; detail?: string };

export interface PolicyInstance {
  onRequest(request: PolicyRequest): PolicyDecision | Promise<PolicyDecision>;
  /** Called when the snapshot that owns the instance is replaced (timers, queues). */
  dispose?(): void;
}

/** What a policy may use when it is compiled. */
export interface PolicyCompileContext {
  api: ApiSnapshot;
  binding: PolicyBindingSnapshot;
  identity: IdentityIndex;
  /** Counters live outside snapshots so that a reload does not reset them. */
  counters: CounterStore;
  env: Readonly<Record<string, string | undefined>>;
  log(level: 'info' | 'warn' | 'error', message: string): void;
  /**
   * Reports a change of the binding's own state (a circuit breaker opening or closing): shown
   * on the API in the UI and published as an event. Absent where nobody listens (tests).
   */
  reportState?(state: PolicyState): void;
}

/** A binding that refuses traffic by itself while `tripped` (circuit-breaker-flex's open circuit). */
export interface PolicyState {
  tripped: boolean;
  /** Why, for the UI and the log: the threshold reached. */
  detail: string;
}

/** Lookups over the snapshot's applications, tiers and contracts. */
export interface IdentityIndex {
  readonly snapshot: IdentitySnapshot;
  /** The application for these credentials, when the secret matches its hash. */
  authenticate(clientId: string, clientSecret: string): { clientId: string; name: string } | undefined;
  /** The approved contract of a client for an API, with its tier when it has one. */
  contractFor(clientId: string, apiId: string): { tierId?: string; limits?: { maximumRequests: number; timePeriodInMilliseconds: number }[] } | undefined;
}

export interface PolicyDefinition<C = Record<string, unknown>> {
  /** Catalogue name, e.g. `rate-limiting-flex`. */
  name: string;
  /** Compiles one binding; `config` is already validated and normalized by the catalogue schema. */
  create(config: C, context: PolicyCompileContext): PolicyInstance;
}
