/**
 * `gatehouse export --format kubernetes|compose`: the setup as manifests that run the gateway
 * image (docker/Dockerfile) in local mode — `gateway --config /etc/gatehouse/conf.d` — so it
 * serves the same APIs on a cluster or with Docker Compose, without the app:
 * - the conf.d file is the portable export (a ConfigMap / a Compose config);
 * - every secret the export references (`${GATEHOUSE_…}`) is a Secret key / an environment
 *   variable Compose reads from the shell or .env, never a value in the config;
 * - the built-in gateway's port is GATEHOUSE_GATEWAY_PORT=8081 in the container;
 * - readiness and liveness from /.gatehouse/health on the health port (4681);
 * - shared counters: a gateway's Redis becomes a Flex Configuration; a loopback Redis (unreachable
 *   from a pod) becomes a Redis Deployment/Service (a Compose service), any other address is kept;
 * - custom policies ship with it (deploy-policies.ts): the code the store keeps, mounted beside
 *   the conf.d, since the host path the plain export names does not exist in the container.
 * Pure text out: no cluster or Docker engine is needed to write it.
 */
import { stringify } from 'yaml';
import type { SharedStorage } from '../../shared/contract/models';
import { formatResources } from '../config/export';
import { FLEX_API_VERSION } from '../config/schemas';
import { EMBEDDED_GATEWAY_ID } from '../store/gateways';
import type { Store } from '../store/store';
import { exportResources } from './config-export';
import { PortableValues } from './config-portable';
import { exportHeader, SecretReferences } from './config-secrets';
import { bundleCustomPolicies, checkConfigMapSize, POLICIES_DIR, type DeployedPolicy } from './deploy-policies';
import { SHARED_STORAGE_KEY } from './docker-gateways';
import { openRedis } from './shared-storage-secrets';

export type DeployFormat = 'kubernetes' | 'compose';

export interface DeployOptions {
  /** Prefix of every object's name (and the Compose project). */
  name: string;
  /** The gateway image (built from docker/Dockerfile and pushed where the cluster pulls). */
  image: string;
  replicas: number;
  namespace?: string;
}

export const DEFAULT_DEPLOY_OPTIONS: DeployOptions = { name: 'gatehouse', image: 'gatehouse-gateway:latest', replicas: 2 };

/** Where the built-in gateway listens inside the container. */
export const CONTAINER_GATEWAY_PORT = 8081;
export const CONTAINER_HEALTH_PORT = 4681;
const CONF_DIR = '/etc/gatehouse/conf.d';
const CONF_FILE = 'gatehouse.yaml';
const REDIS_IMAGE = 'redis:7-alpine';

interface Plan {
  conf: string;
  /** Variables the conf references, with what each is (no values). */
  secrets: { variable: string; description: string }[];
  ports: number[];
  redis?: { inCluster: boolean };
  /** Custom policies' code, each a file in POLICIES_DIR. */
  policies: DeployedPolicy[];
}

export function deployManifests(store: Store, format: DeployFormat, options: DeployOptions = DEFAULT_DEPLOY_OPTIONS): string {
  const plan = planDeploy(store, options);
  return format === 'kubernetes' ? kubernetes(plan, options) : compose(plan, options);
}

function planDeploy(store: Store, options: DeployOptions): Plan {
  const references = new SecretReferences();
  const portable = new PortableValues(undefined);
  const resources = exportResources(store, references, portable);
  const policies = bundleCustomPolicies(store, resources, CONF_DIR);
  const gateways = new Map(store.gateways.list().map((gateway) => [gateway.id, gateway]));
  const ports = new Set<number>();
  for (const api of store.apis.list()) {
    const gateway = gateways.get(api.gatewayId);
    if (gateway) ports.add(gateway.id === EMBEDDED_GATEWAY_ID ? CONTAINER_GATEWAY_PORT : gateway.port);
  }
  if (ports.size === 0) ports.add(CONTAINER_GATEWAY_PORT);

  let redis: Plan['redis'];
  const texts = new Set([...references.texts(), ...portable.texts]);
  const storages = store.settings.get<Record<string, SharedStorage>>(SHARED_STORAGE_KEY) ?? {};
  const configured = Object.entries(storages).find(([, storage]) => storage.redis);
  if (configured) {
    const [gatewayId, storage] = configured;
    const opened = openRedis(storage.redis!, store.secrets, gatewayId);
    const inCluster = isLoopback(opened.address);
    // An address with credentials in it is a secret too.
    const address = inCluster ? `${options.name}-redis:6379` : opened.address.includes('@') ? references.take('GATEHOUSE_REDIS', 'ADDRESS', opened.address, 'Redis address for shared counters') : opened.address;
    const password = opened.password !== undefined ? references.take('GATEHOUSE_REDIS', 'PASSWORD', opened.password, 'Redis password for shared counters') : undefined;
    for (const text of references.texts()) texts.add(text);
    resources.push({
      apiVersion: FLEX_API_VERSION,
      kind: 'Configuration',
      metadata: { name: 'shared-counters' },
      spec: {
        sharedStorage: {
          redis: { address: address ?? opened.address, ...(opened.username ? { username: opened.username } : {}), ...(password ? { password } : {}), ...(opened.db !== undefined ? { DB: opened.db } : {}) },
        },
      },
    });
    redis = { inCluster };
  }
  const conf = formatResources(resources, { header: exportHeader(references, true), envReferences: texts });
  return {
    conf,
    secrets: references.list.map(({ variable, description }) => ({ variable, description })),
    ports: [...ports].sort((a, b) => a - b),
    ...(redis ? { redis } : {}),
    policies,
  };
}

