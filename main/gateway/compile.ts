/**
 * Snapshot → immutable compiled structure, done once per apply: listeners keyed by host:port,
 * APIs sorted by base path (longest first), routes with their rules compiled and their upstream
 * path prefixes precomputed (routes.ts), and one policy pipeline per API. Nothing a request needs is left to
 * compute per request. Any problem is a SnapshotError naming the field.
 */
import type { SecureContextOptions } from 'node:tls';
import { createSecureContext } from 'node:tls';
import type { ZodType } from 'zod';
import { findPolicy } from '../../shared/policies/catalogue';
import type { CounterStore } from '../policies/counters';
import { policyDefinition } from '../policies/registry';
import type { IdentityIndex, PolicyDefinition, PolicyInstance, PolicyState } from '../policies/types';
import type { BindingStates } from './binding-states';
import { createIdentityIndex } from './identity';
import { compileMock, type CompiledMock } from './mock';
import { compileRoutes, type CompiledRoute, type HealthLookup } from './routes';
import { compileRules, type RuleMatcher } from './rules';
import type { ApiSnapshot, GatewaySnapshot, ListenerSnapshot, PolicyBindingSnapshot } from './snapshot';
import { SnapshotError } from './snapshot-error';
import { buildUpstream, type AgentPool, type Upstream } from './upstream';

export type GatewayLog = (level: 'info' | 'warn' | 'error', message: string, fields?: Record<string, unknown>) => void;

/** Bindings that configure listeners, upstream connections or probes: not run per request. */
const NOT_PER_REQUEST = new Set(['tls', 'tls-outbound', 'health-check-flex']);

export interface PolicyCatalogueLookup {
  (name: string): { schema: ZodType; scope?: string } | undefined;
}

export interface CompileDeps {
  counters: CounterStore;
  env: Readonly<Record<string, string | undefined>>;
  log: GatewayLog;
  agents: AgentPool;
  /** Catalogue lookup (default: shared/policies/catalogue findPolicy); configs are parsed, defaults filled in, at load time. */
  catalogue?: PolicyCatalogueLookup;
  /** Health-check state per API and service, for weighted routes (default: never probed). */
  health?: HealthLookup;
  /** Where bindings report their own state (see binding-states.ts). */
  states?: BindingStates;
  /** Implementations beyond the built-in registry (custom policies), consulted first. */
  policies?: PolicyDefinitionLookup;
}

export type PolicyDefinitionLookup = (name: string) => PolicyDefinition | undefined;

export interface CompiledBinding {
  readonly id: string;
  readonly name: string;
  readonly matcher: RuleMatcher | undefined;
  readonly instance: PolicyInstance;
}

export type { CompiledRoute } from './routes';
export { joinPrefix } from './routes';

export interface CompiledApi {
  readonly id: string;
  readonly name: string;
  readonly basePath: string;
  readonly enabled: boolean;
  readonly info: { readonly id: string; readonly name: string; readonly basePath: string };
  readonly routes: readonly CompiledRoute[];
  readonly bindings: readonly CompiledBinding[];
  /** Answers instead of (or as a fallback for) the upstream; see mock.ts. */
  readonly mock: CompiledMock | undefined;
  readonly recording: { readonly name: string; readonly maxBodyBytes: number } | undefined;
}

export interface CompiledListener {
  readonly key: string;
  readonly host: string;
  readonly port: number;
  readonly protocol: 'http' | 'https';
  /** Server options for HTTPS listeners. */
  readonly tls: ListenerTlsOptions | undefined;
  /** Identity of the TLS settings, to notice a change on a kept listener. */
  readonly tlsKey: string;
  readonly apis: readonly CompiledApi[];
  readonly owner: CompiledSnapshot;
}

export interface ListenerTlsOptions extends SecureContextOptions {
  requestCert: boolean;
  rejectUnauthorized: boolean;
  ALPNProtocols?: string[];
}

export class CompiledSnapshot {
  readonly listeners = new Map<string, CompiledListener>();
  readonly instances: PolicyInstance[] = [];
  readonly agentKeys = new Set<string>();
  identity!: IdentityIndex;
  /** Requests still running on this snapshot; it is disposed when retired and this hits 0. */
  inFlight = 0;
  retired = false;
  disposed = false;
  onDisposed: ((snapshot: CompiledSnapshot) => void) | undefined = undefined;

  constructor(
    readonly snapshot: GatewaySnapshot,
    private readonly log: GatewayLog,
  ) {}

  get version(): string {
    return this.snapshot.version;
  }

  /** No new requests will start on it; dispose once the running ones finish. */
  retire(): void {
    this.retired = true;
    if (this.inFlight === 0) this.dispose();
  }

