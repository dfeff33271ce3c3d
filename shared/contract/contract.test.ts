import { describe, expect, it } from 'vitest';
import {
  API_PREFIX,
  buildHttpRequest,
  compileRoutes,
  contractEvents,
  contractMethods,
  ContractError,
  createClient,
  inputShape,
  matchRoute,
  methodNames,
  parseInput,
  pathParams,
  toErrorBody,
  type ContractHandlers,
  type ContractMethods,
  type EventName,
  type EventPayload,
  type MethodInput,
  type MethodName,
  type MethodOutput,
  type Transport,
} from './index';

// ---- type-level checks: these lines fail `tsc --noEmit` when the contract goes wrong --------

type PathParamsOf<P extends string> = P extends `${string}{${infer K}}${infer R}` ? K | PathParamsOf<R> : never;
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type Expect<T extends true> = T;

/** Every `{param}` of every route is a field of that method's input. */
type MissingParams = {
  [M in MethodName]: Exclude<PathParamsOf<ContractMethods[M]['http']['path']>, keyof MethodInput<M>>;
}[MethodName];
export type ParamsArePresent = Expect<Equal<MissingParams, never>>;
// The checker itself can fail: a made-up route with an unknown placeholder is caught.
export type CheckerWorks = Expect<Equal<Exclude<PathParamsOf<'/apis/{apiId}/x/{nope}'>, 'apiId'>, 'nope'>>;

// Inputs and outputs carry the field names scripts rely on.
export type ApiCreateInput = Expect<Equal<keyof MethodInput<'apis.create'>, 'name' | 'version' | 'type' | 'implementationUrl' | 'basePath' | 'gatewayId' | 'enabled' | 'description'>>;
export type ApiOutputHasFields = Expect<
  Equal<Pick<MethodOutput<'apis.get'>, 'id' | 'name' | 'version' | 'type' | 'implementationUrl' | 'basePath' | 'gatewayId' | 'enabled'>, {
    id: string;
    name: string;
    version: string;
    type: 'http';
    implementationUrl: string;
    basePath: string;
    gatewayId: string;
    enabled: boolean;
  }>
>;
export type RemoveReturnsVoid = Expect<Equal<MethodOutput<'apis.remove'>, void>>;
export type SecretOnlyOnCreate = Expect<Equal<'clientSecret' extends keyof MethodOutput<'applications.list'>[number] ? true : false, false>>;
export type SecretOnCreate = Expect<Equal<MethodOutput<'applications.create'>['clientSecret'], string>>;
export type TickPayload = Expect<Equal<keyof EventPayload<'traffic.tick'>, 't' | 'apis'>>;
export type HandlerGetsParsed = Expect<Equal<Parameters<ContractHandlers['apis.create']>[0]['basePath'], string>>;

// ---- runtime checks ----------------------------------------------------------------------

