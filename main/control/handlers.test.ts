import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { rejection, startControlFixture, type ControlFixture } from './testing/control-fixture';

// Business rules of the handlers: 404 for unknown ids, 409 for clashes, 400 naming the field,
// and nothing half-written when a call fails.
let fx: ControlFixture;
beforeAll(async () => {
  fx = await startControlFixture();
});
afterAll(async () => {
  await fx.close();
});
beforeEach(async () => {
  for (const api of await fx.call('apis.list', {})) await fx.call('apis.remove', { id: api.id });
  for (const app of await fx.call('applications.list', {})) await fx.call('applications.remove', { id: app.id });
  for (const rule of await fx.call('alertRules.list', {})) await fx.call('alertRules.remove', { id: rule.id });
});

const newApi = (name = 'Orders', basePath = '/orders') => fx.call('apis.create', { name, implementationUrl: fx.upstream.url, basePath });

describe('unknown ids → 404 NOT_FOUND', () => {
  it.each([
    ['apis.get', { id: 'api_missing' }],
    ['apis.update', { id: 'api_missing', name: 'x' }],
    ['apis.remove', { id: 'api_missing' }],
    ['policies.list', { apiId: 'api_missing' }],
    ['gateways.get', { id: 'gw_missing' }],
    ['applications.get', { id: 'app_missing' }],
    ['applications.regenerateSecret', { id: 'app_missing' }],
    ['slaTiers.update', { id: 'tier_missing', name: 'x' }],
    ['contracts.update', { id: 'con_missing', status: 'approved' }],
    ['alertRules.remove', { id: 'rule_missing' }],
    ['metrics.get', { apiId: 'api_missing' }],
  ] as const)('%s', async (method, input) => {
    const error = await rejection(fx.call(method, input as never));
    expect(error).toMatchObject({ code: 'NOT_FOUND', status: 404 });
    expect(error.message).toContain('_missing');
  });

  it('a policy id of another API is not found under this one', async () => {
    const a = await newApi('A', '/a');
    const b = await newApi('B', '/b');
    const binding = await fx.call('policies.add', { apiId: a.id, policyRef: 'cors-flex', config: {} });
    expect(await rejection(fx.call('policies.remove', { apiId: b.id, policyId: binding.id }))).toMatchObject({ status: 404 });
    expect(await fx.call('policies.list', { apiId: a.id })).toHaveLength(1);
  });
});

