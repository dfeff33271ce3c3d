import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ContractError } from '../../shared/contract/errors';
import { contractMethods, methodNames, type ContractHandlers, type MethodInput, type MethodName } from '../../shared/contract/methods';
import { buildHttpRequest } from '../../shared/contract/routes';
import type { Api } from '../../shared/contract/models';
import { startTestAdmin, type TestAdmin } from './test-support';

/** A valid input for every method: adding a method without a sample fails type-checking. */
const samples: { [M in MethodName]: MethodInput<M> } = {
  'apis.list': {},
  'apis.get': { id: 'a1' },
  'apis.create': { name: 'Orders', implementationUrl: 'http://127.0.0.1:3000/' },
  'apis.update': { id: 'a1', enabled: false },
  'apis.remove': { id: 'a1' },
  'policies.list': { apiId: 'a1' },
  'policies.add': { apiId: 'a1', policyRef: 'rate-limiting-flex' },
  'policies.update': { apiId: 'a1', policyId: 'p1', order: 10 },
  'policies.remove': { apiId: 'a1', policyId: 'p1' },
  'policies.reorder': { apiId: 'a1', order: ['p2', 'p1'] },
  'catalogue.list': {},
  'customPolicies.list': {},
  'customPolicies.add': { path: '/home/dev/policies/add-header.ts' },
  'customPolicies.reload': { id: 'cpol_1' },
  'customPolicies.remove': { id: 'cpol_1' },
  'gateways.list': {},
  'gateways.get': { id: 'g1' },
  'gateways.create': { name: 'edge', kind: 'docker', port: 9000 },
  'gateways.update': { id: 'g1', desiredReplicas: 2 },
  'gateways.remove': { id: 'g1' },
  'gateways.start': { id: 'g1' },
  'gateways.stop': { id: 'g1' },
  'gateways.logs': { id: 'g1', index: 1, tail: 50 },
  'gateways.rotateToken': { id: 'g1' },
  'gateways.revokeToken': { id: 'g1' },
  'gateways.orphans': {},
  'gateways.cleanupOrphans': { includeForeign: true },
  'applications.list': {},
  'applications.get': { id: 'app1' },
  'applications.create': { name: 'Mobile' },
  'applications.update': { id: 'app1', name: 'Mobile 2' },
  'applications.remove': { id: 'app1' },
  'applications.regenerateSecret': { id: 'app1' },
  'slaTiers.list': { apiId: 'a1' },
  'slaTiers.create': { apiId: 'a1', name: 'Gold', limits: [{ maximumRequests: 10, timePeriodInMilliseconds: 1000 }] },
  'slaTiers.update': { id: 't1', status: 'deprecated' },
  'slaTiers.remove': { id: 't1' },
  'contracts.list': { apiId: 'a1' },
  'contracts.create': { applicationId: 'app1', apiId: 'a1' },
  'contracts.update': { id: 'c1', status: 'revoked' },
  'alertRules.list': {},
  'alertRules.create': { name: 'down', kind: 'upstream-down', apiId: 'a1' },
  'alertRules.update': { id: 'r1', enabled: false },
  'alertRules.remove': { id: 'r1' },
  'alertEvents.list': { ruleId: 'r1', limit: 5 },
  'metrics.get': { apiId: 'a1', window: 60 },
  'traffic.list': { apiId: 'a1', limit: 5, statusClass: '4xx' },
  'traffic.bodies': { id: 'r1' },
  'traffic.pause': {},
  'traffic.resume': {},
  'config.export': {},
  'config.import': { yaml: 'apiVersion: gatehouse.dev/v1\nkind: Gateway\n', mode: 'merge', dryRun: true, environment: 'staging' },
  'environments.list': {},
  'environments.put': { name: 'staging', variables: [{ name: 'HOST', value: 'h' }] },
  'environments.remove': { name: 'staging' },
  'try.send': { apiId: 'a1', method: 'get', path: '/posts' },
  'tokens.listKeys': { apiId: 'a1' },
  'tokens.generateKey': { apiId: 'a1', alg: 'ES256' },
  'tokens.removeKey': { apiId: 'a1', kid: 'es256-1' },
  'tokens.jwks': { apiId: 'a1' },
  'tokens.useKeyInPolicy': { apiId: 'a1', policyId: 'p1', kid: 'es256-1' },
  'tokens.mint': { apiId: 'a1', claims: { sub: 'alice' }, expiresInSeconds: 600 },
  'tokens.inspect': { apiId: 'a1', token: 'a.b.c' },
  'mocks.get': { apiId: 'a1' },
  'mocks.update': { apiId: 'a1', mode: 'only', source: 'routes', routes: [{ method: 'GET', path: '/users/{id}', status: 200, headers: {}, body: { id: 1 } }] },
  'mocks.putOpenApi': { apiId: 'a1', document: 'openapi: 3.0.3' },
  'recordings.list': { apiId: 'a1' },
  'recordings.export': { apiId: 'a1', recordingId: 'rec_1' },
  'recordings.import': { apiId: 'a1', file: { format: 'gatehouse-recording/v1', name: 'morning', exchanges: [] } },
  'recordings.remove': { apiId: 'a1', recordingId: 'rec_1' },
  'collections.operations': { apiId: 'a1' },
  'savedRequests.list': { apiId: 'a1' },
  'savedRequests.save': { apiId: 'a1', name: 'One user', method: 'get', path: '/users/1?verbose=true', headers: { accept: 'application/json' } },
  'savedRequests.rename': { apiId: 'a1', requestId: 'req_1', name: 'First user' },
  'savedRequests.remove': { apiId: 'a1', requestId: 'req_1' },
  'breakpoints.get': {},
  'breakpoints.set': { rules: [{ method: 'POST', path: '^/orders', header: { name: 'x-debug' }, response: true }], timeoutMs: 60_000 },
  'breakpoints.paused': { id: 'r1' },
  'breakpoints.resume': { id: 'r1', headers: [['x-team', 'blue']], body: '{}' },
  'breakpoints.respond': { id: 'r1', status: 418, body: 'teapot' },
  'breakpoints.drop': { id: 'r1' },
  'settings.get': {},
  'settings.update': { theme: 'dark' },
  'system.info': {},
  'demo.start': {},
};

