/**
 * Custom policies in the deployed gateway, run here: the manifests' files are laid out under a
 * temp root exactly where the container mounts them (`<root>/etc/gatehouse/conf.d`,
 * `<root>/etc/gatehouse/policies`), the policy's own .ts file is deleted (the container never has
 * it), and the gateway runs with the container's args in front of a real upstream:
 * - Kubernetes: the image's one-file bundle (scripts/replica-build.mjs, as docker/Dockerfile
 *   holds it) from a folder where esbuild cannot be found, as in the image;
 * - Compose: the built CLI, `node dist/cli.cjs gateway`;
 * - Docker, where an engine with host networking answers: the gateway image itself (built from
 *   docker/Dockerfile as the app builds it), the two folders bind-mounted where the pod mounts
 *   its ConfigMaps.
 * Only the listen host and ports are this machine's (127.0.0.1 and free ports).
 */
import { execFile, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { EMBEDDED_GATEWAY_ID } from '../store/gateways';
import { Store } from '../store/store';
import { eventually } from '../testing/admin-plane';
import { keepCustomPolicy } from '../testing/kept-custom-policy';
import { freePort, request, startEchoUpstream, type TestServer } from '../testing/net';
import { createDockerClient, engineConnection, probeDocker } from '../docker/engine';
import { GatewayImage } from '../docker/gateway-image';
import { deployManifests, type DeployFormat } from './deploy-export';

const docker = createDockerClient(engineConnection());
const engine = await probeDocker(docker, engineConnection().endpoint);
const noDocker = !engine.available
  ? `no Docker engine (${engine.message})`
  : engine.networkMode !== 'host'
    ? `the engine uses ${engine.networkMode} networking; this check reaches the upstream on 127.0.0.1 through host networking`
    : undefined;

const root = fileURLToPath(new URL('../..', import.meta.url));
const cleanup: (() => Promise<void> | void)[] = [];
let upstream: TestServer;
beforeAll(async () => {
  // The Compose case runs the built CLI, as a user does.
  await new Promise<void>((resolve, reject) => execFile(process.execPath, ['scripts/build.mjs'], { cwd: root }, (error, _out, err) => (error ? reject(new Error(err)) : resolve())));
  upstream = await startEchoUpstream();
}, 180_000);
afterAll(async () => {
  await upstream?.close();
});
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

/** A store with API orders → the upstream, bound to the kept custom policy `stamp`; the manifests; the policy's .ts deleted. */
async function exported(format: DeployFormat): Promise<{ dir: string; text: string; code: string }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'gatehouse-deploy-custom-'));
  cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
  const sources = path.join(dir, 'host-policies');
  mkdirSync(sources);
  const store = Store.open(path.join(dir, 'data'));
  let kept: { file: string; code: string };
  let text: string;
  try {
    store.ensureEmbeddedGateway(18081);
    kept = await keepCustomPolicy(store, sources);
    const api = store.apis.insert({ name: 'orders', implementationUrl: `${upstream.url}/`, basePath: '/orders', gatewayId: EMBEDDED_GATEWAY_ID });
    store.policies.insert({ apiId: api.id, policyRef: 'stamp', config: { value: format } });
    text = deployManifests(store, format);
  } finally {
    store.close();
  }
  rmSync(sources, { recursive: true });
  return { dir, text, code: kept.code };
}

/** `/etc/gatehouse/…` in the container → `<dir>/container/etc/gatehouse/…` here. */
const hostPath = (dir: string, containerPath: string) => path.join(dir, 'container', containerPath);

function writeMounted(file: string, text: string): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
}

/** Runs the gateway with the container's args (paths and ports mapped), until its health path answers; resolves its ports. */
async function runGateway(command: string[], containerArgs: string[], dir: string, env: Record<string, string>): Promise<{ gatewayPort: number; output: () => string }> {
  const [gatewayPort, healthPort] = [await freePort(), await freePort()];
  const args = containerArgs.map((arg, index, all) =>
    all[index - 1] === '--config' ? hostPath(dir, arg) : all[index - 1] === '--host-override' ? '127.0.0.1' : all[index - 1] === '--health-port' ? String(healthPort) : arg,
  );
  let output = '';
  const child = spawn(process.execPath, [...command, ...args], { cwd: dir, env: { PATH: process.env.PATH ?? '', ...env, GATEHOUSE_GATEWAY_PORT: String(gatewayPort) } });
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  cleanup.push(
    () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGKILL');
      }),
  );
  await eventually(async () => (await request(`http://127.0.0.1:${healthPort}/.gatehouse/health`).catch(() => undefined))?.status === 200, 30_000).catch(() => {
    throw new Error(`the gateway did not become ready:\n${output}`);
  });
  return { gatewayPort, output: () => output };
}

