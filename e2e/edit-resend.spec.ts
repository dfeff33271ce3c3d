/**
 * Edit and resend (issue 15): a request with a query string and a JSON body goes through the
 * gateway to the demo upstream's /echo; opened from Traffic it fills Try it (method, path with
 * query, headers, body); a changed header is sent again and the new answer shows it. Compare
 * then shows the gateway's answer and the upstream's own side by side.
 */
import type { Page } from '@playwright/test';
import { adminCall, expect, test } from './fixtures';

async function headerRowIndex(page: Page, name: string): Promise<number> {
  const names = page.getByLabel(/^Header \d+ name$/);
  const count = await names.count();
  for (let i = 0; i < count; i++) if ((await names.nth(i).inputValue()).toLowerCase() === name) return i + 1;
  throw new Error(`no header row named ${name}`);
}

test('a request from Traffic is edited (a header changed) and resent, and the new answer shows the change', async ({ app: page, gatehouse }) => {
  await adminCall(gatehouse, 'POST', '/apis', { name: 'Resend', implementationUrl: gatehouse.upstreamUrl, basePath: '/resend' });
  await expect
    .poll(async () => (await fetch(`http://127.0.0.1:${gatehouse.gatewayPort}/resend/health`)).status, { timeout: 30_000 })
    .toBe(200);

  const sent = { title: 'edit me', userId: 3 };
  const target = '/resend/echo/items?userId=3&_limit=2';
  const first = await fetch(`http://127.0.0.1:${gatehouse.gatewayPort}${target}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-note': 'first' }, body: JSON.stringify(sent) });
  expect((await first.json()).headers['x-note']).toBe('first');

  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Traffic' }).click();
  const row = page.getByTestId('traffic-row').filter({ hasText: target });
  await expect(row).toHaveCount(1, { timeout: 30_000 });
  await row.click();
  const drawer = page.getByRole('complementary', { name: 'Request details' });
  await expect(drawer.getByTestId('request-body-text')).toContainText('edit me');
  await drawer.getByRole('button', { name: 'Edit and resend' }).click();

  // Try it of that API, filled in.
  await expect(page.getByText('From traffic: edit and send again')).toBeVisible();
  await expect(page.getByLabel('Method')).toHaveValue('POST');
  await expect(page.getByLabel('Path')).toHaveValue('/echo/items?userId=3&_limit=2');
  expect(JSON.parse(await page.getByLabel('Body').inputValue())).toEqual(sent);
  const index = await headerRowIndex(page, 'x-note');
  await expect(page.getByLabel(`Header ${index} value`)).toHaveValue('first');
  expect(await headerRowIndex(page, 'content-type')).toBeGreaterThan(0);
  // The gateway's own and hop-by-hop headers are not carried over.
  await expect(headerRowIndex(page, 'host')).rejects.toThrow();
  await expect(headerRowIndex(page, 'x-request-id')).rejects.toThrow();

  await page.getByLabel(`Header ${index} value`).fill('second');
  await page.getByRole('button', { name: 'Send', exact: true }).click();
  const body = page.getByLabel('Response body', { exact: true });
  await expect(page.getByTestId('try-status')).toHaveText(/^200/);
  await expect(body).toContainText('"x-note": "second"');
  await expect(body).toContainText('"userId": "3"');
  await expect(body).toContainText('edit me');

  // Compare: the same request through the gateway and straight to the upstream, side by side.
  await page.getByLabel('Send to').selectOption('compare');
  await page.getByRole('button', { name: 'Compare', exact: true }).click();
  const compare = page.getByTestId('try-compare');
  await expect(compare).toContainText('Both answered 200.');
  await expect(page.getByTestId('compare-gateway')).toContainText('"x-note": "second"');
  await expect(page.getByTestId('compare-upstream')).toContainText('"x-note": "second"');
  await expect(page.getByTestId('compare-upstream')).toContainText(gatehouse.upstreamUrl);
});
