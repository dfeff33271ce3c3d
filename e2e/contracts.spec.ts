/**
 * Client ID enforcement end to end: an application's secret is shown once, its contract on a
 * manual tier waits for approval (401 meanwhile), approval lets it through (200, also from
 * outside the app with the shown credentials), revocation shuts it out again.
 */
import { adminCall, expect, test } from './fixtures';

test('approve a contract, then call the API with its credentials', async ({ app: page, gatehouse }) => {
  const api = await adminCall<{ id: string }>(gatehouse, 'POST', '/apis', { name: 'Billing', implementationUrl: gatehouse.upstreamUrl, basePath: '/billing' });
  await adminCall(gatehouse, 'POST', `/apis/${api.id}/policies`, { policyRef: 'client-id-enforcement-flex', config: {} });
  await adminCall(gatehouse, 'POST', '/sla-tiers', { apiId: api.id, name: 'Partner', limits: [{ maximumRequests: 100, timePeriodInMilliseconds: 60_000 }], approval: 'manual' });

  // The application: id and secret shown once.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Applications' }).click();
  await page.getByRole('button', { name: 'Add application' }).first().click();
  await page.getByRole('dialog', { name: 'Add application' }).getByLabel('Name').fill('Billing partner');
  await page.getByRole('button', { name: 'Create application' }).click();
  const secretDialog = page.getByRole('dialog', { name: 'Billing partner created' });
  await expect(secretDialog).toContainText('It is shown only this once');
  const clientId = (await secretDialog.getByTestId('client-id').textContent())!.trim();
  const clientSecret = (await secretDialog.getByTestId('client-secret').textContent())!.trim();
  expect(clientSecret.length).toBeGreaterThanOrEqual(8);
  await page.keyboard.press('Escape'); // not dismissable by Esc: the user must confirm
  await expect(secretDialog).toBeVisible();
  await secretDialog.getByRole('button', { name: 'I have saved the secret' }).click();
  await expect(page.getByRole('cell', { name: 'Billing partner', exact: true })).toBeVisible();
  await expect(page.getByText(clientSecret)).toHaveCount(0);

  // Contract on the manual tier: pending until approved.
  await page.goto(`${gatehouse.url}/#/apis/${api.id}/contracts`);
  await page.getByRole('button', { name: 'New contract' }).click();
  const contractDialog = page.getByRole('dialog', { name: 'New contract' });
  await contractDialog.getByLabel('SLA tier').selectOption({ label: 'Partner: 100 / 1 min (manual)' });
  await contractDialog.getByRole('button', { name: 'Create contract' }).click();
  const row = page.getByTestId('contract-Billing partner');
  await expect(row).toContainText('pending');

  const basic = `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`;
  const call = (authorization?: string) => fetch(`http://127.0.0.1:${gatehouse.gatewayPort}/billing/users/1`, { headers: authorization ? { authorization } : {} }).then((r) => r.status);
  expect(await call(basic)).toBe(401);

  await row.getByRole('button', { name: 'Approve' }).click();
  await expect(row).toContainText('approved');
  expect(await call(basic)).toBe(200);
  expect(await call()).toBe(401);

  // Try it with the application's credentials goes through; without, the policy answers 401.
  await page.getByRole('link', { name: 'Try it' }).click();
  await page.getByLabel('Path').fill('/users/1');
  await page.getByLabel('Credentials').selectOption({ label: `Billing partner (${clientId})` });
  await page.getByRole('button', { name: 'Send' }).click();
  await expect(page.getByTestId('try-status')).toHaveText(/^200/);
  await page.getByLabel('Credentials').selectOption({ label: 'No credentials' });
  await page.getByRole('button', { name: 'Send' }).click();
  await expect(page.getByTestId('try-status')).toHaveText(/^401/);
  await expect(page.getByTestId('try-decider')).toHaveText('client-id-enforcement-flex');

  // Revoked: shut out again, at once.
  await page.getByRole('link', { name: 'Contracts & SLA tiers' }).click();
  await row.getByRole('button', { name: 'Revoke' }).click();
  await expect(row).toContainText('revoked');
  expect(await call(basic)).toBe(401);
});
