/**
 * An in-memory control plane behind the memory transport, for component and store tests: the
 * contract's own input validation, policy configs checked against the real catalogue (errors
 * named `config.…` as the real one names them), and `resource.changed` events on every write.
 * Only what the renderer's tests exercise; the real one is main/control/.
 */
import { ContractError, zodIssuesToDetails } from '../../../shared/contract/errors';
import type { ResourceKind } from '../../../shared/contract/events';
import type { AlertEvent, AlertRule, Api, Application, Contract, Gateway, OrphanContainer, PolicyBinding, ReplicaLogLine, Settings, SlaTier, TrafficState, TryResult } from '../../../shared/contract/models';
import { defaultSettings } from '../../../shared/contract/models';
import type { ApiMetrics, TrafficEntry } from '../../../shared/contract/telemetry-models';
import { isHmacAlgorithm, policySettingsFor, type SigningKey, type TokenInspection } from '../../../shared/contract/token-models';
import { trafficMatcher } from '../../../shared/contract/traffic-match';
import { findPolicy } from '../../../shared/policies/catalogue';
import type { ApiOperations, SavedRequest } from '../../../shared/collections/collection-models';
import type { CustomPolicyInfo } from '../../../shared/contract/custom-policies';
import { customPolicyEntry } from '../lib/custom-policy-entry';
import { createMemoryTransport, type MemoryTransport } from '../transport/memory-transport';

export interface FakeState {
  apis: Api[];
  policies: PolicyBinding[];
  gateways: Gateway[];
  applications: Application[];
  tiers: SlaTier[];
  contracts: Contract[];
  alertRules: AlertRule[];
  alertEvents: AlertEvent[];
  traffic: TrafficEntry[];
  settings: Settings;
  /** Docker: labelled containers no gateway owns, and replica logs by `<gatewayId>/<index>`. */
  orphans: OrphanContainer[];
  logs: Record<string, ReplicaLogLine[]>;
  /** "Pause all traffic". */
  trafficState: TrafficState;
  /** Token workbench: signing keys (public parts). */
  signingKeys: SigningKey[];
  /** Collections: the operations of each API's OpenAPI document, and saved requests. */
  operations: Record<string, ApiOperations>;
  savedRequests: SavedRequest[];
  /** The policies library's custom policies (as customPolicies.list answers). */
  customPolicies: CustomPolicyInfo[];
}

export interface FakeControlPlane {
  transport: MemoryTransport;
  state: FakeState;
  /** What `try.send` answers (defaults to a 200 from the upstream). */
  tryResult?: (input: { apiId: string; method: string; path: string }) => TryResult;
  metrics?: (apiId: string, window: number) => ApiMetrics;
  /** What `customPolicies.add` answers for a path (default: refused as not loading). */
  addCustomPolicy?: (path: string) => CustomPolicyInfo;
  /** What `tokens.inspect` answers (default: the decoded token and no policy). */
  tokenInspection?: (input: { apiId: string; token: string }) => TokenInspection;
}

let seq = 0;
const nextId = (prefix: string) => `${prefix}_${++seq}`;

export const embeddedGateway = (): Gateway => ({ id: 'gw_embedded', name: 'embedded', kind: 'embedded', port: 8081, host: '127.0.0.1', desiredReplicas: 1, replicas: [], status: 'running', createdAt: 1, updatedAt: 1 });

export function emptyMetrics(): ApiMetrics {
  return { requests: 0, status: { '2xx': 0, '3xx': 0, '4xx': 0, '5xx': 0 }, latencyMs: { p50: 0, p95: 0, p99: 0 }, policyViolations: 0, violationsByPolicy: {}, topClients: [], series: [] };
}

