/**
 * The quit path with Docker gateways against the real engine (the desktop app and `gatehouse
 * serve` both quit through RunningGatehouse.stop): by default replica containers keep serving
 * after the quit; with the onQuit setting at `stop` their containers are stopped, with progress
 * logged; and a replica slow to stop never holds the quit past its bound. One data dir and the
 * same ports throughout, so each start adopts the containers of the one before. Skips (saying
 * why) when no engine answers.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseInput, type MethodInput, type MethodName, type MethodOutput } from '../../shared/contract/methods';
import { createDockerClient, engineConnection, probeDocker } from '../docker/engine';
import { LABEL_GATEWAY } from '../docker/replica-containers';
import { eventually } from '../testing/admin-plane';
import { freePort, request, startServer, type TestServer } from '../testing/net';
import { startGatehouse, type RunningGatehouse } from './start-gatehouse';

const docker = createDockerClient(engineConnection());
const engine = await probeDocker(docker, engineConnection().endpoint);
const title = engine.available ? 'quitting with docker gateways (real engine)' : `quitting with docker gateways — SKIPPED: ${engine.message}`;

describe.skipIf(!engine.available)(title, () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'gatehouse-quit-'));
  const lines: string[] = [];
  let upstream: TestServer;
  let ports: { admin: number; gateway: number; replicas: number };
  let running: RunningGatehouse | undefined;
  let gatewayId: string | undefined;

  /** Holds /slow/* until the test releases it (a request the replica must drain), answers anything else at once. */
  let slowArrived: Promise<void>;
  let slowArrivedNow = () => {};
  const held: (() => void)[] = [];
  const releaseSlow = () => held.splice(0).forEach((reply) => reply());
  beforeAll(async () => {
    slowArrived = new Promise((resolve) => (slowArrivedNow = resolve));
    upstream = await startServer((req, res) => {
      const reply = () => res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
      if (req.url?.startsWith('/slow')) {
        held.push(reply);
        slowArrivedNow();
      } else reply();
    });
    ports = { admin: await freePort(), gateway: await freePort(), replicas: await freePort() };
  });

  afterAll(async () => {
    releaseSlow();
    await running?.stop().catch(() => undefined);
    if (gatewayId)
      for (const info of await docker.listContainers({ all: true, filters: { label: [`${LABEL_GATEWAY}=${gatewayId}`] } }))
        await docker.getContainer(info.Id).remove({ force: true }).catch(() => undefined);
    await upstream?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  /** `stopBoundMs`: the quit's bound on stopping replicas; generous where the bound is not the point (a loaded engine may take seconds). */
  const start = async (stopBoundMs = 1_500) => {
    // A test that failed before its quit leaves its Gatehouse on the shared ports.
    await running?.stop().catch(() => undefined);
    lines.length = 0;
    running = await startGatehouse({
      dataDir,
      gatewayPort: ports.gateway,
      adminPort: ports.admin,
      staticDir: '/nonexistent',
      version: 'test',
      log: (level, message) => lines.push(`${level}: ${message}`),
      adminRequired: true,
      dockerStopTimeoutMs: stopBoundMs,
    });
    return running;
  };
  const call = <M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>> => {
    const handler = running!.plane.handlers[method] as (input: unknown, context: { transport: 'internal' }) => Promise<MethodOutput<M>>;
    return handler(parseInput(method, input), { transport: 'internal' });
  };
  /** The replica once it is connected and serving the current config. */
  const connectedReplica = () =>
    eventually(() => {
      const replica = running!.plane.dockerGateways.view(gatewayId!)?.replicas[0];
      return replica?.status === 'connected' ? replica : undefined;
    }, 180_000, 250);
  const containerState = async (id: string) => (await docker.getContainer(id).inspect()).State.Status;
  const quit = async () => {
    await running!.stop();
    running = undefined;
  };

  it('keeps replicas running after the quit by default, serving their last config', async () => {
    await start();
    expect((await call('settings.get', {})).onQuit).toBe('keep-running');
    const gateway = await call('gateways.create', { name: 'quit-edge', kind: 'docker', replicas: 1, port: ports.replicas });
    gatewayId = gateway.id;
    await call('apis.create', { name: 'Quit', implementationUrl: `${upstream.url}/`, basePath: '/quit', gatewayId });
    // The first run may build the gateway image.
    const replica = await connectedReplica();
    const replicaUrl = `http://127.0.0.1:${replica.hostPort}`;
    await eventually(async () => (await request(`${replicaUrl}/quit/a`)).status === 200, 10_000);

    await quit();
    expect(await containerState(replica.containerId)).toBe('running');
    expect((await request(`${replicaUrl}/quit/a`)).status).toBe(200);
    expect(lines.join('\n')).not.toMatch(/quit: stopping/);
  }, 240_000);

  it('never waits past its bound for a replica that is slow to stop, and leaves the stop to Docker', async () => {
    await start();
    const replica = await connectedReplica();
    expect((await call('settings.update', { onQuit: 'stop' })).onQuit).toBe('stop');
    // An in-flight request the replica drains on SIGTERM and the upstream holds: `docker stop`
    // takes its full grace. Wait for the request itself to reach the upstream (an open connection
    // is no proof: the replica keeps earlier ones alive, and a SIGTERM before the request arrives
    // lets the replica stop at once, within the bound).
    let inFlightSettled = false;
    const inFlight = request(`http://127.0.0.1:${replica.hostPort}/quit/slow`)
      .catch((error: unknown) => error)
      .finally(() => (inFlightSettled = true));
    await slowArrived;

    await quit();
    // The quit came back while the replica was still draining, without waiting for Docker.
    expect(inFlightSettled, 'the held request was still in flight when the quit returned').toBe(false);
    const log = lines.join('\n');
    expect(log).toContain('info: quit: stopping 1 Docker gateway replica');
    expect(log).toMatch(/warn: quit: stopping Docker gateway replicas took longer than \d+(\.\d)? s; still stopping \(left to Docker\): gatehouse-/);
    // Docker finishes what was asked.
    await eventually(async () => (await containerState(replica.containerId)) === 'exited', 15_000, 200);
    releaseSlow();
    await inFlight;
  }, 60_000);

  it('stops replica containers on quit when the setting says so, logging each one', async () => {
    // The next start brings the stopped replica back: the setting is about quitting only.
    await start(60_000);
    const replica = await connectedReplica();
    expect(await containerState(replica.containerId)).toBe('running');

    await quit();
    expect(await containerState(replica.containerId)).toBe('exited');
    const log = lines.join('\n');
    expect(log).toContain('info: quit: stopping 1 Docker gateway replica (Settings → "When Gatehouse quits": stop)');
    expect(log).toMatch(/info: quit: stopped gatehouse-.*-0/);
    expect(log).toMatch(/info: quit: 1 Docker gateway replica stopped in \d+ ms/);
    await expect(request(`http://127.0.0.1:${replica.hostPort}/quit/a`)).rejects.toThrow(/ECONNREFUSED|ECONNRESET/);
  }, 120_000);
});