describe('clashes → 409 CONFLICT', () => {
  it('duplicate API name, duplicate base path on the same port', async () => {
    await newApi();
    expect(await rejection(newApi('Orders', '/other'))).toMatchObject({ code: 'CONFLICT', status: 409, details: [{ path: 'name' }] });
    const clash = await rejection(newApi('Other', '/orders'));
    expect(clash).toMatchObject({ code: 'CONFLICT', status: 409 });
    expect(clash.message).toBe(`API "Orders" already serves /orders on port ${fx.gatewayPort}`);
    expect((await fx.call('apis.list', {})).map((api) => api.name)).toEqual(['Orders']);
  });

  it('base paths are normalized before comparing', async () => {
    await newApi();
    expect(await rejection(newApi('Other', '/orders/'))).toMatchObject({ status: 409 });
  });

  it('gateway name and port clashes; the built-in gateway cannot be deleted; a gateway with APIs cannot either', async () => {
    expect(await rejection(fx.call('gateways.create', { name: 'embedded', port: 1 }))).toMatchObject({ status: 409, details: [{ path: 'name' }] });
    expect(await rejection(fx.call('gateways.create', { name: 'Other', port: fx.gatewayPort }))).toMatchObject({ status: 409, details: [{ path: 'port' }] });
    expect(await rejection(fx.call('gateways.remove', { id: 'gw_embedded' }))).toMatchObject({ status: 409 });
    // Embedded: a docker gateway needs a running Docker engine (main/docker tests cover those).
    const docker = await fx.call('gateways.create', { name: 'Docker', kind: 'embedded', port: 19_999 });
    expect(docker).toMatchObject({ kind: 'embedded', host: '127.0.0.1', desiredReplicas: 1, status: 'running', replicas: [] });
    await fx.call('apis.create', { name: 'On docker', implementationUrl: fx.upstream.url, basePath: '/d', gatewayId: docker.id });
    const error = await rejection(fx.call('gateways.remove', { id: docker.id }));
    expect(error).toMatchObject({ status: 409 });
    expect(error.message).toContain('On docker');
    await fx.call('apis.remove', { id: (await fx.call('apis.list', { gatewayId: docker.id }))[0]!.id });
    await fx.call('gateways.remove', { id: docker.id });
    expect((await fx.call('gateways.list', {})).map((g) => g.id)).toEqual(['gw_embedded']);
  });

  it('a tier in use can be deprecated but not deleted, and takes no new contracts', async () => {
    const api = await newApi();
    const tier = await fx.call('slaTiers.create', { apiId: api.id, name: 'Gold', limits: [{ maximumRequests: 5, timePeriodInMilliseconds: 1000 }] });
    const app = await fx.call('applications.create', { name: 'One' });
    const late = await fx.call('applications.create', { name: 'Two' });
    await fx.call('contracts.create', { applicationId: app.id, apiId: api.id, tierId: tier.id });
    const error = await rejection(fx.call('slaTiers.remove', { id: tier.id }));
    expect(error).toMatchObject({ code: 'CONFLICT', status: 409 });
    expect(error.message).toMatch(/deprecate/);
    expect((await fx.call('slaTiers.update', { id: tier.id, status: 'deprecated' })).status).toBe('deprecated');
    expect(await rejection(fx.call('contracts.create', { applicationId: late.id, apiId: api.id, tierId: tier.id }))).toMatchObject({ status: 409 });
    expect((await fx.call('slaTiers.list', { apiId: api.id })).map((t) => t.status)).toEqual(['deprecated']);
  });

  it('one contract per application and API; duplicate application names and client ids', async () => {
    const api = await newApi();
    const app = await fx.call('applications.create', { name: 'One', clientId: 'client-one-id' });
    await fx.call('contracts.create', { applicationId: app.id, apiId: api.id });
    expect(await rejection(fx.call('contracts.create', { applicationId: app.id, apiId: api.id }))).toMatchObject({ status: 409 });
    expect(await rejection(fx.call('applications.create', { name: 'One' }))).toMatchObject({ status: 409, details: [{ path: 'name' }] });
    expect(await rejection(fx.call('applications.create', { name: 'Other', clientId: 'client-one-id' }))).toMatchObject({ status: 409, details: [{ path: 'clientId' }] });
  });
});

