/**
 * Custom policies on connected replicas: the snapshot a replica pulls carries the bundled code
 * of the custom policies its bindings use (name, version, checksum); the replica (in-process
 * ConnectedGateway against the real control plane and admin server, no esbuild involved)
 * checks the checksum, instantiates the code and follows edits of the file; code that does not
 * match its checksum is refused and reported, and nothing of that snapshot is served.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectedGateway } from '../gateway/connected/connected-gateway';
import { eventually, startAdminPlane, type AdminPlane } from '../testing/admin-plane';
import { freePort, request, startEchoUpstream, type TestServer } from '../testing/net';

const dir = mkdtempSync(path.join(tmpdir(), 'gatehouse-custom-replica-'));
let plane: AdminPlane;
let upstream: TestServer;
const replicas: ConnectedGateway[] = [];

beforeAll(async () => {
  upstream = await startEchoUpstream();
  plane = await startAdminPlane({ docker: { env: { DOCKER_HOST: `tcp://127.0.0.1:${await freePort()}` } } });
}, 60_000);

afterAll(async () => {
  for (const replica of replicas) await replica.stop({ graceMs: 100 });
  await plane?.close();
  await upstream?.close();
  rmSync(dir, { recursive: true, force: true });
});

const tagger = (version: string, prefix: string) => `import { definePolicy } from 'gatehouse/policy-sdk';
export default definePolicy({
  name: 'replica-tagger',
  version: '${version}',
  schema: { type: 'object', properties: { value: { type: 'string' } }, required: ['value'] },
  create: (config: { value: string }) => ({ onRequest: (request) => { request.headers.set('x-tag', '${prefix}' + config.value); } }),
});
`;

describe('custom policies on connected replicas', () => {
  it('ships the bundled code with the snapshot, checked by checksum, and follows edits of the file', async () => {
    const source = path.join(dir, 'tagger.ts');
    writeFileSync(source, tagger('1.0.0', 'v1-'));
    const added = await plane.api('POST', '/custom-policies', { path: source });
    expect(added.status).toBe(201);
    const gateway = (await plane.api('POST', '/gateways', { name: 'edge', port: await freePort() })).body;
    const api = (await plane.api('POST', '/apis', { name: 'Edge orders', implementationUrl: `${upstream.url}/`, basePath: '/orders', gatewayId: gateway.id })).body;
    expect((await plane.api('POST', `/apis/${api.id}/policies`, { policyRef: 'replica-tagger', config: { value: 'blue' } })).status).toBe(201);

    const snapshot = plane.plane.snapshotFor(gateway.id)!;
    expect(snapshot.customPolicies).toEqual([{ name: 'replica-tagger', version: '1.0.0', checksum: added.body.checksum, code: expect.any(String), source }]);

    const { token } = (await plane.api('POST', `/gateways/${gateway.id}/token`)).body;
    const port = await freePort();
    const logs: string[] = [];
    const replica = new ConnectedGateway({ url: plane.url, token, name: 'replica-1', listenPort: port, log: (level, message) => logs.push(`${level}: ${message}`) });
    replicas.push(replica);
    await replica.start();
    const seen = async () => (await request(`http://127.0.0.1:${port}/orders/1`)).json()?.headers?.['x-tag'] as string | undefined;
    await eventually(async () => (await seen()) === 'v1-blue');
    expect(logs.some((line) => line.includes(`custom policy replica-tagger 1.0.0 loaded (sha256 ${added.body.checksum.slice(0, 12)})`))).toBe(true);

    writeFileSync(source, tagger('1.1.0', 'v2-'));
    await eventually(async () => (await seen()) === 'v2-blue');
    const listed = (await plane.api('GET', '/custom-policies')).body;
    expect(replica.customPolicies.policies().map((policy) => [policy.name, policy.version, policy.checksum])).toEqual([['replica-tagger', '1.1.0', listed[0].checksum]]);
  });

  it('refuses code that does not match its checksum and reports it, serving nothing of that snapshot', async () => {
    const good = plane.plane.snapshotFor((await plane.api('GET', '/gateways')).body.find((g: { name: string }) => g.name === 'edge').id)!;
    const tampered = { ...good, version: 'tampered', customPolicies: good.customPolicies!.map((policy) => ({ ...policy, code: policy.code.replace('v2-', 'evil-') })) };
    const cacheFile = path.join(dir, 'cached-snapshot.json');
    writeFileSync(cacheFile, JSON.stringify(tampered));
    const port = await freePort();
    const logs: string[] = [];
    // Its control plane is unreachable: it can only serve the cached snapshot, and must not.
    const replica = new ConnectedGateway({ url: `http://127.0.0.1:${await freePort()}`, token: 'x', name: 'replica-2', listenPort: port, cacheFile, log: (level, message) => logs.push(`${level}: ${message}`) });
    replicas.push(replica);
    await replica.start();
    const health = replica.runtime.health();
    expect(health.configVersion ?? undefined).toBeUndefined();
    expect(health.lastConfigError?.message).toMatch(/custom policy replica-tagger 1\.1\.0: .*checksum mismatch/);
    expect(logs.some((line) => /config tampered rejected/.test(line))).toBe(true);
    expect(replica.customPolicies.definition('replica-tagger')).toBeUndefined();
  });
});