describe('every contract method over HTTP', () => {
  const reached: { name: MethodName; input: unknown }[] = [];
  let admin: TestAdmin;

  beforeAll(async () => {
    // Each handler reports what it got and answers 418, so a 418 proves the route reached it.
    const handlers = Object.fromEntries(
      methodNames.map((name) => [
        name,
        async (input: unknown) => {
          reached.push({ name, input });
          throw new ContractError('REACHED', name, { status: 418 });
        },
      ]),
    ) as unknown as ContractHandlers;
    admin = await startTestAdmin(handlers);
  });
  afterAll(() => admin.close());

  it('routes each method to its handler with the merged, parsed input', async () => {
    for (const name of methodNames) {
      const built = buildHttpRequest(name, samples[name] as Record<string, unknown>);
      const response = await admin.call(built.method, built.url.slice(0), { body: built.body, headers: built.contentType ? { 'content-type': built.contentType } : {} });
      expect(response.status, `${name} → ${response.body}`).toBe(418);
      expect(response.json().error.message).toBe(name);
    }
    expect(reached.map((r) => r.name)).toEqual(methodNames);
    const byName = new Map(reached.map((r) => [r.name, r.input]));
    // Defaults filled and transforms applied before the handler runs; numbers from the query coerced.
    expect(byName.get('apis.create')).toMatchObject({ version: 'v1', basePath: '/orders', enabled: true, type: 'http' });
    expect(byName.get('metrics.get')).toEqual({ apiId: 'a1', window: 60 });
    expect(byName.get('traffic.list')).toMatchObject({ apiId: 'a1', limit: 5, statusClass: '4xx' });
    expect(byName.get('policies.update')).toEqual({ apiId: 'a1', policyId: 'p1', order: 10 });
    expect(byName.get('try.send')).toMatchObject({ method: 'GET', path: '/posts', headers: {}, dryRun: false });
    // The document is the body; mode, dryRun and environment travel in the query.
    expect(byName.get('config.import')).toEqual({ yaml: samples['config.import'].yaml, mode: 'merge', dryRun: true, environment: 'staging' });
    expect(contractMethods['config.import'].http.body).toBe('yaml');
  });

  it('answers an unknown route and a wrong verb with JSON errors', async () => {
    const unknown = await admin.call('GET', '/api/v1/nothing-here');
    expect(unknown.status).toBe(404);
    expect(unknown.headers['content-type']).toMatch(/application\/json/);
    expect(unknown.json()).toEqual({ error: { code: 'NOT_FOUND', message: 'no route GET /api/v1/nothing-here' } });
    const wrongVerb = await admin.call('PUT', '/api/v1/apis/a1', { body: {} });
    expect(wrongVerb.status).toBe(405);
    expect(wrongVerb.headers.allow).toBe('GET, PATCH, DELETE');
    expect((await admin.call('GET', '/api/v2/apis')).status).toBe(404);
  });
});

