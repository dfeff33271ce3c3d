/**
 * Secrets at rest and in exports, end to end: the control plane and admin API on a real data
 * dir, configured over HTTP, then every byte of every file in the data dir and every export
 * searched for the plain secrets. Basic auth and the webhook keep working from what is stored
 * (over real sockets), an older install is migrated on start, and export → import keeps the
 * same credentials working.
 */
import { chmodSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { exportCommand } from '../cli/export';
import { importCommand } from '../cli/import';
import { EMBEDDED_GATEWAY_ID } from '../store/gateways';
import { openDatabase } from '../store/database';
import { MIGRATIONS } from '../store/migrations';
import type { AdminPlane } from '../testing/admin-plane';
import { filesContaining, useDataDirs } from '../testing/data-dir';
import { request, startServer, type TestServer } from '../testing/net';

const PASSWORD = 'S3cret-Pa55word-XYZ';
const WEBHOOK = 'http://127.0.0.1:9/hook-TOKEN-abc123';
const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

const { tempDir, plane, onCleanup } = useDataDirs('gatehouse-at-rest-');

/** Every file under the data dir (SQLite db, -wal, -shm, admin token, key, telemetry…) with its bytes. */
function files(dir: string): { name: string; bytes: Buffer; mode: number }[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => {
      const file = path.join(entry.parentPath, entry.name);
      return { name: path.relative(dir, file), bytes: readFileSync(file), mode: statSync(file).mode & 0o777 };
    });
}


async function exportText(admin: AdminPlane): Promise<string> {
  const response = await request(`${admin.url}/api/v1/config`, { headers: { authorization: `Bearer ${admin.admin.token}` } });
  expect(response.status).toBe(200);
  return response.body;
}

async function cliExport(dataDir: string): Promise<string> {
  const out: string[] = [];
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => (out.push(String(chunk)), true));
  try {
    expect(await exportCommand.run(['--data-dir', dataDir])).toBe(0);
  } finally {
    spy.mockRestore();
  }
  return out.join('');
}

const gatewayRequest = (admin: AdminPlane, authorization?: string) =>
  request(`http://127.0.0.1:${admin.gatewayPort}/orders/1`, { headers: authorization ? { authorization } : {} });

async function expectBasicAuthWorks(admin: AdminPlane): Promise<void> {
  await vi.waitFor(async () => expect((await gatewayRequest(admin, basic('ann', PASSWORD))).status).toBe(200), { timeout: 5000, interval: 50 });
  expect((await gatewayRequest(admin, basic('ann', 'S3cret-Pa55word-XYz'))).status).toBe(401);
  expect((await gatewayRequest(admin)).status).toBe(401);
}

async function echoUpstream(): Promise<TestServer> {
  const upstream = await startServer((_req, res) => res.end('{"ok":true}'));
  onCleanup(() => upstream.close());
  return upstream;
}

