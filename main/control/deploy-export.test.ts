/**
 * `gatehouse export --format kubernetes|compose` on a real store: the manifests validate offline
 * against the Kubernetes OpenAPI schemas (kubernetes-models bundles them), secrets are Secret
 * keys or Compose variables and never in the ConfigMap, the conf.d in the ConfigMap is what the
 * gateway image runs (it passes the same loader as `gatehouse validate`), shared counters on a
 * loopback Redis get a Redis of their own. The Compose file validates offline against the Compose
 * Specification's JSON schema (compose-spec.json, as the dclint package ships it), after Compose's
 * own interpolation; `docker compose config` checks it too where Docker Compose v2 is installed.
 */
import Ajv from 'ajv';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parse, parseAllDocuments, stringify } from 'yaml';
import { loadConfigText } from '../config/load';
import { EMBEDDED_GATEWAY_ID } from '../store/gateways';
import { Store } from '../store/store';
import { keepCustomPolicy } from '../testing/kept-custom-policy';
import { checkImport } from './config-apply';
import { deployManifests } from './deploy-export';
import { SHARED_STORAGE_KEY } from './docker-gateways';
import { sealRedis } from './shared-storage-secrets';

const WEBHOOK = 'http://hooks.example.com/T000/very-secret-path';
const REDIS_PASSWORD = 'redis-pass-123';

let dir: string;
let store: Store;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'gatehouse-deploy-'));
  store = Store.open(dir);
  store.ensureEmbeddedGateway(18081);
  const docker = store.gateways.insert({ name: 'pool', kind: 'docker', port: 9090, desiredReplicas: 3 });
  const orders = store.apis.insert({ name: 'orders', implementationUrl: 'http://orders.internal:8080/', basePath: '/orders', gatewayId: EMBEDDED_GATEWAY_ID });
  store.apis.insert({ name: 'users', implementationUrl: 'http://users.internal/', basePath: '/users', gatewayId: docker.id });
  store.policies.insert({ apiId: orders.id, policyRef: 'rate-limiting-flex', config: { rateLimits: [{ maximumRequests: 5, timePeriodInMilliseconds: 1000 }] } });
  store.alertRules.insert({ name: 'orders 5xx', kind: 'response-codes', apiId: orders.id, spec: { codes: ['5xx'], threshold: 1, webhookUrl: WEBHOOK } });
  store.settings.set(SHARED_STORAGE_KEY, { [docker.id]: { redis: sealRedis({ address: '127.0.0.1:6379', password: REDIS_PASSWORD }, store.secrets) } });
});
afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

type Manifest = { apiVersion: string; kind: string; metadata: { name: string }; [key: string]: unknown };

async function validateKubernetes(manifest: Manifest): Promise<void> {
  const groups: Record<string, () => Promise<Record<string, new (data: unknown) => { validate(): void }>>> = {
    v1: () => import('kubernetes-models/v1') as never,
    'apps/v1': () => import('kubernetes-models/apps/v1') as never,
  };
  const models = await groups[manifest.apiVersion]!();
  const Model = models[manifest.kind];
  if (!Model) throw new Error(`no schema for ${manifest.apiVersion} ${manifest.kind}`);
  new Model(manifest).validate();
}

const COMPOSE_ENV = { GATEHOUSE_WEBHOOK_ORDERS_5XX: 'http://h/x', GATEHOUSE_REDIS_PASSWORD: 'x' };

/** The Compose Specification's schema, which `docker compose` itself validates a file against. */
const validateComposeSchema = (() => {
  const dclint = path.dirname(createRequire(import.meta.url).resolve('dclint/package.json'));
  const schema = JSON.parse(readFileSync(path.join(dclint, 'schemas', 'compose.schema.json'), 'utf8')) as Record<string, unknown>;
  // Draft-07, which ajv knows under its own meta-schema id.
  delete schema.$schema;
  return new Ajv({ allErrors: true, strict: false, allowUnionTypes: true }).compile(schema);
})();

/**
 * What Compose does to a file before it validates it: `$$` is a literal `$`, `${NAME}` and
 * `${NAME:-default}` read the environment, `${NAME:?message}` refuses to go on when NAME is unset.
 */
function interpolateCompose(value: unknown, env: Record<string, string>): unknown {
  if (typeof value === 'string')
    return value.replace(/\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}/g, (match, name: string | undefined, operator: string | undefined, rest: string) => {
      if (match === '$$') return '$';
      const set = env[name!];
      if (operator?.endsWith('?') && !set) throw new Error(`required variable ${name} is missing a value: ${rest}`);
      return set ?? (operator?.endsWith('-') ? rest : '');
    });
  if (Array.isArray(value)) return value.map((item) => interpolateCompose(item, env));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, interpolateCompose(item, env)]));
  return value;
}