/** The Kubernetes export laid out under `<dir>/container`: each ConfigMap's keys as files in its volume's mountPath. */
async function kubernetesLayout(): Promise<{ dir: string; container: Record<string, any>; mounts: string[] }> {
  const { dir, text } = await exported('kubernetes');
  const manifests = parseAllDocuments(text).map((doc) => doc.toJSON() as Record<string, any>);
  const deployment = manifests.find((m) => m.kind === 'Deployment')!.spec.template.spec;
  const container = deployment.containers[0];
  const mounts: string[] = [];
  for (const mount of container.volumeMounts as { name: string; mountPath: string }[]) {
    const volume = (deployment.volumes as { name: string; configMap: { name: string } }[]).find((candidate) => candidate.name === mount.name)!;
    const configMap = manifests.find((m) => m.kind === 'ConfigMap' && m.metadata.name === volume.configMap.name)!;
    for (const [file, content] of Object.entries(configMap.data as Record<string, string>)) writeMounted(hostPath(dir, path.posix.join(mount.mountPath, file)), content);
    mounts.push(mount.mountPath);
  }
  return { dir, container, mounts };
}

it('Kubernetes: the image bundle, without esbuild, runs the policy from the policies ConfigMap on a real request', async () => {
  const { dir, container } = await kubernetesLayout();

  const { bundleReplica } = (await import(path.join(root, 'scripts/replica-build.mjs'))) as { bundleReplica(root: string): Promise<string> };
  const app = path.join(dir, 'app');
  mkdirSync(app);
  const bundle = path.join(app, 'gatehouse-replica.cjs');
  writeFileSync(bundle, await bundleReplica(root));
  // As in the image: nothing beside the bundle provides esbuild.
  expect(() => createRequire(bundle).resolve('esbuild')).toThrow();

  const env = Object.fromEntries((container.env as { name: string; value: string }[]).map(({ name, value }) => [name, value]));
  const gateway = await runGateway([bundle, 'gateway'], container.args, dir, env);
  const response = await request(`http://127.0.0.1:${gateway.gatewayPort}/orders/items`);
  expect(response.status, gateway.output()).toBe(200);
  expect(response.json<{ url: string; headers: Record<string, string> }>()).toMatchObject({ url: '/items', headers: { 'x-stamp': 'stamped-kubernetes' } });
}, 120_000);

it('Compose: `gatehouse gateway` (dist/cli.cjs) runs the policy from its config file on a real request', async () => {
  const { dir, text, code } = await exported('compose');
  const document = parse(text) as { services: { gateway: Record<string, any> }; configs: Record<string, { content: string }> };
  const gatewayService = document.services.gateway;
  // Compose's interpolation of the content: `$$` → `$` (every `$` in it is escaped).
  for (const { source, target } of gatewayService.configs as { source: string; target: string }[]) writeMounted(hostPath(dir, target), document.configs[source]!.content.replaceAll('$$', '$'));
  expect(document.configs['policy-stamp']!.content.replaceAll('$$', '$')).toBe(code);

  const env = Object.fromEntries(Object.entries(gatewayService.environment as Record<string, string>));
  const gateway = await runGateway([path.join(root, 'dist', 'cli.cjs'), 'gateway'], gatewayService.command, dir, env);
  const response = await request(`http://127.0.0.1:${gateway.gatewayPort}/orders/items`);
  expect(response.status, gateway.output()).toBe(200);
  expect(response.json<{ headers: Record<string, string> }>().headers['x-stamp']).toBe('stamped-compose');
}, 120_000);

it.skipIf(noDocker !== undefined)(`Docker: the gateway image runs the Kubernetes export's policy from the mounted folder${noDocker ? ` — SKIPPED: ${noDocker}` : ''}`, async () => {
  const { dir, container, mounts } = await kubernetesLayout();
  const image = await new GatewayImage(docker, { projectRoot: root }).ensure();
  const [gatewayPort, healthPort] = [await freePort(), await freePort()];
  const args = (container.args as string[]).map((arg, index, all) => (all[index - 1] === '--host-override' ? '127.0.0.1' : all[index - 1] === '--health-port' ? String(healthPort) : arg));
  const env = (container.env as { name: string; value: string }[]).map(({ name, value }) => `${name}=${name === 'GATEHOUSE_GATEWAY_PORT' ? gatewayPort : value}`);
  const created = await docker.createContainer({
    Image: image,
    Cmd: args,
    Env: env,
    Labels: { 'dev.gatehouse.test': 'deploy-run-custom' },
    HostConfig: { NetworkMode: 'host', Binds: mounts.map((mount) => `${hostPath(dir, mount)}:${mount}:ro`) },
  });
  cleanup.push(() => created.remove({ force: true }).then(() => undefined, () => undefined));
  await created.start();
  const logs = async () => (await created.logs({ stdout: true, stderr: true })).toString();
  await eventually(async () => (await request(`http://127.0.0.1:${healthPort}/.gatehouse/health`).catch(() => undefined))?.status === 200, 60_000).catch(async () => {
    throw new Error(`the container did not become ready:\n${await logs()}`);
  });
  const response = await request(`http://127.0.0.1:${gatewayPort}/orders/items`);
  expect(response.status, await logs()).toBe(200);
  expect(response.json<{ headers: Record<string, string> }>().headers['x-stamp']).toBe('stamped-kubernetes');
}, 300_000);
