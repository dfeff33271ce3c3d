/**
 * Store → GatewaySnapshot for one gateway: its listener (host:port, HTTPS when an API on it has
 * a `tls` binding), each API as one upstream service with the default route and its enabled
 * policy bindings (configs re-validated, defaults filled in), and the identity section built
 * from applications, tiers and contracts. The version is a content hash, so an unchanged
 * setup gives the same version (replicas and restarts agree).
 */
import { createHash } from 'node:crypto';
import type { ErrorDetail } from '../../shared/errors';
import type {
  ApiSnapshot,
  CustomPolicySnapshot,
  GatewaySnapshot,
  IdentitySnapshot,
  ListenerSnapshot,
  ListenerTlsSnapshot,
  PolicyBindingSnapshot,
  ServiceSnapshot,
  UpstreamTlsSnapshot,
} from '../gateway/snapshot';
import type { ApiRecord } from '../store/apis';
import type { GatewayRecord } from '../store/gateways';
import { unreadablePolicySecrets } from '../store/policy-secrets';
import type { Store } from '../store/store';
import { findPolicy } from '../../shared/policies/catalogue';
import type { PolicyCatalogueEntry } from '../../shared/policies/catalogue-entry';
import { checkPolicyConfig, resolveTls } from './policy-config';
import { mockPartsFor } from './mock-snapshot';

/** Bindings that configure the listener or the upstream connection instead of running per request. */
const CONNECTION_POLICIES = new Set(['tls', 'tls-outbound']);

export interface SnapshotBuildOptions {
  /** Relative certificate paths in TLS bindings resolve against it. */
  dataDir: string;
  /** Gateways that are stopped get no listener. */
  stopped?: ReadonlySet<string>;
  /** The custom policies loaded in the app: bindings may use them; the snapshot carries their code. */
  customPolicies?: CustomPolicySource;
}

/** What the snapshot needs of the app's custom policies (main/control/custom-policies.ts). */
export interface CustomPolicySource {
  catalogueEntry(name: string): PolicyCatalogueEntry | undefined;
  /** The serving version's bundled code. */
  bundle(name: string): CustomPolicySnapshot | undefined;
}

export interface SnapshotBuild {
  snapshot: GatewaySnapshot;
  /** Problems that make the snapshot unusable; empty when it can be applied. */
  errors: ErrorDetail[];
}

/** What the in-process runtime serves: one listener per embedded-kind gateway that is not stopped. */
export function buildEmbeddedSnapshot(store: Store, options: SnapshotBuildOptions): SnapshotBuild {
  const gateways = store.gateways.list().filter((gateway) => gateway.kind === 'embedded' && !options.stopped?.has(gateway.id));
  return buildSnapshot(store, gateways, options);
}

/** The snapshot of one gateway (what a docker gateway's replicas pull). */
export function buildGatewaySnapshot(store: Store, gateway: GatewayRecord, options: SnapshotBuildOptions): SnapshotBuild {
  return buildSnapshot(store, options.stopped?.has(gateway.id) ? [] : [gateway], options);
}

function buildSnapshot(store: Store, gateways: readonly GatewayRecord[], options: SnapshotBuildOptions): SnapshotBuild {
  const errors: ErrorDetail[] = [];
  const apiIds = new Set<string>();
  const listeners = gateways.map((gateway) => buildListener(store, gateway, options, errors, apiIds));
  const identity = buildIdentity(store, apiIds);
  const customPolicies = customPoliciesUsed(listeners, options.customPolicies);
  // A new version of a custom policy's code is a new snapshot (its bindings are compiled again).
  const checksums = customPolicies.map((policy) => policy.checksum);
  const version = createHash('sha256')
    .update(JSON.stringify({ listeners, identity, ...(checksums.length > 0 ? { checksums } : {}) }))
    .digest('hex')
    .slice(0, 16);
  return { snapshot: { version, listeners, sources: [], identity, ...(customPolicies.length > 0 ? { customPolicies } : {}) }, errors };
}

/** The code of every custom policy a binding uses, by name. */
function customPoliciesUsed(listeners: readonly ListenerSnapshot[], source: CustomPolicySource | undefined): CustomPolicySnapshot[] {
  if (!source) return [];
  const names = new Set(listeners.flatMap((listener) => listener.apis.flatMap((api) => api.policies.map((binding) => binding.name))));
  return [...names]
    .sort()
    .map((name) => (findPolicy(name) ? undefined : source.bundle(name)))
    .filter((bundle): bundle is CustomPolicySnapshot => bundle !== undefined);
}

function buildListener(store: Store, gateway: GatewayRecord, options: SnapshotBuildOptions, errors: ErrorDetail[], apiIds: Set<string>): ListenerSnapshot {
  const apis = store.apis.listByGateway(gateway.id);
  let listenerTls: { tls: ListenerTlsSnapshot; apiName: string } | undefined;
  const apiSnapshots = apis.map((api) => {
    apiIds.add(api.id);
    const built = buildApi(store, api, options, errors);
    if (built.listenerTls) {
      if (listenerTls && JSON.stringify(listenerTls.tls) !== JSON.stringify(built.listenerTls))
        errors.push({
          path: `apis.${api.name}.policies.tls`,
          message: `APIs "${listenerTls.apiName}" and "${api.name}" share port ${gateway.port} but set different TLS certificates; a port has one certificate`,
        });
      else listenerTls ??= { tls: built.listenerTls, apiName: api.name };
    }
    return built.api;
  });
  return { host: gateway.host, port: gateway.port, ...(listenerTls ? { tls: listenerTls.tls } : {}), apis: apiSnapshots };
}