describe('validation, errors and status codes', () => {
  const apis = new Map<string, Api>();
  let admin: TestAdmin;
  let seq = 0;

  beforeAll(async () => {
    const handlers: Partial<ContractHandlers> = {
      'apis.list': async () => [...apis.values()],
      'apis.get': async ({ id }) => {
        const api = apis.get(id);
        if (!api) throw ContractError.notFound('API', id);
        return api;
      },
      'apis.create': async (input) => {
        if ([...apis.values()].some((a) => a.basePath === input.basePath)) throw ContractError.conflict(`base path ${input.basePath} is taken`);
        const api: Api = { ...input, id: `a${++seq}`, gatewayId: input.gatewayId ?? 'embedded', createdAt: 1, updatedAt: 1 };
        apis.set(api.id, api);
        return api;
      },
      'apis.remove': async ({ id }) => {
        if (!apis.delete(id)) throw ContractError.notFound('API', id);
      },
      'config.export': async () => 'apiVersion: gatehouse.dev/v1\nkind: Gateway\n',
      'config.import': async ({ yaml, mode }) => ({ imported: { Gateway: yaml.split('kind:').length - 1 }, warnings: [], mode, changes: [], applied: true }),
      // Returns a field the contract does not have: it must not reach the client.
      'applications.list': async () => [{ id: 'x', name: 'n', clientId: 'c', createdAt: 1, secretHash: 'scrypt$…' }] as never,
      // Breaks the contract: a plain 500, no stack trace, no internals.
      'gateways.list': async () => [{ id: 1 }] as never,
      'settings.get': async () => {
        throw new TypeError("Cannot read properties of undefined (reading 'theme') at /home/me/src/settings.ts:12");
      },
    };
    admin = await startTestAdmin(handlers, { logError: () => {} });
  });
  afterAll(() => admin.close());

  it('creates with 201, reads with 200, deletes with 204', async () => {
    const created = await admin.call('POST', '/api/v1/apis', { body: { name: 'Orders', implementationUrl: 'http://127.0.0.1:3000' } });
    expect(created.status).toBe(201);
    const api = created.json<Api>();
    expect(api).toMatchObject({ name: 'Orders', version: 'v1', basePath: '/orders', gatewayId: 'embedded', enabled: true });
    expect((await admin.call('GET', `/api/v1/apis/${api.id}`)).json()).toEqual(api);
    const removed = await admin.call('DELETE', `/api/v1/apis/${api.id}`);
    expect(removed.status).toBe(204);
    expect(removed.body).toBe('');
    const gone = await admin.call('GET', `/api/v1/apis/${api.id}`);
    expect(gone.status).toBe(404);
    expect(gone.json()).toEqual({ error: { code: 'NOT_FOUND', message: `API "${api.id}" does not exist` } });
  });

  it('answers bad input with 400 VALIDATION_FAILED and a detail per field', async () => {
    const response = await admin.call('POST', '/api/v1/apis', { body: { name: '', implementationUrl: 'not a url', basePath: 'x', enabled: 'yes', extra: 1 } });
    expect(response.status).toBe(400);
    const { error } = response.json();
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.details.map((d: { path: string }) => d.path).sort()).toEqual(['basePath', 'enabled', 'extra', 'implementationUrl', 'name']);
    for (const detail of error.details) expect(detail.message).toEqual(expect.any(String));
  });

  it('reports nested paths and bad query values', async () => {
    const tier = await admin.call('POST', '/api/v1/sla-tiers', { body: { apiId: 'a1', name: 'Gold', limits: [{ maximumRequests: -1, timePeriodInMilliseconds: 1000 }] } });
    expect(tier.status).toBe(400);
    expect(tier.json().error.details[0].path).toBe('limits[0].maximumRequests');
    const metrics = await admin.call('GET', '/api/v1/apis/a1/metrics?window=soon');
    expect(metrics.status).toBe(400);
    expect(metrics.json().error.details[0].path).toBe('window');
  });

  it('rejects a body whose id contradicts the URL', async () => {
    const response = await admin.call('PATCH', '/api/v1/apis/a1', { body: { id: 'a2', enabled: true } });
    expect(response.status).toBe(400);
    expect(response.json().error.details).toEqual([{ path: 'id', message: 'the body says "a2" but the URL says "a1"' }]);
  });

  it('maps CONFLICT to 409', async () => {
    await admin.call('POST', '/api/v1/apis', { body: { name: 'Dup', implementationUrl: 'http://127.0.0.1:1' } });
    const again = await admin.call('POST', '/api/v1/apis', { body: { name: 'dup', implementationUrl: 'http://127.0.0.1:1' } });
    expect(again.status).toBe(409);
    expect(again.json().error).toEqual({ code: 'CONFLICT', message: 'base path /dup is taken' });
  });

  it('checks the content type, the JSON and the body size', async () => {
    const wrongType = await admin.call('POST', '/api/v1/apis', { body: 'name=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(wrongType.status).toBe(415);
    expect(wrongType.json().error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    const badJson = await admin.call('POST', '/api/v1/apis', { body: '{"name":' });
    expect(badJson.status).toBe(400);
    expect(badJson.json().error.message).toBe('the body is not valid JSON');
    const array = await admin.call('POST', '/api/v1/apis', { body: '[]' });
    expect(array.json().error.details[0].message).toBe('the body must be a JSON object');
    const big = await admin.call('POST', '/api/v1/apis', { body: JSON.stringify({ name: 'x', description: 'a'.repeat(1024 * 1024) }) });
    expect(big.status).toBe(413);
    expect(big.json().error.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('exchanges YAML text on /config, up to 4 MiB', async () => {
    const exported = await admin.call('GET', '/api/v1/config');
    expect(exported.status).toBe(200);
    expect(exported.headers['content-type']).toBe('application/yaml; charset=utf-8');
    expect(exported.body).toContain('kind: Gateway');
    const yaml = `${'# padding\n'.repeat(200_000)}kind: Gateway\n`; // ~2 MiB: over the JSON limit, under YAML's
    const imported = await admin.call('PUT', '/api/v1/config', { body: yaml, headers: { 'content-type': 'application/yaml' } });
    expect(imported.status, imported.body).toBe(200);
    expect(imported.json()).toEqual({ imported: { Gateway: 1 }, warnings: [], mode: 'sync', changes: [], applied: true });
    const asJson = await admin.call('PUT', '/api/v1/config', { body: { yaml: 'x' } });
    expect(asJson.status).toBe(415);
    const empty = await admin.call('PUT', '/api/v1/config', { body: '', headers: { 'content-type': 'application/yaml' } });
    expect(empty.json().error.details).toEqual([{ path: 'yaml', message: 'the document is empty' }]);
  });

  it('keeps internals out of responses', async () => {
    const apps = await admin.call('GET', '/api/v1/applications');
    expect(apps.json()).toEqual([{ id: 'x', name: 'n', clientId: 'c', createdAt: 1 }]);
    const broken = await admin.call('GET', '/api/v1/gateways');
    expect(broken.status).toBe(500);
    expect(broken.json()).toEqual({ error: { code: 'INTERNAL_ERROR', message: 'internal error' } });
    const thrown = await admin.call('GET', '/api/v1/settings');
    expect(thrown.status).toBe(500);
    expect(thrown.body).not.toContain('/home/me');
  });

  it('answers 501 for a method the control plane does not implement yet', async () => {
    const response = await admin.call('GET', '/api/v1/system');
    expect(response.status).toBe(501);
    expect(response.json().error).toEqual({ code: 'NOT_IMPLEMENTED', message: 'system.info is not implemented yet' });
  });
});
