/**
 * A screenshot of each main screen, light and dark, at 1280×800, saved under
 * test-results/screenshots/ as artifacts (and looked at by a human). The setup gives every
 * screen something to show: APIs with policies, traffic with errors, an application with a
 * contract, a tier, an alert rule.
 */
import { mkdirSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { adminCall, expect, test, unlabeledControls, type GatehouseServer } from './fixtures';

const DIR = 'test-results/screenshots';

async function seed(gatehouse: GatehouseServer): Promise<{ apiId: string }> {
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

async function shoot(page: Page, name: string, theme: 'light' | 'dark') {
  // Let charts receive a tick and animations settle.
  await page.waitForTimeout(400);
  await page.screenshot({ path: `${DIR}/${name}-${theme}.png` });
  // Every control on every screen has a name a screen reader can say.
  expect(await unlabeledControls(page), `unlabeled controls on ${name}`).toEqual([]);
}

test('screenshots of every main screen, light and dark (and every control labelled)', async ({ app: page, gatehouse }) => {
  test.setTimeout(120_000);
  mkdirSync(DIR, { recursive: true });
  const { apiId } = await seed(gatehouse);

  for (const theme of ['light', 'dark'] as const) {
    await adminCall(gatehouse, 'PATCH', '/settings', { theme });
    await page.goto(`${gatehouse.url}/#/`);
    await expect(page.locator('html')).toHaveAttribute('data-theme', theme);
    await expect(page.getByTestId('overview-chart').locator('canvas')).toBeVisible();
    await shoot(page, 'overview', theme);

    const screens: [string, string, () => Promise<void>][] = [
      ['apis', '/apis', () => expect(page.getByRole('link', { name: 'Payments' })).toBeVisible()],
      ['api-analytics', `/apis/${apiId}/analytics`, () => expect(page.getByTestId('analytics-requests')).not.toContainText(/^Requests0$/)],
      ['api-policies', `/apis/${apiId}/policies`, () => expect(page.getByTestId('policy-cors-flex')).toBeVisible()],
      ['api-contracts', `/apis/${apiId}/contracts`, () => expect(page.getByTestId('contract-Mobile app')).toBeVisible()],
      ['api-alerts', `/apis/${apiId}/alerts`, () => expect(page.getByRole('table').getByText('Payments 5xx')).toBeVisible()],
      ['traffic', '/traffic', () => expect(page.getByTestId('traffic-row').first()).toBeVisible()],
      ['gateways', '/gateways', () => expect(page.getByRole('region').first()).toBeVisible()],
      ['applications', '/applications', () => expect(page.getByText('Mobile app', { exact: true })).toBeVisible()],
      ['alerts', '/alerts', () => expect(page.getByRole('table').getByText('Payments 5xx')).toBeVisible()],
      ['settings', '/settings', () => expect(page.getByText('Data directory')).toBeVisible()],
    ];
    for (const [name, path, ready] of screens) {
      await page.goto(`${gatehouse.url}/#${path}`);
      await ready();
      await shoot(page, name, theme);
    }

    // Try it with a result, the traffic drawer, the policy catalogue and the palette.
    await page.goto(`${gatehouse.url}/#/apis/${apiId}/try?path=%2Fposts%2F1`);
    await page.getByRole('button', { name: 'Send' }).click();
    await expect(page.getByTestId('try-status')).toBeVisible();
    await shoot(page, 'api-try', theme);

    await page.goto(`${gatehouse.url}/#/traffic`);
    await page.getByTestId('traffic-row').filter({ hasText: '429' }).first().click();
    await expect(page.getByRole('complementary', { name: 'Request details' })).toBeVisible();
    await shoot(page, 'traffic-drawer', theme);

    await page.goto(`${gatehouse.url}/#/apis/${apiId}/policies`);
    await page.getByRole('button', { name: 'Add policy' }).click();
    await expect(page.getByRole('dialog', { name: 'Add policy' })).toBeVisible();
    await shoot(page, 'add-policy', theme);
    await page.keyboard.press('Escape');

    await page.keyboard.press('Control+k');
    await page.getByRole('combobox', { name: 'Command' }).fill('pay');
    await shoot(page, 'command-palette', theme);
    await page.keyboard.press('Escape');
  }
});
