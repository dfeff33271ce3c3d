import { readFileSync, statSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ContractHandlers } from '../../shared/contract/methods';
import { defaultSettings } from '../../shared/contract/models';
import { request } from '../testing/net';
import { loadAdminToken } from './auth';
import { startTestAdmin, type TestAdmin } from './test-support';

const handlers: Partial<ContractHandlers> = {
  'apis.list': async () => [],
  'settings.update': async (patch) => ({ ...defaultSettings, theme: patch.theme ?? 'system' }),
};

/** `gatehouse_session_PORT=value` from a Set-Cookie header. */
function cookieOf(setCookie: string[] | undefined): string {
  expect(setCookie, 'a Set-Cookie header').toBeDefined();
  return setCookie![0]!.split(';')[0]!;
}

describe('admin API authentication', () => {
  let admin: TestAdmin;
  let origin: string;

  beforeAll(async () => {
    admin = await startTestAdmin(handlers);
    origin = admin.server.url;
  });
  afterAll(() => admin.close());

  it('writes the admin token to a 0600 file on first start and reuses it', () => {
    const file = path.join(admin.dataDir, 'admin-token');
    expect(admin.server.tokenFile).toBe(file);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, 'utf8').trim()).toBe(admin.server.token);
    expect(admin.server.token.length).toBeGreaterThanOrEqual(32);
    expect(loadAdminToken(admin.dataDir, {}).token).toBe(admin.server.token);
  });

  it('leaves health open and everything else closed without a token', async () => {
    const health = await admin.call('GET', '/api/v1/health', { auth: false });
    expect(health.status).toBe(200);
    expect(health.json()).toMatchObject({ status: 'ok', version: 'test' });
    const none = await admin.call('GET', '/api/v1/apis', { auth: false });
    expect(none.status).toBe(401);
    expect(none.json().error.code).toBe('UNAUTHORIZED');
    expect(none.headers['www-authenticate']).toBe('Bearer realm="gatehouse"');
    const events = await admin.call('GET', '/api/v1/events', { auth: false });
    expect(events.status).toBe(401);
  });

  it('rejects a wrong bearer token and accepts the right one', async () => {
    const wrong = await admin.call('GET', '/api/v1/apis', { headers: { authorization: `Bearer ${admin.server.token.slice(0, -1)}x` } });
    expect(wrong.status).toBe(401);
    const basic = await admin.call('GET', '/api/v1/apis', { headers: { authorization: `Basic ${admin.server.token}` } });
    expect(basic.status).toBe(401);
    const ok = await admin.call('GET', '/api/v1/apis');
    expect(ok.status).toBe(200);
    expect(ok.json()).toEqual([]);
  });

  it('trades the one-time login URL for an HttpOnly SameSite=Strict cookie, once', async () => {
    const login = new URL(admin.server.loginUrl);
    expect(login.origin).toBe(origin);
    const first = await request(admin.server.loginUrl);
    expect(first.status).toBe(302);
    expect(first.headers.location).toBe('/');
    const setCookie = first.headers['set-cookie']![0]!;
    expect(setCookie).toMatch(new RegExp(`^gatehouse_session_${admin.server.port}=`));
    expect(setCookie).toContain('HttpOnly');
    expect(setCookie).toContain('SameSite=Strict');
    const cookie = cookieOf(first.headers['set-cookie']);

    const withCookie = await admin.call('GET', '/api/v1/apis', { auth: false, headers: { cookie } });
    expect(withCookie.status).toBe(200);

    // A reused link goes to the UI's sign-in page, which says what to do; no cookie.
    const reused = await request(admin.server.loginUrl);
    expect(reused.status).toBe(303);
    expect(reused.headers.location).toBe('/?signin=link-used');
    expect(reused.headers['set-cookie']).toBeUndefined();
    expect(reused.body).toContain('already used');
  });

  it('requires our own Origin on cookie-authenticated changes, not on bearer ones', async () => {
    const cookie = cookieOf((await request(admin.server.createLoginUrl())).headers['set-cookie']);
    const body = { theme: 'dark' };
    const noOrigin = await admin.call('PATCH', '/api/v1/settings', { auth: false, body, headers: { cookie } });
    expect(noOrigin.status).toBe(403);
    expect(noOrigin.json().error.code).toBe('FORBIDDEN');
    const evil = await admin.call('PATCH', '/api/v1/settings', { auth: false, body, headers: { cookie, origin: 'http://evil.test' } });
    expect(evil.status).toBe(403);
    expect(evil.json().error.message).toContain('evil.test');
    const own = await admin.call('PATCH', '/api/v1/settings', { auth: false, body, headers: { cookie, origin } });
    expect(own.status).toBe(200);
    expect(own.json().theme).toBe('dark');
    // Reads with a cookie need no Origin (SameSite=Strict already keeps other sites out).
    expect((await admin.call('GET', '/api/v1/apis', { auth: false, headers: { cookie } })).status).toBe(200);
    // Scripts with the bearer token send no Origin.
    expect((await admin.call('PATCH', '/api/v1/settings', { body })).status).toBe(200);
  });

  it('rejects forged and logged-out cookies', async () => {
    const name = `gatehouse_session_${admin.server.port}`;
    const forged = await admin.call('GET', '/api/v1/apis', { auth: false, headers: { cookie: `${name}=${Date.now()}.abc.def` } });
    expect(forged.status).toBe(401);
    const cookie = cookieOf((await request(admin.server.createLoginUrl())).headers['set-cookie']);
    const logout = await admin.call('DELETE', '/api/v1/session', { auth: false, headers: { cookie, origin } });
    expect(logout.status).toBe(204);
    expect((await admin.call('GET', '/api/v1/apis', { auth: false, headers: { cookie } })).status).toBe(401);
  });

  it('logs in with POST /api/v1/session and a login token', async () => {
    const token = new URL(admin.server.createLoginUrl()).searchParams.get('token')!;
    const bad = await admin.call('POST', '/api/v1/session', { auth: false, body: { token: 'nope' } });
    expect(bad.status).toBe(401);
    const crossSite = await admin.call('POST', '/api/v1/session', { auth: false, body: { token }, headers: { origin: 'http://evil.test' } });
    expect(crossSite.status).toBe(403);
    const ok = await admin.call('POST', '/api/v1/session', { auth: false, body: { token }, headers: { origin } });
    expect(ok.status).toBe(204);
    const cookie = cookieOf(ok.headers['set-cookie']);
    expect((await admin.call('GET', '/api/v1/apis', { auth: false, headers: { cookie } })).status).toBe(200);
  });

  it('refuses a Host header that is not this server (DNS rebinding)', async () => {
    const rebound = await admin.call('GET', '/api/v1/apis', { headers: { host: `attacker.test:${admin.server.port}` } });
    expect(rebound.status).toBe(403);
    expect(rebound.json().error.message).toContain('attacker.test');
    expect((await admin.call('GET', '/api/v1/health', { headers: { host: 'attacker.test' } })).status).toBe(403);
    expect((await admin.call('GET', '/', { headers: { host: 'attacker.test' } })).status).toBe(403);
    expect((await admin.call('GET', '/api/v1/apis', { headers: { host: `localhost:${admin.server.port}` } })).status).toBe(200);
  });
});

describe('admin token sources', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'gatehouse-token-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('prefers GATEHOUSE_ADMIN_TOKEN and writes no file then', async () => {
    const admin = await startTestAdmin(handlers, { env: { GATEHOUSE_ADMIN_TOKEN: 'from-the-environment-0123456789' } });
    try {
      expect(admin.server.tokenFile).toBeUndefined();
      expect(() => statSync(path.join(admin.dataDir, 'admin-token'))).toThrow();
      const ok = await admin.call('GET', '/api/v1/apis', { headers: { authorization: 'Bearer from-the-environment-0123456789' } });
      expect(ok.status).toBe(200);
    } finally {
      await admin.close();
    }
  });

  it('tightens a token file that others could read, and refuses a too-short one', () => {
    const file = path.join(dir, 'admin-token');
    writeFileSync(file, 'a-token-that-is-long-enough\n', { mode: 0o644 });
    expect(loadAdminToken(dir, {})).toEqual({ token: 'a-token-that-is-long-enough', file });
    expect(statSync(file).mode & 0o777).toBe(0o600);
    writeFileSync(file, 'short\n');
    expect(() => loadAdminToken(dir, {})).toThrow(/shorter than 16 characters/);
  });
});
