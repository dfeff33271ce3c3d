/**
 * Secrets at rest in the store, on real SQLite files in temp dirs: private modes whatever the
 * umask and for installs made before, basic-auth passwords only as hashes (migrated from an
 * older file), webhook URLs and PEM keys encrypted with the data dir's key, and a lost or
 * replaced key reported naming the field instead of crashing.
 */
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { verifySecret } from '../policies/secret-hash';
import { openDatabase } from './database';
import { EMBEDDED_GATEWAY_ID } from './gateways';
import { MIGRATIONS } from './migrations';
import { SecretBox } from './secret-box';
import { fileSecretKeyProvider, SECRET_KEY_FILE } from './secret-keys';
import { Store } from './store';

const PASSWORD = 'S3cret-Pa55word-XYZ';
const WEBHOOK = 'http://127.0.0.1:9/hook-TOKEN-abc123';
const PEM_KEY = '-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIKEY-MATERIAL-abc\n-----END PRIVATE KEY-----\n';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'gatehouse-secrets-'));
  dirs.push(dir);
  return dir;
}

/** Every byte of every file under `dir`. */
function allBytes(dir: string): Buffer {
  return Buffer.concat(
    readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => readFileSync(path.join(entry.parentPath, entry.name))),
  );
}

function modeOf(file: string): number {
  return statSync(file).mode & 0o777;
}

/** Version-2 data dir as Gatehouse wrote it before hashing: the password in the config column. */
function oldInstall(dir: string): void {
  const db = openDatabase(dir, { migrations: MIGRATIONS.filter((migration) => migration.version <= 2) });
  const now = Date.now();
  db.prepare(`INSERT INTO gateways (id, name, kind, host, port, created_at, updated_at) VALUES (?, 'embedded', 'embedded', '127.0.0.1', 8081, ?, ?)`).run(EMBEDDED_GATEWAY_ID, now, now);
  db.prepare(`INSERT INTO apis (id, name, version, implementation_url, base_path, gateway_id, created_at, updated_at) VALUES ('api_1', 'Orders', 'v1', 'http://127.0.0.1:3000', '/orders', ?, ?, ?)`).run(EMBEDDED_GATEWAY_ID, now, now);
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
}

describe('data dir modes', () => {
  it('creates the dir 0700 and the database, -wal and -shm 0600, even with a permissive umask', () => {
    const dir = path.join(tempDir(), 'new');
    const umask = process.umask(0);
    try {
      const store = Store.open(dir);
      store.ensureEmbeddedGateway();
      store.alertRules.insert({ name: 'r', kind: 'gateway-down', gatewayId: EMBEDDED_GATEWAY_ID, spec: { webhookUrl: WEBHOOK } });
      expect(modeOf(dir)).toBe(0o700);
      for (const name of ['gatehouse.sqlite', 'gatehouse.sqlite-wal', 'gatehouse.sqlite-shm', SECRET_KEY_FILE]) expect([name, modeOf(path.join(dir, name))]).toEqual([name, 0o600]);
      store.close();
    } finally {
      process.umask(umask);
    }
  });

  it('narrows an existing install made 0755 with 0644 files on open', () => {
    const dir = tempDir();
    oldInstall(dir);
    writeFileSync(path.join(dir, 'admin-token'), 'x'.repeat(32));
    chmodSync(dir, 0o755);
    for (const name of readdirSync(dir)) chmodSync(path.join(dir, name), 0o644);
    Store.open(dir).close();
    expect(modeOf(dir)).toBe(0o700);
    for (const name of readdirSync(dir)) expect([name, modeOf(path.join(dir, name))]).toEqual([name, 0o600]);
  });
});

describe('basic-auth passwords', () => {
  it('are stored as salted scrypt hashes, and a hash given back is kept as it is', () => {
    const dir = tempDir();
    const store = Store.open(dir);
    store.ensureEmbeddedGateway();
    const api = store.apis.insert({ name: 'Orders', version: 'v1', implementationUrl: 'http://127.0.0.1:3000', basePath: '/orders', gatewayId: EMBEDDED_GATEWAY_ID });
    const binding = store.policies.insert({ apiId: api.id, policyRef: 'http-basic-authentication-flex', config: { username: 'ann', password: PASSWORD } });
    const hash = binding.config.password as string;
    expect(hash).toMatch(/^scrypt\$/);
    expect(verifySecret(PASSWORD, hash)).toBe(true);
    expect(store.policies.get(binding.id)!.config.password).toBe(hash);
    expect(store.policies.update(binding.id, { config: { username: 'ann', password: hash } })!.config.password).toBe(hash);
    const changed = store.policies.update(binding.id, { config: { username: 'ann', password: 'another one' } })!.config.password as string;
    expect(verifySecret('another one', changed)).toBe(true);
    store.close();
    expect(allBytes(dir).includes(PASSWORD)).toBe(false);
  });

  it('of an older install are hashed by the migration, and no file keeps the plain text', () => {
    const dir = tempDir();
    oldInstall(dir);
    expect(allBytes(dir).includes(PASSWORD)).toBe(true);
    const store = Store.open(dir);
    const stored = JSON.parse(store.db.prepare(`SELECT config FROM policy_bindings WHERE id = 'pol_1'`).pluck().get() as string);
    expect(stored.username).toBe('ann');
    expect(verifySecret(PASSWORD, stored.password)).toBe(true);
    expect(verifySecret('wrong', stored.password)).toBe(false);
    store.sealPlainSecrets();
    store.close();
    const bytes = allBytes(dir);
    expect(bytes.includes(PASSWORD)).toBe(false);
    expect(bytes.includes(WEBHOOK)).toBe(false);
  });
});

