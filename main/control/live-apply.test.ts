import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { freePort, request, startServer } from '../testing/net';
import { Store } from '../store/store';
import { rejection, startControlFixture, type ControlFixture } from './testing/control-fixture';

// Changes through the handlers reach a real embedded gateway (real sockets, real upstream)
// before the call returns: no restart, no waiting.
let fx: ControlFixture;
beforeEach(async () => {
  fx = await startControlFixture();
});
afterEach(async () => {
  await fx.close();
});

const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;

async function createUsersApi() {
  return fx.call('apis.create', { name: 'Users', implementationUrl: `${fx.upstream.url}/v1/`, basePath: '/users' });
}

describe('live apply through the embedded gateway', () => {
  it('serves a new API at once, forwarding to its upstream', async () => {
    const health = await request(`${fx.gatewayUrl}/.gatehouse/health`);
    expect(health.status).toBe(200);
    const api = await createUsersApi();
    expect(api).toMatchObject({ name: 'Users', basePath: '/users', gatewayId: 'gw_embedded', enabled: true, version: 'v1', type: 'http' });
    const response = await request(`${fx.gatewayUrl}/users/42?x=1`);
    expect(response.status).toBe(200);
    expect(response.headers['x-gatehouse-source']).toBe('upstream');
    expect(response.json().url).toBe('/v1/42?x=1');
  });

  it('a rate limit added through the API answers 429 on the next request over quota', async () => {
    const api = await createUsersApi();
    expect((await request(`${fx.gatewayUrl}/users/1`)).status).toBe(200);
    await fx.call('policies.add', {
      apiId: api.id,
      policyRef: 'rate-limiting-flex',
      config: { rateLimits: [{ maximumRequests: 2, timePeriodInMilliseconds: 60_000 }], exposeHeaders: true },
    });
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await request(`${fx.gatewayUrl}/users/1`)).status);
    expect(statuses).toEqual([200, 200, 429]);
  });

  it('revoking a contract turns the next request into 401 under client-id enforcement', async () => {
    const api = await createUsersApi();
    await fx.call('policies.add', { apiId: api.id, policyRef: 'client-id-enforcement-flex', config: {} });
    const app = await fx.call('applications.create', { name: 'Mobile app' });
    expect((await request(`${fx.gatewayUrl}/users/1`, { headers: { authorization: basic(app.clientId, app.clientSecret) } })).status).toBe(401);

    const contract = await fx.call('contracts.create', { applicationId: app.id, apiId: api.id });
    expect(contract.status).toBe('approved');
    const allowed = await request(`${fx.gatewayUrl}/users/1`, { headers: { authorization: basic(app.clientId, app.clientSecret) } });
    expect(allowed.status).toBe(200);

    await fx.call('contracts.update', { id: contract.id, status: 'revoked' });
    const denied = await request(`${fx.gatewayUrl}/users/1`, { headers: { authorization: basic(app.clientId, app.clientSecret) } });
    expect(denied.status).toBe(401);
    expect(denied.headers['x-gatehouse-source']).toBe('gateway');
  });

  it('SLA tiers limit per contract: automatic tiers approve, manual ones wait for approval', async () => {
    const api = await createUsersApi();
    await fx.call('policies.add', { apiId: api.id, policyRef: 'rate-limiting-sla-based-flex', config: {} });
    const gold = await fx.call('slaTiers.create', { apiId: api.id, name: 'Gold', limits: [{ maximumRequests: 2, timePeriodInMilliseconds: 60_000 }] });
    const manual = await fx.call('slaTiers.create', { apiId: api.id, name: 'Partner', limits: [{ maximumRequests: 5, timePeriodInMilliseconds: 60_000 }], approval: 'manual' });
    const app = await fx.call('applications.create', { name: 'CLI' });
    const other = await fx.call('applications.create', { name: 'Partner app' });
    expect((await fx.call('contracts.create', { applicationId: app.id, apiId: api.id, tierId: gold.id })).status).toBe('approved');
    const pending = await fx.call('contracts.create', { applicationId: other.id, apiId: api.id, tierId: manual.id });
    expect(pending.status).toBe('pending');

    const as = (a: { clientId: string; clientSecret: string }) => ({ headers: { client_id: a.clientId, client_secret: a.clientSecret } });
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await request(`${fx.gatewayUrl}/users/1`, as(app))).status);
    expect(statuses).toEqual([200, 200, 429]);
    expect((await request(`${fx.gatewayUrl}/users/1`, as(other))).status).toBe(401);
    await fx.call('contracts.update', { id: pending.id, status: 'approved' });
    expect((await request(`${fx.gatewayUrl}/users/1`, as(other))).status).toBe(200);
  });

  it('disabling an API or a policy is live; enabling brings it back', async () => {
    const api = await createUsersApi();
    const binding = await fx.call('policies.add', { apiId: api.id, policyRef: 'ip-blocklist-flex', config: { ips: ['127.0.0.1'] } });
    expect((await request(`${fx.gatewayUrl}/users/1`)).status).toBe(403);
    await fx.call('policies.update', { apiId: api.id, policyId: binding.id, enabled: false });
    expect((await request(`${fx.gatewayUrl}/users/1`)).status).toBe(200);
    await fx.call('apis.update', { id: api.id, enabled: false });
    expect((await request(`${fx.gatewayUrl}/users/1`)).status).toBe(503);
    await fx.call('apis.remove', { id: api.id });
    expect((await request(`${fx.gatewayUrl}/users/1`)).status).toBe(404);
  });

  it('emits resource.changed and snapshot.applied for each change', async () => {
    const changed: unknown[] = [];
    const applied: { gatewayId: string; version: string }[] = [];
    fx.plane.bus.on('resource.changed', (event) => changed.push(event));
    fx.plane.bus.on('snapshot.applied', (event) => applied.push(event));
    const api = await createUsersApi();
    const binding = await fx.call('policies.add', { apiId: api.id, policyRef: 'cors-flex', config: {} });
    expect(changed).toEqual([
      { kind: 'api', id: api.id, action: 'created' },
      { kind: 'policy', id: binding.id, action: 'created', apiId: api.id },
    ]);
    expect(applied.map((event) => event.gatewayId)).toEqual(['gw_embedded', 'gw_embedded']);
    expect(applied[1]!.version).toBe(fx.plane.runtime.version);
    expect(applied[0]!.version).not.toBe(applied[1]!.version);
  });

  it('a change the gateway cannot take (port in use) is refused and nothing changes', async () => {
    await createUsersApi();
    const busy = await startServer((_req, res) => res.end('someone else'));
    const versionBefore = fx.plane.runtime.version;
    const error = await rejection(fx.call('gateways.update', { id: 'gw_embedded', port: busy.port }));
    expect(error).toMatchObject({ code: 'CONFLICT', status: 409 });
    expect(error.message).toMatch(/already in use/);
    expect((await fx.call('gateways.get', { id: 'gw_embedded' })).port).toBe(fx.gatewayPort);
    expect(fx.plane.runtime.version).toBe(versionBefore);
    expect((await request(`${fx.gatewayUrl}/users/1`)).status).toBe(200);
    await busy.close();
  });

  it('moves the embedded gateway to a new port live', async () => {
    await createUsersApi();
    const port = await freePort();
    const gateway = await fx.call('gateways.update', { id: 'gw_embedded', port });
    expect(gateway).toMatchObject({ port, status: 'running' });
    expect((await request(`http://127.0.0.1:${port}/users/1`)).status).toBe(200);
  });

  it('stop and start an embedded gateway', async () => {
    await createUsersApi();
    expect((await fx.call('gateways.stop', { id: 'gw_embedded' })).status).toBe('stopped');
    await expect(request(`${fx.gatewayUrl}/users/1`)).rejects.toThrow(/ECONNREFUSED/);
    expect((await fx.call('gateways.start', { id: 'gw_embedded' })).status).toBe('running');
    expect((await request(`${fx.gatewayUrl}/users/1`)).status).toBe(200);
  });

  it('a second embedded gateway gets its own listener', async () => {
    const port = await freePort();
    const gateway = await fx.call('gateways.create', { name: 'Internal', port });
    expect(gateway).toMatchObject({ kind: 'embedded', host: '127.0.0.1', status: 'running', replicas: [] });
    await fx.call('apis.create', { name: 'Internal users', implementationUrl: fx.upstream.url, basePath: '/users', gatewayId: gateway.id });
    expect((await request(`http://127.0.0.1:${port}/users/7`)).json().url).toBe('/7');
    expect((await request(`${fx.gatewayUrl}/users/7`)).status).toBe(404);
  });

  it('applies commits made by another process (or connection) within a second', async () => {
    const api = await createUsersApi();
    const announced = fx.plane.bus.next('resource.changed', (event) => event.kind === 'config', 2000);
    const other = Store.open(fx.dataDir, { migrate: false });
    other.apis.update(api.id, { enabled: false });
    other.close();
    const deadline = Date.now() + 1500;
    let status = 0;
    while (Date.now() < deadline) {
      status = (await request(`${fx.gatewayUrl}/users/1`)).status;
      if (status === 503) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(status).toBe(503);
    expect(await announced).toEqual({ kind: 'config', id: '*', action: 'updated' });
    expect((await fx.call('apis.get', { id: api.id })).enabled).toBe(false);
  });

  it('restart keeps everything and serves it again', async () => {
    const api = await createUsersApi();
    await fx.call('policies.add', { apiId: api.id, policyRef: 'rate-limiting-flex', config: { rateLimits: [{ maximumRequests: 1, timePeriodInMilliseconds: 60_000 }] } });
    const app = await fx.call('applications.create', { name: 'Mobile' });
    await fx.restart();
    expect((await fx.call('apis.list', {})).map((a) => a.name)).toEqual(['Users']);
    expect((await fx.call('policies.list', { apiId: api.id })).map((p) => p.policyRef)).toEqual(['rate-limiting-flex']);
    expect((await fx.call('applications.get', { id: app.id })).clientId).toBe(app.clientId);
    expect((await request(`${fx.gatewayUrl}/users/1`)).status).toBe(200);
    expect((await request(`${fx.gatewayUrl}/users/1`)).status).toBe(429);
  });
});

