/**
 * Validated resources → GatewaySnapshot. Listeners are grouped by port from ApiInstance
 * addresses; routes, policies (inline and PolicyBinding), TLS, identity and shared storage are
 * resolved and checked here, so the data plane receives only a snapshot that makes sense.
 * Every problem is collected; a snapshot is returned only when there is none.
 */
import { createHash } from 'node:crypto';
import { checkBasePath } from '../../shared/api-paths';
import type {
  ApiSnapshot,
  GatewaySnapshot,
  ListenerSnapshot,
  ListenerTlsSnapshot,
  MockSnapshot,
  PolicyBindingSnapshot,
  RouteSnapshot,
  ServiceSnapshot,
  SharedStorageSnapshot,
} from '../gateway/snapshot';
import { UPSTREAM_CREDENTIALS_MESSAGE } from '../../shared/contract/fields';
import { isEnabled, resolveBindings, SERVICE_REQUEST_POLICIES, UseValidator, type BindingUse, type PolicyLookup } from './compile-bindings';
import { compileIdentity } from './compile-identity';
import { compileMocks } from './compile-mocks';
import { addBoundRoute, normalizePath, orderedRoutes, type ApiRoutes } from './compile-routes';
import { listenerTls, sameListenerTls, upstreamTls } from './compile-tls';
import { formatFieldPath, sortConfigErrors, type ConfigError } from './errors';
import { resourcesOfKind, type AnyResource, type LoadedResource } from './resources';

export interface CompileOptions {
  lookup: PolicyLookup;
  /** Files the resources came from, recorded as the snapshot's sources. */
  files: string[];
  /** Also part of the version (custom policies' `name@checksum`): an edited policy is a new snapshot. */
  versionInputs?: string[];
}

export interface CompileResult {
  snapshot?: GatewaySnapshot;
  errors: ConfigError[];
}

export interface ParsedAddress {
  scheme: 'http' | 'https';
  host: string;
  port: number;
  basePath: string;
}

export { normalizePath } from './compile-routes';

