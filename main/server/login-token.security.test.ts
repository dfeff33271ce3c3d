/**
 * Only one-time login tokens open a session from a URL: the long-lived admin token in
 * `/?token=` would stay in browser history, proxy logs and shell history. It keeps working as
 * `Authorization: Bearer`, and mints one-time login links for scripts that open the UI.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ContractHandlers } from '../../shared/contract/methods';
import { request } from '../testing/net';
import { startTestAdmin, type TestAdmin } from './test-support';

const handlers: Partial<ContractHandlers> = { 'apis.list': async () => [] };

let admin: TestAdmin;
beforeAll(async () => {
  admin = await startTestAdmin(handlers);
});
afterAll(() => admin.close());

const loginUrl = (token: string) => `${admin.server.url}/?token=${encodeURIComponent(token)}`;
const cookieOf = (setCookie: string[] | undefined) => setCookie![0]!.split(';')[0]!;

describe('login from a URL', () => {
  it('refuses the admin token in /?token= (no cookie, points to the login URL); a login token works once; bearer still works', async () => {
    const withAdminToken = await request(loginUrl(admin.server.token));
    expect(withAdminToken.status).toBe(303);
    expect(withAdminToken.headers.location).toBe('/?signin=admin-token-in-url');
    expect(withAdminToken.headers['set-cookie']).toBeUndefined();
    expect(withAdminToken.headers['cache-control']).toBe('no-store');
    expect(withAdminToken.body).toContain('The admin token is not accepted in a URL');
    expect(withAdminToken.body).toContain('one-time login URL');
    // Asking again changes nothing: the admin token was not consumed, nor did it become valid.
    expect((await request(loginUrl(admin.server.token))).headers['set-cookie']).toBeUndefined();

    const once = admin.server.createLoginUrl();
    const first = await request(once);
    expect(first.status).toBe(302);
    const cookie = cookieOf(first.headers['set-cookie']);
    expect((await admin.call('GET', '/api/v1/apis', { auth: false, headers: { cookie } })).status).toBe(200);
    const again = await request(once);
    expect(again.status).toBe(303);
    expect(again.headers.location).toBe('/?signin=link-used');
    expect(again.headers['set-cookie']).toBeUndefined();
    expect(again.body).toContain('not valid or was already used');

    const bearer = await admin.call('GET', '/api/v1/apis');
    expect(bearer.status).toBe(200);
    expect(bearer.json()).toEqual([]);
    // Pasted into the login form, the token travels in a POST body, not a URL: still accepted.
    const form = await admin.call('POST', '/api/v1/session', { auth: false, body: { token: admin.server.token }, headers: { origin: admin.server.url } });
    expect(form.status).toBe(204);
    expect(cookieOf(form.headers['set-cookie'])).toMatch(new RegExp(`^gatehouse_session_${admin.server.port}=`));
  });
});

describe('POST /api/v1/session/login-link', () => {
  it('gives the bearer a fresh one-time login URL; sessions and anonymous callers get none', async () => {
    const minted = await admin.call('POST', '/api/v1/session/login-link');
    expect(minted.status).toBe(201);
    expect(minted.headers['cache-control']).toBe('no-store');
    const { url } = minted.json<{ url: string }>();
    expect(url).toMatch(new RegExp(`^${admin.server.url}/\\?token=[A-Za-z0-9_-]{32}$`));
    expect(url).not.toContain(admin.server.token);
    const first = await request(url);
    expect(first.status).toBe(302);
    const cookie = cookieOf(first.headers['set-cookie']);
    const reused = await request(url);
    expect(reused.status).toBe(303);
    expect(reused.headers['set-cookie']).toBeUndefined();

    const bySession = await admin.call('POST', '/api/v1/session/login-link', { auth: false, headers: { cookie, origin: admin.server.url } });
    expect(bySession.status).toBe(403);
    expect((await admin.call('POST', '/api/v1/session/login-link', { auth: false })).status).toBe(401);
    expect((await admin.call('GET', '/api/v1/session/login-link')).status).toBe(405);
  });
});