  release(): void {
    if (--this.inFlight === 0 && this.retired) this.dispose();
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const instance of this.instances) {
      try {
        instance.dispose?.();
      } catch (error) {
        this.log('error', `policy dispose failed: ${(error as Error).message}`);
      }
    }
    this.onDisposed?.(this);
  }
}

export function compileSnapshot(snapshot: GatewaySnapshot, deps: CompileDeps): CompiledSnapshot {
  const compiled = new CompiledSnapshot(snapshot, deps.log);
  try {
    if (!snapshot || typeof snapshot !== 'object') throw new SnapshotError('snapshot: expected an object');
    if (typeof snapshot.version !== 'string' || snapshot.version === '') throw SnapshotError.at('version', 'expected a non-empty string');
    if (!Array.isArray(snapshot.listeners)) throw SnapshotError.at('listeners', 'expected an array');
    compiled.identity = createIdentityIndex(snapshot.identity ?? { applications: [], tiers: [], contracts: [] });
    const apiIds = new Set<string>();
    snapshot.listeners.forEach((listener, index) => {
      const result = compileListener(listener, `listeners[${index}]`, compiled, apiIds, deps);
      if (compiled.listeners.has(result.key)) throw SnapshotError.at(`listeners[${index}]`, `two listeners on ${result.key}`);
      compiled.listeners.set(result.key, result);
    });
    return compiled;
  } catch (error) {
    compiled.dispose();
    if (error instanceof SnapshotError) throw error;
    throw new SnapshotError(`snapshot: ${(error as Error).message}`);
  }
}

function compileListener(listener: ListenerSnapshot, field: string, owner: CompiledSnapshot, apiIds: Set<string>, deps: CompileDeps): CompiledListener {
  if (typeof listener.host !== 'string' || listener.host === '') throw SnapshotError.at(`${field}.host`, 'expected a host such as 0.0.0.0 or 127.0.0.1');
  if (!Number.isInteger(listener.port) || listener.port < 0 || listener.port > 65535) throw SnapshotError.at(`${field}.port`, `expected a port number 0-65535, got ${String(listener.port)}`);
  const key = `${listener.host}:${listener.port}`;
  const tls = listener.tls ? compileListenerTls(listener, field) : undefined;
  const basePaths = new Map<string, string>();
  const apis = (listener.apis ?? []).map((api, index) => {
    const apiField = `${field}.apis[${index}]`;
    if (typeof api.id !== 'string' || api.id === '') throw SnapshotError.at(`${apiField}.id`, 'expected a non-empty string', api.source);
    if (apiIds.has(api.id)) throw SnapshotError.at(`${apiField}.id`, `duplicate API id "${api.id}"`, api.source);
    apiIds.add(api.id);
    const compiled = compileApi(api, apiField, owner, deps);
    const other = basePaths.get(compiled.basePath);
    if (other !== undefined) throw SnapshotError.at(`${apiField}.basePath`, `APIs "${other}" and "${api.name}" both claim ${key}${compiled.basePath}`, api.source);
    basePaths.set(compiled.basePath, api.name);
    return compiled;
  });
  // Longest base path first, so that the first prefix match is the most specific one.
  apis.sort((a, b) => b.basePath.length - a.basePath.length);
  return {
    key,
    host: listener.host,
    port: listener.port,
    protocol: tls ? 'https' : 'http',
    tls,
    tlsKey: listener.tls ? JSON.stringify(listener.tls) : '',
    apis,
    owner,
  };
}

function compileListenerTls(listener: ListenerSnapshot, field: string): ListenerTlsOptions {
  const tls = listener.tls!;
  if (!tls.certificate || !tls.key) throw SnapshotError.at(`${field}.tls`, 'an HTTPS listener needs a certificate and a key');
  const options: ListenerTlsOptions = {
    cert: tls.certificate,
    key: tls.key,
    minVersion: tls.minVersion,
    maxVersion: tls.maxVersion,
    ca: tls.clientCa,
    ciphers: tls.ciphers?.join(':'),
    requestCert: Boolean(tls.clientCa || tls.requireClientCertificate),
    rejectUnauthorized: Boolean(tls.requireClientCertificate),
    ALPNProtocols: tls.alpn,
  };
  if (tls.requireClientCertificate && !tls.clientCa) throw SnapshotError.at(`${field}.tls.clientCa`, 'requireClientCertificate needs a client CA bundle');
  try {
    createSecureContext(options);
  } catch (error) {
    throw SnapshotError.at(`${field}.tls`, `unusable certificate, key or TLS options: ${(error as Error).message}`);
  }
  return options;
}