/** The Compose file as `docker compose config` would read it: interpolated, then checked against the schema. */
function validateCompose(text: string, env: Record<string, string> = COMPOSE_ENV): Record<string, any> {
  const document = interpolateCompose(parse(text), env) as Record<string, any>;
  if (!validateComposeSchema(document))
    throw new Error(`not a valid Compose file: ${validateComposeSchema.errors!.map((error) => `${error.instancePath || '/'} ${error.message}${error.params && 'additionalProperty' in error.params ? ` (${error.params.additionalProperty})` : ''}`).join('; ')}`);
  return document;
}

describe('gatehouse export --format kubernetes', () => {
  it('validates against the Kubernetes schemas, with the conf.d in a ConfigMap and secrets only in a Secret', async () => {
    const text = deployManifests(store, 'kubernetes', { name: 'shop', image: 'registry.example.com/gatehouse-gateway:1.0', replicas: 3, namespace: 'edge' });
    const manifests = parseAllDocuments(text).map((doc) => doc.toJSON() as Manifest);
    expect(manifests.map((m) => `${m.kind}/${m.metadata.name}`)).toEqual(['ConfigMap/shop-config', 'Secret/shop-secrets', 'Deployment/shop', 'Service/shop', 'Deployment/shop-redis', 'Service/shop-redis']);
    for (const manifest of manifests) await validateKubernetes(manifest);

    // A broken manifest is caught by the same validator: the check is real.
    const broken = structuredClone(manifests[2]!) as { spec: { replicas: unknown } } & Manifest;
    broken.spec.replicas = 'three';
    await expect(validateKubernetes(broken)).rejects.toThrow(/replicas must be integer/);

    expect(text).not.toContain(WEBHOOK);
    expect(text).not.toContain(REDIS_PASSWORD);
    const secret = manifests[1] as Manifest & { stringData: Record<string, string> };
    expect(Object.keys(secret.stringData).sort()).toEqual(['GATEHOUSE_REDIS_PASSWORD', 'GATEHOUSE_WEBHOOK_ORDERS_5XX']);

    const deployment = manifests[2] as Manifest & { spec: { replicas: number; template: { spec: { containers: Record<string, any>[] } } } };
    const container = deployment.spec.template.spec.containers[0]!;
    expect(deployment.spec.replicas).toBe(3);
    expect(container.image).toBe('registry.example.com/gatehouse-gateway:1.0');
    expect(container.args).toEqual(['--config', '/etc/gatehouse/conf.d', '--host-override', '0.0.0.0', '--health-port', '4681']);
    expect(container.readinessProbe.httpGet).toEqual({ path: '/.gatehouse/health', port: 'health' });
    expect(container.resources.requests).toEqual({ cpu: '100m', memory: '128Mi' });
    expect(container.envFrom).toEqual([{ secretRef: { name: 'shop-secrets' } }]);
    expect(container.ports.map((p: { containerPort: number }) => p.containerPort)).toEqual([8081, 9090, 4681]);

    // The ConfigMap's file is what the container loads: valid with the Deployment's env and the Secret's keys set.
    const conf = (manifests[0] as Manifest & { data: Record<string, string> }).data['gatehouse.yaml']!;
    const env = { GATEHOUSE_GATEWAY_PORT: '8081', GATEHOUSE_WEBHOOK_ORDERS_5XX: 'http://hooks.example.com/x', GATEHOUSE_REDIS_PASSWORD: 'x' };
    const loaded = loadConfigText(conf, 'gatehouse.yaml', { env });
    expect(loaded.errors).toEqual([]);
    expect(loaded.snapshot!.listeners.map((listener) => listener.port).sort()).toEqual([8081, 9090]);
    expect(loaded.snapshot!.sharedStorage).toMatchObject({ redis: { address: 'shop-redis:6379' } });
    expect(checkImport(loaded.resources).errors).toEqual([]);
  });

  it('keeps an external Redis address instead of deploying one', async () => {
    const [gatewayId] = Object.keys(store.settings.get<Record<string, unknown>>(SHARED_STORAGE_KEY)!);
    store.settings.set(SHARED_STORAGE_KEY, { [gatewayId!]: { redis: { address: 'redis.prod.internal:6380' } } });
    const manifests = parseAllDocuments(deployManifests(store, 'kubernetes')).map((doc) => doc.toJSON() as Manifest);
    expect(manifests.some((m) => m.metadata.name === 'gatehouse-redis')).toBe(false);
    const conf = (manifests[0] as Manifest & { data: Record<string, string> }).data['gatehouse.yaml']!;
    expect(conf).toContain('address: redis.prod.internal:6380');
  });
});

