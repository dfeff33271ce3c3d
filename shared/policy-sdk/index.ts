/**
 * The custom policy SDK: the only module a custom policy file imports, published as
 * `gatehouse/policy-sdk`. A policy is `definePolicy({ name, version, schema, create })`;
 * `create` runs once per binding (when a config is applied) and returns the hooks that run per
 * request. The decisions are the built-in policies' own: continue, reject with a status,
 * answer directly. Pure TypeScript: no node:*, so the same types serve the app's form too.
 */

/** A JSON Schema (draft 2020-12 subset: type, properties, required, items, enum, default, minimum…). */
export type JsonSchema = { [key: string]: unknown };

/** Header names are case-insensitive; values set here are what goes upstream (or to the client). */
export interface HeaderMap {
  get(name: string): string | undefined;
  /** Every value of a header sent more than once. */
  getAll(name: string): string[];
  has(name: string): boolean;
  set(name: string, value: string | string[]): void;
  append(name: string, value: string): void;
  delete(name: string): void;
  /** Lower-case names with their values. */
  entries(): [string, string | string[]][];
}

export interface PolicyRequestView {
  readonly id: string;
  readonly method: string;
  /** Path as the client sent it, without the query string. */
  readonly path: string;
  readonly query: URLSearchParams;
  /** The headers that will be forwarded upstream; changes here are what the upstream sees. */
  readonly headers: HeaderMap;
  /** The TCP peer (never X-Forwarded-For). */
  readonly remoteAddress: string;
  readonly api: { readonly id: string; readonly name: string; readonly basePath: string };
  /** The application an earlier policy identified (client-id enforcement, JWT client id). */
  readonly application?: { readonly clientId: string; readonly name?: string };
  /** Claims an earlier authentication policy (jwt-validation-flex, introspection) proved. */
  readonly claims?: Readonly<Record<string, unknown>>;
  /** Aborted when the client goes away. */
  readonly signal: AbortSignal;
  /**
   * Lines about this request: always in its trace (the traffic view) and in the gateway log.
   * (`context.log` reaches the trace only while a hook runs before its first `await`.)
   */
  readonly log: PolicyLogger;
  /**
   * The request body, read whole on first call (up to the binding's body limit, 1 MiB by
   * default; larger → the request is refused with 413 by the gateway). Later calls return the
   * same bytes.
   */
  body(): Promise<Uint8Array>;
  text(): Promise<string>;
  /** `JSON.parse` of the body; a body that is not JSON rejects with a 400 from the gateway. */
  json<T = unknown>(): Promise<T>;
  /** Replaces the body sent upstream (Content-Length is set by the gateway). */
  setBody(body: string | Uint8Array): void;
}

export interface PolicyResponseView {
  status: number;
  /** The headers going to the client. */
  readonly headers: HeaderMap;
  /** The upstream's body, buffered on demand (limit as for requests; larger → 502 from the gateway). */
  body(): Promise<Uint8Array>;
  text(): Promise<string>;
  json<T = unknown>(): Promise<T>;
  /** Replaces the body sent to the client (Content-Length is set by the gateway). */
  setBody(body: string | Uint8Array): void;
}

/** What a hook decides; returning nothing means continue. */
export type PolicyResult =
  | void
  | undefined
  | { action: 'continue'; detail?: string }
  /** A gateway-made error, as the built-ins send it: JSON `{error:{code,message,policy}}`. */
  | { action: 'reject'; status: number; message: string; code?: string; headers?: Record<string, string>; detail?: string }
  /** The policy answers itself; the upstream is not called. */
  | { action: 'respond'; status: number; headers?: Record<string, string>; body?: string | Uint8Array; detail?: string };

export const decide = {
  continue: (detail?: string): PolicyResult => ({ action: 'continue', detail }),
  reject: (status: number, message: string, options: { code?: string; headers?: Record<string, string> } = {}): PolicyResult => ({
    action: 'reject',
    status,
    message,
    ...options,
  }),
  respond: (status: number, body?: string | Uint8Array, headers?: Record<string, string>): PolicyResult => ({
    action: 'respond',
    status,
    body,
    headers,
  }),
};

export interface PolicyLogger {
  /** Lands in the request's trace (when one is being recorded) and in the gateway log, named by policy. */
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** Counters shared by every request (and every replica, when the gateway uses Redis), counted atomically. */
export interface SharedCounters {
  /**
   * Counts one hit of `key` in a fixed window of `windowMs`; allowed while the count stays
   * within `limit`. A refused hit consumes nothing.
   */
  hit(key: string, options: { limit: number; windowMs: number }): Promise<{ allowed: boolean; remaining: number; resetInMs: number }>;
}

export interface PolicyContext {
  readonly api: { readonly id: string; readonly name: string; readonly basePath: string };
  /** The binding's id (its name in the config), as shown in traces. */
  readonly bindingId: string;
  readonly log: PolicyLogger;
  readonly counters: SharedCounters;
  /** `fetch` with a timeout (default 5 s; `timeoutMs` to change it) for calling other services. */
  fetch(url: string, init?: RequestInit & { timeoutMs?: number }): Promise<Response>;
  /** Environment variables the gateway was started with. */
  readonly env: Readonly<Record<string, string | undefined>>;
}

export interface PolicyHooks {
  /** Runs before the upstream is called. */
  onRequest?(request: PolicyRequestView): PolicyResult | Promise<PolicyResult>;
  /** Runs on the upstream's (or a later policy's) response before it goes to the client. */
  onResponse?(response: PolicyResponseView, request: PolicyRequestView): void | Promise<void>;
  /** The binding was replaced by a new config (timers, connections). */
  dispose?(): void;
}

export interface CustomPolicy<C = Record<string, unknown>> {
  /** Catalogue name (`add-claim-header`); lower case, digits and dashes; not a built-in's name. */
  readonly name: string;
  /** Shown in the policies library (`1.0.0`). */
  readonly version: string;
  readonly title?: string;
  readonly description?: string;
  /** The config's JSON Schema: the app renders the form from it and the gateway validates with it. */
  readonly schema: JsonSchema;
  /** Labels, help and units for the form, by property path, as the built-ins' catalogue has them. */
  readonly fields?: Record<string, { label: string; help?: string; placeholder?: string }>;
  /**
   * How long, in ms, a promise returned by `onRequest` or `onResponse` may take to settle
   * (default 10000, at most 600000). Past it the client gets a 504 from the gateway (code
   * `POLICY_TIMEOUT`) naming the policy, the hook and the limit, in the trace and the log too, and
   * whatever the hook settles with later is ignored. Time spent waiting for a body from
   * `body()`/`text()`/`json()` is not counted (the client's and the upstream's own timeouts
   * apply); a hook that returns without a promise is not timed.
   */
  readonly timeoutMs?: number;
  create(config: C, context: PolicyContext): PolicyHooks;
}

/** Marks a policy for the loader and gives the editor its types; returns the definition as is. */
export function definePolicy<C = Record<string, unknown>>(policy: CustomPolicy<C>): CustomPolicy<C> {
  return policy;
}
