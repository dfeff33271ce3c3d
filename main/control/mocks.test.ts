/**
 * Mocks in the app, through the real control plane, its SQLite file and the embedded gateway:
 * OpenAPI kept with the API answers with no upstream; the record switch stores responses,
 * replayed byte for byte with the upstream stopped; export/import of recordings; fallback when
 * the upstream is down; bad settings name their field; everything survives a restart.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { request, startServer, type TestServer } from '../testing/net';
import { rejection, startControlFixture, type ControlFixture } from './testing/control-fixture';

const openapi = JSON.stringify({
  openapi: '3.0.3',
  info: { title: 'Users', version: '1' },
  paths: {
    '/users/{id}': { get: { responses: { '200': { description: 'one', content: { 'application/json': { example: { id: 1, name: 'Leanne' } } } } } } },
    '/users': { get: { responses: { '200': { description: 'list', content: { 'application/json': { schema: { type: 'array', items: { type: 'object', properties: { id: { type: 'integer' } } } } } } } } } },
  },
});

describe('mocks through the control plane', () => {
  let fx: ControlFixture;
  let upstream: TestServer;
  let upstreamUp = true;

  beforeEach(async () => {
    fx = await startControlFixture();
    upstreamUp = true;
    upstream = await startServer((req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'set-cookie': 'sid=secret' });
      res.end(JSON.stringify({ live: true, url: req.url, at: Math.random() }));
    });
  });
  afterEach(async () => {
    if (upstreamUp) await upstream.close();
    await fx.close();
  });

  it('answers from the kept OpenAPI document with no upstream running, and keeps it across a restart', async () => {
    const api = await fx.call('apis.create', { name: 'Users', implementationUrl: 'http://127.0.0.1:9/', basePath: '/users-api' });
    const refused = await rejection(fx.call('mocks.update', { apiId: api.id, mode: 'only', source: 'openapi' }));
    expect(refused.details?.[0]).toMatchObject({ path: 'source' });
    const kept = await fx.call('mocks.putOpenApi', { apiId: api.id, document: openapi });
    expect(kept.openApi?.operations).toBe(2);
    await fx.call('mocks.update', { apiId: api.id, mode: 'only', source: 'openapi' });
    const res = await request(`${fx.gatewayUrl}/users-api/users/5`);
    expect(res.status).toBe(200);
    expect(res.headers['x-gatehouse-source']).toBe('mock');
    expect(res.json()).toEqual({ id: 1, name: 'Leanne' });
    await fx.restart();
    expect((await request(`${fx.gatewayUrl}/users-api/users`)).json()).toEqual([{ id: 1 }]);
  });

  it('records with the switch on, exports and imports the recording, replays it byte for byte with the upstream stopped', async () => {
    const api = await fx.call('apis.create', { name: 'Live', implementationUrl: upstream.url, basePath: '/live' });
    const on = await fx.call('mocks.update', { apiId: api.id, recordInto: 'morning' });
    expect(on.recordingInto).toBeDefined();
    const first = await request(`${fx.gatewayUrl}/live/posts?userId=3&_limit=2`);
    expect(first.headers['x-gatehouse-source']).toBe('upstream');
    let recordings = await fx.call('recordings.list', { apiId: api.id });
    for (let i = 0; i < 100 && recordings[0]?.exchanges !== 1; i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      recordings = await fx.call('recordings.list', { apiId: api.id });
    }
    expect(recordings).toMatchObject([{ name: 'morning', exchanges: 1 }]);
    await fx.call('mocks.update', { apiId: api.id, recordInto: null });

    const file = await fx.call('recordings.export', { apiId: api.id, recordingId: recordings[0]!.id });
    expect(file.format).toBe('gatehouse-recording/v1');
    expect(file.exchanges[0]).toMatchObject({ method: 'GET', path: '/posts', query: 'userId=3&_limit=2', status: 200 });
    expect(file.exchanges[0]!.headers['set-cookie']).toBeUndefined();
    const imported = await fx.call('recordings.import', { apiId: api.id, file: { ...file, name: 'copy' } });
    expect(imported.exchanges).toBe(1);

    const missing = await rejection(fx.call('mocks.update', { apiId: api.id, mode: 'only', source: 'recording' }));
    expect(missing.details?.[0]).toMatchObject({ path: 'recordingId' });
    await fx.call('mocks.update', { apiId: api.id, mode: 'only', source: 'recording', recordingId: imported.id });
    await upstream.close();
    upstreamUp = false;
    const replayed = await request(`${fx.gatewayUrl}/live/posts?_limit=2&userId=3`);
    expect(replayed.status).toBe(200);
    expect(replayed.headers['x-gatehouse-source']).toBe('mock');
    expect(replayed.body).toBe(first.body);
    const inUse = await rejection(fx.call('recordings.remove', { apiId: api.id, recordingId: imported.id }));
    expect(inUse.status).toBe(409);
  });

  it('keeps mock settings and recordings across an import that changes something (merge and sync), and still replays', async () => {
    const api = await fx.call('apis.create', { name: 'Live', implementationUrl: upstream.url, basePath: '/live' });
    await fx.call('mocks.update', { apiId: api.id, recordInto: 'morning' });
    const first = await request(`${fx.gatewayUrl}/live/orders/1`);
    let recordings = await fx.call('recordings.list', { apiId: api.id });
    for (let i = 0; i < 100 && recordings[0]?.exchanges !== 1; i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      recordings = await fx.call('recordings.list', { apiId: api.id });
    }
    const routes = [{ method: 'GET' as const, path: '/hand/{id}', status: 200, headers: {}, body: { hand: true } }];
    await fx.call('mocks.update', { apiId: api.id, recordInto: null, mode: 'only', source: 'recording', recordingId: recordings[0]!.id, routes });
    const settings = await fx.call('mocks.get', { apiId: api.id });
    const exported = await fx.call('config.export', {});
    await upstream.close();
    upstreamUp = false;

    // Merge: a file with another API only. Sync: the export, with an API it lacks added first.
    const other = `apiVersion: gateway.mulesoft.com/v1alpha1
kind: ApiInstance
metadata:
  name: other
spec:
  address: http://127.0.0.1:8081/other/
  services:
    upstream:
      address: http://127.0.0.1:9/
`;
    expect((await fx.call('config.import', { yaml: other, mode: 'merge' })).applied).toBe(true);
    await fx.call('apis.create', { name: 'Gone', implementationUrl: 'http://127.0.0.1:9/', basePath: '/gone' });
    expect((await fx.call('config.import', { yaml: exported, mode: 'sync' })).applied).toBe(true);
    expect((await fx.call('apis.list', {})).map((a: { name: string }) => a.name)).toEqual(['Live']);

    expect(await fx.call('mocks.get', { apiId: api.id })).toEqual(settings);
    expect(await fx.call('recordings.list', { apiId: api.id })).toEqual(recordings);
    const replayed = await request(`${fx.gatewayUrl}/live/orders/1`);
    expect(replayed.headers['x-gatehouse-source']).toBe('mock');
    expect(replayed.body).toBe(first.body);
  });

  it('falls back to hand-written routes when the upstream is down, and uses the upstream when it is up', async () => {
    const api = await fx.call('apis.create', { name: 'Flaky', implementationUrl: upstream.url, basePath: '/flaky' });
    await fx.call('mocks.update', { apiId: api.id, mode: 'fallback', source: 'routes', routes: [{ method: 'GET', path: '/things/{id}', status: 200, headers: { 'x-mocked': '1' }, body: { id: 'mocked' } }] });
    const live = await request(`${fx.gatewayUrl}/flaky/things/1`);
    expect(live.headers['x-gatehouse-source']).toBe('upstream');
    expect(live.json().live).toBe(true);
    await upstream.close();
    upstreamUp = false;
    const down = await request(`${fx.gatewayUrl}/flaky/things/1`);
    expect(down.headers['x-gatehouse-source']).toBe('mock');
    expect(down.headers['x-mocked']).toBe('1');
    expect(down.json()).toEqual({ id: 'mocked' });
  });

  it('refuses a bad route and a bad OpenAPI document naming the field', async () => {
    const api = await fx.call('apis.create', { name: 'Bad', implementationUrl: upstream.url, basePath: '/bad' });
    const route = await rejection(fx.call('mocks.update', { apiId: api.id, routes: [{ method: 'GET', path: 'no-slash', status: 200 }] }));
    expect(route.details?.[0]?.path).toBe('routes[0].path');
    const doc = await rejection(fx.call('mocks.putOpenApi', { apiId: api.id, document: 'swagger: "2.0"\npaths: {}\n' }));
    expect(doc.details?.[0]).toMatchObject({ path: 'document' });
    expect((await fx.call('mocks.get', { apiId: api.id })).mode).toBe('off');
  });
});
