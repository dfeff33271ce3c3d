import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request, startEchoUpstream, startServer, type TestServer } from '../testing/net';
import { startGateway, type StartedGateway } from './testing';

describe('routing', () => {
  let users: TestServer;
  let admin: TestServer;
  let root: TestServer;
  let gateway: StartedGateway;

  beforeAll(async () => {
    users = await startEchoUpstream();
    admin = await startServer((_req, res) => res.end('admin'));
    root = await startServer((_req, res) => res.end('root'));
    gateway = await startGateway([
      { name: 'users', basePath: '/users', upstream: `${users.url}/svc/` },
      { name: 'users-admin', basePath: '/users-admin', upstream: admin.url },
      { name: 'off', basePath: '/off', upstream: admin.url, enabled: false },
      {
        name: 'multi',
        basePath: '/multi',
        services: [
          { name: 'a', url: users.url },
          { name: 'b', url: `${admin.url}/` },
        ],
        routes: [
          { service: 'b', destinationPath: '/', rules: [{ path: '/admin/.*' }] },
          { service: 'a', destinationPath: '/v2/', rules: [{ methods: ['GET'] }] },
        ],
      },
    ]);
  });

  afterAll(async () => {
    await gateway.close();
    await Promise.all([users.close(), admin.close(), root.close()]);
  });

  it('forwards by base path, rewriting the path onto the service path and keeping the query', async () => {
    const res = await request(gateway.url('/users/42?expand=posts&x=1'));
    expect(res.status).toBe(200);
    expect(res.headers['x-gatehouse-source']).toBe('upstream');
    expect(res.json().url).toBe('/svc/42?expand=posts&x=1');
  });

  it('sends the bare base path to the service path without a double slash', async () => {
    expect((await request(gateway.url('/users'))).json().url).toBe('/svc');
    expect((await request(gateway.url('/users/'))).json().url).toBe('/svc/');
  });

  it('does not let /users match /users-admin: each goes to its own API', async () => {
    const res = await request(gateway.url('/users-admin/x'));
    expect(res.body).toBe('admin');
    const other = await request(gateway.url('/usersfoo'));
    expect(other.status).toBe(404);
  });

  it('answers 404 NO_ROUTE as JSON from the gateway when no API matches', async () => {
    const res = await request(gateway.url('/nothing/here'));
    expect(res.status).toBe(404);
    expect(res.headers['x-gatehouse-source']).toBe('gateway');
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.json().error.code).toBe('NO_ROUTE');
    expect(res.body).not.toContain('127.0.0.1');
  });

  it('answers 503 API_DISABLED for a disabled API', async () => {
    const res = await request(gateway.url('/off/x'));
    expect(res.status).toBe(503);
    expect(res.json().error).toMatchObject({ code: 'API_DISABLED' });
    expect(res.json().error.message).toContain('off');
  });

  it('picks the first matching route, with its own destination path; no match is a 404', async () => {
    expect((await request(gateway.url('/multi/admin/1'))).body).toBe('admin');
    expect((await request(gateway.url('/multi/things/1'))).json().url).toBe('/v2/things/1');
    const none = await request(gateway.url('/multi/things/1'), { method: 'DELETE' });
    expect(none.status).toBe(404);
    expect(none.json().error.code).toBe('NO_ROUTE');
  });

  it('a root API (/) catches everything that no longer prefix claims', async () => {
    await gateway.apply([
      { name: 'users', basePath: '/users', upstream: users.url },
      { name: 'root', basePath: '/', upstream: root.url },
    ]);
    expect((await request(gateway.url('/anything/else'))).body).toBe('root');
    expect((await request(gateway.url('/users/1'))).json().url).toBe('/1');
  });

  it('rejects dot segments that would climb out of the service path', async () => {
    const res = await rawPath(gateway.port, '/users/../admin');
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body).error.code).toBe('BAD_REQUEST');
    expect((await rawPath(gateway.port, '/users/%2e%2e/admin')).status).toBe(400);
    expect((await rawPath(gateway.port, '/users/a..b/.well')).status).toBe(200);
  });
});

/** A request whose path is sent exactly as written (URL parsing would resolve the dots). */
function rawPath(port: number, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path, agent: false }, (res) => {
        let body = '';
        res.on('data', (chunk) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      })
      .on('error', reject);
  });
}
