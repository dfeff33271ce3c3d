/**
 * Environments through the contract (as the UI and the admin API call it), on a real control
 * plane: one file, two environments, two different upstream hosts; secrets stored encrypted and
 * never sent back; a preview (dry run) changes nothing.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { request, startServer, type TestServer } from '../testing/net';
import { rejection, startControlFixture, type ControlFixture } from './testing/control-fixture';

let fx: ControlFixture;
let staging: TestServer;
beforeEach(async () => {
  fx = await startControlFixture();
  staging = await startServer((_req, res) => res.end('answered by staging'));
});
afterEach(async () => {
  await fx.close();
  await staging.close();
});

const file = `apiVersion: gateway.mulesoft.com/v1alpha1
kind: ApiInstance
metadata:
  name: orders
spec:
  address: http://127.0.0.1:\${GATEHOUSE_GATEWAY_PORT:-8081}/orders/
  services:
    upstream:
      address: http://\${ORDERS_HOST}/
`;

describe('environments', () => {
  it('one file, two environments: each import sends the API to its environment\'s upstream host', async () => {
    const laptopHost = new URL(fx.upstream.url).host;
    const stagingHost = new URL(staging.url).host;
    await fx.call('environments.put', { name: 'laptop', variables: [{ name: 'ORDERS_HOST', value: laptopHost }] });
    await fx.call('environments.put', { name: 'staging', variables: [{ name: 'ORDERS_HOST', value: stagingHost }] });

    const preview = await fx.call('config.import', { yaml: file, mode: 'merge', dryRun: true, environment: 'staging' });
    expect(preview).toMatchObject({ applied: false, changes: [{ action: 'add', kind: 'ApiInstance', name: 'orders' }] });
    expect(await fx.call('apis.list', {})).toEqual([]);

    await fx.call('config.import', { yaml: file, mode: 'merge', environment: 'laptop' });
    expect((await fx.call('apis.list', {}))[0]!.implementationUrl).toBe(`http://${laptopHost}/`);

    const moved = await fx.call('config.import', { yaml: file, mode: 'merge', environment: 'staging' });
    expect(moved.changes).toEqual([{ action: 'change', kind: 'ApiInstance', name: 'orders', fields: ['implementationUrl'] }]);
    const [api] = await fx.call('apis.list', {});
    expect(api!.implementationUrl).toBe(`http://${stagingHost}/`);
    // The embedded gateway (on this instance's port, whatever the file's default) forwards to staging.
    const answered = await request(`${fx.gatewayUrl}/orders/ping`);
    expect(answered.status).toBe(200);
    expect(answered.body).toBe('answered by staging');
  });

  it('secret variables are stored encrypted, never returned, kept when sent without a value', async () => {
    const hook = 'http://127.0.0.1:9/hooks/very-secret-token-123';
    const saved = await fx.call('environments.put', { name: 'staging', variables: [{ name: 'HOOK', value: hook, secret: true }, { name: 'PORT', value: '9000' }] });
    expect(saved.variables).toEqual([
      { name: 'HOOK', secret: true },
      { name: 'PORT', value: '9000', secret: false },
    ]);
    expect(JSON.stringify(await fx.call('environments.list', {}))).not.toContain('very-secret-token');
    const database = readFileSync(path.join(fx.dataDir, 'gatehouse.sqlite'));
    expect(database.includes(Buffer.from('very-secret-token'))).toBe(false);

    // Edit without resending the secret: it stays.
    await fx.call('environments.put', { name: 'staging', variables: [{ name: 'HOOK', secret: true }, { name: 'PORT', value: '9001' }] });
    const rule = `apiVersion: gatehouse.dev/v1
kind: AlertRule
metadata:
  name: down
spec:
  kind: gateway-down
  gateway: embedded
  webhookUrl: \${HOOK}
`;
    await fx.call('config.import', { yaml: rule, mode: 'merge', environment: 'staging' });
    const [stored] = await fx.call('alertRules.list', {});
    expect(stored).toBeDefined();

    const missing = await rejection(fx.call('environments.put', { name: 'other', variables: [{ name: 'HOOK', secret: true }] }));
    expect(missing.details).toEqual([{ path: 'variables[0].value', message: expect.stringMatching(/^required/) }]);
    const unknown = await rejection(fx.call('config.import', { yaml: file, mode: 'merge', environment: 'nope' }));
    expect(unknown.details).toEqual([{ path: 'environment', message: 'no environment named "nope" (there are: staging)' }]);
    await fx.call('environments.remove', { name: 'staging' });
    expect(await fx.call('environments.list', {})).toEqual([]);
  });
});