describe('a data dir configured over the admin API', () => {
  it('holds neither the basic-auth password nor the webhook URL in any file, nor in exports; modes are 0700/0600', async () => {
    const dataDir = path.join(tempDir(), 'data');
    const upstream = await echoUpstream();
    const admin = await plane(dataDir);
    const api = await admin.api('POST', '/apis', { name: 'Orders', implementationUrl: upstream.url, basePath: '/orders' });
    expect(api.status).toBe(201);
    const binding = await admin.api('POST', `/apis/${api.body.id}/policies`, { policyRef: 'http-basic-authentication-flex', config: { username: 'ann', password: PASSWORD } });
    expect(binding.status).toBe(201);
    const rule = await admin.api('POST', '/alert-rules', { name: 'orders 401s', kind: 'response-codes', apiId: api.body.id, codes: [401], webhookUrl: WEBHOOK });
    expect(rule.status).toBe(201);

    // Reading the binding back shows the hash, never the password.
    expect(binding.body.config.password).toMatch(/^scrypt\$/);
    const listed = await admin.api('GET', `/apis/${api.body.id}/policies`);
    expect(JSON.stringify(listed.body)).not.toContain(PASSWORD);
    await expectBasicAuthWorks(admin);

    const viaApi = await exportText(admin);
    const viaCli = await cliExport(dataDir);
    for (const text of [viaApi, viaCli]) {
      expect(text).not.toContain(PASSWORD);
      expect(text).not.toContain('hook-TOKEN-abc123');
      expect(text).toContain('password: scrypt$');
      expect(text).toContain('webhookUrl: ${GATEHOUSE_WEBHOOK_ORDERS_401S}');
      expect(text).toMatch(/^#\s+GATEHOUSE_WEBHOOK_ORDERS_401S\s+webhook URL of alert rule "orders-401s"$/m);
      expect(text).not.toMatch(/Secrets appear only as hashes\./);
    }

    // While running (WAL and shm present) and after a clean stop.
    for (const phase of ['running', 'stopped']) {
      if (phase === 'stopped') await admin.stop();
      const seen = files(dataDir);
      expect(seen.map((file) => file.name)).toEqual(expect.arrayContaining(['gatehouse.sqlite', 'admin-token', 'secret-key', 'telemetry.sqlite']));
      if (phase === 'running') expect(seen.map((file) => file.name)).toEqual(expect.arrayContaining(['gatehouse.sqlite-wal', 'gatehouse.sqlite-shm']));
      expect([phase, filesContaining(dataDir, PASSWORD)]).toEqual([phase, []]);
      expect([phase, filesContaining(dataDir, 'hook-TOKEN-abc123')]).toEqual([phase, []]);
      expect(statSync(dataDir).mode & 0o777).toBe(0o700);
      for (const file of seen) if (!file.name.includes(path.sep)) expect([phase, file.name, file.mode.toString(8)]).toEqual([phase, file.name, '600']);
    }
  });

  it('fires the webhook to the decrypted URL', async () => {
    const dataDir = tempDir();
    const upstream = await echoUpstream();
    const hooks: { url: string; body: { state: string; rule: { name: string } } }[] = [];
    const receiver = await startServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        hooks.push({ url: req.url!, body: JSON.parse(Buffer.concat(chunks).toString()) });
        res.end();
      });
    });
    onCleanup(() => receiver.close());
    const admin = await plane(dataDir);
    const api = await admin.api('POST', '/apis', { name: 'Orders', implementationUrl: upstream.url, basePath: '/orders' });
    await admin.api('POST', `/apis/${api.body.id}/policies`, { policyRef: 'http-basic-authentication-flex', config: { username: 'ann', password: PASSWORD } });
    const secretUrl = `${receiver.url}/hook-TOKEN-abc123`;
    expect((await admin.api('POST', '/alert-rules', { name: 'orders 401s', kind: 'response-codes', apiId: api.body.id, codes: [401], windowSeconds: 5, webhookUrl: secretUrl })).status).toBe(201);
    expect(filesContaining(dataDir, 'hook-TOKEN-abc123')).toEqual([]);

    await vi.waitFor(async () => expect((await gatewayRequest(admin)).status).toBe(401), { timeout: 5000, interval: 50 });
    await vi.waitFor(() => expect(hooks.map((hook) => [hook.url, hook.body.state])).toEqual([['/hook-TOKEN-abc123', 'fired']]), { timeout: 10_000, interval: 50 });
    expect(hooks[0]!.body.rule.name).toBe('orders 401s');
  });

  it('narrows an existing install made 0755 with 0644 files when it starts', async () => {
    const dataDir = tempDir();
    const first = await plane(dataDir);
    await first.api('POST', '/alert-rules', { name: 'down', kind: 'gateway-down', gatewayId: EMBEDDED_GATEWAY_ID, webhookUrl: WEBHOOK });
    await first.stop();
    chmodSync(dataDir, 0o755);
    for (const file of files(dataDir)) chmodSync(path.join(dataDir, file.name), 0o644);
    writeFileSync(path.join(dataDir, 'notes.txt'), 'left here by the user', { mode: 0o644 });

    await first.start();
    expect(statSync(dataDir).mode & 0o777).toBe(0o700);
    for (const file of files(dataDir)) if (!file.name.includes(path.sep)) expect([file.name, file.mode.toString(8)]).toEqual([file.name, '600']);
  });
});

