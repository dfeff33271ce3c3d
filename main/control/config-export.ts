/**
 * The whole store as declarative YAML (DESIGN.md's format): Gateway, ApiInstance (inline
 * policies; disabled ones as PolicyBinding resources marked `gatehouse.dev/enabled: "false"`),
 * Extension (each custom policy a binding uses, by its source path), SlaTier, Application (the
 * secret only as `clientSecretHash`), Contract and AlertRule. No
 * timestamps, stable order: the same store always gives the same text. No secret in clear:
 * see config-secrets.ts.
 */
import { findPolicy } from '../../shared/policies/catalogue';
import { GATEHOUSE_API_VERSION, FLEX_API_VERSION } from '../config/schemas';
import { formatResources } from '../config/export';
import type { DeclarativeResource } from '../config/resources';
import type { ApiRecord } from '../store/apis';
import { EMBEDDED_GATEWAY_ID, type GatewayRecord } from '../store/gateways';
import type { PolicyBindingRecord } from '../store/policy-bindings';
import type { Store } from '../store/store';
import { ANNOTATION, identityAnnotations, NameAllocator } from './config-names';
import { PortableValues } from './config-portable';
import { exportHeader, exportPolicyConfig, SecretReferences } from './config-secrets';

export interface ExportOptions {
  /** The store's data dir: paths inside it are written as `${GATEHOUSE_DATA_DIR:-…}/…`. */
  dataDir?: string;
}

export function exportConfig(store: Store, options: ExportOptions = {}): string {
  const references = new SecretReferences();
  const portable = new PortableValues(options.dataDir);
  const resources = exportResources(store, references, portable);
  return formatResources(resources, { header: exportHeader(references, true), envReferences: new Set([...references.texts(), ...portable.texts]) });
}

/**
 * What an export of this store would reference, as variable → stored value: `gatehouse import`
 * into this data dir resolves an export's `${VARIABLE}`s with it when the environment does not.
 */
export function exportedSecretEnv(store: Store): Record<string, string> {
  const references = new SecretReferences();
  exportResources(store, references);
  return references.env();
}

export function exportResources(store: Store, references = new SecretReferences(), portable = new PortableValues(undefined)): DeclarativeResource[] {
  const resources: DeclarativeResource[] = [];
  const gatewayNames = new Map<string, string>();
  const gateways = new Map<string, GatewayRecord>();
  const gatewayAllocator = new NameAllocator('gateway');
  for (const gateway of store.gateways.list()) {
    const name = gatewayAllocator.take(gateway.name);
    gatewayNames.set(gateway.id, name);
    gateways.set(gateway.id, gateway);
    resources.push({
      apiVersion: GATEHOUSE_API_VERSION,
      kind: 'Gateway',
      metadata: { name, annotations: identityAnnotations(gateway.id, gateway.name, name) },
      spec: {
        mode: gateway.kind,
        host: gateway.host,
        // The built-in gateway's port belongs to the instance, not to the setup (see config-portable.ts).
        port: gateway.id === EMBEDDED_GATEWAY_ID ? portable.gatewayPort(gateway.port) : gateway.port,
        ...(gateway.kind === 'docker' || gateway.desiredReplicas !== 1 ? { replicas: gateway.desiredReplicas } : {}),
      },
    });
  }

  const customNames = new Set(keptCustomPolicyNames(store).keys());
  const apiNames = new Map<string, string>();
  const apiAllocator = new NameAllocator('api');
  const bindingAllocator = new NameAllocator('policy');
  for (const api of store.apis.list()) {
    const name = apiAllocator.take(api.name);
    apiNames.set(api.id, name);
    const bindings = store.policies.listByApi(api.id);
    const enabled = bindings.filter((binding) => binding.enabled);
    const policySpec = (binding: PolicyBindingRecord) => portable.paths(exportedPolicySpec(binding, name, references, customNames));
    resources.push(apiInstance(api, name, gateways.get(api.gatewayId)!, enabled, policySpec, portable));
    for (const binding of bindings.filter((b) => !b.enabled)) {
      const bindingName = bindingAllocator.take(`${name}-${binding.policyRef}`);
      resources.push({
        apiVersion: FLEX_API_VERSION,
        kind: 'PolicyBinding',
        metadata: { name: bindingName, annotations: { [ANNOTATION.id]: binding.id, [ANNOTATION.enabled]: 'false' } },
        spec: { targetRef: { name }, ...policySpec(binding) },
      });
    }
  }

  resources.push(...customPolicyExtensions(store, portable));

  const tierNames = new Map<string, string>();
  const tierAllocator = new NameAllocator('tier');
  // By API, then tier name: which tier keeps the plain name when two share one is then stable.
  const tiers = store.tiers.list().sort((a, b) => compare(apiNames.get(a.apiId)!, apiNames.get(b.apiId)!) || compare(a.name, b.name) || compare(a.id, b.id));
  for (const tier of tiers) {
    const name = tierAllocator.take(tier.name);
    tierNames.set(tier.id, name);
    resources.push({
      apiVersion: GATEHOUSE_API_VERSION,
      kind: 'SlaTier',
      metadata: { name, annotations: identityAnnotations(tier.id, tier.name, name) },
      spec: {
        apiRef: { name: apiNames.get(tier.apiId)! },
        limits: tier.limits,
        approval: tier.approval,
        status: tier.status,
        ...(tier.description !== undefined ? { description: tier.description } : {}),
      },
    });
  }

  const appNames = new Map<string, string>();
  const appAllocator = new NameAllocator('application');
  for (const app of store.applications.list()) {
    const name = appAllocator.take(app.name);
    appNames.set(app.id, name);
    resources.push({
      apiVersion: GATEHOUSE_API_VERSION,
      kind: 'Application',
      metadata: { name, annotations: identityAnnotations(app.id, app.name, name) },
      spec: {
        clientId: app.clientId,
        clientSecretHash: app.secretHash,
        ...(app.description !== undefined ? { description: app.description } : {}),
      },
    });
  }

  const contractAllocator = new NameAllocator('contract');
  for (const contract of store.contracts.list()) {
    const app = appNames.get(contract.applicationId)!;
    const api = apiNames.get(contract.apiId)!;
    resources.push({
      apiVersion: GATEHOUSE_API_VERSION,
      kind: 'Contract',
      metadata: { name: contractAllocator.take(`${app}-${api}`), annotations: { [ANNOTATION.id]: contract.id } },
      spec: {
        application: app,
        api,
        ...(contract.tierId !== undefined ? { tier: tierNames.get(contract.tierId)! } : {}),
        status: contract.status,
      },
    });
  }

  const ruleAllocator = new NameAllocator('alert');
  for (const rule of store.alertRules.list()) {
    const name = ruleAllocator.take(rule.name);
    const { webhookUrl, ...spec } = rule.spec;
    const webhook = typeof webhookUrl === 'string' ? references.take('GATEHOUSE_WEBHOOK', name, webhookUrl, `webhook URL of alert rule "${name}"`) : undefined;
    resources.push({
      apiVersion: GATEHOUSE_API_VERSION,
      kind: 'AlertRule',
      metadata: { name, annotations: identityAnnotations(rule.id, rule.name, name) },
      spec: {
        kind: rule.kind,
        ...(rule.apiId !== undefined ? { api: apiNames.get(rule.apiId)! } : {}),
        ...(rule.gatewayId !== undefined ? { gateway: gatewayNames.get(rule.gatewayId)! } : {}),
        enabled: rule.enabled,
        ...spec,
        ...(webhook !== undefined ? { webhookUrl: webhook } : {}),
      },
    });
  }
  return resources;
}

