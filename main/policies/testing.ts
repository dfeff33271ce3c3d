/**
 * Test support for policies (built-in and custom): a PolicyRequest without sockets, a compile
 * context with a real MemoryCounterStore and a real IdentityIndex, and a way to run the
 * response hooks a policy registered. Socket-level tests use main/gateway/testing.ts instead.
 */
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';
import { findPolicy } from '../../shared/policies/catalogue';
import { createIdentityIndex } from '../gateway/identity';
import { hashSecret } from './secret-hash';
import { emptyIdentity, type ApiSnapshot, type IdentitySnapshot } from '../gateway/snapshot';
import { MemoryCounterStore, type CounterStore } from './counters';
import { policyDefinition } from './registry';
import type { PolicyCompileContext, PolicyDecision, PolicyInstance, PolicyRequest, ResponseHook } from './types';

export interface FakeRequest extends PolicyRequest {
  readonly hooks: ResponseHook[];
  /** Simulates the client going away. */
  abort(): void;
}

export interface FakeRequestInit {
  method?: string;
  /** Path with an optional query string, e.g. `/users?id=1`. */
  url?: string;
  headers?: IncomingHttpHeaders;
  remoteAddress?: string;
  host?: string;
  api?: { id: string; name: string; basePath: string };
}

let sequence = 0;

export function fakeRequest(init: FakeRequestInit = {}): FakeRequest {
  const url = init.url ?? '/';
  const question = url.indexOf('?');
  const controller = new AbortController();
  const hooks: ResponseHook[] = [];
  const headers: IncomingHttpHeaders = {};
  for (const [name, value] of Object.entries(init.headers ?? {})) headers[name.toLowerCase()] = value;
  const request: FakeRequest = {
    id: `test-${++sequence}`,
    method: (init.method ?? 'GET').toUpperCase(),
    path: question < 0 ? url : url.slice(0, question),
    query: new URLSearchParams(question < 0 ? '' : url.slice(question + 1)),
    headers,
    remoteAddress: init.remoteAddress ?? '127.0.0.1',
    host: init.host ?? (typeof headers.host === 'string' ? headers.host : 'localhost'),
    api: init.api ?? testApi,
    signal: controller.signal,
    responseHeaders: {},
    hooks,
    onResponse: (hook) => void hooks.push(hook),
    abort: () => controller.abort(),
  };
  return request;
}

const testApi = { id: 'api-1', name: 'Test API', basePath: '/' };

export interface TestContextInit {
  api?: Partial<ApiSnapshot>;
  bindingId?: string;
  counters?: CounterStore;
  identity?: IdentitySnapshot;
  env?: Record<string, string | undefined>;
}

export function testContext(name: string, config: Record<string, unknown>, init: TestContextInit = {}): PolicyCompileContext & { logs: string[] } {
  const logs: string[] = [];
  const api: ApiSnapshot = { id: testApi.id, name: testApi.name, basePath: '/', enabled: true, services: [], routes: [], policies: [], ...init.api };
  return {
    api,
    binding: { id: init.bindingId ?? `${api.id}/${name}`, name, config, order: 50, enabled: true },
    identity: createIdentityIndex(init.identity ?? emptyIdentity()),
    counters: init.counters ?? new MemoryCounterStore(),
    env: init.env ?? {},
    log: (level, message) => void logs.push(`${level}: ${message}`),
    logs,
  };
}

/**
 * Compiles a built-in exactly as the gateway does: the catalogue schema validates the config
 * and fills in defaults, then the registered definition creates the instance.
 */
export function compilePolicy(name: string, config: Record<string, unknown>, init: TestContextInit = {}): PolicyInstance {
  const entry = findPolicy(name);
  const definition = policyDefinition(name);
  if (!definition) throw new Error(`no policy "${name}" is registered`);
  // The gateway parses with the catalogue schema before create(); so does this.
  const parsed = entry ? (entry.schema.parse(config) as Record<string, unknown>) : config;
  return definition.create(parsed, testContext(name, parsed, init));
}

/** Runs the response hooks a request collected over a response head, as the gateway does. */
export function respondThrough(request: FakeRequest, status: number, headers: OutgoingHttpHeaders = {}): { status: number; headers: OutgoingHttpHeaders } {
  const head = { status, headers: { ...headers } };
  for (const [name, value] of Object.entries(request.responseHeaders)) head.headers[name.toLowerCase()] = value;
  for (const hook of request.hooks) hook(head);
  return head;
}

export async function decide(instance: PolicyInstance, request: PolicyRequest): Promise<PolicyDecision> {
  return instance.onRequest(request);
}

/** Applications, tiers and contracts for identity tests; secrets are hashed as the store does. */
export function testIdentity(spec: {
  applications?: { clientId: string; secret: string; name?: string }[];
  tiers?: { id: string; name?: string; apiId?: string; limits: { maximumRequests: number; timePeriodInMilliseconds: number }[] }[];
  contracts?: { clientId: string; apiId?: string; tierId?: string; status?: 'pending' | 'approved' | 'revoked' }[];
}): IdentitySnapshot {
  return {
    applications: (spec.applications ?? []).map((app) => ({ clientId: app.clientId, name: app.name ?? app.clientId, secretHash: hashSecret(app.secret) })),
    tiers: (spec.tiers ?? []).map((tier) => ({ id: tier.id, name: tier.name ?? tier.id, apiId: tier.apiId ?? testApi.id, limits: tier.limits, status: 'active' as const })),
    contracts: (spec.contracts ?? []).map((contract) => ({ clientId: contract.clientId, apiId: contract.apiId ?? testApi.id, tierId: contract.tierId, status: contract.status ?? 'approved' })),
  };
}

export function basicAuth(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}
