/**
 * `gatehouse/policy-testing`: a custom policy under test in a real gateway, in front of a real
 * upstream, in a few lines. The same runtime and helpers the built-in policies' tests use
 * (main/gateway/testing.ts, main/testing/net.ts), published for policy authors.
 *
 *   const gw = await startPolicyGateway({ policy: './policy.ts', config: { … } });
 *   const res = await gw.request('/orders?debug=1', { headers: { … } });
 *   res.status; res.headers['x-…']; res.json().headers   // the echo upstream shows what it got
 *   await gw.close();
 *
 * A relative `policy` is resolved from the current directory: `gatehouse policy test` runs each
 * test file from its own folder. A policy that does not compile or load, or a config its schema
 * refuses, rejects with `file:line:column: message`.
 */
import path from 'node:path';
import { CustomPolicyLibrary, formatPolicyError } from '../policies/custom/library';
import { startGateway, type PolicyInput } from '../gateway/testing';
import { request as send, startEchoUpstream, type TestServer } from './net';

export interface PolicyGatewayOptions {
  /** The policy's .ts/.js file or folder. */
  policy: string;
  /** The binding's config, checked against the policy's schema. */
  config?: Record<string, unknown>;
  /** The API's base path on the gateway (default `/`). */
  basePath?: string;
  /** The upstream's URL (default: an echo upstream answering `{ method, url, headers, body }` as JSON). */
  upstream?: string;
  /** Built-in policies bound beside it (e.g. jwt-validation-flex, order 10, to prove claims first); the custom one has order 50 unless `order` says otherwise. */
  policies?: PolicyInput[];
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
  /** The upstream's URL. */
  upstreamUrl: string;
  /** One request through the gateway (path relative to the API's base path, query included). */
  request(requestPath?: string, init?: { method?: string; headers?: Record<string, string | string[]>; body?: string }): Promise<PolicyTestResponse>;
  close(): Promise<void>;
}

export async function startPolicyGateway(options: PolicyGatewayOptions): Promise<PolicyGateway> {
  if (!options || typeof options.policy !== 'string' || options.policy === '') throw new TypeError("startPolicyGateway: give { policy: './policy.ts' }");
  const library = new CustomPolicyLibrary();
  const loaded = await library.load(path.resolve(options.policy));
  if (loaded.error || !loaded.policy) throw new Error(loaded.error ? formatPolicyError(loaded.error) : `${options.policy}: the policy did not load`);
  const policy = loaded.policy;
  const echo: TestServer | undefined = options.upstream ? undefined : await startEchoUpstream();
  const upstreamUrl = options.upstream ?? echo!.url;
  const basePath = options.basePath ?? '/';
  let gateway;
  try {
    gateway = await startGateway(
      {
        basePath,
        upstream: upstreamUrl,
        policies: [...(options.policies ?? []), { name: policy.name, config: options.config ?? {}, order: options.order ?? 50, id: policy.name }],
      },
      {
        policies: (name) => library.definition(name),
        catalogue: library.catalogue,
        // What the policy logs (context.log) and why it failed (a throw is a 500) shows beside the test's output.
        log: (level, message, fields) => {
          if (level !== 'info' || fields?.policy !== undefined) process.stderr.write(`gateway ${level}: ${message}\n`);
        },
      },
    );
  } catch (error) {
    await echo?.close();
    throw new Error(`${policy.name}: ${(error as Error).message}`);
  }
  const started = gateway;
  const base = started.url(basePath === '/' ? '/' : `${basePath.replace(/\/$/, '')}/`);
  return {
    url: base,
    upstreamUrl,
    async request(requestPath = '', init = {}) {
      const url = new URL(requestPath.replace(/^\//, ''), base).toString();
      const res = await send(url, init);
      return { status: res.status, headers: res.headers, body: res.body, json: () => JSON.parse(res.body) };
    },
    async close() {
      await started.close();
      await echo?.close();
    },
  };
}
