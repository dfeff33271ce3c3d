import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appAssetResponse, resolveAppAsset } from './app-protocol';

let root: string;
let secret: string;

beforeAll(() => {
  const base = mkdtempSync(path.join(os.tmpdir(), 'gatehouse-protocol-'));
  root = path.join(base, 'renderer');
  mkdirSync(path.join(root, 'assets'), { recursive: true });
  writeFileSync(path.join(root, 'index.html'), '<!doctype html><title>Gatehouse</title>');
  writeFileSync(path.join(root, 'assets', 'index-abc.js'), 'console.log(1)');
  secret = path.join(base, 'admin-token');
  writeFileSync(secret, 'top-secret');
});
afterAll(() => rmSync(path.dirname(root), { recursive: true, force: true }));

describe('resolveAppAsset', () => {
  it('maps app URLs to files of the renderer build only', () => {
    expect(resolveAppAsset(root, 'gatehouse://app/assets/index-abc.js')).toMatchObject({ kind: 'file', file: path.join(root, 'assets', 'index-abc.js'), contentType: 'text/javascript; charset=utf-8' });
    expect(resolveAppAsset(root, 'gatehouse://app/')).toMatchObject({ file: path.join(root, 'index.html') });
    // Client-side routes get the page.
    expect(resolveAppAsset(root, 'gatehouse://app/apis/abc')).toMatchObject({ file: path.join(root, 'index.html') });
  });

  it.each([
    'gatehouse://app/../admin-token',
    'gatehouse://app/%2e%2e/admin-token',
    'gatehouse://app/assets/..%2F..%2Fadmin-token',
    'gatehouse://other/index.html',
    'https://app/index.html',
    'gatehouse://app/%E0%A4%A',
    'gatehouse://app/x%00.js',
  ])('refuses %s', (url) => {
    const lookup = resolveAppAsset(root, url);
    if (lookup.kind === 'file') expect(lookup.file.startsWith(root + path.sep)).toBe(true);
    else expect(lookup.kind).toBe('not-found');
  });
});

describe('appAssetResponse', () => {
  it('serves files with the CSP and nosniff headers', async () => {
    const response = await appAssetResponse(root, 'gatehouse://app/index.html');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await response.text()).toContain('<title>Gatehouse</title>');
  });

  it('answers 404 for missing assets and never serves files outside the build', async () => {
    expect((await appAssetResponse(root, 'gatehouse://app/assets/missing.js')).status).toBe(404);
    const escape = await appAssetResponse(root, 'gatehouse://app/%2e%2e/admin-token');
    expect(await escape.text()).not.toContain('top-secret');
  });

  it('explains a missing UI build instead of showing a blank window', async () => {
    const empty = mkdtempSync(path.join(os.tmpdir(), 'gatehouse-empty-'));
    try {
      const response = await appAssetResponse(empty, 'gatehouse://app/index.html');
      expect(response.status).toBe(503);
      expect(await response.text()).toContain('npm run build');
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
