/**
 * Connected mode without Docker: `gatehouse gateway --connect` as a child process (the built
 * CLI, as a user runs it) against a real control plane and admin server. It registers with its
 * gateway token, serves the gateway's APIs on its own port, picks up a change within a second,
 * sends its traffic back tagged with its name, keeps serving while the control plane is down
 * and reconnects when it returns.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startAdminPlane, type AdminPlane } from '../../testing/admin-plane';
import { freePort, request, startEchoUpstream, type TestServer } from '../../testing/net';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const cacheDir = mkdtempSync(path.join(tmpdir(), 'gatehouse-replica-cache-'));

let plane: AdminPlane;
let upstream: TestServer;
let replica: ChildProcess | undefined;
let output = '';

beforeAll(async () => {
  await new Promise<void>((resolve, reject) =>
    execFile(process.execPath, ['scripts/build.mjs'], { cwd: root }, (error, _out, stderr) => (error ? reject(new Error(stderr)) : resolve())),
  );
  upstream = await startEchoUpstream();
  // No Docker here on purpose: connected mode does not need it.
  plane = await startAdminPlane({ docker: { env: { DOCKER_HOST: `tcp://127.0.0.1:${await freePort()}` } } });
}, 60_000);

afterAll(async () => {
  replica?.kill('SIGKILL');
  await plane?.close();
  await upstream?.close();
  rmSync(cacheDir, { recursive: true, force: true });
});

describe('gatehouse gateway --connect', () => {
  it('registers, serves, follows changes, survives the control plane going away', async () => {
    const gatewayPort = await freePort();
    const created = await plane.api('POST', '/gateways', { name: 'edge', port: gatewayPort });
    expect(created.status).toBe(201);
    const gatewayId = created.body.id as string;
    const api = await plane.api('POST', '/apis', { name: 'Orders', implementationUrl: `${upstream.url}/v1/`, basePath: '/orders', gatewayId });
    expect(api.status).toBe(201);

    // The admin token is not a replica token.
    const refused = await request(`${plane.url}/api/v1/replicas/register`, { method: 'POST', headers: { authorization: `Bearer ${plane.admin.token}`, 'content-type': 'application/json' }, body: '{"name":"x"}' });
    expect(refused.status).toBe(401);
    expect(refused.json().error.message).toMatch(/admin token does not work here/);

    const issued = await plane.api('POST', `/gateways/${gatewayId}/token`);
    expect(issued.status).toBe(200);
    expect(issued.body.command).toContain(`--token ${issued.body.token}`);
    const replicaPort = await freePort();
    replica = spawn(process.execPath, [path.join(root, 'bin', 'gatehouse.cjs'), 'gateway', '--connect', plane.url, '--token', issued.body.token, '--name', 'laptop-1', '--listen-port', String(replicaPort)], {
      env: { ...process.env, GATEHOUSE_CACHE_DIR: cacheDir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    replica.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    replica.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));

    // Serves the gateway's API on its own port, forwarding to the upstream.
    const replicaUrl = `http://127.0.0.1:${replicaPort}/orders/42`;
    const first = await eventually(async () => {
      const response = await request(replicaUrl);
      return response.status === 200 ? response : undefined;
    });
    expect(first.json().url).toBe('/v1/42');
    expect(output).toMatch(/registered as replica "laptop-1" of gateway "edge"/);
    await eventually(() => plane.plane.dockerGateways.registry.get(gatewayId, 'laptop-1')?.connection === 'connected');

    // Its traffic reaches the control plane's telemetry, tagged with the replica.
    await eventually(async () => {
      const traffic = await plane.api('GET', `/traffic?apiId=${api.body.id}`);
      return traffic.body.some((entry: { replica?: string; path: string }) => entry.replica === 'laptop-1' && entry.path === '/orders/42');
    }, 5000);

    // With its query string and the first bytes of its bodies (issue 15).
    const posted = await request(`${replicaUrl}?draft=1&tag=a`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"from":"replica"}' });
    expect(posted.json().url).toBe('/v1/42?draft=1&tag=a');
    const entry = await eventually(async () => {
      const traffic = await plane.api('GET', `/traffic?apiId=${api.body.id}&method=POST`);
      return traffic.body.find((e: { replica?: string; query?: string }) => e.replica === 'laptop-1' && e.query === 'draft=1&tag=a');
    }, 5000);
    const bodies = await plane.api('GET', `/traffic/${entry.id}/bodies`);
    expect(bodies.status).toBe(200);
    expect(Buffer.from(bodies.body.request.base64, 'base64').toString()).toBe('{"from":"replica"}');
    expect(JSON.parse(Buffer.from(bodies.body.response.base64, 'base64').toString())).toMatchObject({ method: 'POST', body: '{"from":"replica"}' });

    // A policy change reaches it within a second (long poll, no waiting for a timer).
    const added = await plane.api('POST', `/apis/${api.body.id}/policies`, {
      policyRef: 'header-injection-flex',
      config: { outboundHeaders: [{ key: 'x-replica-config', value: 'v2' }] },
    });
    expect(added.status).toBe(201);
    const changedAt = Date.now();
    await eventually(async () => (await request(replicaUrl)).headers['x-replica-config'] === 'v2', 3000, 20);
    expect(Date.now() - changedAt).toBeLessThan(1000);

    // The control plane goes away: the replica keeps serving its last config.
    await plane.stop();
    await eventually(() => /control plane .*unreachable/.test(output), 5000);
    const during = await request(replicaUrl);
    expect(during.status).toBe(200);
    expect(during.headers['x-replica-config']).toBe('v2');

    // It comes back: the replica reconnects (backoff ≤ 5 s) and follows changes again.
    await plane.start();
    await eventually(() => /reconnected to the control plane/.test(output), 8000);
    await eventually(() => plane.plane.dockerGateways.registry.get(gatewayId, 'laptop-1')?.connection === 'connected', 5000);
    const binding = added.body.id as string;
    await plane.api('PATCH', `/apis/${api.body.id}/policies/${binding}`, { config: { outboundHeaders: [{ key: 'x-replica-config', value: 'v3' }] } });
    await eventually(async () => (await request(replicaUrl)).headers['x-replica-config'] === 'v3', 2000, 20);

    // Rotating the token cuts it off (it keeps serving, and says why).
    await plane.api('POST', `/gateways/${gatewayId}/token`);
    await eventually(() => /gateway was deleted or its token revoked/.test(output), 8000);
    expect((await request(replicaUrl)).status).toBe(200);

    replica.kill('SIGTERM');
    const code = await new Promise<number | null>((resolve) => replica!.once('exit', (exitCode) => resolve(exitCode)));
    expect(code).toBe(0);
    replica = undefined;
  }, 40_000);

  it('names what is missing', async () => {
    const result = await new Promise<{ code: number | null; stderr: string }>((resolve) =>
      execFile(process.execPath, [path.join(root, 'bin', 'gatehouse.cjs'), 'gateway', '--connect', plane.url], { env: { ...process.env, GATEHOUSE_TOKEN: '' } }, (error, _stdout, stderr) =>
        resolve({ code: error ? ((error as { code?: number }).code ?? null) : 0, stderr }),
      ),
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--token TOKEN is required/);
  });
});