function apiInstance(
  api: ApiRecord,
  name: string,
  gateway: GatewayRecord,
  enabled: PolicyBindingRecord[],
  policySpec: (binding: PolicyBindingRecord) => Record<string, unknown>,
  portable: PortableValues,
): DeclarativeResource {
  const annotations: Record<string, string> = { ...identityAnnotations(api.id, api.name, name), [ANNOTATION.version]: api.version };
  if (api.description !== undefined) annotations[ANNOTATION.description] = api.description;
  if (!api.enabled) annotations[ANNOTATION.enabled] = 'false';
  if (enabled.length > 0) annotations[ANNOTATION.policyIds] = enabled.map((binding) => binding.id).join(',');
  const scheme = enabled.some((binding) => binding.policyRef === 'tls') ? 'https' : 'http';
  const path = api.basePath === '/' ? '/' : `${api.basePath}/`;
  return {
    apiVersion: FLEX_API_VERSION,
    kind: 'ApiInstance',
    metadata: { name, annotations },
    spec: {
      address:
        gateway.id === EMBEDDED_GATEWAY_ID ? portable.address(`${scheme}://${hostForUrl(gateway.host)}:`, gateway.port, path) : `${scheme}://${hostForUrl(gateway.host)}:${gateway.port}${path}`,
      services: { upstream: { address: api.implementationUrl, routes: [{ config: { destinationPath: '/' } }] } },
      ...(enabled.length > 0 ? { policies: enabled.map(policySpec) } : {}),
    },
  };
}

function exportedPolicySpec(binding: PolicyBindingRecord, apiName: string, references: SecretReferences, custom: ReadonlySet<string>): Record<string, unknown> {
  return {
    // Flex's form for a binding to a custom policy; the Extension that declares it follows the APIs.
    policyRef: custom.has(binding.policyRef) ? { kind: 'Extension', name: binding.policyRef } : { name: binding.policyRef },
    config: exportPolicyConfig(binding.policyRef, binding.config, apiName, references),
    order: binding.order,
    ...(binding.rules && binding.rules.length > 0 ? { rules: binding.rules } : {}),
  };
}

/** The policies library's policies by name (their last good version's), with the file or folder each comes from. */
function keptCustomPolicyNames(store: Store): Map<string, string> {
  const names = new Map<string, string>();
  for (const record of store.customPolicies.list()) if (record.loaded && !findPolicy(record.loaded.name)) names.set(record.loaded.name, record.source);
  return names;
}

/**
 * One Extension per custom policy a binding uses, in Gatehouse's local-mode form (a definition
 * carrying `spec.source`), so the file runs in `gatehouse gateway --config` with the same code.
 * The source is the absolute path the library keeps (the file runs on this machine as it is);
 * an import matches the Extension to the receiving library's policy of that name.
 */
function customPolicyExtensions(store: Store, portable: PortableValues): DeclarativeResource[] {
  const kept = keptCustomPolicyNames(store);
  const used = new Set(store.policies.list().map((binding) => binding.policyRef));
  return [...kept]
    .filter(([name]) => used.has(name))
    .sort(([a], [b]) => compare(a, b))
    .map(([name, source]) => ({
      apiVersion: FLEX_API_VERSION,
      kind: 'Extension',
      metadata: { name },
      spec: portable.paths({ extends: [{ name: 'extension-definition' }], source }),
    }));
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function hostForUrl(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}