describe('route table', () => {
  const routes = compileRoutes();

  it('has no two methods on the same verb and path shape', () => {
    const keys = routes.map((r) => `${r.method} ${r.path.replace(/\{[^}]+\}/g, '{}')}`);
    const duplicates = keys.filter((key, i) => keys.indexOf(key) !== i);
    expect(duplicates).toEqual([]);
  });

  it('names every {param} as a field of the input schema', () => {
    const missing = methodNames.flatMap((name) => {
      const shape = inputShape(contractMethods[name].input);
      return pathParams(contractMethods[name].http.path)
        .filter((param) => !(param in shape))
        .map((param) => `${name}: ${param}`);
    });
    expect(missing).toEqual([]);
  });

  it('gives every method an object input schema (path + query + body merge into one)', () => {
    const notObjects = methodNames.filter((name) => Object.keys(inputShape(contractMethods[name].input)).length === 0 && contractMethods[name].input.safeParse({}).success === false);
    expect(notObjects).toEqual([]);
  });

  it('serves the routes issue 3 and issue 7 promise to scripts', () => {
    const table = new Set(routes.map((r) => `${r.method} ${r.path.replace(/\{[^}]+\}/g, '{}')}`));
    const promised = [
      'GET /apis', 'POST /apis', 'GET /apis/{}', 'PATCH /apis/{}', 'DELETE /apis/{}',
      'GET /apis/{}/policies', 'POST /apis/{}/policies', 'PATCH /apis/{}/policies/{}', 'DELETE /apis/{}/policies/{}',
      'GET /gateways', 'POST /gateways', 'GET /gateways/{}', 'PATCH /gateways/{}', 'DELETE /gateways/{}',
      'GET /applications', 'POST /applications', 'GET /sla-tiers', 'POST /sla-tiers',
      'GET /contracts', 'POST /contracts', 'PATCH /contracts/{}',
      'GET /alert-rules', 'POST /alert-rules', 'PATCH /alert-rules/{}', 'DELETE /alert-rules/{}', 'GET /alert-events',
      'GET /apis/{}/metrics', 'GET /traffic', 'GET /config', 'PUT /config',
    ];
    expect(promised.filter((route) => !table.has(route))).toEqual([]);
  });

  it('answers 201 for creates and 204 for deletes', () => {
    for (const route of routes) {
      if (route.method === 'DELETE') expect(route.status, route.name).toBe(204);
      if (/\.(create|add)$/.test(route.name)) expect(route.status, route.name).toBe(201);
    }
  });

  it('reaches every method from the request its client would build', () => {
    for (const name of methodNames) {
      const params = Object.fromEntries(pathParams(contractMethods[name].http.path).map((p) => [p, `x-${p}`]));
      const built = buildHttpRequest(name, params);
      const url = new URL(built.url, 'http://127.0.0.1');
      const match = matchRoute(routes, built.method, url.pathname.slice(API_PREFIX.length));
      expect(match.kind === 'match' && match.route.name, name).toBe(name);
      if (match.kind === 'match') expect(match.params).toEqual(params);
    }
  });

  it('prefers literal segments and reports 405 for a known path with another verb', () => {
    const order = matchRoute(routes, 'PUT', '/apis/a1/policies/order');
    expect(order.kind === 'match' && order.route.name).toBe('policies.reorder');
    const binding = matchRoute(routes, 'PATCH', '/apis/a1/policies/order');
    expect(binding.kind === 'match' && binding.params).toEqual({ apiId: 'a1', policyId: 'order' });
    expect(matchRoute(routes, 'PUT', '/apis/a1')).toEqual({ kind: 'method-not-allowed', allowed: ['GET', 'PATCH', 'DELETE'] });
    expect(matchRoute(routes, 'GET', '/nope')).toEqual({ kind: 'none' });
  });

  it('builds query strings for GET and JSON bodies otherwise', () => {
    expect(buildHttpRequest('traffic.list', { apiId: 'a b', limit: 5 }).url).toBe('/api/v1/traffic?apiId=a+b&limit=5');
    expect(buildHttpRequest('metrics.get', { apiId: 'a/1', window: 60 }).url).toBe('/api/v1/apis/a%2F1/metrics?window=60');
    expect(buildHttpRequest('apis.update', { id: 'a1', enabled: false })).toEqual({ method: 'PATCH', url: '/api/v1/apis/a1', body: '{"enabled":false}', contentType: 'application/json' });
    expect(buildHttpRequest('config.import', { yaml: 'kind: X' })).toEqual({ method: 'PUT', url: '/api/v1/config', body: 'kind: X', contentType: 'application/yaml' });
    expect(() => buildHttpRequest('apis.get', {})).toThrow(/"id" is required/);
  });
});

describe('input schemas', () => {
  it('fills API defaults and derives the base path from the name', () => {
    const api = parseInput('apis.create', { name: 'My Orders API', implementationUrl: 'http://127.0.0.1:3000/' });
    expect(api).toMatchObject({ name: 'My Orders API', version: 'v1', type: 'http', basePath: '/my-orders-api', enabled: true });
    expect(api.gatewayId).toBeUndefined();
    expect(parseInput('apis.create', { name: 'x', implementationUrl: 'https://a.test', basePath: '/orders/' }).basePath).toBe('/orders');
  });

  it('names every bad field, including unknown ones', () => {
    let caught: unknown;
    try {
      parseInput('apis.create', { name: '', implementationUrl: 'ftp://x', basePath: 'no-slash', colour: 'red' });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ContractError);
    const error = caught as ContractError;
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.status).toBe(400);
    expect(error.details!.map((d) => d.path).sort()).toEqual(['basePath', 'colour', 'implementationUrl', 'name']);
    expect(error.details!.find((d) => d.path === 'implementationUrl')!.message).toMatch(/http or https/);
  });

  it('reports nested paths for policy rules and tier limits', () => {
    expect(() => parseInput('slaTiers.create', { apiId: 'a', name: 'Gold', limits: [{ maximumRequests: 0, timePeriodInMilliseconds: 1000 }] })).toThrow(ContractError);
    try {
      parseInput('slaTiers.create', { apiId: 'a', name: 'Gold', limits: [{ maximumRequests: 0, timePeriodInMilliseconds: 1000 }] });
    } catch (error) {
      expect((error as ContractError).details![0]!.path).toBe('limits[0].maximumRequests');
    }
  });

  it('keeps patches partial and strict', () => {
    expect(parseInput('apis.update', { id: 'a1', enabled: false })).toEqual({ id: 'a1', enabled: false });
    expect(() => parseInput('apis.update', { id: 'a1', createdAt: 1 })).toThrow(/createdAt/);
  });
});

describe('errors', () => {
  it('maps thrown values to envelopes without leaking internals', () => {
    expect(toErrorBody(ContractError.notFound('API', 'x1'))).toEqual({ body: { code: 'NOT_FOUND', message: 'API "x1" does not exist' }, status: 404 });
    expect(toErrorBody(Object.assign(new Error('name taken'), { code: 'CONFLICT' })).status).toBe(409);
    expect(toErrorBody(Object.assign(new Error("ENOENT: no such file '/home/me/secret'"), { code: 'ENOENT' }))).toEqual({ body: { code: 'INTERNAL_ERROR', message: 'internal error' }, status: 500 });
    expect(toErrorBody(new TypeError('x is undefined')).status).toBe(500);
  });
});

