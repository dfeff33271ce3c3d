import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../testing/net';
import { Store } from '../store/store';
import { rejection, startControlFixture, type ControlFixture } from './testing/control-fixture';
import { TRY_BODY_LIMIT } from './try-send';

// Try it goes through the real embedded gateway over a loopback socket and returns the policy
// trace of that very request.
let fx: ControlFixture;
let big: TestServer;
beforeAll(async () => {
  fx = await startControlFixture();
  big = await startServer((req, res) => {
    if (req.url === '/binary') {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      res.end(Buffer.from([0, 255, 1, 254]));
      return;
    }
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end('x'.repeat(300 * 1024));
  });
});
afterAll(async () => {
  await big.close();
  await fx.close();
});

describe('try.send', () => {
  it('returns status, headers, body, timing and the trace of the policies that ran', async () => {
    const api = await fx.call('apis.create', { name: 'Echo', implementationUrl: fx.upstream.url, basePath: '/echo' });
    const limit = await fx.call('policies.add', { apiId: api.id, policyRef: 'rate-limiting-flex', config: { rateLimits: [{ maximumRequests: 1, timePeriodInMilliseconds: 60_000 }] } });
    await fx.call('policies.add', { apiId: api.id, policyRef: 'header-injection-flex', config: { inboundHeaders: [{ key: 'x-injected', value: 'yes' }] } });

    const first = await fx.call('try.send', { apiId: api.id, method: 'post', path: '/items?q=1', headers: { 'X-Test': 'hello' }, body: '{"a":1}' });
    expect(first).toMatchObject({ url: `http://127.0.0.1:${fx.gatewayPort}/echo/items?q=1`, status: 200, source: 'upstream', bodyEncoding: 'utf8', truncated: false });
    const echoed = JSON.parse(first.body);
    expect(echoed).toMatchObject({ method: 'POST', url: '/items?q=1', body: '{"a":1}', headers: { 'x-test': 'hello', 'x-injected': 'yes' } });
    // Try it's marker finds the request's trace but is not part of what the upstream gets.
    expect(echoed.headers).not.toHaveProperty('x-gatehouse-try-id');
    expect(first.headers['x-upstream']).toBe('echo');
    expect(first.timing.totalMs).toBeGreaterThan(0);
    expect(first.requestId).toMatch(/\S/);
    expect(first.trace.map((entry) => [entry.policy, entry.verdict])).toEqual([
      ['rate-limiting-flex', 'allow'],
      ['header-injection-flex', 'modify'],
    ]);
    expect(first.trace[0]!.bindingId).toBe(limit.id);

    const second = await fx.call('try.send', { apiId: api.id, path: '/items' });
    expect(second).toMatchObject({ status: 429, source: 'gateway' });
    expect(second.trace).toEqual([expect.objectContaining({ policy: 'rate-limiting-flex', verdict: 'deny', status: 429 })]);
    expect(JSON.parse(second.body).error.code).toBeTruthy();
    // The same request is in the traffic log under the same id.
    const [logged] = await fx.call('traffic.list', { apiId: api.id, limit: 1 });
    expect(logged!.id).toBe(second.requestId);
  });

  it("sends an application's credentials when it was created in this session, redacted in the traffic log", async () => {
    const api = await fx.call('apis.create', { name: 'Secured', implementationUrl: fx.upstream.url, basePath: '/secured' });
    await fx.call('policies.add', { apiId: api.id, policyRef: 'client-id-enforcement-flex', config: {} });
    const app = await fx.call('applications.create', { name: 'Tryer' });
    await fx.call('contracts.create', { applicationId: app.id, apiId: api.id });
    expect((await fx.call('try.send', { apiId: api.id, path: '/' })).status).toBe(401);
    const allowed = await fx.call('try.send', { apiId: api.id, path: '/', applicationId: app.id });
    expect(allowed.status).toBe(200);
    expect(allowed.trace).toEqual([expect.objectContaining({ policy: 'client-id-enforcement-flex', verdict: 'allow' })]);
    const [logged] = await fx.call('traffic.list', { apiId: api.id, limit: 1 });
    expect(logged!.clientId).toBe(app.clientId);
    expect(logged!.requestHeaders?.authorization).toBe('[redacted]');
    expect(JSON.stringify(logged)).not.toContain(app.clientSecret);
    // Try it's internal marker is not part of the request the user composed.
    expect(logged!.requestHeaders).not.toHaveProperty('x-gatehouse-try-id');

    // An application from elsewhere: only its hash is known, so Try it says what to do.
    const other = Store.open(fx.dataDir, { migrate: false });
    const { application } = other.applications.create({ name: 'From elsewhere' });
    other.close();
    const error = await rejection(fx.call('try.send', { apiId: api.id, path: '/', applicationId: application.id }));
    expect(error).toMatchObject({ status: 400, details: [{ path: 'applicationId', message: expect.stringMatching(/regenerate it/) }] });
  });

  it('cuts bodies at 256 KiB with a flag and sends binary bodies as base64', async () => {
    const api = await fx.call('apis.create', { name: 'Big', implementationUrl: big.url, basePath: '/big' });
    const result = await fx.call('try.send', { apiId: api.id, path: '/' });
    expect(result.status).toBe(200);
    expect(result.body.length).toBe(TRY_BODY_LIMIT);
    expect(result.truncated).toBe(true);
    const binary = await fx.call('try.send', { apiId: api.id, path: '/binary' });
    expect(binary).toMatchObject({ bodyEncoding: 'base64', body: Buffer.from([0, 255, 1, 254]).toString('base64') });
  });

  it('says why when the gateway is stopped, and names an unknown API', async () => {
    const api = await fx.call('apis.create', { name: 'Stopped', implementationUrl: fx.upstream.url, basePath: '/stopped' });
    await fx.call('gateways.stop', { id: 'gw_embedded' });
    try {
      const error = await rejection(fx.call('try.send', { apiId: api.id, path: '/' }));
      expect(error).toMatchObject({ code: 'UNAVAILABLE', status: 503, message: expect.stringMatching(/stopped/) });
    } finally {
      await fx.call('gateways.start', { id: 'gw_embedded' });
    }
    expect(await rejection(fx.call('try.send', { apiId: 'api_nope', path: '/' }))).toMatchObject({ status: 400, details: [{ path: 'apiId' }] });
  });
});

