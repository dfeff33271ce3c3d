/**
 * What the Kubernetes Deployment runs, run here: the gateway image's one-file bundle
 * (scripts/replica-build.mjs, as docker/Dockerfile holds it) started with the Deployment's args
 * and env on the ConfigMap's conf.d — only the listen host and the ports are this machine's
 * (127.0.0.1, free ports instead of 0.0.0.0, 8081 and 4681). It serves the API with its
 * policy and answers the readiness probe's path.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { eventually } from '../testing/admin-plane';
import { freePort, request, startEchoUpstream, type TestServer } from '../testing/net';
import { EMBEDDED_GATEWAY_ID } from '../store/gateways';
import { Store } from '../store/store';
import { deployManifests } from './deploy-export';

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

it('the Deployment\'s container, run from the image bundle, serves the exported APIs and the readiness path', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'gatehouse-deploy-run-'));
  cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
  const upstream: TestServer = await startEchoUpstream();
  cleanup.push(() => upstream.close());

  const store = Store.open(path.join(dir, 'data'));
  store.ensureEmbeddedGateway(18081);
  const api = store.apis.insert({ name: 'orders', implementationUrl: `${upstream.url}/`, basePath: '/orders', gatewayId: EMBEDDED_GATEWAY_ID });
  store.policies.insert({ apiId: api.id, policyRef: 'header-injection-flex', config: { inboundHeaders: [{ key: 'x-deployed', value: 'k8s' }] } });
  const manifests = parseAllDocuments(deployManifests(store, 'kubernetes')).map((doc) => doc.toJSON() as Record<string, any>);
  store.close();

  const conf = manifests.find((m) => m.kind === 'ConfigMap')!.data as Record<string, string>;
  const container = manifests.find((m) => m.kind === 'Deployment')!.spec.template.spec.containers[0];
  const confDir = path.join(dir, 'conf.d');
  mkdirSync(confDir);
  for (const [file, text] of Object.entries(conf)) writeFileSync(path.join(confDir, file), text);

  const { bundleReplica } = (await import(path.resolve('scripts/replica-build.mjs'))) as { bundleReplica(): Promise<string> };
  const bundle = path.join(dir, 'gatehouse-replica.cjs');
  writeFileSync(bundle, await bundleReplica());

  const [gatewayPort, healthPort] = [await freePort(), await freePort()];
  const args = (container.args as string[]).map((arg, index, all) =>
    all[index - 1] === '--config' ? confDir : all[index - 1] === '--host-override' ? '127.0.0.1' : all[index - 1] === '--health-port' ? String(healthPort) : arg,
  );
  const env = Object.fromEntries((container.env as { name: string; value: string }[]).map(({ name, value }) => [name, value]));
  env.GATEHOUSE_GATEWAY_PORT = String(gatewayPort);
  let output = '';
  const child: ChildProcess = spawn(process.execPath, [bundle, 'gateway', ...args], { cwd: dir, env: { PATH: process.env.PATH ?? '', ...env } });
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  cleanup.push(
    () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGKILL');
      }),
  );

  const ready = await eventually(async () => (await request(`http://127.0.0.1:${healthPort}${container.readinessProbe.httpGet.path}`).catch(() => undefined))?.status === 200, 20_000).catch(() => {
    throw new Error(`the container did not become ready:\n${output}`);
  });
  expect(ready).toBe(true);
  const response = await request(`http://127.0.0.1:${gatewayPort}/orders/items?x=1`);
  expect(response.status, output).toBe(200);
  expect(response.json<{ url: string; headers: Record<string, string> }>()).toMatchObject({ url: '/items?x=1', headers: { 'x-deployed': 'k8s' } });
});