function compileApi(api: ApiSnapshot, field: string, owner: CompiledSnapshot, deps: CompileDeps): CompiledApi {
  const where = api.source;
  const name = api.name || api.id;
  const basePath = api.basePath;
  if (typeof basePath !== 'string' || !basePath.startsWith('/') || (basePath.length > 1 && basePath.endsWith('/')) || /[?#\s]/.test(basePath))
    throw SnapshotError.at(`${field}.basePath`, `API "${name}": base path must start with "/" and have no trailing slash, query or spaces, got "${String(basePath)}"`, where);
  const mock = compileMock(api.mock, field, name);
  // A mock-only API may have no upstream at all (local mode's Mock kind).
  const mockOnly = mock?.mode === 'only';
  if (!Array.isArray(api.services) || (api.services.length === 0 && !mockOnly)) throw SnapshotError.at(`${field}.services`, `API "${name}" has no upstream service`, where);

  const upstreams = new Map<string, Upstream>();
  api.services.forEach((service, index) => {
    const serviceField = `${field}.services[${index}]`;
    if (upstreams.has(service.name)) throw SnapshotError.at(`${serviceField}.name`, `API "${name}": duplicate service "${service.name}"`, where);
    const upstream = buildUpstream(service, serviceField, where, deps.agents, deps.log);
    owner.agentKeys.add(upstream.agentKey);
    upstreams.set(service.name, upstream);
  });

  const routes = api.services.length === 0 ? [] : compileRoutes(api, field, upstreams, deps.health);

  const bindings: CompiledBinding[] = [];
  const ordered = (api.policies ?? [])
    .map((binding, index) => ({ binding, index }))
    .sort((a, b) => (a.binding.order ?? 50) - (b.binding.order ?? 50) || a.index - b.index);
  for (const { binding, index } of ordered) {
    const compiled = compileBinding(api, binding, `${field}.policies[${index}]`, owner, deps);
    if (compiled) bindings.push(compiled);
  }
  const recording = api.recording === undefined ? undefined : { name: api.recording.name, maxBodyBytes: api.recording.maxBodyBytes };
  return { id: api.id, name, basePath, enabled: api.enabled !== false, info: Object.freeze({ id: api.id, name, basePath }), routes, bindings, mock, recording };
}

function compileBinding(api: ApiSnapshot, binding: PolicyBindingSnapshot, field: string, owner: CompiledSnapshot, deps: CompileDeps): CompiledBinding | undefined {
  const where = binding.source ?? api.source;
  const apiName = api.name || api.id;
  if (typeof binding.name !== 'string' || binding.name === '') throw SnapshotError.at(`${field}.name`, `API "${apiName}": policy binding without a name`, where);
  if (binding.enabled === false || NOT_PER_REQUEST.has(binding.name)) return undefined;
  const entry = (deps.catalogue ?? findPolicy)(binding.name);
  if (entry?.scope && entry.scope !== 'request') return undefined;
  let config: Record<string, unknown> = binding.config ?? {};
  if (entry) {
    const parsed = entry.schema.safeParse(config);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      const path = issue.path.length ? `.${issue.path.map(String).join('.')}` : '';
      throw SnapshotError.at(`${field}.config${path}`, `API "${apiName}" policy "${binding.name}": ${issue.message}`, where);
    }
    config = parsed.data as Record<string, unknown>;
  }
  const definition = deps.policies?.(binding.name) ?? policyDefinition(binding.name);
  if (!definition)
    throw SnapshotError.at(`${field}.name`, entry ? `API "${apiName}": policy "${binding.name}" has no implementation in this gateway` : `API "${apiName}": unknown policy "${binding.name}"`, where);
  const matcher = compileRules(binding.rules, `${field}.rules`, where);
  let instance: PolicyInstance;
  try {
    instance = definition.create(config, {
      api,
      binding,
      identity: owner.identity,
      counters: deps.counters,
      env: deps.env,
      log: (level, message) => deps.log(level, `${apiName}: ${binding.name}: ${message}`, { api: api.id, policy: binding.name }),
      ...(deps.states === undefined ? {} : { reportState: reportStateTo(deps.states, { id: api.id, name: apiName }, { id: binding.id, name: binding.name }) }),
    });
  } catch (error) {
    if (error instanceof SnapshotError) throw error;
    throw SnapshotError.at(`${field}.config`, `API "${apiName}" policy "${binding.name}": ${(error as Error).message}`, where);
  }
  owner.instances.push(instance);
  return { id: binding.id ?? `${api.id}/${binding.name}`, name: binding.name, matcher, instance };
}

function reportStateTo(states: BindingStates, api: { id: string; name: string }, binding: { id: string; name: string }) {
  return (state: PolicyState) => states.report(api, binding, state);
}