function buildApi(store: Store, api: ApiRecord, options: SnapshotBuildOptions, errors: ErrorDetail[]): { api: ApiSnapshot; listenerTls?: ListenerTlsSnapshot } {
  const service: ServiceSnapshot = { name: 'upstream', url: api.implementationUrl };
  const policies: PolicyBindingSnapshot[] = [];
  let listenerTls: ListenerTlsSnapshot | undefined;
  for (const binding of store.policies.listByApi(api.id)) {
    if (!binding.enabled) continue;
    const prefix = `apis.${api.name}.policies.${binding.id}`;
    const checked = checkPolicyConfig(binding.policyRef, binding.config, prefix, options.customPolicies ? (name) => options.customPolicies!.catalogueEntry(name) : undefined);
    if (!checked.ok) {
      errors.push(...checked.details);
      continue;
    }
    if (CONNECTION_POLICIES.has(binding.policyRef)) {
      // A private key the data dir's key cannot decrypt would otherwise read as a file path.
      const unreadable = unreadablePolicySecrets(binding.policyRef, checked.config, store.secrets, `${prefix}.config`);
      if (unreadable.length > 0) {
        errors.push(...unreadable);
        continue;
      }
      const kind = binding.policyRef as 'tls' | 'tls-outbound';
      const resolved = resolveTls(kind, checked.config, options.dataDir, `${prefix}.config`);
      errors.push(...resolved.details);
      if (resolved.tls && kind === 'tls') listenerTls = resolved.tls as ListenerTlsSnapshot;
      if (resolved.tls && kind === 'tls-outbound') service.tls = resolved.tls as UpstreamTlsSnapshot;
      continue;
    }
    let config = checked.config;
    if (binding.policyRef === 'spec-validation-flex' && config.source === 'context' && config.spec === undefined) {
      // Flex's "context": the API's own document, here the OpenAPI file the API was imported from.
      const document = store.mocks.openApiDocument(api.id);
      if (document === undefined) {
        errors.push({ path: `${prefix}.config.source`, message: 'source "context" needs the OpenAPI document this API was imported from, and it has none: import the API from OpenAPI, or give spec' });
        continue;
      }
      config = { ...config, spec: document.document };
    }
    policies.push({
      id: binding.id,
      name: binding.policyRef,
      config,
      order: binding.order,
      enabled: true,
      ...(binding.rules && binding.rules.length > 0 ? { rules: binding.rules } : {}),
    });
  }
  const implicitProbe = implicitHealthCheck(store, api, policies);
  if (implicitProbe) policies.push(implicitProbe);
  return {
    api: { id: api.id, name: api.name, basePath: api.basePath, enabled: api.enabled, services: [service], routes: [], policies, ...mockPartsFor(store, api.id) },
    ...(listenerTls ? { listenerTls } : {}),
  };
}

/**
 * An "upstream down" alert needs something probing the upstream. When the API has no
 * health-check-flex binding of its own, the rule brings one with the catalogue's defaults, so
 * creating the rule is enough for it to work.
 */
function implicitHealthCheck(store: Store, api: ApiRecord, policies: readonly PolicyBindingSnapshot[]): PolicyBindingSnapshot | undefined {
  if (policies.some((binding) => binding.name === 'health-check-flex')) return undefined;
  const watched = store.alertRules.list().some((rule) => rule.enabled && rule.kind === 'upstream-down' && rule.apiId === api.id);
  if (!watched) return undefined;
  const config = findPolicy('health-check-flex')!.schema.parse({}) as Record<string, unknown>;
  return { id: `${api.id}.implicit-health-check`, name: 'health-check-flex', config, order: 1000, enabled: true };
}

/** Applications, and the tiers and contracts of the APIs this gateway serves. */
function buildIdentity(store: Store, apiIds: ReadonlySet<string>): IdentitySnapshot {
  const applications = store.applications.list();
  const clientIds = new Map(applications.map((app) => [app.id, app.clientId]));
  return {
    applications: applications.map((app) => ({ clientId: app.clientId, name: app.name, secretHash: app.secretHash })),
    tiers: store.tiers
      .list()
      .filter((tier) => apiIds.has(tier.apiId))
      .map((tier) => ({ id: tier.id, name: tier.name, apiId: tier.apiId, limits: tier.limits, status: tier.status })),
    contracts: store.contracts
      .list()
      .filter((contract) => contract.status !== 'revoked' && apiIds.has(contract.apiId) && clientIds.has(contract.applicationId))
      .map((contract) => ({
        clientId: clientIds.get(contract.applicationId)!,
        apiId: contract.apiId,
        ...(contract.tierId ? { tierId: contract.tierId } : {}),
        status: contract.status,
      })),
  };
}