describe('gatehouse export --format compose', () => {
  it('keeps the conf.d intact through Compose interpolation and asks for secrets from the environment', async () => {
    const text = deployManifests(store, 'compose');
    expect(text).not.toContain(WEBHOOK);
    expect(text).not.toContain(REDIS_PASSWORD);
    const document = parse(text) as { services: Record<string, Record<string, any>>; configs: { conf: { content: string } } };
    expect(Object.keys(document.services)).toEqual(['gateway', 'redis']);
    const gateway = document.services.gateway!;
    expect(gateway.environment.GATEHOUSE_WEBHOOK_ORDERS_5XX).toMatch(/^\$\{GATEHOUSE_WEBHOOK_ORDERS_5XX:\?set GATEHOUSE_WEBHOOK_ORDERS_5XX/);
    expect(gateway.ports).toEqual(['127.0.0.1:8081:8081', '127.0.0.1:9090:9090']);
    // What Compose hands the container after its own interpolation ($$ → $) is the valid conf.d.
    const conf = document.configs.conf.content.replaceAll('$$', '$');
    const loaded = loadConfigText(conf, 'gatehouse.yaml', { env: { GATEHOUSE_GATEWAY_PORT: '8081', GATEHOUSE_WEBHOOK_ORDERS_5XX: 'http://h/x', GATEHOUSE_REDIS_PASSWORD: 'x' } });
    expect(loaded.errors).toEqual([]);
    expect(loaded.snapshot!.sharedStorage).toMatchObject({ redis: { address: 'redis:6379' } });
  });

  it('validates against the Compose Specification schema, and the schema catches real mistakes', () => {
    const text = deployManifests(store, 'compose', { name: 'shop', image: 'registry.example.com/gatehouse-gateway:1.0', replicas: 1 });
    const document = validateCompose(text);
    expect(document.name).toBe('shop');
    // After interpolation the config is the conf.d the gateway loads, its own ${VARIABLES} intact.
    const loaded = loadConfigText(document.configs.conf.content, 'gatehouse.yaml', { env: { GATEHOUSE_GATEWAY_PORT: '8081', ...COMPOSE_ENV } });
    expect(loaded.errors).toEqual([]);
    // Without redis, too.
    store.settings.set(SHARED_STORAGE_KEY, {});
    expect(Object.keys(validateCompose(deployManifests(store, 'compose'), { GATEHOUSE_WEBHOOK_ORDERS_5XX: 'http://h/x' }).services)).toEqual(['gateway']);

    // Mistakes Compose itself refuses are caught by the same check: misspelt keys, wrong types.
    const mistakes: [string, (doc: Record<string, any>) => void, RegExp][] = [
      ['misspelt key', (doc) => (doc.services.gateway.healthcheck.retry = 3), /\/services\/gateway\/healthcheck must NOT have additional properties \(retry\)/],
      ['wrong type', (doc) => (doc.services.gateway.ports = '127.0.0.1:8081:8081'), /\/services\/gateway\/ports must be array/],
      ['dependency as a string', (doc) => (doc.services.gateway.depends_on = 'redis'), /\/services\/gateway\/depends_on must be array/],
      ['config without a source', (doc) => (doc.configs.conf = { contents: 'x' }), /\/configs\/conf must NOT have additional properties \(contents\)/],
    ];
    for (const [what, mistake, message] of mistakes) {
      const broken = parse(text) as Record<string, any>;
      mistake(broken);
      expect(() => validateCompose(stringify(broken)), what).toThrow(message);
    }
    // A secret left unset stops it as `docker compose` would, naming the variable.
    expect(() => validateCompose(text, { GATEHOUSE_REDIS_PASSWORD: 'x' })).toThrow(/required variable GATEHOUSE_WEBHOOK_ORDERS_5XX is missing a value/);
  });

  it('passes `docker compose config` where Docker Compose v2 is installed', async (context) => {
    const version = await new Promise<boolean>((resolve) => execFile('docker', ['compose', 'version'], (error) => resolve(!error)));
    if (!version) {
      context.skip('Docker Compose v2 is not installed here (`docker compose version` fails): the Compose file is checked by the test above only');
      return;
    }
    const file = path.join(dir, 'compose.yaml');
    writeFileSync(file, deployManifests(store, 'compose'));
    const result = await new Promise<{ code: number; out: string }>((resolve) =>
      execFile('docker', ['compose', '-f', file, 'config', '--quiet'], { env: { ...process.env, GATEHOUSE_WEBHOOK_ORDERS_5XX: 'http://h/x', GATEHOUSE_REDIS_PASSWORD: 'x' } }, (error, stdout, stderr) =>
        resolve({ code: error ? 1 : 0, out: stdout + stderr }),
      ),
    );
    expect(result.out).toBe('');
    expect(result.code).toBe(0);
  });
});

describe('custom policies in the manifests', () => {
  /** orders gets a binding to the kept custom policy `stamp`, whose code holds a `$`. */
  async function withStamp(): Promise<{ code: string; file: string }> {
    const kept = await keepCustomPolicy(store, dir);
    const orders = store.apis.list().find((api) => api.name === 'orders')!;
    store.policies.insert({ apiId: orders.id, policyRef: 'stamp', config: { value: 'deployed' } });
    return kept;
  }

  it('Kubernetes: the kept code is a ConfigMap mounted at /etc/gatehouse/policies, and the Extension loads it from there', async () => {
    const { code, file } = await withStamp();
    expect(code).toContain('$');
    const text = deployManifests(store, 'kubernetes', { name: 'shop', image: 'gatehouse-gateway:1', replicas: 1 });
    expect(text).not.toContain(file);
    const manifests = parseAllDocuments(text).map((doc) => doc.toJSON() as Manifest & Record<string, any>);
    expect(manifests.map((m) => `${m.kind}/${m.metadata.name}`).slice(0, 3)).toEqual(['ConfigMap/shop-config', 'ConfigMap/shop-policies', 'Secret/shop-secrets']);
    for (const manifest of manifests) await validateKubernetes(manifest);

    expect(manifests[1]!.data).toEqual({ 'stamp.js': code });
    const pod = manifests.find((m) => m.kind === 'Deployment' && m.metadata.name === 'shop')!.spec.template.spec;
    expect(pod.volumes).toContainEqual({ name: 'policies', configMap: { name: 'shop-policies' } });
    expect(pod.containers[0].volumeMounts).toEqual([
      { name: 'conf', mountPath: '/etc/gatehouse/conf.d', readOnly: true },
      { name: 'policies', mountPath: '/etc/gatehouse/policies', readOnly: true },
    ]);
    // Relative to the conf.d file, as local mode resolves spec.source: /etc/gatehouse/policies/stamp.js in the pod.
    const conf = parseAllDocuments(manifests[0]!.data['gatehouse.yaml']).map((doc) => doc.toJSON() as Record<string, any>);
    expect(conf.find((resource) => resource.kind === 'Extension')).toEqual({
      apiVersion: 'gateway.mulesoft.com/v1alpha1',
      kind: 'Extension',
      metadata: { name: 'stamp' },
      spec: { extends: [{ name: 'extension-definition' }], source: '../policies/stamp.js' },
    });
    const orders = conf.find((resource) => resource.kind === 'ApiInstance' && resource.metadata.name === 'orders')!;
    expect(orders.spec.policies).toContainEqual(expect.objectContaining({ policyRef: { kind: 'Extension', name: 'stamp' }, config: { value: 'deployed' } }));
  });

  it('Kubernetes: without custom policies there is no policies ConfigMap or mount', () => {
    const manifests = parseAllDocuments(deployManifests(store, 'kubernetes')).map((doc) => doc.toJSON() as Manifest & Record<string, any>);
    expect(manifests.filter((m) => m.kind === 'ConfigMap').map((m) => m.metadata.name)).toEqual(['gatehouse-config']);
    expect(manifests.find((m) => m.kind === 'Deployment')!.spec.template.spec.containers[0].volumeMounts).toHaveLength(1);
  });

  it('Kubernetes: policies too big for a ConfigMap are refused with their sizes, not written', async () => {
    await withStamp();
    const big = `module.exports = ${JSON.stringify('x'.repeat(1100 * 1024))};`;
    const [record] = store.customPolicies.list();
    store.customPolicies.setLoaded(record!.id, { ...record!.loaded!, code: big });
    expect(() => deployManifests(store, 'kubernetes')).toThrow(/custom policies' code is 1\d{3} KiB \(stamp: 1\d{3} KiB\), over Kubernetes' 1 MiB limit for ConfigMap gatehouse-policies/);
  });

  it('Compose: the kept code is a config mounted at /etc/gatehouse/policies, intact through interpolation, and the file validates', async () => {
    const { code, file } = await withStamp();
    const text = deployManifests(store, 'compose');
    expect(text).not.toContain(file);
    const document = validateCompose(text);
    expect(document.services.gateway.configs).toEqual([
      { source: 'conf', target: '/etc/gatehouse/conf.d/gatehouse.yaml' },
      { source: 'policy-stamp', target: '/etc/gatehouse/policies/stamp.js' },
    ]);
    // What the container gets after Compose's `$$` → `$` is the kept code, byte for byte.
    expect(document.configs['policy-stamp'].content).toBe(code);
    expect(document.configs.conf.content).toContain('source: ../policies/stamp.js');
  });
});