function isLoopback(address: string): boolean {
  const host = address.replace(/^rediss?:\/\/([^@/]*@)?/, '').replace(/^\[([^\]]+)\].*$/, '$1').replace(/:\d+.*$/, '');
  return host === 'localhost' || host === '::1' || host.startsWith('127.');
}

/** The container's arguments after the image's `node gatehouse-replica.cjs gateway`. */
function gatewayArgs(): string[] {
  return ['--config', CONF_DIR, '--host-override', '0.0.0.0', '--health-port', String(CONTAINER_HEALTH_PORT)];
}

function kubernetes(plan: Plan, options: DeployOptions): string {
  const labels = { 'app.kubernetes.io/name': options.name, 'app.kubernetes.io/component': 'gateway' };
  const metadata = (name: string, extra: Record<string, string> = labels) => ({ name, ...(options.namespace ? { namespace: options.namespace } : {}), labels: extra });
  const documents: Record<string, unknown>[] = [
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: metadata(`${options.name}-config`), data: { [CONF_FILE]: plan.conf } },
  ];
  const policiesMap = `${options.name}-policies`;
  if (plan.policies.length > 0) {
    checkConfigMapSize(plan.policies, policiesMap);
    documents.push({ apiVersion: 'v1', kind: 'ConfigMap', metadata: metadata(policiesMap), data: Object.fromEntries(plan.policies.map((policy) => [policy.file, policy.code])) });
  }
  if (plan.secrets.length > 0)
    documents.push({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: metadata(`${options.name}-secrets`),
      type: 'Opaque',
      // Values are never exported: fill them here or create the Secret with kubectl (docs/deploy.md).
      stringData: Object.fromEntries(plan.secrets.map((secret) => [secret.variable, ''])),
    });
  const probe = { httpGet: { path: '/.gatehouse/health', port: 'health' }, periodSeconds: 5 };
  documents.push({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: metadata(options.name),
    spec: {
      replicas: options.replicas,
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: {
          containers: [
            {
              name: 'gateway',
              image: options.image,
              args: gatewayArgs(),
              env: [{ name: 'GATEHOUSE_GATEWAY_PORT', value: String(CONTAINER_GATEWAY_PORT) }, { name: 'GATEHOUSE_QUIET', value: '1' }],
              ...(plan.secrets.length > 0 ? { envFrom: [{ secretRef: { name: `${options.name}-secrets` } }] } : {}),
              ports: [...plan.ports.map((port) => ({ name: `http-${port}`, containerPort: port })), { name: 'health', containerPort: CONTAINER_HEALTH_PORT }],
              readinessProbe: probe,
              livenessProbe: { ...probe, initialDelaySeconds: 10, periodSeconds: 10 },
              resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '256Mi' } },
              volumeMounts: [
                { name: 'conf', mountPath: CONF_DIR, readOnly: true },
                ...(plan.policies.length > 0 ? [{ name: 'policies', mountPath: POLICIES_DIR, readOnly: true }] : []),
              ],
            },
          ],
          volumes: [{ name: 'conf', configMap: { name: `${options.name}-config` } }, ...(plan.policies.length > 0 ? [{ name: 'policies', configMap: { name: policiesMap } }] : [])],
        },
      },
    },
  });
  documents.push({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: metadata(options.name),
    spec: { selector: labels, ports: plan.ports.map((port) => ({ name: `http-${port}`, port, targetPort: port })) },
  });
  if (plan.redis?.inCluster) {
    const redisLabels = { 'app.kubernetes.io/name': options.name, 'app.kubernetes.io/component': 'redis' };
    documents.push(
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: metadata(`${options.name}-redis`, redisLabels),
        spec: {
          replicas: 1,
          selector: { matchLabels: redisLabels },
          template: {
            metadata: { labels: redisLabels },
            spec: {
              containers: [
                {
                  name: 'redis',
                  image: REDIS_IMAGE,
                  ports: [{ name: 'redis', containerPort: 6379 }],
                  readinessProbe: { tcpSocket: { port: 'redis' }, periodSeconds: 5 },
                  resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { memory: '128Mi' } },
                },
              ],
            },
          },
        },
      },
      { apiVersion: 'v1', kind: 'Service', metadata: metadata(`${options.name}-redis`, redisLabels), spec: { selector: redisLabels, ports: [{ name: 'redis', port: 6379, targetPort: 6379 }] } },
    );
  }
  const header = [
    `# Gatehouse on Kubernetes (gatehouse export --format kubernetes): the gateway image ${options.image}`,
    '# in local mode, serving the conf.d in the ConfigMap. See docs/deploy.md.',
    ...(plan.policies.length ? [`# Custom policies (${plan.policies.map((p) => p.name).join(', ')}): their bundled code in ConfigMap ${policiesMap}, at ${POLICIES_DIR}.`] : []),
    ...(plan.secrets.length ? ['# Fill the Secret before applying (values are never exported):', ...plan.secrets.map((s) => `#   ${s.variable}: ${s.description}`)] : []),
  ].join('\n');
  return `${header}\n${documents.map((doc) => `---\n${stringify(doc, { lineWidth: 0 })}`).join('')}`;
}

