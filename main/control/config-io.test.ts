import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { parse } from 'yaml';
import { loadConfigText } from '../config/load';
import { freePort, request } from '../testing/net';
import { exportCommand } from '../cli/export';
import { importCommand } from '../cli/import';
import { Store } from '../store/store';
import { exportConfig } from './config-export';
import { replaceWithImport } from './config-apply';
import { parseImport } from './config-import';
import { rejection, startControlFixture, type ControlFixture } from './testing/control-fixture';

let fx: ControlFixture;
const dirs: string[] = [];
beforeEach(async () => {
  fx = await startControlFixture();
});
afterEach(async () => {
  await fx.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** What the rich setup's export asks to be set. */
const WEBHOOK_ENV = { GATEHOUSE_WEBHOOK_USERS_5XX: 'http://127.0.0.1:9/hook' };

function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'gatehouse-io-'));
  dirs.push(dir);
  return dir;
}

/** A setup using every kind and the awkward cases: spaces in names, disabled things, rules. */
async function buildRichSetup() {
  const docker = await fx.call('gateways.create', { name: 'Docker pool', kind: 'docker', port: await freePort(), desiredReplicas: 2 });
  const users = await fx.call('apis.create', { name: 'Users API', implementationUrl: `${fx.upstream.url}/users/`, basePath: '/users', description: 'people' });
  const orders = await fx.call('apis.create', { name: 'orders', version: 'v2', implementationUrl: fx.upstream.url, basePath: '/orders', gatewayId: docker.id, enabled: false });
  await fx.call('policies.add', { apiId: users.id, policyRef: 'client-id-enforcement-flex', config: {}, order: 10 });
  await fx.call('policies.add', { apiId: users.id, policyRef: 'rate-limiting-flex', config: { rateLimits: [{ maximumRequests: 100, timePeriodInMilliseconds: 60_000 }], exposeHeaders: true } });
  await fx.call('policies.add', { apiId: users.id, policyRef: 'header-injection-flex', config: { inboundHeaders: [{ key: 'x-cost', value: '$5' }] }, rules: [{ methods: 'POST', path: '/admin.*' }] });
  await fx.call('policies.add', { apiId: users.id, policyRef: 'ip-blocklist-flex', config: { ips: ['10.0.0.0/8'] }, enabled: false });
  const gold = await fx.call('slaTiers.create', { apiId: users.id, name: 'Gold tier', limits: [{ maximumRequests: 10, timePeriodInMilliseconds: 1000 }], description: 'the best' });
  await fx.call('slaTiers.create', { apiId: orders.id, name: 'Gold tier', limits: [{ maximumRequests: 1, timePeriodInMilliseconds: 1000 }], approval: 'manual', status: 'deprecated' });
  const mobile = await fx.call('applications.create', { name: 'Mobile app', description: 'iOS' });
  const cli = await fx.call('applications.create', { name: 'cli', clientId: 'cli-client-id' });
  await fx.call('contracts.create', { applicationId: mobile.id, apiId: users.id, tierId: gold.id });
  const revoked = await fx.call('contracts.create', { applicationId: cli.id, apiId: users.id });
  await fx.call('contracts.update', { id: revoked.id, status: 'revoked' });
  await fx.call('contracts.create', { applicationId: cli.id, apiId: orders.id });
  await fx.call('alertRules.create', { name: 'Users 5xx', kind: 'response-codes', apiId: users.id, codes: [502, '5xx'], threshold: 3, severity: 'critical', webhookUrl: 'http://127.0.0.1:9/hook' });
  await fx.call('alertRules.create', { name: 'docker down', kind: 'gateway-down', gatewayId: docker.id });
  return { users, orders, mobile, cli };
}

