/**
 * A mock's answer is logged as answered by the mock (not by the gateway), through the real
 * control plane, its embedded gateway and request log: the Traffic filter "Answered by: mock"
 * finds it, "gateway" does not, and Try it says who answered.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { request } from '../testing/net';
import { startControlFixture, type ControlFixture } from './testing/control-fixture';

describe('traffic source of mock answers', () => {
  let fx: ControlFixture;
  beforeEach(async () => {
    fx = await startControlFixture();
  });
  afterEach(() => fx.close());

  it('logs a mock answer with source mock, apart from gateway-made and upstream answers', async () => {
    const api = await fx.call('apis.create', { name: 'Half mocked', implementationUrl: fx.upstream.url, basePath: '/half' });
    await fx.call('mocks.update', { apiId: api.id, mode: 'fallback', source: 'routes', routes: [{ method: 'GET', path: '/things/{id}', status: 200, headers: {}, body: { id: 'mocked' } }] });
    const mocked = await fx.call('apis.create', { name: 'Mocked', implementationUrl: 'http://127.0.0.1:9/', basePath: '/mocked' });
    await fx.call('mocks.update', { apiId: mocked.id, mode: 'only', source: 'routes', routes: [{ method: 'GET', path: '/things/{id}', status: 200, headers: {}, body: { id: 'mocked' } }] });

    const fromMock = await request(`${fx.gatewayUrl}/mocked/things/1`);
    expect(fromMock.headers['x-gatehouse-source']).toBe('mock');
    expect((await request(`${fx.gatewayUrl}/half/things/1`)).headers['x-gatehouse-source']).toBe('upstream');
    expect((await request(`${fx.gatewayUrl}/nowhere`)).headers['x-gatehouse-source']).toBe('gateway');

    let logged = await fx.call('traffic.list', { limit: 10 });
    for (let i = 0; i < 100 && logged.length < 3; i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      logged = await fx.call('traffic.list', { limit: 10 });
    }
    expect(logged.map((entry) => [entry.path, entry.source]).sort()).toEqual([
      ['/half/things/1', 'upstream'],
      ['/mocked/things/1', 'mock'],
      ['/nowhere', 'gateway'],
    ]);
    expect((await fx.call('traffic.list', { source: 'mock', limit: 10 })).map((entry) => entry.path)).toEqual(['/mocked/things/1']);
    expect((await fx.call('traffic.list', { source: 'gateway', limit: 10 })).map((entry) => entry.path)).toEqual(['/nowhere']);

    const tried = await fx.call('try.send', { apiId: mocked.id, method: 'GET', path: '/things/2' });
    expect(tried.source).toBe('mock');
  });
});
