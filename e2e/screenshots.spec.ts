/**
 * Every screen, light and dark, at 1280×800 and at 900×600, saved under
 * test-results/screenshots/ (gitignored) for a human to look at. The setup gives every screen
 * something to show: APIs with policies, traffic with errors and rate-limit rejections, an
 * application with a contract, a tier, an alert rule.
 *
 * At 900×600 it also checks what a user of a small window would notice: the page never scrolls
 * sideways, the top bar stays one row, the sidebar is icons only (each still named), and the
 * traffic table keeps Status, Method, Path, Latency and Policy. Layout checks are soft: one run
 * reports every screen that breaks, with its screenshot already written.
 */
import { mkdirSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { adminCall, expect, test, unlabeledControls, type GatehouseServer } from './fixtures';

const DIR = 'test-results/screenshots';
const WIDE = { width: 1280, height: 800 };
const NARROW = { width: 900, height: 600 };
type Theme = 'light' | 'dark';

interface Seeded {
  apiId: string;
}

let seeded: Promise<Seeded> | undefined;

// 68 screenshots: a trace of each would double the work on a busy machine, and says nothing the
// screenshots and the soft failures do not.
test.use({ trace: 'off' });

async function seed(gatehouse: GatehouseServer): Promise<Seeded> {
  const api = await adminCall<{ id: string }>(gatehouse, 'POST', '/apis', { name: 'Payments', version: 'v2', implementationUrl: gatehouse.upstreamUrl, basePath: '/payments' });
  await adminCall(gatehouse, 'POST', '/apis', { name: 'Catalog', implementationUrl: gatehouse.upstreamUrl, basePath: '/catalog' });
  await adminCall(gatehouse, 'POST', `/apis/${api.id}/policies`, { policyRef: 'rate-limiting-flex', config: { rateLimits: [{ maximumRequests: 30, timePeriodInMilliseconds: 60_000 }], exposeHeaders: true } });
  await adminCall(gatehouse, 'POST', `/apis/${api.id}/policies`, { policyRef: 'cors-flex', config: { publicResource: true } });
  await adminCall(gatehouse, 'POST', `/apis/${api.id}/policies`, { policyRef: 'header-injection-flex', config: { inboundHeaders: [{ key: 'x-gateway', value: 'gatehouse' }] }, enabled: false });
  const tier = await adminCall<{ id: string }>(gatehouse, 'POST', '/sla-tiers', { apiId: api.id, name: 'Gold', limits: [{ maximumRequests: 1000, timePeriodInMilliseconds: 3_600_000 }] });
  const app = await adminCall<{ id: string }>(gatehouse, 'POST', '/applications', { name: 'Mobile app', description: 'iOS and Android clients' });
  await adminCall(gatehouse, 'POST', '/contracts', { apiId: api.id, applicationId: app.id, tierId: tier.id });
  await adminCall(gatehouse, 'POST', '/alert-rules', { name: 'Payments 5xx', kind: 'response-codes', apiId: api.id, codes: ['5xx'], threshold: 5, windowSeconds: 60 });
  // Traffic: successes, a few upstream errors, and rate-limit rejections past 30/min.
  const base = `http://127.0.0.1:${gatehouse.gatewayPort}`;
  const paths = ['/payments/posts/1', '/payments/users/2', '/payments/todos?userId=1', '/payments/status/500', '/catalog/posts', '/catalog/comments/3'];
  await Promise.all(Array.from({ length: 56 }, (_, i) => fetch(base + paths[i % paths.length]!).then((r) => r.arrayBuffer())));
  return { apiId: api.id };
}

/** What a user of a 900×600 window would notice first. */
async function checkNarrowLayout(page: Page, name: string) {
  const facts = await page.evaluate(() => {
    const root = document.documentElement;
    const main = document.querySelector('main');
    const topbar = document.querySelector('.topbar');
    const sidebar = document.querySelector('.sidebar');
    const bar = topbar?.getBoundingClientRect();
    const outside = topbar
      ? [...topbar.querySelectorAll('*')]
          .filter((el) => el.getClientRects().length > 0)
          .filter((el) => {
            const box = el.getBoundingClientRect();
            return box.width > 0 && (box.top < bar!.top - 0.5 || box.bottom > bar!.bottom + 0.5 || box.right > bar!.right + 0.5);
          })
          .map((el) => el.outerHTML.slice(0, 80))
      : [];
    // Text a user can read: a visually hidden label (1 px, clipped) is for screen readers only.
    const labels = sidebar ? [...sidebar.querySelectorAll('.nav-label, .brand-name, .sidebar-footer')].filter((el) => el.getBoundingClientRect().width > 1).map((el) => el.textContent) : [];
    return {
      pageOverflow: root.scrollWidth - root.clientWidth,
      mainOverflow: main ? main.scrollWidth - main.clientWidth : 0,
      topbarHeight: bar?.height ?? 0,
      topbarExpected: parseFloat(getComputedStyle(root).getPropertyValue('--topbar-height')),
      outside,
      sidebarWidth: sidebar?.getBoundingClientRect().width ?? 0,
      labels,
    };
  });
  expect.soft(facts.pageOverflow, `${name}: the page scrolls sideways`).toBeLessThanOrEqual(0);
  expect.soft(facts.mainOverflow, `${name}: the content scrolls sideways`).toBeLessThanOrEqual(0);
  if (facts.topbarHeight > 0) {
    expect.soft(facts.topbarHeight, `${name}: top bar height`).toBe(facts.topbarExpected);
    expect.soft(facts.outside, `${name}: top bar content outside its one row`).toEqual([]);
  }
  if (facts.sidebarWidth > 0) {
    expect.soft(facts.labels, `${name}: sidebar shows text`).toEqual([]);
    expect.soft(facts.sidebarWidth, `${name}: sidebar width`).toBeLessThanOrEqual(64);
  }
}

/** The icon rail still names every place (once: the tooltip is not read out), and hovering shows the name. */
async function checkSidebarRail(page: Page, theme: Theme) {
  const nav = page.getByRole('navigation', { name: 'Main' });
  // Each link is named by its label (the tooltip's text), once; Alerts may add how many are active.
  const links = await nav.getByRole('link').all();
  expect(links.length).toBeGreaterThanOrEqual(7);
  for (const link of links) {
    const label = (await link.getAttribute('data-label')) ?? '';
    await expect.soft(link, `sidebar link ${label}`).toHaveAccessibleName(new RegExp(`^${label}( \\d+ active)?$`));
  }
  await nav.getByRole('link', { name: 'Traffic', exact: true }).hover();
  await expect
    .poll(() => nav.getByRole('link', { name: 'Traffic', exact: true }).evaluate((link) => getComputedStyle(link, '::after').opacity), { message: 'the tooltip shows on hover' })
    .toBe('1');
  await shoot(page, 'sidebar-tooltip', theme, NARROW);
  await page.mouse.move(600, 400);
}

/** The five columns a user triages requests by, all on screen and readable. */
async function checkTrafficColumns(page: Page, name: string) {
  const table = page.getByRole('table', { name: 'Requests, newest first' });
  // Below a tall panel (Breakpoints) the log is where the page scrolls to.
  await table.getByRole('columnheader', { name: 'Path' }).scrollIntoViewIfNeeded();
  for (const column of ['Status', 'Method', 'Path', 'Latency', 'Policy']) {
    const header = table.getByRole('columnheader', { name: new RegExp(`^${column}`) });
    await expect.soft(header, `${name}: ${column} column`).toBeVisible();
    await expect.soft(header, `${name}: ${column} column on screen`).toBeInViewport({ ratio: 1 });
  }
}

async function shoot(page: Page, name: string, theme: Theme, size: typeof WIDE) {
  // Let charts redraw at the new size and animations settle.
  await page.waitForTimeout(250);
  await page.screenshot({ path: `${DIR}/${name}-${size.width}x${size.height}-${theme}.png` });
}

/** Screenshots at both sizes, and the narrow layout's checks; the page is left at the wide size. */
async function shootBoth(page: Page, name: string, theme: Theme, extra?: () => Promise<void>) {
  await shoot(page, name, theme, WIDE);
  if (theme === 'light') expect.soft(await unlabeledControls(page), `unlabeled controls on ${name}`).toEqual([]);
  await page.setViewportSize(NARROW);
  await shoot(page, name, theme, NARROW);
  await checkNarrowLayout(page, name);
  await extra?.();
  await page.setViewportSize(WIDE);
}

for (const theme of ['light', 'dark'] as const) {
  test(`every screen in the ${theme} theme at 1280×800 and 900×600: screenshots, labelled controls, a layout that fits`, async ({ app: page, gatehouse, browser }) => {
    // 17 screens × 2 sizes; generous, for a loaded 2-core machine (about a minute when idle).
    test.setTimeout(300_000);
    mkdirSync(DIR, { recursive: true });
    const { apiId } = await (seeded ??= seed(gatehouse));
    await page.setViewportSize(WIDE);
    await adminCall(gatehouse, 'PATCH', '/settings', { theme });
    await page.goto(`${gatehouse.url}/#/`);
    await expect(page.locator('html')).toHaveAttribute('data-theme', theme);
    await expect(page.getByTestId('overview-chart').locator('canvas')).toBeVisible();
    await shootBoth(page, 'overview', theme, () => checkSidebarRail(page, theme));

    const screens: [string, string, () => Promise<void>][] = [
      ['apis', '/apis', () => expect(page.getByRole('link', { name: 'Payments' })).toBeVisible()],
      ['api-analytics', `/apis/${apiId}/analytics`, () => expect(page.getByTestId('analytics-requests')).not.toContainText(/^Requests0$/)],
      ['api-policies', `/apis/${apiId}/policies`, () => expect(page.getByTestId('policy-cors-flex')).toBeVisible()],
      ['api-contracts', `/apis/${apiId}/contracts`, () => expect(page.getByTestId('contract-Mobile app')).toBeVisible()],
      ['api-alerts', `/apis/${apiId}/alerts`, () => expect(page.getByRole('table').getByText('Payments 5xx')).toBeVisible()],
      ['api-mock', `/apis/${apiId}/mock`, () => expect(page.getByRole('region', { name: 'Mock' })).toBeVisible()],
      ['gateways', '/gateways', () => expect(page.getByRole('region').first()).toBeVisible()],
      ['applications', '/applications', () => expect(page.getByText('Mobile app', { exact: true })).toBeVisible()],
      ['alerts', '/alerts', () => expect(page.getByRole('table').getByText('Payments 5xx')).toBeVisible()],
      ['settings', '/settings', () => expect(page.getByText('Data directory')).toBeVisible()],
    ];
    for (const [name, path, ready] of screens) {
      await page.goto(`${gatehouse.url}/#${path}`);
      await ready();
      await shootBoth(page, name, theme);
    }

    // Places the sidebar gained since this list was written (e.g. the Policies library): each
    // photographed too, ready once its title shows.
    const listed = new Set(['/', '/apis', '/traffic', ...screens.map(([, path]) => path)]);
    const places = await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link')
      .evaluateAll((links) => links.map((link) => ({ path: (link.getAttribute('href') ?? '').replace(/^#/, ''), label: link.getAttribute('data-label') ?? '' })));
    for (const place of places.filter((p) => !listed.has(p.path))) {
      await page.goto(`${gatehouse.url}/#${place.path}`);
      await expect(page.getByRole('heading', { level: 1, name: place.label })).toBeVisible();
      await shootBoth(page, place.label.toLowerCase().replace(/\W+/g, '-'), theme);
    }

    // Try it with a result.
    await page.goto(`${gatehouse.url}/#/apis/${apiId}/try?path=%2Fposts%2F1`);
    await page.getByRole('button', { name: 'Send' }).click();
    await expect(page.getByTestId('try-status')).toBeVisible();
    await shootBoth(page, 'api-try', theme);

    // Traffic, then one request's details.
    await page.goto(`${gatehouse.url}/#/traffic`);
    await expect(page.getByTestId('traffic-row').first()).toBeVisible();
    await shootBoth(page, 'traffic', theme, () => checkTrafficColumns(page, 'traffic'));
    await page.getByTestId('traffic-row').filter({ hasText: '429' }).first().click();
    await expect(page.getByRole('complementary', { name: 'Request details' })).toBeVisible();
    await shootBoth(page, 'traffic-drawer', theme, () => checkTrafficColumns(page, 'traffic-drawer'));

    // The Breakpoints panel above the log (no rule: adding one would pause later requests).
    await page.goto(`${gatehouse.url}/#/traffic?breakpoints=1`);
    await expect(page.getByRole('region', { name: 'Breakpoints' })).toBeVisible();
    await expect(page.getByTestId('traffic-row').first()).toBeVisible();
    await shootBoth(page, 'traffic-breakpoints', theme, () => checkTrafficColumns(page, 'traffic-breakpoints'));

    // Dialogs over a screen: the policy catalogue, the palette, the shortcuts list.
    await page.goto(`${gatehouse.url}/#/apis/${apiId}/policies`);
    await page.getByRole('button', { name: 'Add policy' }).click();
    await expect(page.getByRole('dialog', { name: 'Add policy' })).toBeVisible();
    await shootBoth(page, 'add-policy', theme);
    await page.keyboard.press('Escape');

    await page.keyboard.press('Control+k');
    await page.getByRole('combobox', { name: 'Command' }).fill('rate');
    await expect(page.getByRole('option', { name: /^Rate limiting on Payments v2/ })).toBeVisible();
    await shootBoth(page, 'command-palette', theme);
    await page.keyboard.press('Escape');
    // Enter opens the highlighted result where it lives: the API's policies, from Traffic.
    await page.goto(`${gatehouse.url}/#/traffic`);
    await page.keyboard.press('Control+k');
    await page.getByRole('combobox', { name: 'Command' }).fill('rate payments');
    await expect(page.getByRole('option', { name: /^Rate limiting on Payments v2/ })).toHaveAttribute('aria-selected', 'true');
    await page.keyboard.press('Enter');
    await expect(page).toHaveURL(new RegExp(`#/apis/${apiId}/policies$`));
    await expect(page.getByTestId('policy-rate-limiting-flex')).toBeVisible();

    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await page.keyboard.press('?');
    await expect(page.getByRole('dialog', { name: 'Keyboard shortcuts' })).toBeVisible();
    await shootBoth(page, 'shortcuts', theme);
    await page.keyboard.press('Escape');

    // All traffic paused: the top bar's widest state (paused pill and Resume) stays one row.
    await adminCall(gatehouse, 'POST', '/traffic/pause');
    try {
      await page.goto(`${gatehouse.url}/#/apis`);
      await expect(page.getByTestId('traffic-paused-banner')).toBeVisible();
      await shootBoth(page, 'traffic-paused', theme);
    } finally {
      await adminCall(gatehouse, 'POST', '/traffic/resume');
    }

    // The sign-in page, in a browser without a session (its theme is the system's).
    const signedOut = await browser.newContext({ colorScheme: theme, viewport: WIDE });
    const signIn = await signedOut.newPage();
    await signIn.goto(`${gatehouse.url}/`);
    await expect(signIn.getByRole('heading', { name: 'Sign in to this Gatehouse' })).toBeVisible();
    await shootBoth(signIn, 'sign-in', theme);
    await signedOut.close();
  });
}
