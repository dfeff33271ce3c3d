// Health checks against real upstream servers on real sockets: stop one, bring it back, watch the transitions.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { request } from '../testing/net';
import { snapshotFor, startGateway, type ApiSnapshotInput } from './testing';
import { UpstreamProber, type UpstreamTransition } from './upstream-probes';

/** A real upstream that can be stopped and started again on the same port. */
class SwitchableUpstream {
  readonly paths: string[] = [];
  status = 200;
  delayMs = 0;
  port = 0;
  private server: http.Server | https.Server | undefined;

  constructor(private readonly tls?: { cert: string; key: string }) {}

  get url(): string {
    return `${this.tls ? 'https://localhost' : 'http://127.0.0.1'}:${this.port}`;
  }

  async start(): Promise<this> {
    const handler: http.RequestListener = (req, res) => {
      this.paths.push(req.url ?? '');
      setTimeout(() => {
        res.writeHead(this.status, { 'content-type': 'text/plain' });
        res.end('ok');
      }, this.delayMs);
    };
    const server = this.tls ? https.createServer(this.tls, handler) : http.createServer(handler);
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
    return this;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

const upstreams: SwitchableUpstream[] = [];
const probers: UpstreamProber[] = [];

afterEach(async () => {
  for (const prober of probers.splice(0)) prober.stop();
  for (const upstream of upstreams.splice(0)) await upstream.stop();
});

async function upstream(tls?: { cert: string; key: string }): Promise<SwitchableUpstream> {
  const started = await new SwitchableUpstream(tls).start();
  upstreams.push(started);
  return started;
}

function prober(): { prober: UpstreamProber; transitions: UpstreamTransition[] } {
  const transitions: UpstreamTransition[] = [];
  const created = new UpstreamProber({ onTransition: (t) => transitions.push(t) });
  probers.push(created);
  return { prober: created, transitions };
}

const check = (config: Record<string, unknown>) => ({ name: 'health-check-flex', config });

function snapshot(apis: ApiSnapshotInput[]) {
  return snapshotFor(apis, 18_080);
}

describe('UpstreamProber', () => {
  it('reports an upstream that stops as down once, and as healthy once when it comes back on the same port', async () => {
    const up = await upstream();
    const { prober: probes, transitions } = prober();
    const interval = 0.2;
    probes.update(snapshot([{ id: 'orders', name: 'Orders', upstream: `${up.url}/base/`, policies: [check({ path: '/health', intervalSeconds: interval, unhealthyThreshold: 2 })] }]));

    await vi.waitFor(() => expect(probes.status().orders?.healthy).toBe(true), { timeout: 2000, interval: 10 });
    expect(up.paths[0]).toBe('/base/health');
    expect(transitions).toMatchObject([{ apiId: 'orders', apiName: 'Orders', healthy: true, previous: null, detail: 'HTTP 200' }]);

    await up.stop();
    await vi.waitFor(() => expect(probes.status().orders?.healthy).toBe(false), { timeout: 2000, interval: 10 });
    // Two failures in a row are needed (unhealthyThreshold 2); how soon after the stop is a timing, not asserted here.
    expect(probes.status().orders).toMatchObject({ lastError: expect.stringMatching(/connection refused/) });
    expect(probes.status().orders!.consecutiveFailures).toBeGreaterThanOrEqual(2);

    await new Promise((resolve) => setTimeout(resolve, 3 * interval * 1000));
    expect(transitions.map((t) => t.healthy)).toEqual([true, false]); // still down: no repeat

    await up.start();
    await vi.waitFor(() => expect(probes.status().orders?.healthy).toBe(true), { timeout: 2000, interval: 10 });
    await new Promise((resolve) => setTimeout(resolve, 2 * interval * 1000));
    expect(transitions.map((t) => [t.healthy, t.previous])).toEqual([
      [true, null],
      [false, true],
      [true, false],
    ]);
    expect(transitions[1]!.detail).toMatch(/connection refused/);
    expect(probes.status().orders).toMatchObject({ healthy: true, consecutiveFailures: 0, url: `${up.url}/base/health` });
    expect(probes.status().orders?.lastError).toBeUndefined();
  });

  it('treats an unexpected status and a slow answer as failures', async () => {
    const failing = await upstream();
    failing.status = 503;
    const slow = await upstream();
    slow.delayMs = 1000;
    const accepting = await upstream();
    accepting.status = 204;
    const { prober: probes } = prober();
    probes.update(
      snapshot([
        { id: 'failing', basePath: '/a', upstream: failing.url, policies: [check({ intervalSeconds: 0.1, unhealthyThreshold: 1 })] },
        { id: 'slow', basePath: '/b', upstream: slow.url, policies: [check({ intervalSeconds: 0.1, timeoutSeconds: 0.2, unhealthyThreshold: 1 })] },
        { id: 'accepting', basePath: '/c', upstream: accepting.url, policies: [check({ intervalSeconds: 0.1, expectedStatus: [200, 204] })] },
      ]),
    );
    await vi.waitFor(
      () => {
        const status = probes.status();
        expect(status.failing).toMatchObject({ healthy: false, lastError: 'HTTP 503, expected 200' });
        expect(status.slow).toMatchObject({ healthy: false, lastError: 'no response within 0.2 s' });
        expect(status.accepting).toMatchObject({ healthy: true });
      },
      { timeout: 3000, interval: 20 },
    );
  });

  it('needs healthyThreshold successes in a row before it calls an upstream healthy', async () => {
    const up = await upstream();
    const { prober: probes, transitions } = prober();
    probes.update(snapshot([{ id: 'x', upstream: up.url, policies: [check({ intervalSeconds: 0.1, healthyThreshold: 3 })] }]));
    await vi.waitFor(() => expect(up.paths.length).toBeGreaterThanOrEqual(2), { timeout: 2000, interval: 5 });
    expect(probes.status().x?.healthy).toBeNull();
    await vi.waitFor(() => expect(probes.status().x?.healthy).toBe(true), { timeout: 2000, interval: 5 });
    expect(up.paths.length).toBeGreaterThanOrEqual(3);
    expect(transitions).toHaveLength(1);
  });

  it('keeps a probe and its state across snapshots while its config is unchanged, and restarts or stops it otherwise', async () => {
    const up = await upstream();
    const other = await upstream();
    const { prober: probes, transitions } = prober();
    const api = (config: Record<string, unknown>, url = up.url): ApiSnapshotInput => ({ id: 'x', name: 'X', upstream: url, policies: [check(config)] });
    probes.update(snapshot([api({ intervalSeconds: 0.1 })]));
    await vi.waitFor(() => expect(probes.status().x?.healthy).toBe(true), { timeout: 2000, interval: 5 });
    const before = probes.status().x!;

    // The same check under a renamed API and another snapshot version: same probe, no new transition.
    probes.update({ ...snapshot([{ ...api({ intervalSeconds: 0.1 }), name: 'Renamed' }]), version: 'v2' });
    expect(probes.status().x).toMatchObject({ healthy: true, since: before.since, apiName: 'Renamed' });
    await vi.waitFor(() => expect(probes.status().x!.consecutiveSuccesses).toBeGreaterThan(before.consecutiveSuccesses), { timeout: 2000, interval: 5 });
    expect(transitions).toHaveLength(1);

    // Another upstream: a new probe, starting from unknown.
    probes.update(snapshot([api({ intervalSeconds: 0.1 }, other.url)]));
    expect(probes.status().x?.healthy).toBeNull();
    await vi.waitFor(() => expect(probes.status().x?.healthy).toBe(true), { timeout: 2000, interval: 5 });

    // The binding disabled: no more probes.
    probes.update(snapshot([{ ...api({ intervalSeconds: 0.1 }, other.url), policies: [{ ...check({ intervalSeconds: 0.1 }), enabled: false }] }]));
    expect(probes.status()).toEqual({});
    const seen = other.paths.length;
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(other.paths.length).toBe(seen);

    // Stop ends every probe.
    probes.update(snapshot([api({ intervalSeconds: 0.1 })]));
    probes.stop();
    const after = up.paths.length;
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(up.paths.length).toBeLessThanOrEqual(after + 1); // at most the probe already in flight
    expect(probes.status()).toEqual({});
  });

  it("probes https upstreams with the service's TLS settings", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'gatehouse-probe-tls-'));
    let pem: { cert: string; key: string };
    try {
      execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', 'key.pem', '-out', 'cert.pem',
        '-days', '2', '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost'], { cwd: dir, stdio: 'pipe' });
      pem = { cert: readFileSync(path.join(dir, 'cert.pem'), 'utf8'), key: readFileSync(path.join(dir, 'key.pem'), 'utf8') };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const secure = await upstream(pem);
    const { prober: probes } = prober();
    probes.update(
      snapshot([
        { id: 'trusted', basePath: '/a', upstream: secure.url, upstreamTls: { trustedCA: pem.cert }, policies: [check({ intervalSeconds: 0.1, unhealthyThreshold: 1 })] },
        { id: 'untrusted', basePath: '/b', upstream: secure.url, policies: [check({ intervalSeconds: 0.1, unhealthyThreshold: 1 })] },
      ]),
    );
    await vi.waitFor(
      () => {
        expect(probes.status().trusted?.healthy).toBe(true);
        expect(probes.status().untrusted).toMatchObject({ healthy: false, lastError: expect.stringMatching(/certificate/i) });
      },
      { timeout: 3000, interval: 20 },
    );
  });

  it('runs inside the gateway runtime: apply starts probes, /.gatehouse/health shows them, transitions are announced, stop ends them', async () => {
    const up = await upstream();
    const gateway = await startGateway({ id: 'orders', name: 'Orders', basePath: '/orders', upstream: up.url, policies: [check({ path: '/ping', intervalSeconds: 0.1, unhealthyThreshold: 1 })] });
    try {
      const transitions: UpstreamTransition[] = [];
      const off = gateway.runtime.onUpstreamTransition((t) => transitions.push(t));
      await vi.waitFor(() => expect(gateway.runtime.upstreamHealth().orders?.healthy).toBe(true), { timeout: 2000, interval: 10 });
      // The health-check binding is not a per-request policy: traffic flows as usual.
      expect((await request(gateway.url('/orders/x'))).status).toBe(200);
      const health = (await request(gateway.url('/.gatehouse/health'))).json();
      expect(health.upstreams.orders).toMatchObject({ healthy: true, apiName: 'Orders', url: `${up.url}/ping`, consecutiveFailures: 0 });

      await up.stop();
      await vi.waitFor(() => expect(transitions.map((t) => t.healthy)).toContain(false), { timeout: 2000, interval: 10 });
      // A probe in flight at the stop sees its connection reset; the ones after it are refused.
      await vi.waitFor(
        async () => expect((await request(gateway.url('/.gatehouse/health'))).json().upstreams.orders).toMatchObject({ healthy: false, lastError: expect.stringMatching(/connection refused/) }),
        { timeout: 2000, interval: 20 },
      );
      off();

      // A snapshot without the binding stops probing that API.
      await gateway.apply({ id: 'orders', name: 'Orders', basePath: '/orders', upstream: up.url });
      expect(gateway.runtime.upstreamHealth()).toEqual({});
    } finally {
      await gateway.close();
    }
    expect(gateway.runtime.upstreamHealth()).toEqual({});
  });
});
