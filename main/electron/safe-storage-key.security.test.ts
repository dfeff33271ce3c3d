/**
 * The desktop app's key provider over a fake safeStorage (the Electron binary cannot run
 * here): the key is kept only wrapped, another keychain cannot open it, a key file left by
 * `gatehouse serve` is adopted and removed, and without a usable keychain the plain key file
 * is used as `serve` does.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SecretBox } from '../store/secret-box';
import { SECRET_KEY_FILE, WRAPPED_SECRET_KEY_FILE } from '../store/secret-keys';
import { Store } from '../store/store';
import { safeStorageKeyProvider } from './safe-storage-key';
import { FakeSafeStorage, fakeElectron } from './testing/fake-electron';

const WEBHOOK = 'http://127.0.0.1:9/hook-TOKEN-abc123';
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'gatehouse-keychain-'));
  dirs.push(dir);
  return dir;
}

describe('safeStorageKeyProvider', () => {
  it('keeps the key only wrapped by the keychain (0600), and the store encrypts with it', () => {
    const dir = tempDir();
    const keychain = fakeElectron.safeStorage;
    const store = Store.open(dir, { secrets: safeStorageKeyProvider(keychain, dir) });
    store.ensureEmbeddedGateway();
    const rule = store.alertRules.insert({ name: 'down', kind: 'gateway-down', gatewayId: 'gw_embedded', spec: { webhookUrl: WEBHOOK } });
    store.close();

    expect(readdirSync(dir)).not.toContain(SECRET_KEY_FILE);
    const wrapped = path.join(dir, WRAPPED_SECRET_KEY_FILE);
    expect(statSync(wrapped).mode & 0o777).toBe(0o600);
    expect(readFileSync(wrapped).toString()).toMatch(/^fake-keychain:/);

    const again = Store.open(dir, { secrets: safeStorageKeyProvider(keychain, dir) });
    expect(again.alertRules.get(rule.id)!.spec.webhookUrl).toBe(WEBHOOK);
    again.close();

    // Another keychain (another user, another machine) cannot unwrap it: reported, not thrown.
    const elsewhere = Store.open(dir, { secrets: safeStorageKeyProvider(new FakeSafeStorage(), dir) });
    expect(elsewhere.alertRules.get(rule.id)!.spec.webhookUrl).toMatch(/^enc:v1:/);
    expect(elsewhere.unreadableSecrets()).toEqual([expect.stringMatching(/^alert rule "down": webhookUrl cannot be decrypted: .*decrypt/)]);
    elsewhere.close();
    // `gatehouse serve` on that data dir says where the key is instead of making a new one.
    const serve = Store.open(dir);
    expect(serve.unreadableSecrets()).toEqual([expect.stringMatching(/protected by the desktop app's key/)]);
    serve.close();
    expect(existsSync(path.join(dir, SECRET_KEY_FILE))).toBe(false);
  });

  it("adopts the key file `gatehouse serve` made: wraps it and removes the clear copy", () => {
    const dir = tempDir();
    const serve = Store.open(dir);
    serve.ensureEmbeddedGateway();
    const rule = serve.alertRules.insert({ name: 'down', kind: 'gateway-down', gatewayId: 'gw_embedded', spec: { webhookUrl: WEBHOOK } });
    serve.close();
    expect(existsSync(path.join(dir, SECRET_KEY_FILE))).toBe(true);

    const app = Store.open(dir, { secrets: safeStorageKeyProvider(fakeElectron.safeStorage, dir) });
    expect(app.alertRules.get(rule.id)!.spec.webhookUrl).toBe(WEBHOOK);
    app.close();
    expect(existsSync(path.join(dir, SECRET_KEY_FILE))).toBe(false);
    expect(existsSync(path.join(dir, WRAPPED_SECRET_KEY_FILE))).toBe(true);
  });

  it('falls back to the 0600 key file, with one warning, when no keychain is usable', () => {
    const dir = tempDir();
    const keychain = new FakeSafeStorage();
    keychain.backend = 'basic_text';
    const warnings: string[] = [];
    const box = new SecretBox(safeStorageKeyProvider(keychain, dir, (_level, message) => warnings.push(message)));
    const sealed = box.seal(WEBHOOK);
    expect(box.open(sealed, 'f')).toBe(WEBHOOK);
    expect(readdirSync(dir)).toEqual([SECRET_KEY_FILE]);
    expect(statSync(path.join(dir, SECRET_KEY_FILE)).mode & 0o777).toBe(0o600);
    expect(warnings).toEqual([expect.stringMatching(/no OS keychain is available/)]);
  });

  it('does not make a key just to read, and says the wrapped key is unusable when the keychain is gone', () => {
    const dir = tempDir();
    const keychain = new FakeSafeStorage();
    expect(safeStorageKeyProvider(keychain, dir).loadKey({ create: false })).toBeUndefined();
    expect(readdirSync(dir)).toEqual([]);
    safeStorageKeyProvider(keychain, dir).loadKey({ create: true });
    keychain.available = false;
    expect(() => safeStorageKeyProvider(keychain, dir).loadKey({ create: false })).toThrow(/OS keychain that wrapped .* cannot be used now/);
  });
});