describe('invalid input → 400 VALIDATION_FAILED with details', () => {
  it('a policy config failing its schema names the field', async () => {
    const api = await newApi();
    const error = await rejection(
      fx.call('policies.add', { apiId: api.id, policyRef: 'rate-limiting-flex', config: { rateLimits: [{ maximumRequests: -1, timePeriodInMilliseconds: 1000 }] } }),
    );
    expect(error).toMatchObject({ code: 'VALIDATION_FAILED', status: 400 });
    expect(error.details).toEqual([{ path: 'config.rateLimits[0].maximumRequests', message: expect.stringMatching(/>0|positive|greater/i) }]);
    expect(await fx.call('policies.list', { apiId: api.id })).toEqual([]);
  });

  it('an unknown policy suggests the right name', async () => {
    const api = await newApi();
    const error = await rejection(fx.call('policies.add', { apiId: api.id, policyRef: 'rate-limiting', config: {} }));
    expect(error.details?.[0]?.path).toBe('policyRef');
    expect(error.details?.[0]?.message).toMatch(/unknown policy "rate-limiting"; did you mean rate-limiting-flex/);
  });

  it('unknown fields in a policy config are named', async () => {
    const api = await newApi();
    const error = await rejection(fx.call('policies.add', { apiId: api.id, policyRef: 'cors-flex', config: { origins: ['*'] } }));
    expect(error.details).toEqual([{ path: 'config.origins', message: 'unknown field' }]);
  });

  it('a patch with a bad config changes nothing', async () => {
    const api = await newApi();
    const binding = await fx.call('policies.add', { apiId: api.id, policyRef: 'response-timeout-flex', config: { timeout: 5 } });
    const error = await rejection(fx.call('policies.update', { apiId: api.id, policyId: binding.id, config: { timeout: 'soon' }, order: 1 }));
    expect(error.details?.[0]?.path).toBe('config.timeout');
    expect(await fx.call('policies.list', { apiId: api.id })).toEqual([binding]);
  });

  it('references in a body that do not exist name the field', async () => {
    const api = await newApi();
    expect(await rejection(fx.call('apis.create', { name: 'X', implementationUrl: fx.upstream.url, gatewayId: 'gw_nope' }))).toMatchObject({
      status: 400,
      details: [{ path: 'gatewayId' }],
    });
    const error = await rejection(fx.call('contracts.create', { applicationId: 'app_nope', apiId: 'api_nope' }));
    expect(error.details?.map((d) => d.path)).toEqual(['applicationId', 'apiId']);
    expect(await rejection(fx.call('slaTiers.create', { apiId: 'api_nope', name: 'x', limits: [{ maximumRequests: 1, timePeriodInMilliseconds: 1 }] }))).toMatchObject({
      status: 400,
      details: [{ path: 'apiId' }],
    });
    const other = await newApi('Other', '/other');
    const tier = await fx.call('slaTiers.create', { apiId: other.id, name: 'T', limits: [{ maximumRequests: 1, timePeriodInMilliseconds: 1 }] });
    const app = await fx.call('applications.create', { name: 'A' });
    expect(await rejection(fx.call('contracts.create', { applicationId: app.id, apiId: api.id, tierId: tier.id }))).toMatchObject({
      status: 400,
      details: [{ path: 'tierId', message: 'tier "T" belongs to another API' }],
    });
    expect(await fx.call('contracts.list', {})).toEqual([]);
  });

  it('alert rules need a scope that exists and fits the kind', async () => {
    const api = await newApi();
    expect((await rejection(fx.call('alertRules.create', { name: 'r', kind: 'request-count' }))).details?.[0]?.path).toBe('apiId');
    expect((await rejection(fx.call('alertRules.create', { name: 'r', kind: 'gateway-down' }))).details?.[0]?.path).toBe('gatewayId');
    expect((await rejection(fx.call('alertRules.create', { name: 'r', kind: 'response-codes', apiId: api.id }))).details?.[0]?.path).toBe('codes');
    expect((await rejection(fx.call('alertRules.create', { name: 'r', kind: 'request-count', apiId: 'api_nope' }))).details?.[0]?.path).toBe('apiId');
    const rule = await fx.call('alertRules.create', { name: '5xx', kind: 'response-codes', apiId: api.id, codes: ['5xx'], threshold: 3 });
    expect(rule).toMatchObject({ kind: 'response-codes', codes: ['5xx'], threshold: 3, comparator: 'gt', windowSeconds: 60, periods: 1, severity: 'warning', enabled: true, state: 'ok' });
    expect((await fx.call('alertRules.update', { id: rule.id, enabled: false, threshold: 5 })).threshold).toBe(5);
    expect(await rejection(fx.call('alertRules.update', { id: rule.id, codes: [] as never }))).toMatchObject({ status: 400 });
  });
});

