/** Saved requests in a real SQLite file: save replaces by name, rename, delete, cascade with the API, and a sync refill keeps them. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EMBEDDED_GATEWAY_ID } from './gateways';
import { Store } from './store';

let dataDir: string;
let store: Store;
beforeEach(() => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'gatehouse-saved-'));
  store = Store.open(dataDir);
  store.ensureEmbeddedGateway(18081);
});
afterEach(() => {
  store.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const newApi = (name = 'pets', basePath = '/pets') => store.apis.insert({ name, implementationUrl: 'http://127.0.0.1:3000/', basePath, gatewayId: EMBEDDED_GATEWAY_ID });

describe('saved requests', () => {
  it('saves, replaces the one of the same name (same id), lists by name, renames and deletes; kept across a reopen', () => {
    const api = newApi();
    const one = store.savedRequests.save(api.id, 'One pet', { method: 'GET', path: '/pets/1', headers: { accept: 'application/json' }, operation: 'GET /pets/{petId}' });
    const add = store.savedRequests.save(api.id, 'add a pet', { method: 'POST', path: '/pets', headers: {}, body: '{"name":"Rex"}' });
    const again = store.savedRequests.save(api.id, 'One pet', { method: 'GET', path: '/pets/2', headers: {} });
    expect(again.id).toBe(one.id);
    expect(again).toMatchObject({ path: '/pets/2', headers: {} });
    expect(again.operation).toBeUndefined();
    expect(store.savedRequests.list(api.id).map((r) => r.name)).toEqual(['add a pet', 'One pet']);
    expect(store.savedRequests.rename(add.id, 'Add Rex')).toMatchObject({ name: 'Add Rex', body: '{"name":"Rex"}' });

    store.close();
    store = Store.open(dataDir);
    expect(store.savedRequests.list(api.id).map((r) => [r.name, r.method, r.path])).toEqual([
      ['Add Rex', 'POST', '/pets'],
      ['One pet', 'GET', '/pets/2'],
    ]);
    expect(store.savedRequests.delete(one.id)).toBe(true);
    expect(store.savedRequests.delete(one.id)).toBe(false);
    expect(store.savedRequests.list(api.id)).toHaveLength(1);
  });

  it('goes with its API, and the same name may be used by another API', () => {
    const pets = newApi();
    const users = newApi('users', '/users');
    store.savedRequests.save(pets.id, 'list', { method: 'GET', path: '/', headers: {} });
    store.savedRequests.save(users.id, 'list', { method: 'GET', path: '/', headers: {} });
    store.apis.delete(pets.id);
    expect(store.savedRequests.list(pets.id)).toEqual([]);
    expect(store.savedRequests.list(users.id)).toHaveLength(1);
  });

  it('come back with an API a sync refill re-creates with the same id, and not with one it drops', () => {
    const kept = newApi();
    const dropped = newApi('old', '/old');
    store.savedRequests.save(kept.id, 'list', { method: 'GET', path: '/', headers: { 'x-a': '1' } });
    store.savedRequests.save(dropped.id, 'list', { method: 'GET', path: '/', headers: {} });
    store.transaction(() => {
      store.clearResources();
      store.ensureEmbeddedGateway(18081);
      store.apis.insert({ id: kept.id, name: 'pets', implementationUrl: 'http://127.0.0.1:3000/', basePath: '/pets', gatewayId: EMBEDDED_GATEWAY_ID });
    });
    expect(store.savedRequests.list(kept.id)).toMatchObject([{ name: 'list', headers: { 'x-a': '1' } }]);
    expect(store.savedRequests.list(dropped.id)).toEqual([]);
  });
});
