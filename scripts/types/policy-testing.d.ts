// Types of `gatehouse/policy-testing` (dist/policy-testing.cjs, from main/testing/policy-testing.ts).
// Kept by hand: a small surface, and the editor must not need the gateway's own types.

export interface PolicyGatewayOptions {
  /** The policy's .ts/.js file or folder; relative to the current directory (the test file's folder under `gatehouse policy test`). */
  policy: string;
  /** The binding's config, checked against the policy's schema. */
  config?: Record<string, unknown>;
  /** The API's base path on the gateway (default `/`). */
  basePath?: string;
  /** The upstream's URL (default: an echo upstream answering `{ method, url, headers, body }` as JSON). */
  upstream?: string;
  /** Built-in policies bound beside it (e.g. `{ name: 'jwt-validation-flex', config, order: 10 }`). */
  policies?: { name: string; config?: Record<string, unknown>; order?: number; id?: string }[];
  /** The custom policy's order (default 50; lower runs first). */
  order?: number;
}

export interface PolicyTestResponse {
  status: number;
  /** Lower-case names. */
  headers: Record<string, string | string[] | undefined>;
  body: string;
  json<T = any>(): T;
}

export interface PolicyGateway {
  /** The API's URL on the gateway, e.g. `http://127.0.0.1:40123/`. */
  url: string;
  upstreamUrl: string;
  /** One request through the gateway; the path is relative to the API's base path, query included. */
  request(path?: string, init?: { method?: string; headers?: Record<string, string | string[]>; body?: string }): Promise<PolicyTestResponse>;
  close(): Promise<void>;
}

/** A real gateway on a free port running the policy, in front of an echo upstream (or `upstream`). */
export function startPolicyGateway(options: PolicyGatewayOptions): Promise<PolicyGateway>;
