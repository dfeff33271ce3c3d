import http from 'node:http';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerPolicy } from '../policies/registry';
import { freePort, request, startServer, type TestServer } from '../testing/net';
import { SnapshotError } from './snapshot-error';
import { startGateway, type StartedGateway } from './testing';

const disposed: string[] = [];
registerPolicy({
  name: 'test-tag',
  create: (config: { tag: string }) => ({
    onRequest(request) {
      request.responseHeaders['x-tag'] = config.tag;
      return { action: 'continue' };
    },
    dispose: () => disposed.push(config.tag),
  }),
});

function get(url: string, agent: http.Agent): Promise<{ status: number; body: string; tag?: string }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent }, (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body, tag: res.headers['x-tag'] as string | undefined }));
        res.on('error', reject);
      })
      .on('error', reject);
  });
}

describe('reload', () => {
  let a: TestServer;
  let b: TestServer;
  let slow: TestServer;
  let gateway: StartedGateway;
  let releaseSlow: (() => void) | undefined;

  beforeAll(async () => {
    a = await startServer((_req, res) => res.end('A'));
    b = await startServer((_req, res) => res.end('B'));
    slow = await startServer((_req, res) => {
      releaseSlow = () => res.end('slow done');
    });
    gateway = await startGateway({ name: 'api', basePath: '/api', upstream: a.url, policies: [{ name: 'test-tag', config: { tag: 'v0' } }] });
  });

  afterAll(async () => {
    await gateway.close();
    await Promise.all([a.close(), b.close(), slow.close()]);
  });

  it('applies new snapshots during a keep-alive burst without a single failed request', async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 20 });
    // The amount of work is set by reloads, not by a request count: each reload waits until a
    // few requests were answered since the one before, so reloads always land mid-traffic,
    // however slow the machine, and the test ends after RELOADS of them.
    const RELOADS = 12;
    let reloads = 0;
    let answered = 0;
    let running = true;
    const failures: string[] = [];
    const bodies = new Set<string>();
    const tags = new Set<string>();
    const worker = async () => {
      let i = 0;
      while (running) {
        try {
          const res = await get(gateway.url(`/api/item/${i++}`), agent);
          if (res.status !== 200) failures.push(`${res.status} ${res.body}`);
          bodies.add(res.body);
          if (res.tag) tags.add(res.tag);
        } catch (error) {
          failures.push((error as Error).message);
        }
        answered++;
      }
    };
    const workers = Array.from({ length: 20 }, worker);
    try {
      while (reloads < RELOADS) {
        const seen = answered;
        while (answered < seen + 20) await new Promise((resolve) => setTimeout(resolve, 2));
        reloads++;
        const upstream = reloads % 2 === 0 ? a.url : b.url;
        await gateway.apply({ name: 'api', basePath: '/api', upstream, policies: [{ name: 'test-tag', config: { tag: `v${reloads}` } }] });
      }
      const seen = answered;
      while (answered < seen + 20) await new Promise((resolve) => setTimeout(resolve, 2));
    } finally {
      running = false;
      await Promise.all(workers);
      agent.destroy();
    }
    expect(failures).toEqual([]);
    expect(bodies).toEqual(new Set(['A', 'B']));
    expect(tags.size).toBeGreaterThan(2);
  });

  it('finishes in-flight requests on the old snapshot and disposes its policies only afterwards', async () => {
    await gateway.apply({ name: 'api', basePath: '/api', upstream: slow.url, policies: [{ name: 'test-tag', config: { tag: 'old' } }] });
    const pending = request(gateway.url('/api/slow'));
    while (!releaseSlow) await new Promise((resolve) => setTimeout(resolve, 5));
    await gateway.apply({ name: 'api', basePath: '/api', upstream: a.url, policies: [{ name: 'test-tag', config: { tag: 'new' } }] });
    expect((await request(gateway.url('/api/x'))).body).toBe('A');
    expect(disposed).not.toContain('old');
    releaseSlow();
    const res = await pending;
    expect(res.body).toBe('slow done');
    expect(res.headers['x-tag']).toBe('old');
    // Disposed once the old snapshot's last request has finished (the server side may finish
    // just after the client read the end): wait for it rather than for a fixed time.
    while (!disposed.includes('old')) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(disposed).not.toContain('new');
  });

  it('keeps the old snapshot serving when the new one has an unknown policy', async () => {
    const before = gateway.runtime.version;
    await expect(gateway.apply({ name: 'api', basePath: '/api', upstream: b.url, policies: [{ name: 'nope-flex' }] })).rejects.toBeInstanceOf(SnapshotError);
    expect(gateway.runtime.version).toBe(before);
    expect((await request(gateway.url('/api/x'))).body).toBe('A');
  });

  it('keeps the old snapshot serving when a new port cannot be bound', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const busy = (blocker.address() as net.AddressInfo).port;
    const extraPort = await freePort();
    const snapshot = gateway.snapshotFor([{ name: 'api', basePath: '/api', upstream: b.url }]);
    snapshot.listeners.push(
      { host: '127.0.0.1', port: extraPort, apis: [{ id: 'x', name: 'x', basePath: '/', enabled: true, services: [{ name: 's', url: b.url }], routes: [], policies: [] }] },
      { host: '127.0.0.1', port: busy, apis: [{ id: 'y', name: 'y', basePath: '/', enabled: true, services: [{ name: 's', url: b.url }], routes: [], policies: [] }] },
    );
    try {
      await expect(gateway.runtime.apply(snapshot)).rejects.toThrow(new RegExp(`cannot listen on 127.0.0.1:${busy}: the port is already in use`));
      expect((await request(gateway.url('/api/x'))).body).toBe('A');
      // The listener opened before the failure was rolled back.
      await expect(request(`http://127.0.0.1:${extraPort}/`)).rejects.toThrow(/ECONNREFUSED/);
      expect(gateway.runtime.listenerAddresses()).toHaveLength(1);
    } finally {
      blocker.close();
    }
  });

  it('opens added listeners and closes removed ones', async () => {
    const extraPort = await freePort();
    const snapshot = gateway.snapshotFor([{ name: 'api', basePath: '/api', upstream: a.url }]);
    snapshot.listeners.push({ host: '127.0.0.1', port: extraPort, apis: [{ id: 'x', name: 'x', basePath: '/', enabled: true, services: [{ name: 's', url: b.url }], routes: [], policies: [] }] });
    await gateway.runtime.apply(snapshot);
    expect((await request(`http://127.0.0.1:${extraPort}/anything`)).body).toBe('B');
    expect(gateway.runtime.listenerAddresses().map((l) => l.port).sort()).toEqual([gateway.port, extraPort].sort());
    await gateway.apply({ name: 'api', basePath: '/api', upstream: a.url });
    await expect(request(`http://127.0.0.1:${extraPort}/anything`)).rejects.toThrow(/ECONNREFUSED/);
    expect((await request(gateway.url('/api/x'))).body).toBe('A');
  });
});