describe('starting while the gateway port is taken', () => {
  it('starts anyway, shows the error on the gateway, and recovers when the port is changed', async () => {
    const busy = await startServer((_req, res) => res.end('someone else'));
    const blocked = await startControlFixture({ gatewayPort: busy.port });
    try {
      const gateway = await blocked.call('gateways.get', { id: 'gw_embedded' });
      expect(gateway).toMatchObject({ status: 'error', lastError: expect.stringMatching(/already in use/) });
      // Changes that do not touch the gateway still work; ones that do say why they cannot.
      expect((await blocked.call('settings.update', { theme: 'light' })).theme).toBe('light');
      const refused = await rejection(blocked.call('apis.create', { name: 'Users', implementationUrl: blocked.upstream.url, basePath: '/users' }));
      expect(refused).toMatchObject({ status: 409, message: expect.stringMatching(/already in use/) });
      expect(await blocked.call('apis.list', {})).toEqual([]);
      const port = await freePort();
      expect(await blocked.call('gateways.update', { id: 'gw_embedded', port })).toMatchObject({ status: 'running', port });
      await blocked.call('apis.create', { name: 'Users', implementationUrl: blocked.upstream.url, basePath: '/users' });
      expect((await request(`http://127.0.0.1:${port}/users/1`)).status).toBe(200);
    } finally {
      await blocked.close();
      await busy.close();
    }
  });
});