describe('try.send target', () => {
  it('upstream goes straight to the implementationUrl without the policies; gateway applies them', async () => {
    const api = await fx.call('apis.create', { name: 'Compared', implementationUrl: fx.upstream.url, basePath: '/compared' });
    await fx.call('policies.add', { apiId: api.id, policyRef: 'header-injection-flex', config: { inboundHeaders: [{ key: 'x-injected', value: 'yes' }] } });
    const request = { apiId: api.id, method: 'put', path: '/items/7?verbose=1', headers: { 'X-Test': 'hello' }, body: '{"a":1}' };

    const viaGateway = await fx.call('try.send', { ...request, target: 'gateway' });
    const direct = await fx.call('try.send', { ...request, target: 'upstream' });

    expect(viaGateway.url).toBe(`http://127.0.0.1:${fx.gatewayPort}/compared/items/7?verbose=1`);
    expect(direct.url).toBe(`${fx.upstream.url.replace(/\/+$/, '')}/items/7?verbose=1`);
    expect(direct).toMatchObject({ status: 200, source: 'upstream', trace: [] });
    expect(direct.requestId).toBeUndefined();
    const seenViaGateway = JSON.parse(viaGateway.body);
    const seenDirect = JSON.parse(direct.body);
    // Same request either way; only the gateway's policy added its header.
    expect(seenDirect).toMatchObject({ method: 'PUT', url: '/items/7?verbose=1', body: '{"a":1}', headers: { 'x-test': 'hello' } });
    expect(seenDirect.headers).not.toHaveProperty('x-injected');
    expect(seenViaGateway).toMatchObject({ method: 'PUT', url: '/items/7?verbose=1', body: '{"a":1}', headers: { 'x-test': 'hello', 'x-injected': 'yes' } });
    expect(viaGateway.trace).toEqual([expect.objectContaining({ policy: 'header-injection-flex', verdict: 'modify' })]);
    // A direct send bypasses the gateway, so it is not in the gateway's traffic log.
    const logged = await fx.call('traffic.list', { apiId: api.id, limit: 10 });
    expect(logged.map((entry) => entry.id)).toEqual([viaGateway.requestId]);
  });

  it('upstream target says which upstream could not be reached, and is bounded like the gateway target', async () => {
    const gone = await startServer((_req, res) => res.end());
    const goneUrl = gone.url;
    await gone.close();
    const api = await fx.call('apis.create', { name: 'Gone', implementationUrl: goneUrl, basePath: '/gone' });
    const error = await rejection(fx.call('try.send', { apiId: api.id, path: '/', target: 'upstream' }));
    expect(error).toMatchObject({ code: 'UNAVAILABLE', message: expect.stringContaining(goneUrl) });

    const bigApi = await fx.call('apis.create', { name: 'Big direct', implementationUrl: big.url, basePath: '/big-direct' });
    const result = await fx.call('try.send', { apiId: bigApi.id, path: '/', target: 'upstream' });
    expect(result.body.length).toBe(TRY_BODY_LIMIT);
    expect(result.truncated).toBe(true);
  });

  it('names the field when the target is neither gateway nor upstream, or when upstream comes with gateway-only fields', async () => {
    const api = await fx.call('apis.create', { name: 'Odd target', implementationUrl: fx.upstream.url, basePath: '/odd' });
    const error = await rejection(fx.call('try.send', { apiId: api.id, path: '/', target: 'mars' as never }));
    expect(error).toMatchObject({ status: 400, details: [expect.objectContaining({ path: 'target' })] });
    // A dry run and an application's credentials are the gateway's business: refused, not ignored.
    const app = await fx.call('applications.create', { name: 'Direct' });
    const gatewayOnly = await rejection(fx.call('try.send', { apiId: api.id, path: '/', target: 'upstream', dryRun: true, applicationId: app.id }));
    expect(gatewayOnly).toMatchObject({ status: 400, details: [expect.objectContaining({ path: 'dryRun' }), expect.objectContaining({ path: 'applicationId' })] });
  });
});