export function createFakeControlPlane(initial: Partial<FakeState> = {}): FakeControlPlane {
  const state: FakeState = {
    apis: [],
    policies: [],
    gateways: [embeddedGateway()],
    applications: [],
    tiers: [],
    contracts: [],
    alertRules: [],
    alertEvents: [],
    traffic: [],
    settings: structuredClone(defaultSettings),
    orphans: [],
    logs: {},
    trafficState: { paused: false },
    signingKeys: [],
    operations: {},
    savedRequests: [],
    customPolicies: [],
    ...initial,
  };
  const transport = createMemoryTransport();
  const plane: FakeControlPlane = { transport, state };
  const now = () => Date.now();
  const changed = (kind: ResourceKind, id: string, action: 'created' | 'updated' | 'removed', apiId?: string) =>
    queueMicrotask(() => transport.emit('resource.changed', { kind, id, action, ...(apiId ? { apiId } : {}) }));
  const find = <T extends { id: string }>(list: T[], id: string, kind: string): T => {
    const item = list.find((x) => x.id === id);
    if (!item) throw ContractError.notFound(kind, id);
    return item;
  };
  const checkConfig = (policyRef: string, config: unknown) => {
    const custom = state.customPolicies.find((policy) => policy.name === policyRef);
    const entry = findPolicy(policyRef) ?? (custom ? customPolicyEntry(custom) : undefined);
    if (!entry) throw ContractError.validation([{ path: 'policyRef', message: `unknown policy "${policyRef}"` }]);
    const parsed = entry.schema.safeParse(config);
    if (!parsed.success) throw ContractError.validation(zodIssuesToDetails(parsed.error.issues).map((d) => ({ ...d, path: d.path ? `config.${d.path}` : 'config' })));
    return parsed.data as Record<string, unknown>;
  };
  const setTraffic = (paused: boolean): TrafficState => {
    if (paused !== state.trafficState.paused) {
      state.trafficState = paused ? { paused: true, pausedAt: now() } : { paused: false };
      const current = state.trafficState;
      queueMicrotask(() => transport.emit('traffic.state', current));
    }
    return state.trafficState;
  };
  const ordered = (apiId: string) => state.policies.filter((p) => p.apiId === apiId).sort((a, b) => a.order - b.order);

  transport.handlers = {
    // A copy, as a real server's answer is: the store must not share the fake's array.
    'apis.list': () => [...state.apis],
    'apis.get': ({ id }) => find(state.apis, id, 'API'),
    'apis.create': (input) => {
      if (state.apis.some((a) => a.basePath === input.basePath))
        throw ContractError.conflict(`base path ${input.basePath} is already used`, [{ path: 'basePath', message: `already used by another API` }]);
      const api: Api = { id: nextId('api'), ...input, gatewayId: input.gatewayId ?? 'gw_embedded', createdAt: now(), updatedAt: now() };
      state.apis.push(api);
      changed('api', api.id, 'created');
      return api;
    },
    'apis.update': ({ id, ...patch }) => {
      const api = Object.assign(find(state.apis, id, 'API'), patch, { updatedAt: now() });
      changed('api', id, 'updated');
      return api;
    },
    'apis.remove': ({ id }) => {
      find(state.apis, id, 'API');
      state.apis = state.apis.filter((a) => a.id !== id);
      changed('api', id, 'removed');
    },
    'policies.list': ({ apiId }) => ordered(apiId),
    'policies.add': ({ apiId, ...input }) => {
      find(state.apis, apiId, 'API');
      const binding: PolicyBinding = { id: nextId('pol'), apiId, policyRef: input.policyRef, config: checkConfig(input.policyRef, input.config), order: input.order, enabled: input.enabled, ...(input.rules ? { rules: input.rules } : {}), createdAt: now(), updatedAt: now() };
      state.policies.push(binding);
      changed('policy', binding.id, 'created', apiId);
      return binding;
    },
    'policies.update': ({ apiId, policyId, ...patch }) => {
      const binding = find(state.policies, policyId, 'policy');
      if (patch.config) patch.config = checkConfig(binding.policyRef, patch.config);
      Object.assign(binding, patch, { updatedAt: now() });
      changed('policy', policyId, 'updated', apiId);
      return binding;
    },
    'policies.remove': ({ apiId, policyId }) => {
      find(state.policies, policyId, 'policy');
      state.policies = state.policies.filter((p) => p.id !== policyId);
      changed('policy', policyId, 'removed', apiId);
    },
    'policies.reorder': ({ apiId, order }) => {
      order.forEach((id, index) => (find(state.policies, id, 'policy').order = (index + 1) * 10));
      changed('policy', order[0]!, 'updated', apiId);
      return ordered(apiId);
    },
    'gateways.list': () => state.gateways,
    'gateways.get': ({ id }) => find(state.gateways, id, 'gateway'),
    'gateways.create': ({ sharedStorage, ...input }) => {
      const redis = sharedStorage?.redis;
      const gateway: Gateway = {
        id: nextId('gw'),
        ...input,
        replicas: [],
        status: input.kind === 'docker' ? 'starting' : 'running',
        ...(input.kind === 'docker' ? { sharedCounters: Boolean(redis), ...(redis ? { sharedStorage: { redis: { address: redis.address, ...(redis.username ? { username: redis.username } : {}), ...(redis.db !== undefined ? { db: redis.db } : {}), hasPassword: Boolean(redis.password) } } } : {}) } : {}),
        createdAt: now(),
        updatedAt: now(),
      };
      state.gateways.push(gateway);
      changed('gateway', gateway.id, 'created');
      return gateway;
    },
    'gateways.update': ({ id, sharedStorage, ...patch }) => {
      const gateway = Object.assign(find(state.gateways, id, 'gateway'), patch, { updatedAt: now() });
      if (sharedStorage === null) delete gateway.sharedStorage;
      else if (sharedStorage?.redis) gateway.sharedStorage = { redis: { address: sharedStorage.redis.address, hasPassword: Boolean(sharedStorage.redis.password) } };
      changed('gateway', id, 'updated');
      return gateway;
    },
    'gateways.remove': ({ id }) => {
      find(state.gateways, id, 'gateway');
      state.gateways = state.gateways.filter((g) => g.id !== id);
      changed('gateway', id, 'removed');
    },
    'gateways.start': ({ id }) => Object.assign(find(state.gateways, id, 'gateway'), { status: 'running' as const }),
    'gateways.stop': ({ id }) => Object.assign(find(state.gateways, id, 'gateway'), { status: 'stopped' as const }),
    'gateways.logs': ({ id, index, tail }) => {
      find(state.gateways, id, 'gateway');
      return (state.logs[`${id}/${index}`] ?? []).slice(-tail);
    },
    'gateways.orphans': () => state.orphans,
    'gateways.cleanupOrphans': ({ includeForeign }) => {
      const removed = state.orphans.filter((o) => includeForeign || !o.foreign);
      state.orphans = state.orphans.filter((o) => !removed.includes(o));
      return removed;
    },
    'applications.list': () => state.applications,
    'applications.create': (input) => {
      const app: Application = { id: nextId('app'), name: input.name, clientId: input.clientId ?? `client-${seq}`, ...(input.description ? { description: input.description } : {}), createdAt: now() };
      state.applications.push(app);
      changed('application', app.id, 'created');
      return { ...app, clientSecret: input.clientSecret ?? `secret-${seq}-xyz` };
    },
    'slaTiers.list': ({ apiId }) => state.tiers.filter((t) => !apiId || t.apiId === apiId),
    'slaTiers.create': (input) => {
      const tier: SlaTier = { id: nextId('tier'), ...input, createdAt: now() };
      state.tiers.push(tier);
      changed('slaTier', tier.id, 'created', input.apiId);
      return tier;
    },
    'contracts.list': () => state.contracts,
    'contracts.create': (input) => {
      const tier = state.tiers.find((t) => t.id === input.tierId);
      const contract: Contract = { id: nextId('con'), ...input, status: tier?.approval === 'manual' ? 'pending' : 'approved', createdAt: now(), updatedAt: now() };
      state.contracts.push(contract);
      changed('contract', contract.id, 'created', input.apiId);
      return contract;
    },
    'contracts.update': ({ id, ...patch }) => {
      const contract = Object.assign(find(state.contracts, id, 'contract'), patch, { updatedAt: now() });
      changed('contract', id, 'updated', contract.apiId);
      return contract;
    },
    'alertRules.list': () => state.alertRules,
    'alertRules.create': (input) => {
      if ((input.kind === 'gateway-down') !== Boolean(input.gatewayId) || (input.kind !== 'gateway-down' && !input.apiId))
        throw ContractError.validation([{ path: input.kind === 'gateway-down' ? 'gatewayId' : 'apiId', message: 'required for this kind of rule' }]);
      const rule: AlertRule = { id: nextId('rule'), ...input, state: 'ok', createdAt: now(), updatedAt: now() };
      state.alertRules.push(rule);
      changed('alertRule', rule.id, 'created', input.apiId);
      return rule;
    },
    'alertRules.update': ({ id, ...patch }) => {
      const rule = Object.assign(find(state.alertRules, id, 'alert rule'), patch, { updatedAt: now() });
      changed('alertRule', id, 'updated', rule.apiId);
      return rule;
    },
    'alertEvents.list': () => state.alertEvents,
    'traffic.list': ({ limit, before, ...criteria }) => {
      // state.traffic is the whole stored log, newest first; filters match as the real one's do.
      let log = state.traffic;
      if (before !== undefined) {
        const index = log.findIndex((entry) => entry.id === before);
        log = index >= 0 ? log.slice(index + 1) : log.filter((entry) => entry.at < Number(before));
      }
      const match = trafficMatcher(criteria);
      return (match ? log.filter(match) : log).slice(0, limit);
    },
    'metrics.get': ({ apiId, window }) => plane.metrics?.(apiId, window) ?? emptyMetrics(),
    'environments.list': () => [],
    'settings.get': () => state.settings,
    'settings.update': (patch) => {
      state.settings = { ...state.settings, ...patch, retention: { ...state.settings.retention, ...patch.retention } } as Settings;
      changed('settings', 'settings', 'updated');
      return state.settings;
    },
    'traffic.pause': () => setTraffic(true),
    'traffic.resume': () => setTraffic(false),
    'demo.start': () => ({ url: 'http://127.0.0.1:3000', started: true }),
    'system.info': () => ({ version: 'test', dataDir: '/tmp/gatehouse', gatewayPort: 8081, platform: 'linux', startedAt: 1, docker: { status: 'unknown' as const }, traffic: state.trafficState }),
    // Token workbench: no crypto in the renderer's tests; tokens are base64url JSON with a fake signature.
    'tokens.listKeys': ({ apiId }) => ({ jwksUrl: `http://127.0.0.1:4680/api/v1/apis/${apiId}/jwks.json`, keys: state.signingKeys.filter((key) => key.apiId === apiId).reverse() }),
    'tokens.generateKey': ({ apiId, alg }) => {
      find(state.apis, apiId, 'API');
      const key: SigningKey = { apiId, kid: `${alg.toLowerCase()}-${++seq}`, alg, createdAt: now(), ...(isHmacAlgorithm(alg) ? {} : { publicJwk: { kty: 'EC', alg } }) };
      state.signingKeys.push(key);
      return { key, ...(isHmacAlgorithm(alg) ? { secret: `secret-of-${key.kid}` } : {}) };
    },
    'tokens.removeKey': ({ apiId, kid }) => {
      const index = state.signingKeys.findIndex((key) => key.apiId === apiId && key.kid === kid);
      if (index < 0) throw ContractError.notFound('signing key', kid);
      state.signingKeys.splice(index, 1);
    },
    'tokens.jwks': ({ apiId }) => ({ keys: state.signingKeys.filter((key) => key.apiId === apiId && key.publicJwk).map((key) => key.publicJwk!) }),
    'tokens.useKeyInPolicy': ({ apiId, policyId, kid }) => {
      const binding = find(state.policies, policyId, 'policy binding');
      const key = state.signingKeys.find((k) => k.apiId === apiId && k.kid === kid);
      if (!key) throw ContractError.validation([{ path: 'kid', message: `the API has no signing key "${kid}"` }]);
      const source = isHmacAlgorithm(key.alg) ? { jwtKeyOrigin: 'text', textKey: `secret-of-${kid}` } : { jwtKeyOrigin: 'jwks', jwksUrl: `http://127.0.0.1:4680/api/v1/apis/${apiId}/jwks.json` };
      binding.config = checkConfig(binding.policyRef, { ...binding.config, ...policySettingsFor(key.alg), ...source });
      changed('policy', policyId, 'updated', apiId);
      return binding;
    },
    'tokens.mint': ({ apiId, kid, claims, expiresInSeconds }) => {
      const keys = state.signingKeys.filter((key) => key.apiId === apiId);
      const key = kid ? keys.find((k) => k.kid === kid) : keys[keys.length - 1];
      if (!key) throw ContractError.validation([{ path: 'kid', message: 'the API has no signing key yet; generate one first' }]);
      const iat = Math.floor(now() / 1000);
      const header = { alg: key.alg, typ: 'JWT', kid: key.kid };
      const payload = { ...claims, iat, ...(expiresInSeconds ? { exp: iat + expiresInSeconds } : {}) };
      const part = (value: unknown) => btoa(JSON.stringify(value)).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');
      return { token: `${part(header)}.${part(payload)}.fake-signature`, kid: key.kid, alg: key.alg, header, claims: payload };
    },
    'tokens.inspect': (input) => {
      if (plane.tokenInspection) return plane.tokenInspection(input);
      const [header, payload] = input.token.split('.').map((part) => {
        try {
          return JSON.parse(atob(part.replace(/-/g, '+').replace(/_/g, '/'))) as Record<string, unknown>;
        } catch {
          return undefined;
        }
      });
      return header && payload ? { header, payload, policies: [] } : { reason: 'the token is not a JWT (expected header.payload.signature)', policies: [] };
    },
    'customPolicies.list': () =>
      state.customPolicies.map((policy) => ({ ...policy, usedBy: state.policies.filter((b) => b.policyRef === policy.name).map((b) => ({ apiId: b.apiId, apiName: state.apis.find((a) => a.id === b.apiId)?.name ?? b.apiId, bindingId: b.id })) })),
    'customPolicies.add': ({ path }) => {
      if (!plane.addCustomPolicy) throw ContractError.validation([{ path: 'path', message: `${path}: no such file or folder` }]);
      const added = plane.addCustomPolicy(path);
      state.customPolicies.push(added);
      queueMicrotask(() => transport.emit('customPolicies.changed', { id: added.id, action: 'created' }));
      return added;
    },
    'customPolicies.reload': ({ id }) => find(state.customPolicies, id, 'custom policy'),
    'customPolicies.remove': ({ id }) => {
      const policy = find(state.customPolicies, id, 'custom policy');
      if (state.policies.some((b) => b.policyRef === policy.name)) throw ContractError.conflict(`${policy.name} is used by APIs`);
      state.customPolicies = state.customPolicies.filter((p) => p !== policy);
      queueMicrotask(() => transport.emit('customPolicies.changed', { id, action: 'removed' }));
    },
    'collections.operations': ({ apiId }) => state.operations[find(state.apis, apiId, 'API').id] ?? { apiId, tags: [], operations: [] },
    'savedRequests.list': ({ apiId }) => state.savedRequests.filter((r) => r.apiId === find(state.apis, apiId, 'API').id).sort((a, b) => a.name.localeCompare(b.name)),
    'savedRequests.save': ({ apiId, name, ...content }) => {
      find(state.apis, apiId, 'API');
      const existing = state.savedRequests.find((r) => r.apiId === apiId && r.name === name);
      const saved: SavedRequest = { id: existing?.id ?? nextId('req'), apiId, name, ...content, createdAt: existing?.createdAt ?? now(), updatedAt: now() };
      state.savedRequests = [...state.savedRequests.filter((r) => r !== existing), saved];
      return saved;
    },
    'savedRequests.rename': ({ apiId, requestId, name }) => {
      const current = find(state.savedRequests.filter((r) => r.apiId === apiId), requestId, 'saved request');
      if (state.savedRequests.some((r) => r.apiId === apiId && r.name === name && r.id !== requestId))
        throw ContractError.conflict(`a saved request named "${name}" already exists on this API`, [{ path: 'name', message: 'already used' }]);
      current.name = name;
      return current;
    },
    'savedRequests.remove': ({ apiId, requestId }) => {
      const current = find(state.savedRequests.filter((r) => r.apiId === apiId), requestId, 'saved request');
      state.savedRequests = state.savedRequests.filter((r) => r !== current);
    },
    'try.send': (input) => {
      const api = find(state.apis, input.apiId, 'API');
      return (
        plane.tryResult?.(input) ?? {
          url: `http://127.0.0.1:8081${api.basePath}${input.path}`,
          status: 200,
          headers: { 'content-type': 'application/json' },
          body: '{"ok":true}',
          bodyEncoding: 'utf8',
          timing: { totalMs: 3 },
          source: 'upstream',
          trace: [],
        }
      );
    },
  };
  return plane;
}
