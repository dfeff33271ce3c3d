import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EMBEDDED_GATEWAY_ID } from '../store/gateways';
import { Store } from '../store/store';
import { buildEmbeddedSnapshot, buildGatewaySnapshot } from './snapshot-builder';

let dataDir: string;
let store: Store;
beforeEach(() => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'gatehouse-snapshot-'));
  store = Store.open(dataDir);
  store.ensureEmbeddedGateway(18_181);
});
afterEach(() => {
  store.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const build = (stopped: string[] = []) => buildEmbeddedSnapshot(store, { dataDir, stopped: new Set(stopped) });
const api = (name: string, basePath: string, gatewayId = EMBEDDED_GATEWAY_ID) =>
  store.apis.insert({ name, implementationUrl: `http://127.0.0.1:3000/${name}/`, basePath, gatewayId });

/** A self-signed certificate and key for 127.0.0.1, written into the data dir. */
function certificate(name: string): { crt: string; key: string } {
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.crt`, '-days', '2', '-subj', '/CN=127.0.0.1'], {
    cwd: dataDir,
    stdio: 'pipe',
  });
  return { crt: `${name}.crt`, key: `${name}.key` };
}

describe('buildEmbeddedSnapshot', () => {
  it('has one listener per embedded gateway, each API as one service with its enabled policies in run order', () => {
    const users = api('users', '/users');
    const late = store.policies.insert({ apiId: users.id, policyRef: 'cors-flex', config: {}, order: 90 });
    const limit = store.policies.insert({ apiId: users.id, policyRef: 'rate-limiting-flex', config: { rateLimits: [{ maximumRequests: 5, timePeriodInMilliseconds: 1000 }] }, rules: [{ path: '/admin.*' }] });
    store.policies.insert({ apiId: users.id, policyRef: 'ip-blocklist-flex', config: { ips: ['10.0.0.1'] }, enabled: false });
    const disabledApi = store.apis.update(api('off', '/off').id, { enabled: false })!;

    const { snapshot, errors } = build();
    expect(errors).toEqual([]);
    expect(snapshot.sources).toEqual([]);
    expect(snapshot.listeners).toHaveLength(1);
    const listener = snapshot.listeners[0]!;
    expect(listener).toMatchObject({ host: '127.0.0.1', port: 18_181 });
    expect(listener.tls).toBeUndefined();
    const served = listener.apis.find((a) => a.id === users.id)!;
    expect(served).toMatchObject({ name: 'users', basePath: '/users', enabled: true, services: [{ name: 'upstream', url: 'http://127.0.0.1:3000/users/' }], routes: [] });
    expect(served.policies.map((p) => p.id)).toEqual([limit.id, late.id]);
    // Defaults are filled in from the catalogue schema.
    expect(served.policies[0]).toMatchObject({ name: 'rate-limiting-flex', order: 50, enabled: true, rules: [{ path: '/admin.*' }], config: { exposeHeaders: false } });
    expect(listener.apis.find((a) => a.id === disabledApi.id)?.enabled).toBe(false);
  });

  it('leaves out docker gateways and stopped ones; a docker gateway has its own snapshot', () => {
    const docker = store.gateways.insert({ name: 'docker', kind: 'docker', port: 19_000, host: '0.0.0.0' });
    const extra = store.gateways.insert({ name: 'extra', kind: 'embedded', port: 19_001 });
    api('users', '/users');
    const onDocker = api('orders', '/orders', docker.id);
    expect(build().snapshot.listeners.map((l) => l.port)).toEqual([18_181, 19_001]);
    expect(build([extra.id]).snapshot.listeners.map((l) => l.port)).toEqual([18_181]);
    const dockerSnapshot = buildGatewaySnapshot(store, docker, { dataDir }).snapshot;
    expect(dockerSnapshot.listeners).toEqual([expect.objectContaining({ host: '0.0.0.0', port: 19_000, apis: [expect.objectContaining({ id: onDocker.id })] })]);
  });

  it('builds identity from applications, tiers and contracts; revoked contracts are left out', () => {
    const users = api('users', '/users');
    const docker = store.gateways.insert({ name: 'docker', kind: 'docker', port: 19_000 });
    const elsewhere = api('elsewhere', '/elsewhere', docker.id);
    const tier = store.tiers.insert({ apiId: users.id, name: 'gold', limits: [{ maximumRequests: 3, timePeriodInMilliseconds: 1000 }] });
    store.tiers.insert({ apiId: elsewhere.id, name: 'other', limits: [{ maximumRequests: 1, timePeriodInMilliseconds: 1000 }] });
    const a = store.applications.create({ name: 'a', clientId: 'client-a' }).application;
    const b = store.applications.create({ name: 'b', clientId: 'client-b' }).application;
    store.contracts.insert({ applicationId: a.id, apiId: users.id, tierId: tier.id, status: 'approved' });
    store.contracts.insert({ applicationId: b.id, apiId: users.id, status: 'revoked' });
    store.contracts.insert({ applicationId: b.id, apiId: elsewhere.id, status: 'approved' });

    const { identity } = build().snapshot;
    expect(identity.applications).toEqual([
      { clientId: 'client-a', name: 'a', secretHash: a.secretHash },
      { clientId: 'client-b', name: 'b', secretHash: b.secretHash },
    ]);
    expect(identity.tiers).toEqual([{ id: tier.id, name: 'gold', apiId: users.id, limits: [{ maximumRequests: 3, timePeriodInMilliseconds: 1000 }], status: 'active' }]);
    expect(identity.contracts).toEqual([{ clientId: 'client-a', apiId: users.id, tierId: tier.id, status: 'approved' }]);
  });

  it('the version is a content hash: the same store gives the same version, any change a new one', () => {
    const users = api('users', '/users');
    const first = build().snapshot.version;
    expect(build().snapshot.version).toBe(first);
    store.close();
    store = Store.open(dataDir);
    expect(build().snapshot.version).toBe(first);
    store.apis.update(users.id, { implementationUrl: 'http://127.0.0.1:3001/' });
    expect(build().snapshot.version).not.toBe(first);
  });

  it('turns tls into the listener and tls-outbound into the service, reading files from the data dir', () => {
    const users = api('users', '/users');
    const server = certificate('server');
    store.policies.insert({ apiId: users.id, policyRef: 'tls', config: { certificate: server } });
    store.policies.insert({ apiId: users.id, policyRef: 'tls-outbound', config: { trustedCA: server.crt, minversion: '1.3' } });
    const { snapshot, errors } = build();
    expect(errors).toEqual([]);
    const listener = snapshot.listeners[0]!;
    expect(listener.tls?.certificate).toBe(readFileSync(path.join(dataDir, 'server.crt'), 'utf8'));
    expect(listener.tls?.key).toContain('PRIVATE KEY');
    const service = listener.apis[0]!.services[0]!;
    expect(service.tls).toMatchObject({ trustedCA: expect.stringContaining('BEGIN CERTIFICATE'), minVersion: 'TLSv1.3' });
    // Connection settings are not request policies.
    expect(listener.apis[0]!.policies).toEqual([]);
  });

  it('reports what would make the snapshot unusable, naming the API and binding', () => {
    const users = api('users', '/users');
    const other = api('other', '/other');
    store.policies.insert({ apiId: users.id, policyRef: 'tls', config: { certificate: certificate('one') } });
    store.policies.insert({ apiId: other.id, policyRef: 'tls', config: { certificate: certificate('two') } });
    const broken = store.policies.insert({ apiId: users.id, policyRef: 'rate-limiting-flex', config: { rateLimits: 'lots' } });
    store.policies.insert({ apiId: other.id, policyRef: 'tls-outbound', config: { trustedCA: 'missing-ca.pem' } });
    const { errors } = build();
    // APIs in name order: other, then users.
    expect(errors).toEqual([
      { path: expect.stringMatching(/^apis\.other\.policies\.pol_\w+\.config\.trustedCA$/), message: expect.stringMatching(/cannot read .*missing-ca\.pem: no such file/) },
      { path: `apis.users.policies.${broken.id}.config.rateLimits`, message: expect.any(String) },
      { path: 'apis.users.policies.tls', message: 'APIs "other" and "users" share port 18181 but set different TLS certificates; a port has one certificate' },
    ]);
  });
});

describe('upstream-down rules', () => {
  const probes = (apiName: string) => build().snapshot.listeners[0]!.apis.find((a) => a.name === apiName)!.policies.filter((p) => p.name === 'health-check-flex');

  it('bring a default health check to an API that has none, and only while the rule is enabled', () => {
    const users = api('users', '/users');
    api('posts', '/posts');
    expect(probes('users')).toEqual([]);
    const rule = store.alertRules.insert({ name: 'users down', kind: 'upstream-down', apiId: users.id, spec: { threshold: 0 } });
    expect(probes('users')).toEqual([expect.objectContaining({ name: 'health-check-flex', config: expect.objectContaining({ path: '/', expectedStatus: 200 }) })]);
    expect(probes('posts')).toEqual([]);
    store.alertRules.update(rule.id, { enabled: false });
    expect(probes('users')).toEqual([]);
  });

  it("keep the API's own health check instead of adding a second one", () => {
    const users = api('users', '/users');
    store.policies.insert({ apiId: users.id, policyRef: 'health-check-flex', config: { path: '/health' } });
    store.alertRules.insert({ name: 'users down', kind: 'upstream-down', apiId: users.id, spec: { threshold: 0 } });
    expect(probes('users')).toEqual([expect.objectContaining({ config: expect.objectContaining({ path: '/health' }) })]);
  });
});