function compose(plan: Plan, options: DeployOptions): string {
  const environment: Record<string, string> = { GATEHOUSE_GATEWAY_PORT: String(CONTAINER_GATEWAY_PORT), GATEHOUSE_QUIET: '1' };
  // Compose reads these from the shell or .env; `:?` refuses to start without them.
  for (const secret of plan.secrets) environment[secret.variable] = `\${${secret.variable}:?set ${secret.variable} (${secret.description.replace(/[{}$"]/g, '')})}`;
  const gateway: Record<string, unknown> = {
    image: options.image,
    command: gatewayArgs(),
    environment,
    configs: [{ source: 'conf', target: `${CONF_DIR}/${CONF_FILE}` }, ...plan.policies.map((policy) => ({ source: `policy-${policy.name}`, target: `${POLICIES_DIR}/${policy.file}` }))],
    ports: plan.ports.map((port) => `127.0.0.1:${port}:${port}`),
    healthcheck: {
      test: ['CMD', 'node', '-e', `fetch('http://127.0.0.1:${CONTAINER_HEALTH_PORT}/.gatehouse/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))`],
      interval: '10s',
      timeout: '3s',
      retries: 3,
    },
    restart: 'unless-stopped',
    ...(plan.redis?.inCluster ? { depends_on: ['redis'] } : {}),
  };
  const services: Record<string, unknown> = { gateway };
  if (plan.redis?.inCluster) services[`redis`] = { image: REDIS_IMAGE, restart: 'unless-stopped', healthcheck: { test: ['CMD', 'redis-cli', 'ping'], interval: '10s' } };
  // Compose interpolates `$` in the file itself: `$$` keeps the conf's own ${VARIABLE}s for the gateway.
  const conf = plan.redis?.inCluster ? plan.conf.replaceAll(`${options.name}-redis:6379`, 'redis:6379') : plan.conf;
  const configs: Record<string, { content: string }> = { conf: { content: conf.replaceAll('$', '$$$$') } };
  for (const policy of plan.policies) configs[`policy-${policy.name}`] = { content: policy.code.replaceAll('$', '$$$$') };
  const document = { name: options.name, services, configs };
  const header = [
    `# Gatehouse with Docker Compose (gatehouse export --format compose): the gateway image ${options.image}`,
    '# in local mode; one replica (published ports are per host). See docs/deploy.md.',
    ...(plan.policies.length ? [`# Custom policies (${plan.policies.map((p) => p.name).join(', ')}): their bundled code as configs, at ${POLICIES_DIR}.`] : []),
    ...(plan.secrets.length ? ['# Set in the shell or in .env beside this file (values are never exported):', ...plan.secrets.map((s) => `#   ${s.variable}: ${s.description}`)] : []),
  ].join('\n');
  return `${header}\n${stringify(document, { lineWidth: 0 })}`;
}
