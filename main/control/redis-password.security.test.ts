/**
 * A docker gateway's Redis password (and a redis:// address carrying one) must reach its
 * replicas in clear, so it is stored encrypted: not in any file of the data dir, decrypted for
 * the replicas' shared storage, never shown by the gateway view.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { freePort } from '../testing/net';
import { startControlFixture, type ControlFixture } from './testing/control-fixture';

let fx: ControlFixture | undefined;
afterEach(async () => {
  await fx?.close();
  fx = undefined;
});

const inDataDir = (dir: string, needle: string) =>
  readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && readFileSync(path.join(entry.parentPath, entry.name)).includes(needle))
    .map((entry) => entry.name);

it('stores the Redis password and a credentialed address encrypted and hands them to replicas decrypted', async () => {
  fx = await startControlFixture();
  const gateway = await fx.call('gateways.create', { name: 'pool', kind: 'docker', port: await freePort(), desiredReplicas: 0 });
  const updated = await fx.call('gateways.update', { id: gateway.id, sharedStorage: { redis: { address: 'redis://counter:R3dis-URL-Pa55@127.0.0.1:6390/0', password: 'R3dis-Pa55-XYZ' } } });
  expect(updated.sharedStorage).toEqual({ redis: { address: 'redis://counter:***@127.0.0.1:6390/0', hasPassword: true } });
  expect(JSON.stringify(await fx.call('gateways.list', {}))).not.toMatch(/R3dis-(URL-)?Pa55/);

  expect(fx.plane.dockerGateways.sharedStorage(gateway.id)).toEqual({ redis: { address: 'redis://counter:R3dis-URL-Pa55@127.0.0.1:6390/0', password: 'R3dis-Pa55-XYZ' } });
  expect(inDataDir(fx.dataDir, 'R3dis-Pa55-XYZ')).toEqual([]);
  expect(inDataDir(fx.dataDir, 'R3dis-URL-Pa55')).toEqual([]);
});
