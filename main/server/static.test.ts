import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestAdmin, type TestAdmin } from './test-support';

describe('web UI', () => {
  let built: TestAdmin;
  let bare: TestAdmin;
  let root: string;

  beforeAll(async () => {
    root = mkdtempSync(path.join(os.tmpdir(), 'gatehouse-ui-'));
    mkdirSync(path.join(root, 'assets'));
    writeFileSync(path.join(root, 'index.html'), '<!doctype html><div id="root"></div><script type="module" src="/assets/app-1a2b.js"></script>');
    writeFileSync(path.join(root, 'assets', 'app-1a2b.js'), 'console.log("ui")');
    writeFileSync(path.join(root, 'assets', 'app-1a2b.css'), 'body{}');
    writeFileSync(path.join(root, 'favicon.svg'), '<svg/>');
    writeFileSync(path.join(os.tmpdir(), 'gatehouse-outside.txt'), 'secret');
    built = await startTestAdmin({}, { staticDir: root });
    bare = await startTestAdmin({}, { staticDir: path.join(root, 'missing') });
  });
  afterAll(async () => {
    await built.close();
    await bare.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('serves the build with content types, caching and a CSP', async () => {
    const index = await built.call('GET', '/', { auth: false });
    expect(index.status).toBe(200);
    expect(index.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(index.body).toContain('<div id="root">');
    expect(index.headers['content-security-policy']).toMatch(/^default-src 'self'; script-src 'self';/);
    expect(index.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(index.headers['referrer-policy']).toBe('no-referrer');
    const script = await built.call('GET', '/assets/app-1a2b.js', { auth: false });
    expect(script.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(script.headers['cache-control']).toContain('immutable');
    expect((await built.call('GET', '/assets/app-1a2b.css', { auth: false })).headers['content-type']).toBe('text/css; charset=utf-8');
    expect((await built.call('GET', '/favicon.svg', { auth: false })).headers['content-type']).toBe('image/svg+xml');
  });

  it('answers client routes with index.html and missing assets with 404', async () => {
    const route = await built.call('GET', '/apis/a1/policies', { auth: false });
    expect(route.status).toBe(200);
    expect(route.body).toContain('<div id="root">');
    expect((await built.call('GET', '/assets/missing-9z.js', { auth: false })).status).toBe(404);
    // Relative asset URLs requested from a nested client route still find the build's files.
    const nested = await built.call('GET', '/apis/assets/app-1a2b.js', { auth: false });
    expect(nested.status).toBe(200);
    expect(nested.body).toBe('console.log("ui")');
    expect((await built.call('GET', '/apis/a1/favicon.svg', { auth: false })).body).toBe('<svg/>');
    const traversal = await built.call('GET', '/..%2fgatehouse-outside.txt', { auth: false });
    expect(traversal.status).toBe(404);
    expect(traversal.body).not.toContain('secret');
  });

  it('shows a placeholder listing the API when the UI is not built', async () => {
    const page = await bare.call('GET', '/', { auth: false });
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.body).toContain('not built');
    expect(page.body).toContain('/api/v1/apis/{apiId}/policies');
    expect(page.body).toContain('/api/v1/health');
    expect((await bare.call('GET', '/traffic', { auth: false })).body).toContain('not built');
  });

  it('sends the login redirect to the UI with the token removed from the URL', async () => {
    const login = await built.call('GET', `/?token=${new URL(built.server.createLoginUrl()).searchParams.get('token')}`, { auth: false });
    expect(login.status).toBe(302);
    expect(login.headers.location).toBe('/');
    expect(login.headers['referrer-policy']).toBe('no-referrer');
  });
});
