/**
 * `gatehouse export --format kubernetes|compose` on a real store: the manifests validate offline
 * against the Kubernetes OpenAPI schemas (kubernetes-models bundles them), secrets are Secret
 * keys or Compose variables and never in the ConfigMap, the conf.d in the ConfigMap is what the
 * gateway image runs (it passes the same loader as `gatehouse validate`), shared counters on a
 * loopback Redis get a Redis of their own. `docker compose config` checks the Compose file where
 * Docker Compose v2 is installed.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { loadConfigText } from '../config/load';
import { EMBEDDED_GATEWAY_ID } from '../store/gateways';
import { Store } from '../store/store';
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