describe('try.send dry run', () => {
  it('runs the policies and answers from the gateway without calling the upstream', async () => {
    let calls = 0;
    const counted = await startServer((_req, res) => {
      calls++;
      res.end('from upstream');
    });
    try {
      const api = await fx.call('apis.create', { name: 'Dry', implementationUrl: counted.url, basePath: '/dry' });
      await fx.call('policies.add', { apiId: api.id, policyRef: 'rate-limiting-flex', config: { rateLimits: [{ maximumRequests: 1, timePeriodInMilliseconds: 60_000 }] } });
      const dry = await fx.call('try.send', { apiId: api.id, path: '/x', dryRun: true });
      expect(dry.status).toBe(200);
      expect(JSON.parse(dry.body)).toMatchObject({ dryRun: true });
      expect(dry.trace).toEqual([expect.objectContaining({ policy: 'rate-limiting-flex', verdict: 'allow' })]);
      expect(calls).toBe(0);
      // The dry run counted like a real request: the next one is over the limit.
      const next = await fx.call('try.send', { apiId: api.id, path: '/x', dryRun: true });
      expect(next.status).toBe(429);
      expect(calls).toBe(0);
    } finally {
      await counted.close();
    }
  });

  it('a client that sends the dry-run header without the token reaches the upstream, and the header is not forwarded', async () => {
    const api = await fx.call('apis.create', { name: 'Forged', implementationUrl: fx.upstream.url, basePath: '/forged' });
    const sent = await fx.call('try.send', { apiId: api.id, path: '/x', headers: { 'x-gatehouse-dry-run': 'guess' } });
    expect(sent.status).toBe(200);
    const echoed = JSON.parse(sent.body);
    expect(echoed.method).toBe('GET');
    expect(echoed.headers).not.toHaveProperty('x-gatehouse-dry-run');
  });
});
