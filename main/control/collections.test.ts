/**
 * Collections through the real control plane and its SQLite file: the kept OpenAPI document's
 * operations, saved requests (save, replace by name, rename, remove), bad input naming its
 * field, and saved requests going with their API but surviving a restart and a sync import.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { rejection, startControlFixture, type ControlFixture } from './testing/control-fixture';

const openapi = `
openapi: 3.0.3
info: { title: Users, version: '1' }
tags:
  - name: users
paths:
  /users/{id}:
    get:
      tags: [users]
      summary: One user
      parameters:
        - { name: id, in: path, schema: { type: integer } }
        - { name: verbose, in: query, schema: { type: boolean } }
      responses: { '200': { description: ok } }
  /users:
    post:
      tags: [users]
      requestBody:
        content:
          application/json:
            example: { name: Leanne }
      responses: { '201': { description: created } }
`;

describe('collections through the control plane', () => {
  let fx: ControlFixture;
  beforeEach(async () => {
    fx = await startControlFixture();
  });
  afterEach(() => fx.close());

  it("lists the kept document's operations with parameters and a body, and nothing when none is kept", async () => {
    const api = await fx.call('apis.create', { name: 'Users', implementationUrl: fx.upstream.url, basePath: '/users-api' });
    expect(await fx.call('collections.operations', { apiId: api.id })).toEqual({ apiId: api.id, tags: [], operations: [] });
    await fx.call('mocks.putOpenApi', { apiId: api.id, document: openapi });
    const listed = await fx.call('collections.operations', { apiId: api.id });
    expect(listed.title).toBe('Users');
    expect(listed.tags).toEqual([{ name: 'users' }]);
    expect(listed.operations.map((op) => op.key)).toEqual(['GET /users/{id}', 'POST /users']);
    expect(listed.operations[0]!.parameters.map((p) => [p.in, p.name, p.required, p.type])).toEqual([
      ['path', 'id', true, 'integer'],
      ['query', 'verbose', false, 'boolean'],
    ]);
    expect(JSON.parse(listed.operations[1]!.body!.example)).toEqual({ name: 'Leanne' });
    expect((await rejection(fx.call('collections.operations', { apiId: 'api_missing' }))).status).toBe(404);
  });

  it('saves, replaces by name, renames and removes; a clash or bad input names the field', async () => {
    const api = await fx.call('apis.create', { name: 'Users', implementationUrl: fx.upstream.url, basePath: '/users-api' });
    const saved = await fx.call('savedRequests.save', { apiId: api.id, name: ' User 5 ', method: 'get', path: '/users/5?verbose=true', headers: { accept: 'application/json' }, operation: 'GET /users/{id}' });
    expect(saved).toMatchObject({ apiId: api.id, name: 'User 5', method: 'GET', path: '/users/5?verbose=true', headers: { accept: 'application/json' }, operation: 'GET /users/{id}' });
    const other = await fx.call('savedRequests.save', { apiId: api.id, name: 'Create', method: 'POST', path: '/users', headers: {}, body: '{"name":"Leanne"}' });
    const replaced = await fx.call('savedRequests.save', { apiId: api.id, name: 'User 5', method: 'GET', path: '/users/5', headers: {} });
    expect(replaced.id).toBe(saved.id);
    expect((await fx.call('savedRequests.list', { apiId: api.id })).map((r) => [r.name, r.path])).toEqual([
      ['Create', '/users'],
      ['User 5', '/users/5'],
    ]);

    const clash = await rejection(fx.call('savedRequests.rename', { apiId: api.id, requestId: other.id, name: 'User 5' }));
    expect(clash.status).toBe(409);
    expect(clash.details?.[0]?.path).toBe('name');
    expect(await fx.call('savedRequests.rename', { apiId: api.id, requestId: other.id, name: 'Create Leanne' })).toMatchObject({ name: 'Create Leanne', body: '{"name":"Leanne"}' });

    const bad = await rejection(fx.call('savedRequests.save', { apiId: api.id, name: '', method: 'BREW', path: 'users', headers: { 'x-a': 'one\r\ntwo' } }));
    expect(bad.status).toBe(400);
    expect(bad.details?.map((d) => d.path).sort()).toEqual(['headers.x-a', 'method', 'name', 'path']);
    expect((await rejection(fx.call('savedRequests.save', { apiId: 'api_missing', name: 'x', method: 'GET', path: '/', headers: {} }))).status).toBe(404);

    await fx.call('savedRequests.remove', { apiId: api.id, requestId: saved.id });
    expect((await rejection(fx.call('savedRequests.remove', { apiId: api.id, requestId: saved.id }))).status).toBe(404);
    expect((await fx.call('savedRequests.list', { apiId: api.id })).map((r) => r.name)).toEqual(['Create Leanne']);
  });

  it('keeps saved requests and the OpenAPI document across a restart and a sync import of the exported setup; deleting the API deletes them', async () => {
    const api = await fx.call('apis.create', { name: 'Users', implementationUrl: fx.upstream.url, basePath: '/users-api' });
    await fx.call('mocks.putOpenApi', { apiId: api.id, document: openapi });
    await fx.call('savedRequests.save', { apiId: api.id, name: 'All', method: 'GET', path: '/users', headers: {} });
    await fx.restart();
    const yaml = await fx.call('config.export', {});
    // An API the file lacks, so the sync import does change something (it clears and refills).
    await fx.call('apis.create', { name: 'Gone', implementationUrl: fx.upstream.url, basePath: '/gone' });
    expect((await fx.call('config.import', { yaml, mode: 'sync' })).applied).toBe(true);
    expect((await fx.call('savedRequests.list', { apiId: api.id })).map((r) => r.name)).toEqual(['All']);
    expect((await fx.call('collections.operations', { apiId: api.id })).operations).toHaveLength(2);
    await fx.call('apis.remove', { id: api.id });
    expect(fx.plane.store.savedRequests.list(api.id)).toEqual([]);
  });
});
