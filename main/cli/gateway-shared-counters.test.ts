/**
 * Local mode with Flex's `Configuration` `sharedStorage.redis`: two gateway processes reading
 * their own conf.d share one rate limit through a real redis-server, as Flex replicas do.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoUpstream, type DemoUpstream } from '../demo/server';
import { freePort, request } from '../testing/net';
import { redisServerMissing, startRedis, type TestRedis } from '../testing/redis-server';

const root = fileURLToPath(new URL('../..', import.meta.url));
const bin = path.join(root, 'bin', 'gatehouse.cjs');
const dir = mkdtempSync(path.join(tmpdir(), 'gatehouse-shared-'));

function confD(name: string, port: number, upstreamPort: number, redis?: string): string {
  const folder = path.join(dir, name);
  mkdirSync(folder, { recursive: true });
  writeFileSync(
    path.join(folder, 'api.yaml'),
    `apiVersion: gateway.mulesoft.com/v1alpha1
kind: ApiInstance
metadata:
  name: demo
spec:
  address: http://127.0.0.1:${port}/demo/
  services:
    demo-upstream:
      address: http://127.0.0.1:${upstreamPort}/
  policies:
    - policyRef:
        name: rate-limiting-flex
      config:
        rateLimits:
          - maximumRequests: 6
            timePeriodInMilliseconds: 60000
${redis ? `---
apiVersion: gateway.mulesoft.com/v1alpha1
kind: Configuration
metadata:
  name: shared-storage
spec:
  sharedStorage:
    redis:
      address: ${redis}
` : ''}`,
  );
  return folder;
}

async function startGateway(folder: string, port: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, [bin, 'gateway', '--config', folder, '--quiet'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    const ok = await request(`http://127.0.0.1:${port}/.gatehouse/health`).then((r) => r.status === 200, () => false);
    if (ok) return child;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`gateway on ${port} did not start`);
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  await new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

/** Sends `count` requests alternating between the gateways; returns how many were admitted. */
async function admitted(ports: number[], count: number): Promise<number> {
  let ok = 0;
  for (let i = 0; i < count; i++) if ((await request(`http://127.0.0.1:${ports[i % ports.length]}/demo/users/1`)).status === 200) ok++;
  return ok;
}

describe.skipIf(redisServerMissing)(redisServerMissing ?? 'local mode with sharedStorage.redis', () => {
  let redis: TestRedis;
  let upstream: DemoUpstream;
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    await new Promise<void>((resolve, reject) =>
      execFile(process.execPath, ['scripts/build.mjs'], { cwd: root }, (error, _out, stderr) => (error ? reject(new Error(stderr)) : resolve())),
    );
    redis = await startRedis();
    upstream = await startDemoUpstream({ port: 0 });
  }, 60_000);
  afterAll(async () => {
    await Promise.all(children.map(stop));
    await upstream?.close();
    await redis?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('two gateways with the same Redis admit the limit once in total, and say where counters live', async () => {
    const ports = [await freePort(), await freePort()];
    for (const [index, port] of ports.entries()) children.push(await startGateway(confD(`shared-${index}`, port, upstream.port, redis.address), port));
    expect(await admitted(ports, 10)).toBe(6);
    const health = (await request(`http://127.0.0.1:${ports[1]}/.gatehouse/health`)).json();
    expect(health.counters).toBe('redis');
  });

  it('without shared storage each gateway counts on its own', async () => {
    const ports = [await freePort(), await freePort()];
    for (const [index, port] of ports.entries()) children.push(await startGateway(confD(`own-${index}`, port, upstream.port), port));
    expect(await admitted(ports, 16)).toBe(12);
    expect((await request(`http://127.0.0.1:${ports[0]}/.gatehouse/health`)).json().counters).toBe('local');
  });
});