describe('an install made before secrets were hashed and encrypted', () => {
  it('is migrated on start: no plain text left in any file, and basic auth accepts the right password only', async () => {
    const dataDir = tempDir();
    const upstream = await echoUpstream();
    // The old layout, written directly: version 2, the password and webhook URL in clear.
    const db = openDatabase(dataDir, { migrations: MIGRATIONS.filter((migration) => migration.version <= 2) });
    const now = Date.now();
    db.prepare(`INSERT INTO gateways (id, name, kind, host, port, created_at, updated_at) VALUES (?, 'embedded', 'embedded', '127.0.0.1', 8081, ?, ?)`).run(EMBEDDED_GATEWAY_ID, now, now);
    db.prepare(`INSERT INTO apis (id, name, version, implementation_url, base_path, gateway_id, created_at, updated_at) VALUES ('api_1', 'Orders', 'v1', ?, '/orders', ?, ?, ?)`).run(upstream.url, EMBEDDED_GATEWAY_ID, now, now);
    db.prepare(`INSERT INTO policy_bindings (id, api_id, policy_ref, config, position, created_at, updated_at) VALUES ('pol_1', 'api_1', 'http-basic-authentication-flex', ?, 0, ?, ?)`).run(
      JSON.stringify({ username: 'ann', password: PASSWORD }),
      now,
      now,
    );
    db.prepare(`INSERT INTO alert_rules (id, name, kind, api_id, spec, created_at, updated_at) VALUES ('rule_1', 'orders 5xx', 'response-codes', 'api_1', ?, ?, ?)`).run(
      JSON.stringify({ codes: ['5xx'], webhookUrl: WEBHOOK }),
      now,
      now,
    );
    db.close();
    expect(filesContaining(dataDir, PASSWORD)).toEqual(['gatehouse.sqlite']);

    const admin = await plane(dataDir);
    await expectBasicAuthWorks(admin);
    expect((await admin.api('GET', '/apis/api_1/policies')).body[0].config.password).toMatch(/^scrypt\$/);
    expect((await admin.api('GET', '/alert-rules')).body[0].webhookUrl).toBe(WEBHOOK);
    expect(filesContaining(dataDir, PASSWORD)).toEqual([]);
    expect(filesContaining(dataDir, 'hook-TOKEN-abc123')).toEqual([]);
  });
});

describe('export → import', () => {
  it('keeps basic auth working with the same password, through the admin API and the CLI', async () => {
    const upstream = await echoUpstream();
    const source = await plane(tempDir());
    const api = await source.api('POST', '/apis', { name: 'Orders', implementationUrl: upstream.url, basePath: '/orders' });
    await source.api('POST', `/apis/${api.body.id}/policies`, { policyRef: 'http-basic-authentication-flex', config: { username: 'ann', password: PASSWORD } });
    await source.api('POST', '/alert-rules', { name: 'orders 401s', kind: 'response-codes', apiId: api.body.id, codes: [401], webhookUrl: WEBHOOK });
    const text = await exportText(source);
    expect(text).not.toContain(PASSWORD);

    // Back into the same data dir: the stored webhook URL stands in for the unset variable.
    const same = await request(`${source.url}/api/v1/config`, { method: 'PUT', headers: { authorization: `Bearer ${source.admin.token}`, 'content-type': 'application/yaml' }, body: text });
    expect([same.status, same.body]).toEqual([200, expect.any(String)]);
    expect((await source.api('GET', '/alert-rules')).body[0].webhookUrl).toBe(WEBHOOK);
    await expectBasicAuthWorks(source);

    // Into another data dir with the CLI: the variable must be set, as the header says.
    const otherDir = tempDir();
    const file = path.join(otherDir, 'setup.yaml');
    writeFileSync(file, text);
    vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      expect(await importCommand.run([file, '--data-dir', otherDir])).toBe(2);
      vi.stubEnv('GATEHOUSE_WEBHOOK_ORDERS_401S', WEBHOOK);
      expect(await importCommand.run([file, '--data-dir', otherDir])).toBe(0);
    } finally {
      vi.restoreAllMocks();
      vi.unstubAllEnvs();
    }
    expect(filesContaining(otherDir, PASSWORD)).toEqual([]);
    expect(filesContaining(otherDir, 'hook-TOKEN-abc123')).toEqual([]);
    const target = await plane(otherDir);
    await expectBasicAuthWorks(target);
    expect((await target.api('GET', '/alert-rules')).body[0].webhookUrl).toBe(WEBHOOK);
  });
});
