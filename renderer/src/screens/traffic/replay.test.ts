import { describe, expect, it } from 'vitest';
import type { Api } from '../../../../shared/contract/models';
import type { TrafficEntry } from '../../../../shared/contract/telemetry-models';
import { pathBelowBase, replayRequest } from './replay';

describe('replay', () => {
  it('takes the path below the base path', () => {
    expect(pathBelowBase('/orders/items/1?x=2', '/orders')).toBe('/items/1?x=2');
    expect(pathBelowBase('/orders', '/orders')).toBe('/');
    expect(pathBelowBase('/orders?x=1', '/orders')).toBe('/?x=1');
    expect(pathBelowBase('/ordersfoo', '/orders')).toBe('/ordersfoo');
    expect(pathBelowBase('/a/b', '/')).toBe('/a/b');
  });

  it('keeps what the caller sent and drops what the connection or a previous try set', () => {
    const api = { id: 'api_1', basePath: '/orders' } as Api;
    const entry = {
      method: 'POST',
      path: '/orders/items',
      requestHeaders: { host: '127.0.0.1:8081', 'content-length': '12', connection: 'keep-alive', authorization: 'Basic abc', 'x-gatehouse-try-id': 'old', accept: 'application/json' },
    } as unknown as TrafficEntry;
    expect(replayRequest(entry, api)).toEqual({ apiId: 'api_1', method: 'POST', path: '/items', headers: { authorization: 'Basic abc', accept: 'application/json' } });
  });

  it('sends the query string and the kept body again (the log stores the query apart from the path)', () => {
    const api = { id: 'api_1', basePath: '/jsonplaceholder' } as Api;
    const entry = { method: 'POST', path: '/jsonplaceholder/posts', query: 'userId=3&_limit=2', requestHeaders: { 'content-type': 'application/json' } } as unknown as TrafficEntry;
    expect(replayRequest(entry, api, '{"title":"x"}')).toEqual({ apiId: 'api_1', method: 'POST', path: '/posts?userId=3&_limit=2', headers: { 'content-type': 'application/json' }, body: '{"title":"x"}' });
  });
});
