import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isSecretHash, verifySecret } from '../policies/secret-hash';
import { EMBEDDED_GATEWAY_ID } from './gateways';
import { Store } from './store';

let dataDir: string;
let store: Store;
beforeEach(() => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'gatehouse-repo-'));
  store = Store.open(dataDir);
  store.ensureEmbeddedGateway(18081);
});
afterEach(() => {
  store.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const newApi = (name = 'users', basePath = '/users') =>
  store.apis.insert({ name, implementationUrl: 'http://127.0.0.1:3000/', basePath, gatewayId: EMBEDDED_GATEWAY_ID });

describe('gateways', () => {
  it('has the embedded gateway from first start, moved only by an explicit port', () => {
    expect(store.embeddedGateway()).toMatchObject({ id: EMBEDDED_GATEWAY_ID, kind: 'embedded', port: 18081, host: '127.0.0.1' });
    expect(store.ensureEmbeddedGateway().port).toBe(18081);
    expect(store.ensureEmbeddedGateway(18090).port).toBe(18090);
    expect(store.gateways.list()).toHaveLength(1);
  });

  it('creates, updates and deletes a docker gateway, listed after the embedded one', () => {
    const docker = store.gateways.insert({ name: 'a-docker', kind: 'docker', port: 9000, desiredReplicas: 2 });
    expect(store.gateways.list().map((g) => g.name)).toEqual(['embedded', 'a-docker']);
    expect(store.gateways.update(docker.id, { desiredReplicas: 3 })).toMatchObject({ desiredReplicas: 3, port: 9000 });
    expect(store.gateways.findByPort(9000).map((g) => g.id)).toEqual([docker.id]);
    expect(store.gateways.delete(docker.id)).toBe(true);
    expect(store.gateways.get(docker.id)).toBeUndefined();
    expect(store.gateways.update('gw_missing', { port: 1 })).toBeUndefined();
  });

  it('rejects a kind the schema does not know', () => {
    expect(() => store.gateways.insert({ name: 'x', kind: 'cloud' as 'docker', port: 1 })).toThrow(/CHECK constraint/);
  });
});

describe('apis', () => {
  it('stores, patches and lists APIs by name', () => {
    const api = newApi();
    newApi('albums', '/albums');
    expect(store.apis.list().map((a) => a.name)).toEqual(['albums', 'users']);
    expect(store.apis.get(api.id)).toEqual(api);
    const patched = store.apis.update(api.id, { enabled: false, basePath: '/people', description: 'people' })!;
    expect(store.apis.get(api.id)).toEqual(patched);
    expect(patched).toMatchObject({ enabled: false, basePath: '/people', name: 'users', version: 'v1', type: 'http' });
  });

  it('enforces unique names and base paths per gateway', () => {
    newApi();
    expect(() => newApi('users', '/other')).toThrow(/UNIQUE/);
    expect(() => newApi('other', '/users')).toThrow(/UNIQUE/);
  });

  it('needs an existing gateway', () => {
    expect(() => store.apis.insert({ name: 'x', implementationUrl: 'http://x/', basePath: '/x', gatewayId: 'gw_nope' })).toThrow(/FOREIGN KEY/);
  });
});

describe('policy bindings', () => {
  it('lists in pipeline order: order, then declaration', () => {
    const api = newApi();
    const late = store.policies.insert({ apiId: api.id, policyRef: 'cors-flex', config: {}, order: 90 });
    const first = store.policies.insert({ apiId: api.id, policyRef: 'rate-limiting-flex', config: { rateLimits: [] } });
    const second = store.policies.insert({ apiId: api.id, policyRef: 'header-injection-flex', config: {}, rules: [{ path: '/a.*' }] });
    const early = store.policies.insert({ apiId: api.id, policyRef: 'ip-allowlist-flex', config: { ips: ['127.0.0.1'] }, order: 10 });
    expect(store.policies.listByApi(api.id).map((p) => p.id)).toEqual([early.id, first.id, second.id, late.id]);
    expect(store.policies.get(second.id)).toMatchObject({ rules: [{ path: '/a.*' }], enabled: true, order: 50 });
  });

  it('patches config, enabled and rules (null removes rules)', () => {
    const api = newApi();
    const binding = store.policies.insert({ apiId: api.id, policyRef: 'cors-flex', config: { a: 1 }, rules: [{ methods: 'GET' }] });
    store.policies.update(binding.id, { config: { a: 2 }, enabled: false, rules: null });
    const stored = store.policies.get(binding.id)!;
    expect(stored).toMatchObject({ config: { a: 2 }, enabled: false });
    expect(stored.rules).toBeUndefined();
  });

  it('goes away with its API', () => {
    const api = newApi();
    const binding = store.policies.insert({ apiId: api.id, policyRef: 'cors-flex', config: {} });
    store.apis.delete(api.id);
    expect(store.policies.get(binding.id)).toBeUndefined();
  });
});

describe('applications', () => {
  it('stores only a hash of the secret and returns the secret once', () => {
    const { application, clientSecret } = store.applications.create({ name: 'mobile' });
    expect(application.clientId).toMatch(/^[0-9a-f]{32}$/);
    expect(clientSecret.length).toBeGreaterThanOrEqual(24);
    const rawRow = JSON.stringify(store.db.prepare('SELECT * FROM applications').all());
    expect(rawRow).not.toContain(clientSecret);
    expect(isSecretHash(application.secretHash)).toBe(true);
    expect(verifySecret(clientSecret, store.applications.get(application.id)!.secretHash)).toBe(true);
    expect(store.applications.findByClientId(application.clientId)?.id).toBe(application.id);
  });

  it('regenerates the secret: the old one stops verifying', () => {
    const { application, clientSecret } = store.applications.create({ name: 'mobile', clientId: 'mobile-app' });
    const regenerated = store.applications.regenerateSecret(application.id)!;
    expect(regenerated.clientSecret).not.toBe(clientSecret);
    const hash = store.applications.get(application.id)!.secretHash;
    expect(verifySecret(clientSecret, hash)).toBe(false);
    expect(verifySecret(regenerated.clientSecret, hash)).toBe(true);
    expect(() => store.applications.create({ name: 'other', clientId: 'mobile-app' })).toThrow(/UNIQUE/);
  });
});

describe('tiers and contracts', () => {
  it('links an application to an API at a tier and counts the tier as in use', () => {
    const api = newApi();
    const tier = store.tiers.insert({ apiId: api.id, name: 'gold', limits: [{ maximumRequests: 10, timePeriodInMilliseconds: 1000 }], approval: 'manual' });
    const { application } = store.applications.create({ name: 'mobile' });
    const contract = store.contracts.insert({ applicationId: application.id, apiId: api.id, tierId: tier.id, status: 'pending' });
    expect(store.tiers.contractCount(tier.id)).toBe(1);
    expect(store.tiers.get(tier.id)).toMatchObject({ limits: [{ maximumRequests: 10, timePeriodInMilliseconds: 1000 }], status: 'active' });
    expect(store.contracts.update(contract.id, { status: 'approved' })).toMatchObject({ status: 'approved', tierId: tier.id });
    expect(store.contracts.list({ status: 'approved' }).map((c) => c.id)).toEqual([contract.id]);
    expect(store.contracts.list({ apiId: 'api_other' })).toEqual([]);
    expect(store.contracts.findByPair(application.id, api.id)?.id).toBe(contract.id);
    expect(() => store.contracts.insert({ applicationId: application.id, apiId: api.id, status: 'pending' })).toThrow(/UNIQUE/);
    expect(store.contracts.update(contract.id, { tierId: null })?.tierId).toBeUndefined();
  });

  it('deleting an API removes its tiers and contracts in one statement', () => {
    const api = newApi();
    const tier = store.tiers.insert({ apiId: api.id, name: 'gold', limits: [] });
    const { application } = store.applications.create({ name: 'mobile' });
    store.contracts.insert({ applicationId: application.id, apiId: api.id, tierId: tier.id, status: 'approved' });
    expect(store.apis.delete(api.id)).toBe(true);
    expect(store.tiers.list()).toEqual([]);
    expect(store.contracts.list()).toEqual([]);
    expect(store.applications.get(application.id)).toBeDefined();
  });

  it('a tier referenced by a contract cannot be deleted at the SQL level either', () => {
    const api = newApi();
    const tier = store.tiers.insert({ apiId: api.id, name: 'gold', limits: [] });
    const { application } = store.applications.create({ name: 'mobile' });
    store.contracts.insert({ applicationId: application.id, apiId: api.id, tierId: tier.id, status: 'revoked' });
    expect(() => store.tiers.delete(tier.id)).toThrow(/FOREIGN KEY/);
    expect(store.tiers.update(tier.id, { status: 'deprecated' })?.status).toBe('deprecated');
  });
});

describe('alert rules and events', () => {
  it('stores rules with their spec and events newest first', () => {
    const api = newApi();
    const rule = store.alertRules.insert({ name: '5xx', kind: 'response-codes', apiId: api.id, spec: { codes: [500], threshold: 3 } });
    store.alertEvents.insert({ ruleId: rule.id, state: 'fired', value: 5, threshold: 3, at: 1000 });
    store.alertEvents.insert({ ruleId: rule.id, state: 'resolved', value: 0, threshold: 3, at: 2000 });
    expect(store.alertEvents.list({ ruleId: rule.id }).map((e) => e.state)).toEqual(['resolved', 'fired']);
    expect(store.alertEvents.latest(rule.id)?.state).toBe('resolved');
    expect(store.alertRules.update(rule.id, { enabled: false, apiId: null })).toMatchObject({ enabled: false, spec: { codes: [500], threshold: 3 } });
    expect(store.alertRules.get(rule.id)?.apiId).toBeUndefined();
    expect(store.alertEvents.prune(1500)).toBe(1);
    store.alertRules.delete(rule.id);
    expect(store.alertEvents.list()).toEqual([]);
  });
});

describe('settings and clearing', () => {
  it('keeps JSON values by key and clears resources without touching settings', () => {
    store.settings.set('telemetry', { retentionDays: 7 });
    store.settings.set('telemetry', { retentionDays: 9 });
    newApi();
    store.transaction(() => store.clearResources());
    expect(store.apis.list()).toEqual([]);
    expect(store.gateways.list()).toEqual([]);
    expect(store.settings.all()).toEqual({ telemetry: { retentionDays: 9 } });
  });

  it('rolls a failing transaction back completely', () => {
    expect(() =>
      store.transaction(() => {
        newApi('one', '/one');
        newApi('two', '/one');
      }),
    ).toThrow(/UNIQUE/);
    expect(store.apis.list()).toEqual([]);
  });
});