describe('export', () => {
  it('writes every resource in the documented format, secrets only as hashes, no timestamps', async () => {
    const { mobile } = await buildRichSetup();
    const text = await fx.call('config.export', {});
    expect(text).not.toContain(mobile.clientSecret);
    expect(text).not.toMatch(/createdAt|updatedAt|clientSecret:/);
    const documents = text.split(/^---$/m).map((doc) => parse(doc)).filter(Boolean);
    const kinds = documents.map((doc) => `${doc.apiVersion} ${doc.kind}`);
    expect(kinds).toEqual([
      'gatehouse.dev/v1 Gateway',
      'gatehouse.dev/v1 Gateway',
      'gateway.mulesoft.com/v1alpha1 ApiInstance',
      'gateway.mulesoft.com/v1alpha1 ApiInstance',
      'gateway.mulesoft.com/v1alpha1 PolicyBinding',
      'gatehouse.dev/v1 SlaTier',
      'gatehouse.dev/v1 SlaTier',
      'gatehouse.dev/v1 Application',
      'gatehouse.dev/v1 Application',
      'gatehouse.dev/v1 Contract',
      'gatehouse.dev/v1 Contract',
      'gatehouse.dev/v1 Contract',
      'gatehouse.dev/v1 AlertRule',
      'gatehouse.dev/v1 AlertRule',
    ]);
    const users = documents.find((doc) => doc.kind === 'ApiInstance' && doc.metadata.name === 'Users-API');
    expect(users.metadata.annotations).toMatchObject({ 'gatehouse.dev/name': 'Users API', 'gatehouse.dev/description': 'people', 'gatehouse.dev/version': 'v1' });
    // Portable: the built-in gateway's port is a variable with this instance's port as default.
    expect(users.spec.address).toBe(`http://127.0.0.1:\${GATEHOUSE_GATEWAY_PORT:-${fx.gatewayPort}}/users/`);
    expect(users.spec.services.upstream.address).toBe(`${fx.upstream.url}/users/`);
    expect(users.spec.policies.map((p: { policyRef: { name: string } }) => p.policyRef.name)).toEqual([
      'client-id-enforcement-flex',
      'rate-limiting-flex',
      'header-injection-flex',
    ]);
    const disabled = documents.find((doc) => doc.kind === 'PolicyBinding');
    expect(disabled).toMatchObject({ metadata: { annotations: { 'gatehouse.dev/enabled': 'false' } }, spec: { targetRef: { name: 'Users-API' }, policyRef: { name: 'ip-blocklist-flex' } } });
    const app = documents.find((doc) => doc.kind === 'Application' && doc.spec.clientId === mobile.clientId);
    expect(app.spec.clientSecretHash).toMatch(/^scrypt\$/);
    // The webhook URL is a variable the header names, not the URL.
    expect(text).not.toContain('127.0.0.1:9/hook');
    expect(documents.find((doc) => doc.kind === 'AlertRule' && doc.spec.kind === 'response-codes').spec.webhookUrl).toBe('${GATEHOUSE_WEBHOOK_USERS_5XX}');
    expect(text).toMatch(/^#\s+GATEHOUSE_WEBHOOK_USERS_5XX\s+webhook URL of alert rule "Users-5xx"$/m);
    // The export is a valid config for `gatehouse validate` / local mode, once the variable is set.
    expect(loadConfigText(text, 'export.yaml', { env: WEBHOOK_ENV }).errors).toEqual([]);
  });
});

describe('round trip', () => {
  it('export → import into an empty data dir → export gives the same document', async () => {
    await buildRichSetup();
    const first = await fx.call('config.export', {});
    const target = tempDir();
    const store = Store.open(target);
    store.ensureEmbeddedGateway(await freePort());
    store.transaction(() => replaceWithImport(store, parseImport(first, 'first.yaml', WEBHOOK_ENV), 'first.yaml'));
    const second = exportConfig(store);
    store.close();
    expect(second).toBe(first);
  });

  it('keeps ids, so URLs, telemetry and alert history still point at the same things', async () => {
    const { users } = await buildRichSetup();
    const rules = await fx.call('alertRules.list', {});
    const writer = Store.open(fx.dataDir, { migrate: false });
    writer.alertEvents.insert({ ruleId: rules[0]!.id, state: 'fired', value: 9, threshold: 3, at: 1000 });
    writer.close();
    const text = await fx.call('config.export', {});
    await fx.call('config.import', { yaml: text });
    expect((await fx.call('apis.get', { id: users.id })).name).toBe('Users API');
    expect(await fx.call('alertEvents.list', { ruleId: rules[0]!.id })).toHaveLength(1);
    expect(await fx.call('config.export', {})).toBe(text);
  });
});

describe('import', () => {
  it('is live: an imported Flex-style file (Service, PolicyBinding, plain secret) serves at once', async () => {
    const yaml = `
apiVersion: gateway.mulesoft.com/v1alpha1
kind: Service
metadata:
  name: echo
spec:
  address: ${fx.upstream.url}/
---
apiVersion: gateway.mulesoft.com/v1alpha1
kind: ApiInstance
metadata:
  name: echo-api
  labels:
    secured: "yes"
spec:
  address: http://0.0.0.0:${fx.gatewayPort}/echo/
---
apiVersion: gateway.mulesoft.com/v1alpha1
kind: PolicyBinding
metadata:
  name: echo-route
spec:
  targetRef:
    name: echo-api
  policyRef:
    name: route
  config:
    destinationRef:
      name: echo
    destinationPath: /v2
---
apiVersion: gateway.mulesoft.com/v1alpha1
kind: PolicyBinding
metadata:
  name: client-ids
spec:
  targetRef:
    selector:
      labels:
        secured: "yes"
  policyRef:
    name: client-id-enforcement-flex
---
apiVersion: gatehouse.dev/v1
kind: Application
metadata:
  name: tester
spec:
  clientId: tester-id
  clientSecret: tester-secret-123
---
apiVersion: gatehouse.dev/v1
kind: Contract
metadata:
  name: tester-echo
spec:
  application: tester
  api: echo-api
`;
    const result = await fx.call('config.import', { yaml });
    expect(result.imported).toEqual({ Service: 1, ApiInstance: 1, PolicyBinding: 2, Application: 1, Contract: 1 });
    expect(result.warnings).toEqual([expect.stringContaining('127.0.0.1')]);
    const auth = `Basic ${Buffer.from('tester-id:tester-secret-123').toString('base64')}`;
    const ok = await request(`${fx.gatewayUrl}/echo/a`, { headers: { authorization: auth } });
    expect(ok.status).toBe(200);
    expect(ok.json().url).toBe('/v2/a');
    expect((await request(`${fx.gatewayUrl}/echo/a`)).status).toBe(401);
    const [api] = await fx.call('apis.list', {});
    expect(api).toMatchObject({ name: 'echo-api', implementationUrl: `${fx.upstream.url}/v2/`, basePath: '/echo', gatewayId: 'gw_embedded' });
    expect(await fx.call('config.export', {})).not.toContain('tester-secret-123');
  });

  it('is all or nothing: every error with its line, and the store unchanged', async () => {
    await buildRichSetup();
    const before = await fx.call('config.export', {});
    const yaml = [
      'apiVersion: gateway.mulesoft.com/v1alpha1',
      'kind: ApiInstance',
      'metadata:',
      '  name: good',
      'spec:',
      `  address: http://127.0.0.1:${fx.gatewayPort}/good/`,
      '  services:',
      '    up:',
      `      address: ${fx.upstream.url}/`,
      '  policies:',
      '    - policyRef:',
      '        name: rate-limiting-flexx',
      '    - policyRef:',
      '        name: rate-limiting-flex',
      '      config:',
      '        rateLimits:',
      '          - maximumRequests: zero',
      '            timePeriodInMilliseconds: 1000',
      '---',
      'apiVersion: gatehouse.dev/v1',
      'kind: Contract',
      'metadata:',
      '  name: orphan',
      'spec:',
      '  application: nobody',
      '  api: good',
    ].join('\n');
    const error = await rejection(fx.call('config.import', { yaml }));
    expect(error).toMatchObject({ code: 'VALIDATION_FAILED', status: 400 });
    expect(error.details).toEqual([
      expect.objectContaining({ line: 12, path: 'spec.policies[0].policyRef.name', message: expect.stringContaining('did you mean rate-limiting-flex') }),
      expect.objectContaining({ line: 17, path: 'spec.policies[1].config.rateLimits[0].maximumRequests' }),
      expect.objectContaining({ line: 25, path: 'spec.application', message: expect.stringContaining('nobody') }),
    ]);
    expect(error.details!.every((detail) => detail.file === 'config.yaml')).toBe(true);
    expect(await fx.call('config.export', {})).toBe(before);
  });

  it('refuses names used twice (references would be ambiguous) and duplicate contracts', async () => {
    const api = `apiVersion: gateway.mulesoft.com/v1alpha1
kind: ApiInstance
metadata: {name: a}
spec: {address: "http://127.0.0.1:${fx.gatewayPort}/a", services: {u: {address: "${fx.upstream.url}/"}}}
`;
    const app = (clientId: string) => `---
apiVersion: gatehouse.dev/v1
kind: Application
metadata: {name: x}
spec: {clientId: ${clientId}, clientSecret: secret-123}
`;
    const contract = (name: string) => `---
apiVersion: gatehouse.dev/v1
kind: Contract
metadata: {name: ${name}}
spec: {application: one, api: a}
`;
    const duplicateContract = await rejection(fx.call('config.import', { yaml: api + app('one') + contract('c1') + contract('c2') }));
    expect(duplicateContract.details).toEqual([expect.objectContaining({ line: 19, path: 'spec.api', message: expect.stringContaining('already has a contract for a (Contract c1') })]);
    const duplicateName = await rejection(fx.call('config.import', { yaml: api + app('one') + app('two') }));
    expect(duplicateName.details).toEqual([expect.objectContaining({ line: 13, path: 'metadata.name', message: 'Application "x" is already declared at config.yaml:6' })]);
    expect(await fx.call('apis.list', {})).toEqual([]);
  });

  it('refuses what the app cannot represent, with the line to change', async () => {
    const yaml = `apiVersion: gateway.mulesoft.com/v1alpha1
kind: ApiInstance
metadata:
  name: split
spec:
  address: http://127.0.0.1:${fx.gatewayPort}/split/
  services:
    a:
      address: http://127.0.0.1:1/
    b:
      address: http://127.0.0.1:2/
`;
    const error = await rejection(fx.call('config.import', { yaml }));
    expect(error.details).toEqual([expect.objectContaining({ line: 7, path: 'spec.services', message: expect.stringMatching(/one upstream/) })]);
  });

  it('a change the gateway cannot take (port in use) rolls the whole import back', async () => {
    await buildRichSetup();
    const before = await fx.call('config.export', {});
    const { startServer } = await import('../testing/net');
    const busy = await startServer((_req, res) => res.end());
    const moved = before.replaceAll(`\${GATEHOUSE_GATEWAY_PORT:-${fx.gatewayPort}}`, String(busy.port));
    const error = await rejection(fx.call('config.import', { yaml: moved }));
    expect(error).toMatchObject({ code: 'CONFLICT', status: 409 });
    expect(await fx.call('config.export', {})).toBe(before);
    await busy.close();
  });
});

describe('gatehouse export / import commands', () => {
  function capture() {
    const out: string[] = [];
    const err: string[] = [];
    const stdout = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => (out.push(String(chunk)), true));
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => (err.push(String(chunk)), true));
    return {
      out,
      err,
      restore() {
        stdout.mockRestore();
        stderr.mockRestore();
      },
    };
  }

  it('export prints the YAML; import into another data dir reproduces it', async () => {
    await buildRichSetup();
    let io = capture();
    const exported = await exportCommand.run(['--data-dir', fx.dataDir]).finally(() => io.restore());
    expect(exported).toBe(0);
    const text = io.out.join('');
    expect(text).toBe(await fx.call('config.export', {}));

    const file = path.join(tempDir(), 'setup.yaml');
    writeFileSync(file, text);
    const target = tempDir();
    io = capture();
    // Another data dir has no stored URL to fall back to: the variable is set, as the header says.
    vi.stubEnv('GATEHOUSE_WEBHOOK_USERS_5XX', WEBHOOK_ENV.GATEHOUSE_WEBHOOK_USERS_5XX);
    const imported = await importCommand.run([file, '--data-dir', target]).finally(() => {
      io.restore();
      vi.unstubAllEnvs();
    });
    expect(imported).toBe(0);
    expect(io.out.join('')).toMatch(/^imported .*setup\.yaml into .*: 2 Gateway, 2 ApiInstance, 1 PolicyBinding/);

    io = capture();
    await exportCommand.run(['--data-dir', target]).finally(() => io.restore());
    // By design the only difference: the new instance's own gateway port (8081 at first start) as the default.
    expect(io.out.join('')).toBe(text.replaceAll(`\${GATEHOUSE_GATEWAY_PORT:-${fx.gatewayPort}}`, '${GATEHOUSE_GATEWAY_PORT:-8081}'));
  });

  it('import exits 2 listing every error as file:line: field: message, and changes nothing', async () => {
    await buildRichSetup();
    const before = await fx.call('config.export', {});
    const file = path.join(tempDir(), 'bad.yaml');
    writeFileSync(file, before.replace('kind: SlaTier', 'kind: SlaTeir').replace('maximumRequests: 100', 'maximumRequests: -5'));
    const io = capture();
    const code = await importCommand.run([file, '--data-dir', fx.dataDir]).finally(() => io.restore());
    expect(code).toBe(2);
    const lines = io.out.join('').trim().split('\n');
    // The first SlaTier is the one of "Users-API" ("Users-API" sorts before "orders"), which a contract uses.
    expect(lines, lines.join('\n')).toHaveLength(4);
    expect(lines[0]).toMatch(new RegExp(`^${file}:\\d+: spec\\.policies\\[1\\]\\.config\\.rateLimits\\[0\\]\\.maximumRequests: `));
    expect(lines[1]).toMatch(new RegExp(`^${file}:\\d+: kind: unknown kind "SlaTeir" \\(did you mean SlaTier\\?\\)`));
    expect(lines[2]).toMatch(new RegExp(`^${file}:\\d+: spec\\.tier: no SlaTier named "Gold-tier"`));
    expect(lines[3]).toBe(`${file}: 3 errors, nothing was imported`);
    expect(await fx.call('config.export', {})).toBe(before);
    expect(readFileSync(file, 'utf8')).toContain('SlaTeir');
  });

  it('export of a data dir without Gatehouse data says so', async () => {
    const io = capture();
    const code = await exportCommand.run(['--data-dir', path.join(tempDir(), 'nothing')]).finally(() => io.restore());
    expect(code).toBe(1);
    expect(io.err.join('')).toMatch(/no Gatehouse data in/);
  });
});