const ADDRESS = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/(\[[^\]]+\]|[^/:?#]*)(?::(\d*))?([^?#]*)([?#].*)?$/;

/** `http://0.0.0.0:8081/base/` → its parts; a string message when it is not a usable address. */
export function parseAddress(address: string): ParsedAddress | string {
  const match = ADDRESS.exec(address.trim());
  if (!match) return `not an address; expected e.g. http://0.0.0.0:8081/base`;
  const [, scheme, rawHost, port, path, rest] = match;
  const lower = scheme!.toLowerCase();
  if (lower !== 'http' && lower !== 'https') return `unsupported scheme "${scheme}"; use http:// or https://`;
  if (!rawHost) return 'missing host; use 0.0.0.0 (all interfaces) or 127.0.0.1';
  if (port === undefined || port === '') return `missing port; e.g. ${lower}://${rawHost}:8081${path || '/'}`;
  const portNumber = Number(port);
  if (!Number.isInteger(portNumber) || portNumber < 1 || portNumber > 65535) return `port ${port} is out of range (1-65535)`;
  if (rest) return 'a listener address takes no query string or fragment';
  // The same check as the admin API's basePath, so both refuse the same paths.
  const base = checkBasePath(path || '/');
  if (!base.ok) return `the base path ${JSON.stringify(path)} ${base.message}`;
  return { scheme: lower, host: rawHost.replace(/^\[|\]$/g, ''), port: portNumber, basePath: base.basePath };
}

function checkUpstreamUrl(address: string): string | undefined {
  let url: URL;
  try {
    url = new URL(address);
  } catch {
    return 'not a URL; expected e.g. http://127.0.0.1:3000/';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return `unsupported scheme "${url.protocol.slice(0, -1)}"; use http:// or https://`;
  if (url.search || url.hash) return 'an upstream address takes no query string or fragment';
  if (url.username || url.password) return `an upstream address ${UPSTREAM_CREDENTIALS_MESSAGE}`;
  return undefined;
}

interface ApiDraft {
  resource: LoadedResource<'ApiInstance'>;
  address: ParsedAddress;
  api: ApiSnapshot;
  /** Which resource declared each service, for tls-outbound bound to a Service. */
  serviceOrigin: Map<string, string>;
  listenerTls?: { tls: ListenerTlsSnapshot; use: BindingUse };
  /** A tls binding was declared (even if it failed): no extra "https needs tls" error then. */
  tlsDeclared: boolean;
}

export function compileResources(resources: readonly AnyResource[], options: CompileOptions): CompileResult {
  const errors: ConfigError[] = [];
  const at = (resource: AnyResource, path: (string | number)[], message: string) =>
    errors.push({ file: resource.file, line: resource.lineOf(path), field: formatFieldPath(path), message });
  let seq = 0;
  const nextSeq = () => seq++;
  const validator = new UseValidator(options.lookup, errors);

  const apis = uniqueByName(resourcesOfKind(resources, 'ApiInstance'), errors);
  const services = uniqueByName(resourcesOfKind(resources, 'Service'), errors);
  for (const service of services.values()) {
    const problem = checkUpstreamUrl(service.spec.address);
    if (problem) at(service, ['spec', 'address'], problem);
  }

  const inlineServiceNames = new Set<string>();
  for (const api of apis.values()) for (const name of Object.keys(api.spec.services ?? {})) inlineServiceNames.add(name);
  const serviceLabels = new Map<string, Record<string, string>>();
  for (const [name, service] of services) serviceLabels.set(name, service.metadata.labels ?? {});
  const targets = resolveBindings(
    resourcesOfKind(resources, 'PolicyBinding'),
    apis,
    new Set([...services.keys(), ...inlineServiceNames]),
    serviceLabels,
    options.lookup,
    nextSeq,
    errors,
  );

  const mocks = compileMocks(resourcesOfKind(resources, 'Mock'), new Set(apis.keys()), errors);
  const drafts: ApiDraft[] = [];
  for (const resource of apis.values()) {
    const draft = compileApi(resource, targets.apis.get(resource.metadata.name) ?? [], services, validator, nextSeq, errors, mocks.get(resource.metadata.name));
    if (draft) drafts.push(draft);
  }

  // tls-outbound bound to a Service: a Service resource by that name, else inline services so named.
  // circuit-breaker-flex / idle-timeout-flex bound to a Service: a binding on each API using it.
  for (const [serviceName, uses] of targets.services) {
    for (const use of uses) {
      const validated = validator.validate(use);
      if (!validated || validated.kind !== 'policy') continue;
      if (SERVICE_REQUEST_POLICIES.has(use.policyName)) {
        bindToServiceUsers(drafts, serviceName, services.has(serviceName), use, validated.config, validated.name);
        continue;
      }
      const tls = upstreamTls(validated.config, { file: use.resource.file, lineOf: use.resource.lineOf, base: [...use.base, 'config'] }, errors);
      if (!tls) continue;
      const fromResource = services.has(serviceName);
      for (const draft of drafts) {
        for (const service of draft.api.services) {
          if (service.name !== serviceName) continue;
          const origin = draft.serviceOrigin.get(service.name);
          if (fromResource ? origin === 'resource' : origin === 'inline') service.tls = tls;
        }
      }
    }
  }

  const listeners = groupListeners(drafts, errors);
  const apiNames = new Set(apis.keys());
  const { identity, secretFingerprints } = compileIdentity(resources, apiNames, errors);
  const sharedStorage = compileSharedStorage(resources, errors);

  if (errors.length > 0) return { errors: sortConfigErrors(errors) };
  const snapshot: GatewaySnapshot = { version: '', listeners, sources: [...options.files], identity };
  if (sharedStorage) snapshot.sharedStorage = sharedStorage;
  snapshot.version = snapshotVersion(snapshot, secretFingerprints, options.versionInputs ?? []);
  return { snapshot, errors: [] };
}

function bindToServiceUsers(drafts: ApiDraft[], serviceName: string, fromResource: boolean, use: BindingUse, config: Record<string, unknown>, name: string): void {
  for (const draft of drafts) {
    const uses = draft.api.services.some((service) => service.name === serviceName && draft.serviceOrigin.get(service.name) === (fromResource ? 'resource' : 'inline'));
    if (!uses) continue;
    const binding: PolicyBindingSnapshot = {
      id: use.id,
      name,
      config,
      order: use.order ?? 50,
      enabled: use.enabled,
      source: { file: use.resource.file, line: use.resource.lineOf(use.base) },
    };
    if (use.rules?.length) binding.rules = use.rules;
    // Stable: equal orders keep the API's own bindings first.
    draft.api.policies = [...draft.api.policies, binding].sort((a, b) => a.order - b.order);
  }
}

function uniqueByName<K extends 'ApiInstance' | 'Service'>(list: LoadedResource<K>[], errors: ConfigError[]): Map<string, LoadedResource<K>> {
  const byName = new Map<string, LoadedResource<K>>();
  for (const resource of list) {
    const first = byName.get(resource.metadata.name);
    if (first) {
      errors.push({
        file: resource.file,
        line: resource.lineOf(['metadata', 'name']),
        field: 'metadata.name',
        message: `${resource.kind} "${resource.metadata.name}" is already declared at ${first.file}:${first.lineOf(['metadata', 'name'])}`,
      });
      continue;
    }
    byName.set(resource.metadata.name, resource);
  }
  return byName;
}

function compileApi(
  resource: LoadedResource<'ApiInstance'>,
  boundUses: BindingUse[],
  serviceResources: ReadonlyMap<string, LoadedResource<'Service'>>,
  validator: UseValidator,
  nextSeq: () => number,
  errors: ConfigError[],
  mock?: MockSnapshot,
): ApiDraft | undefined {
  const name = resource.metadata.name;
  const at = (path: (string | number)[], message: string) =>
    errors.push({ file: resource.file, line: resource.lineOf(path), field: formatFieldPath(path), message });
  const address = parseAddress(resource.spec.address);
  if (typeof address === 'string') at(['spec', 'address'], address);

  const services: ServiceSnapshot[] = [];
  const serviceOrigin = new Map<string, string>();
  const catchAll: RouteSnapshot[] = [];
  const routes: RouteSnapshot[] = [];
  for (const [serviceName, service] of Object.entries(resource.spec.services ?? {})) {
    const problem = checkUpstreamUrl(service.address);
    if (problem) at(['spec', 'services', serviceName, 'address'], problem);
    services.push({ name: serviceName, url: service.address.trim() });
    serviceOrigin.set(serviceName, 'inline');
    const declared = service.routes?.length ? service.routes : [{}];
    for (const route of declared as { rules?: RouteSnapshot['rules']; config?: { destinationPath?: string } | null }[]) {
      const snapshotRoute: RouteSnapshot = { service: serviceName, destinationPath: normalizePath(route.config?.destinationPath ?? '/') };
      if (route.rules?.length) routes.push({ ...snapshotRoute, rules: route.rules });
      // A route without rules takes everything: it goes after the ones with rules.
      else catchAll.push(snapshotRoute);
    }
  }

  const inlineUses: BindingUse[] = [];
  const idCounts = new Map<string, number>();
  (resource.spec.policies ?? []).forEach((policy, index) => {
    const base = `${name}.${policy.policyRef.name}`;
    const count = (idCounts.get(base) ?? 0) + 1;
    idCounts.set(base, count);
    inlineUses.push({
      policyName: policy.policyRef.name,
      rawConfig: (policy.config ?? {}) as Record<string, unknown>,
      order: policy.order,
      rules: policy.rules,
      id: count === 1 ? base : `${base}-${count}`,
      enabled: true,
      resource: resource as AnyResource,
      base: ['spec', 'policies', index],
      seq: nextSeq(),
    });
  });

  const bound: ApiRoutes = { services, serviceOrigin, withRules: routes, catchAll };
  const policies: (PolicyBindingSnapshot & { seq: number })[] = [];
  const outbound: { use: BindingUse; config: Record<string, unknown> }[] = [];
  let tlsClaim: ApiDraft['listenerTls'];
  let tlsDeclared = false;
  for (const use of [...inlineUses, ...boundUses]) {
    if (use.policyName === 'tls') tlsDeclared = true;
    const validated = validator.validate(use);
    if (!validated) continue;
    const source = { file: use.resource.file, line: use.resource.lineOf(use.base) };
    if (validated.kind === 'route') {
      addBoundRoute(validated, resource, serviceResources, bound, errors);
      continue;
    }
    if (validated.scope === 'listener') {
      const tls = listenerTls(validated.config, { file: use.resource.file, lineOf: use.resource.lineOf, base: [...use.base, 'config'] }, errors);
      if (!tls) continue;
      if (tlsClaim && !sameListenerTls(tlsClaim.tls, tls)) {
        pushUseError(errors, use, ['policyRef', 'name'], `API ${name} already has a different tls binding (${tlsClaim.use.id}); one listener has one TLS context`);
        continue;
      }
      tlsClaim = { tls, use };
      continue;
    }
    if (validated.scope === 'upstream') {
      outbound.push({ use, config: validated.config });
      continue;
    }
    const binding: PolicyBindingSnapshot & { seq: number } = {
      id: use.id,
      name: validated.name,
      config: validated.config,
      order: use.order ?? 50,
      enabled: use.enabled,
      source,
      seq: use.seq,
    };
    if (use.rules?.length) binding.rules = use.rules;
    policies.push(binding);
  }

  // tls-outbound bound to the API applies to each of its upstreams.
  for (const { use, config } of outbound) {
    const tls = upstreamTls(config, { file: use.resource.file, lineOf: use.resource.lineOf, base: [...use.base, 'config'] }, errors);
    if (tls) for (const service of services) service.tls = tls;
  }

  // A Mock with mode `only` answers everything: no upstream needed.
  if (services.length === 0 && mock?.mode !== 'only') at(['spec'], 'no upstream: add spec.services, or a PolicyBinding with the `route` (or `route-weighted`) policy to a Service');
  // With other errors the draft still joins listener checks (port/base-path clashes); no snapshot is built.
  if (typeof address === 'string') return undefined;

  policies.sort((a, b) => a.order - b.order || a.seq - b.seq);
  const api: ApiSnapshot = {
    id: name,
    name,
    basePath: address.basePath,
    enabled: isEnabled(resource as AnyResource),
    services,
    routes: orderedRoutes(bound),
    policies: policies.map(({ seq: _seq, ...binding }) => binding),
    source: { file: resource.file, line: resource.line },
  };
  if (mock) api.mock = mock;
  return { resource, address, api, serviceOrigin, listenerTls: tlsClaim, tlsDeclared };
}

function pushUseError(errors: ConfigError[], use: BindingUse, path: (string | number)[], message: string): void {
  const full = [...use.base, ...path];
  errors.push({ file: use.resource.file, line: use.resource.lineOf(full), field: formatFieldPath(full), message });
}

/** One listener per port: same host, same scheme, one TLS context, unique base paths. */
function groupListeners(drafts: ApiDraft[], errors: ConfigError[]): ListenerSnapshot[] {
  const byPort = new Map<number, ApiDraft[]>();
  for (const draft of drafts) byPort.set(draft.address.port, [...(byPort.get(draft.address.port) ?? []), draft]);
  const listeners: ListenerSnapshot[] = [];
  for (const [port, group] of [...byPort].sort((a, b) => a[0] - b[0])) {
    const first = group[0]!;
    const where = (draft: ApiDraft) => `${draft.resource.file}:${draft.resource.lineOf(['spec', 'address'])}`;
    const addressError = (draft: ApiDraft, message: string) =>
      errors.push({ file: draft.resource.file, line: draft.resource.lineOf(['spec', 'address']), field: 'spec.address', message });
    let ok = true;
    const tlsOwner = group.find((draft) => draft.listenerTls);
    const seen = new Map<string, ApiDraft>();
    for (const draft of group) {
      if (draft.address.host !== first.address.host) {
        addressError(draft, `port ${port} is already bound on ${first.address.host} by ApiInstance ${first.resource.metadata.name} (${where(first)}); APIs sharing a port must use the same host`);
        ok = false;
      }
      const other = seen.get(draft.address.basePath);
      if (other) {
        addressError(draft, `port ${port} and base path ${draft.address.basePath} are already claimed by ApiInstance ${other.resource.metadata.name} (${where(other)})`);
        ok = false;
      } else seen.set(draft.address.basePath, draft);
      if (draft.listenerTls && tlsOwner && tlsOwner !== draft && !sameListenerTls(draft.listenerTls.tls, tlsOwner.listenerTls!.tls)) {
        pushUseError(errors, draft.listenerTls.use, ['policyRef', 'name'], `port ${port} already has a different TLS context (binding ${tlsOwner.listenerTls!.use.id} on ${tlsOwner.resource.metadata.name}); one port has one TLS context`);
        ok = false;
      }
      if (draft.address.scheme === 'https' && !tlsOwner && !group.some((other) => other.tlsDeclared)) {
        addressError(draft, `https needs a tls policy bound to this API (or another API on port ${port}) with a certificate and key`);
        ok = false;
      }
      if (draft.address.scheme === 'http' && tlsOwner) {
        addressError(draft, `port ${port} serves HTTPS (tls binding ${tlsOwner.listenerTls!.use.id} on ${tlsOwner.resource.metadata.name}); use https://`);
        ok = false;
      }
    }
    if (!ok) continue;
    const listener: ListenerSnapshot = { host: first.address.host, port, apis: group.map((draft) => draft.api) };
    if (tlsOwner) listener.tls = tlsOwner.listenerTls!.tls;
    listeners.push(listener);
  }
  return listeners;
}

function compileSharedStorage(resources: readonly AnyResource[], errors: ConfigError[]): SharedStorageSnapshot | undefined {
  let found: { resource: LoadedResource<'Configuration'>; storage: SharedStorageSnapshot } | undefined;
  for (const resource of resourcesOfKind(resources, 'Configuration')) {
    const redis = resource.spec.sharedStorage?.redis;
    if (!redis) continue;
    if (found) {
      errors.push({
        file: resource.file,
        line: resource.lineOf(['spec', 'sharedStorage']),
        field: 'spec.sharedStorage',
        message: `shared storage is already configured by Configuration ${found.resource.metadata.name} (${found.resource.file}:${found.resource.line})`,
      });
      continue;
    }
    const storage: SharedStorageSnapshot['redis'] = { address: redis.address };
    if (redis.username !== undefined) storage.username = redis.username;
    if (redis.password !== undefined) storage.password = redis.password;
    const db = redis.db ?? redis.DB;
    if (db !== undefined) storage.db = db;
    found = { resource, storage: { redis: storage } };
  }
  return found?.storage;
}

/** A short hash of the content; salted secret hashes are replaced by stable fingerprints. */
function snapshotVersion(snapshot: GatewaySnapshot, secretFingerprints: string[], inputs: string[]): string {
  const stable = {
    ...snapshot,
    version: '',
    identity: { ...snapshot.identity, applications: snapshot.identity.applications.map((app, i) => ({ ...app, secretHash: secretFingerprints[i] })) },
  };
  const hash = createHash('sha256').update(JSON.stringify(stable));
  // Without inputs the hash is what it always was: versions of existing configs do not move.
  if (inputs.length) hash.update(`\u0000${inputs.join('\u0000')}`);
  return hash.digest('hex').slice(0, 12);
}