describe('applications, contracts and the rest', () => {
  it('shows the secret once: create and regenerate return it, reads never do', async () => {
    const created = await fx.call('applications.create', { name: 'Mobile' });
    expect(created.clientSecret).toBeTruthy();
    const listed = await fx.call('applications.list', {});
    expect(JSON.stringify(listed)).not.toContain(created.clientSecret);
    expect(Object.keys(listed[0]!).sort()).toEqual(['clientId', 'createdAt', 'id', 'name']);
    const regenerated = await fx.call('applications.regenerateSecret', { id: created.id });
    expect(regenerated.clientSecret).not.toBe(created.clientSecret);
    expect(regenerated.clientId).toBe(created.clientId);
  });

  it('reorders policies: the given sequence becomes the run order', async () => {
    const api = await newApi();
    const a = await fx.call('policies.add', { apiId: api.id, policyRef: 'cors-flex', config: {} });
    const b = await fx.call('policies.add', { apiId: api.id, policyRef: 'header-injection-flex', config: {} });
    const c = await fx.call('policies.add', { apiId: api.id, policyRef: 'ip-allowlist-flex', config: { ips: ['127.0.0.1'] } });
    const reordered = await fx.call('policies.reorder', { apiId: api.id, order: [c.id, a.id, b.id] });
    expect(reordered.map((p) => p.id)).toEqual([c.id, a.id, b.id]);
    expect((await fx.call('policies.list', { apiId: api.id })).map((p) => p.id)).toEqual([c.id, a.id, b.id]);
    const error = await rejection(fx.call('policies.reorder', { apiId: api.id, order: [a.id, 'pol_x'] }));
    expect(error.details?.map((d) => d.message)).toEqual([
      '"pol_x" is not a policy of this API',
      // in the current run order: c, then b
      expect.stringContaining(`missing "${c.id}" (ip-allowlist-flex)`),
      expect.stringContaining(`missing "${b.id}" (header-injection-flex)`),
    ]);
  });

  it('returns the config with defaults filled in', async () => {
    const api = await newApi();
    const binding = await fx.call('policies.add', { apiId: api.id, policyRef: 'rate-limiting-flex', config: { rateLimits: [{ maximumRequests: 3, timePeriodInMilliseconds: 1000 }] } });
    expect(binding.config).toMatchObject({ rateLimits: [{ maximumRequests: 3, timePeriodInMilliseconds: 1000 }], exposeHeaders: false });
    expect(binding).toMatchObject({ order: 50, enabled: true, policyRef: 'rate-limiting-flex', apiId: api.id });
  });

  it('lists the catalogue with JSON schemas, settings with defaults, system info', async () => {
    const catalogue = await fx.call('catalogue.list', {});
    const rate = catalogue.find((entry) => entry.name === 'rate-limiting-flex')!;
    expect(rate.configSchema).toMatchObject({ type: 'object' });
    expect(JSON.stringify(rate.configSchema)).toContain('maximumRequests');
    expect((await fx.call('settings.get', {})).retention.requestLogEntries).toBe(10_000);
    const updated = await fx.call('settings.update', { theme: 'dark', retention: { minuteBucketsDays: 7 } });
    expect(updated).toMatchObject({ theme: 'dark', retention: { minuteBucketsDays: 7, requestLogEntries: 10_000 } });
    expect((await fx.call('settings.get', {})).theme).toBe('dark');
    expect(await fx.call('system.info', {})).toMatchObject({ dataDir: fx.dataDir, gatewayPort: fx.gatewayPort, platform: process.platform });
  });

  it('counts requests through the gateway exactly in metrics and traffic', async () => {
    const api = await newApi('Counted', '/counted');
    const { request } = await import('../testing/net');
    for (let i = 0; i < 7; i++) await request(`${fx.gatewayUrl}/counted/${i}`);
    const metrics = await fx.call('metrics.get', { apiId: api.id, window: 60 });
    expect(metrics.requests).toBe(7);
    expect(metrics.status['2xx']).toBe(7);
    const traffic = await fx.call('traffic.list', { apiId: api.id, limit: 10 });
    expect(traffic.map((entry) => entry.path)).toEqual([6, 5, 4, 3, 2, 1, 0].map((i) => `/counted/${i}`));
  });
});
