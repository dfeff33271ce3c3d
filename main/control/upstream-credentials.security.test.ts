/**
 * Credentials inside an upstream URL (`http://user:pw@host`) were stored and then silently not
 * sent. Every entry point refuses them, naming the field and pointing at what does send
 * credentials: the admin API (create and update), import, and local-mode YAML (an
 * ApiInstance's inline service and a Service resource).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfigText } from '../config/load';
import { startAdminPlane, type AdminPlane } from '../testing/admin-plane';
import { request } from '../testing/net';

const WITH_CREDENTIALS = 'http://svc-user:upstream-Pa55@127.0.0.1:3000/';
const POINTER = /must not contain a user name or password .*header-injection-flex.*Authorization/;

let admin: AdminPlane;
beforeAll(async () => {
  admin = await startAdminPlane();
});
afterAll(async () => {
  await admin?.close();
});

const apiYaml = (port: number, upstream: string) => `apiVersion: gateway.mulesoft.com/v1alpha1
kind: ApiInstance
metadata:
  name: orders
spec:
  address: http://127.0.0.1:${port}/orders/
  services:
    upstream:
      address: ${upstream}
`;

describe('an upstream URL with credentials', () => {
  it('is refused by the admin API on create and update, naming implementationUrl', async () => {
    const created = await admin.api('POST', '/apis', { name: 'Orders', implementationUrl: WITH_CREDENTIALS, basePath: '/orders' });
    expect(created.status).toBe(400);
    expect(created.body.error.details).toEqual([{ path: 'implementationUrl', message: expect.stringMatching(POINTER) }]);
    expect((await admin.api('GET', '/apis')).body).toEqual([]);

    const api = await admin.api('POST', '/apis', { name: 'Orders', implementationUrl: 'http://127.0.0.1:3000/', basePath: '/orders' });
    expect(api.status).toBe(201);
    const updated = await admin.api('PATCH', `/apis/${api.body.id}`, { implementationUrl: 'https://:only-a-password@example.com/' });
    expect(updated.status).toBe(400);
    expect(updated.body.error.details).toEqual([{ path: 'implementationUrl', message: expect.stringMatching(POINTER) }]);
    expect((await admin.api('GET', `/apis/${api.body.id}`)).body.implementationUrl).toBe('http://127.0.0.1:3000/');
    await admin.api('DELETE', `/apis/${api.body.id}`);
  });

  it('is refused by import, naming the service address, and nothing is imported', async () => {
    const response = await request(`${admin.url}/api/v1/config`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${admin.admin.token}`, 'content-type': 'application/yaml' },
      body: apiYaml(admin.gatewayPort, WITH_CREDENTIALS),
    });
    expect(response.status).toBe(400);
    const error = JSON.parse(response.body).error;
    expect(error.details).toEqual([expect.objectContaining({ path: 'spec.services.upstream.address', line: 9, message: expect.stringMatching(POINTER) })]);
    expect(JSON.stringify(error)).not.toContain('upstream-Pa55');
    expect((await admin.api('GET', '/apis')).body).toEqual([]);
  });

  it('is refused in local-mode YAML, inline or as a Service resource', () => {
    const inline = loadConfigText(apiYaml(8081, WITH_CREDENTIALS), 'conf.d/orders.yaml', { env: {} });
    expect(inline.snapshot).toBeUndefined();
    expect(inline.errors).toEqual([expect.objectContaining({ file: 'conf.d/orders.yaml', line: 9, field: 'spec.services.upstream.address', message: expect.stringMatching(POINTER) })]);

    const service = loadConfigText(
      `apiVersion: gateway.mulesoft.com/v1alpha1
kind: Service
metadata:
  name: backend
spec:
  address: \${BACKEND_URL}
`,
      'service.yaml',
      { env: { BACKEND_URL: WITH_CREDENTIALS } },
    );
    expect(service.errors).toEqual([expect.objectContaining({ field: 'spec.address', message: expect.stringMatching(POINTER) })]);
  });
});