describe('webhook URLs and private keys', () => {
  it('are encrypted in the database and read back in clear', () => {
    const dir = tempDir();
    const store = Store.open(dir);
    store.ensureEmbeddedGateway();
    const api = store.apis.insert({ name: 'Orders', version: 'v1', implementationUrl: 'http://127.0.0.1:3000', basePath: '/orders', gatewayId: EMBEDDED_GATEWAY_ID });
    const rule = store.alertRules.insert({ name: 'orders 5xx', kind: 'response-codes', apiId: api.id, spec: { codes: ['5xx'], webhookUrl: WEBHOOK } });
    const tls = store.policies.insert({ apiId: api.id, policyRef: 'tls', config: { certificate: { key: PEM_KEY, crt: 'certs/server.crt' } } });
    const rawSpec = store.db.prepare(`SELECT spec FROM alert_rules WHERE id = ?`).pluck().get(rule.id) as string;
    expect(JSON.parse(rawSpec).webhookUrl).toMatch(/^enc:v1:/);
    const rawTls = store.db.prepare(`SELECT config FROM policy_bindings WHERE id = ?`).pluck().get(tls.id) as string;
    expect(JSON.parse(rawTls).certificate).toEqual({ key: expect.stringMatching(/^enc:v1:/), crt: 'certs/server.crt' });
    expect(store.alertRules.get(rule.id)!.spec.webhookUrl).toBe(WEBHOOK);
    expect(store.policies.get(tls.id)!.config).toEqual({ certificate: { key: PEM_KEY, crt: 'certs/server.crt' } });
    store.close();
    const bytes = allBytes(dir);
    expect(bytes.includes(WEBHOOK)).toBe(false);
    expect(bytes.includes('KEY-MATERIAL')).toBe(false);
  });

  it('of an older install are encrypted on start', () => {
    const dir = tempDir();
    oldInstall(dir);
    const store = Store.open(dir);
    expect(store.sealPlainSecrets()).toBe(1);
    expect(store.sealPlainSecrets()).toBe(0);
    expect(store.alertRules.get('rule_1')!.spec.webhookUrl).toBe(WEBHOOK);
    store.close();
    expect(allBytes(dir).includes(WEBHOOK)).toBe(false);
  });

  it('that the key cannot open stay sealed and are reported naming the field; a lost key too', () => {
    const dir = tempDir();
    const store = Store.open(dir);
    store.ensureEmbeddedGateway();
    store.alertRules.insert({ name: 'orders 5xx', kind: 'gateway-down', gatewayId: EMBEDDED_GATEWAY_ID, spec: { webhookUrl: WEBHOOK } });
    store.close();

    // Another key (the file replaced): nothing throws, the value stays sealed, the reason names the field.
    writeFileSync(path.join(dir, SECRET_KEY_FILE), Buffer.alloc(32, 7));
    const replaced = Store.open(dir);
    expect(replaced.alertRules.list()[0]!.spec.webhookUrl).toMatch(/^enc:v1:/);
    expect(replaced.unreadableSecrets()).toEqual([expect.stringMatching(/^alert rule "orders 5xx": webhookUrl cannot be decrypted: it was encrypted with another key than the key file .*secret-key; enter it again$/)]);
    replaced.close();

    rmSync(path.join(dir, SECRET_KEY_FILE));
    const lost = Store.open(dir);
    expect(lost.unreadableSecrets()).toEqual([expect.stringMatching(/webhookUrl cannot be decrypted: the key file .*secret-key is missing/)]);
    lost.close();
  });

  it('use a key that is made on first use only, 32 bytes, 0600', () => {
    const dir = tempDir();
    const box = new SecretBox(fileSecretKeyProvider(dir));
    expect(box.open('plain, written before encryption', 'f')).toBe('plain, written before encryption');
    expect(readdirSync(dir)).toEqual([]);
    const sealed = box.seal(WEBHOOK);
    expect(sealed).not.toBe(box.seal(WEBHOOK)); // a fresh IV every time
    expect(readFileSync(path.join(dir, SECRET_KEY_FILE))).toHaveLength(32);
    expect(modeOf(path.join(dir, SECRET_KEY_FILE))).toBe(0o600);
    expect(new SecretBox(fileSecretKeyProvider(dir)).open(sealed, 'f')).toBe(WEBHOOK);
    const tampered = sealed.slice(0, -4) + (sealed.endsWith('AAAA') ? 'BBBB' : 'AAAA');
    expect(() => box.open(tampered, 'alert rule "x": webhookUrl')).toThrow(/alert rule "x": webhookUrl cannot be decrypted/);
  });
});