describe('client', () => {
  function memoryTransport(answer: (method: MethodName, input: unknown) => unknown) {
    const listeners = new Map<string, Set<(payload: unknown) => void>>();
    const calls: [MethodName, unknown][] = [];
    const transport: Transport = {
      async invoke(method, input) {
        calls.push([method, input]);
        return answer(method, input);
      },
      subscribe(event, listener) {
        const set = listeners.get(event) ?? new Set();
        listeners.set(event, set);
        set.add(listener as (payload: unknown) => void);
        return () => set.delete(listener as (payload: unknown) => void);
      },
    };
    const emit = <E extends EventName>(event: E, payload: EventPayload<E>) => listeners.get(event)?.forEach((l) => l(payload));
    return { transport, calls, emit };
  }

  it('has one function per method, grouped by namespace', async () => {
    const { transport, calls } = memoryTransport((method) => (method === 'apis.list' ? [] : { ok: method }));
    const client = createClient(transport);
    await expect(client.apis.list()).resolves.toEqual([]);
    await client.policies.reorder({ apiId: 'a1', order: ['p2', 'p1'] });
    await client.call('gateways.start', { id: 'g1' });
    expect(calls).toEqual([
      ['apis.list', {}],
      ['policies.reorder', { apiId: 'a1', order: ['p2', 'p1'] }],
      ['gateways.start', { id: 'g1' }],
    ]);
    for (const name of methodNames) {
      const [namespace, verb] = name.split('.') as [keyof typeof client, string];
      expect(typeof (client[namespace] as unknown as Record<string, unknown>)[verb], name).toBe('function');
    }
  });

  it('turns error envelopes and transport failures into ContractError', async () => {
    const { transport } = memoryTransport((method) => {
      if (method === 'apis.get') return { error: { code: 'NOT_FOUND', message: 'API "x" does not exist' } };
      throw new Error('connect ECONNREFUSED');
    });
    const client = createClient(transport);
    await expect(client.apis.get({ id: 'x' })).rejects.toMatchObject({ name: 'ContractError', code: 'NOT_FOUND', status: 404 });
    await expect(client.gateways.list()).rejects.toMatchObject({ code: 'UNAVAILABLE', status: 503, message: /ECONNREFUSED/ });
  });

  it('delivers typed events and unsubscribes', () => {
    const { transport, emit } = memoryTransport(() => null);
    const client = createClient(transport);
    const seen: string[] = [];
    const off = client.on('resource.changed', (change) => seen.push(`${change.kind}:${change.action}`));
    emit('resource.changed', { kind: 'api', id: 'a1', action: 'created' });
    off();
    emit('resource.changed', { kind: 'api', id: 'a1', action: 'removed' });
    expect(seen).toEqual(['api:created']);
    expect(Object.keys(contractEvents)).toEqual(expect.arrayContaining(['snapshot.applied', 'traffic.tick', 'traffic.request', 'alert.fired', 'alert.resolved', 'gateway.status', 'resource.changed']));
  });
});

describe('dispatch (the IPC side)', () => {
  it('answers outputs, or error envelopes for bad input, unknown methods and failures', async () => {
    const { dispatch } = await import('./dispatch');
    const internal: string[] = [];
    const handlers: Partial<ContractHandlers> = {
      'applications.list': async () => [{ id: 'a', name: 'n', clientId: 'c', createdAt: 1, secretHash: 'x' }] as never,
      'apis.get': async ({ id }) => {
        throw ContractError.notFound('API', id);
      },
      'gateways.list': async () => {
        throw new Error('disk on fire at /var/lib/x');
      },
    };
    const options = { onInternalError: (method: string) => internal.push(method) };
    const context = { transport: 'ipc' as const };
    expect(await dispatch(handlers, 'applications.list', {}, context, options)).toEqual([{ id: 'a', name: 'n', clientId: 'c', createdAt: 1 }]);
    expect(await dispatch(handlers, 'apis.get', { id: 'x' }, context, options)).toEqual({ error: { code: 'NOT_FOUND', message: 'API "x" does not exist' } });
    expect(await dispatch(handlers, 'apis.get', {}, context, options)).toMatchObject({ error: { code: 'VALIDATION_FAILED', details: [{ path: 'id' }] } });
    expect(await dispatch(handlers, 'apis.nope', {}, context, options)).toEqual({ error: { code: 'NOT_FOUND', message: 'unknown method "apis.nope"' } });
    expect(await dispatch(handlers, 'gateways.list', {}, context, options)).toEqual({ error: { code: 'INTERNAL_ERROR', message: 'internal error' } });
    expect(await dispatch(handlers, 'system.info', {}, context, options)).toEqual({ error: { code: 'NOT_IMPLEMENTED', message: 'system.info is not implemented yet' } });
    expect(internal).toEqual(['gateways.list', 'system.info']);
  });
});
