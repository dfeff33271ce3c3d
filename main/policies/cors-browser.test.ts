/**
 * cors-flex against a real browser: Chromium (Debian's, through Playwright) loads a page from one
 * origin and calls APIs on the gateway (another origin: a different port). The browser, not
 * our reading of the Fetch standard, decides what a page may do. Skips when Chromium is absent.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from '@playwright/test';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findPolicy } from '../../shared/policies/catalogue';
import { startGateway, type StartedGateway } from '../gateway/testing';
import { startEchoUpstream, startServer, type TestServer } from '../testing/net';

const CHROMIUM = '/usr/bin/chromium';

type FetchResult = { ok: true; status: number; body: { method: string; headers: Record<string, string> }; exposed: string | null; hidden: string | null } | { ok: false; error: string };

describe.skipIf(!existsSync(CHROMIUM))('cors-flex in Chromium', () => {
  let upstream: TestServer;
  let site: TestServer;
  let gateway: StartedGateway;
  let browser: Browser;
  let page: Page;
  const upstreamMethods: string[] = [];

  beforeAll(async () => {
    upstream = await startEchoUpstream();
    upstream.server.prependListener('request', (req) => void upstreamMethods.push(req.method ?? ''));
    // The page's origin; it also sets a cookie for 127.0.0.1, which credentialed calls carry.
    site = await startServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html', 'set-cookie': 'session=s1; Path=/; SameSite=Lax' });
      res.end('<!doctype html><title>app</title>');
    });
    const pageOrigin = site.url;
    gateway = await startGateway(
      [
        { basePath: '/public', upstream: upstream.url, policies: [{ name: 'cors-flex', config: { originGroups: [{ origins: ['*'], exposedHeaders: ['x-upstream'] }] } }] },
        {
          basePath: '/private',
          upstream: upstream.url,
          policies: [
            {
              name: 'cors-flex',
              config: {
                publicResource: false,
                supportCredentials: true,
                originGroups: [{ origins: [pageOrigin], allowedMethods: [{ methodName: 'GET', isAllowed: true }, { methodName: 'PUT', isAllowed: true }], headers: ['content-type', 'x-trace'], exposedHeaders: ['x-upstream'] }],
              },
            },
          ],
        },
        { basePath: '/denied', upstream: upstream.url, policies: [{ name: 'cors-flex', config: { publicResource: false, originGroups: [{ origins: ['https://elsewhere.test'] }] } }] },
      ],
      { catalogue: findPolicy },
    );
    browser = await chromium.launch({ executablePath: CHROMIUM });
    page = await browser.newPage();
    await page.goto(site.url);
  }, 30_000);

  afterAll(async () => {
    await browser?.close();
    await gateway?.close();
    await upstream?.close();
    await site?.close();
  });

  const call = (path: string, init: { method?: string; headers?: Record<string, string>; body?: string; credentials?: 'include' | 'omit' } = {}): Promise<FetchResult> =>
    page.evaluate(
      async ([url, options]) => {
        try {
          const response = await fetch(url, options as RequestInit);
          return { ok: true as const, status: response.status, body: await response.json(), exposed: response.headers.get('x-upstream'), hidden: response.headers.get('x-gatehouse-source') };
        } catch (error) {
          return { ok: false as const, error: String(error) };
        }
      },
      [gateway.url(path), init] as const,
    );

  it('public resource: a simple GET and a preflighted PUT with a custom header both work', async () => {
    const get = await call('/public/items');
    expect(get).toMatchObject({ ok: true, status: 200, exposed: 'echo', hidden: null });
    upstreamMethods.length = 0;
    const put = await call('/public/items/1', { method: 'PUT', headers: { 'content-type': 'application/json', 'x-custom': 'yes' }, body: '{}' });
    expect(put).toMatchObject({ ok: true, status: 200, body: { method: 'PUT', headers: { 'x-custom': 'yes' } } });
    // The gateway answered the preflight; the upstream saw only the PUT.
    expect(upstreamMethods).toEqual(['PUT']);
  });

  it('credentialed calls from an allowed origin work and carry the cookie', async () => {
    const put = await call('/private/items/1', { method: 'PUT', headers: { 'content-type': 'application/json', 'x-trace': 't1' }, body: '{}', credentials: 'include' });
    expect(put).toMatchObject({ ok: true, status: 200, exposed: 'echo', body: { method: 'PUT', headers: { cookie: 'session=s1', 'x-trace': 't1' } } });
  });

  it('the browser blocks what the policy does not allow: a method, a header, an origin', async () => {
    expect(await call('/private/items/1', { method: 'DELETE', credentials: 'include' })).toMatchObject({ ok: false });
    expect(await call('/private/items', { headers: { 'x-other': '1' }, credentials: 'include' })).toMatchObject({ ok: false });
    expect(await call('/denied/items')).toMatchObject({ ok: false });
  });
});
