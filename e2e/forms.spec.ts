/**
 * Forms in human words, through a real browser and a real gateway: a policy form that starts
 * without credentials, focuses the field a blocked submit needs, and generates a password that
 * then really lets a request in; CORS edited with chips, inserted before authentication so a
 * real preflight is answered, and the warning (with its fix) when it runs after; an alert rule
 * edited in place.
 */
import { adminCall, expect, test } from './fixtures';

interface Api {
  id: string;
}

test('basic auth: empty credentials, a blocked submit focuses the field, a generated password works', async ({ app: page, gatehouse }) => {
  const api = await adminCall<Api>(gatehouse, 'POST', '/apis', { name: 'Forms basic', implementationUrl: gatehouse.upstreamUrl, basePath: '/forms-basic' });
  await page.goto(`${gatehouse.url}/#/apis/${api.id}/policies`);
  await page.getByRole('button', { name: 'Add policy' }).first().click();
  const picker = page.getByRole('dialog', { name: 'Add policy' });
  await picker.getByRole('option', { name: /HTTP Basic authentication/ }).click();
  const user = picker.getByRole('textbox', { name: /^User name/ });
  await expect(user).toHaveValue('');
  await expect(picker.getByLabel(/^Password/)).toHaveValue('');
  await expect(picker.getByRole('alert')).toHaveCount(0);

  await picker.getByRole('button', { name: 'Add policy' }).click();
  await expect(user).toBeFocused();
  await expect(picker.getByText('Fix the highlighted fields first.')).toBeVisible();

  await user.fill('ann');
  await picker.getByRole('button', { name: 'Generate a strong password' }).click();
  const password = (await picker.getByTestId('generated-password').textContent())!.trim();
  expect(password).toMatch(/^[A-Za-z0-9]{24}$/);
  await picker.getByRole('button', { name: 'Add policy' }).click();
  await expect(picker).toBeHidden();

  const call = (authorization?: string) => fetch(`http://127.0.0.1:${gatehouse.gatewayPort}/forms-basic/users/1`, { headers: authorization ? { authorization } : {} }).then((r) => r.status);
  await expect.poll(() => call(`Basic ${Buffer.from(`ann:${password}`).toString('base64')}`)).toBe(200);
  expect(await call()).toBe(401);
  // The password was shown once: not on the page any more.
  await expect(page.getByText(password)).toHaveCount(0);
});

test('CORS with chips goes before authentication, a real preflight is answered, and a wrong order is flagged and fixed', async ({ app: page, gatehouse }) => {
  // Several config swaps on the gateway: a longer budget on a loaded machine, no timing asserted.
  test.slow();
  const api = await adminCall<Api>(gatehouse, 'POST', '/apis', { name: 'Forms cors', implementationUrl: gatehouse.upstreamUrl, basePath: '/forms-cors' });
  await adminCall(gatehouse, 'POST', `/apis/${api.id}/policies`, { policyRef: 'http-basic-authentication-flex', config: { username: 'ann', password: 'a-long-passphrase' } });
  await page.goto(`${gatehouse.url}/#/apis/${api.id}/policies`);
  await page.getByRole('button', { name: 'Add policy' }).first().click();
  const picker = page.getByRole('dialog', { name: 'Add policy' });
  await picker.getByRole('option', { name: /CORS/ }).click();
  await expect(picker.getByTestId('policy-placement')).toHaveText('Runs first, before HTTP Basic authentication.');
  await picker.getByRole('button', { name: 'Add origin group' }).click();
  await expect(picker.locator('textarea')).toHaveCount(0);
  const origins = picker.getByRole('textbox', { name: /^Origins/ });
  await origins.fill('http://app.test');
  await origins.press('Enter');
  await picker.getByRole('button', { name: 'Add GET to Allowed methods' }).click();
  await picker.getByRole('button', { name: 'Add POST to Allowed methods' }).click();
  await expect(picker.getByRole('list', { name: 'Allowed methods' }).getByRole('listitem')).toHaveText(['GET', 'POST']);
  await picker.getByRole('button', { name: 'Add policy' }).click();
  await expect(picker).toBeHidden();

  const chain = page.getByRole('list', { name: 'Policies in run order' }).getByRole('listitem');
  await expect(chain.first()).toHaveAttribute('data-testid', 'policy-cors-flex');
  const preflight = () =>
    fetch(`http://127.0.0.1:${gatehouse.gatewayPort}/forms-cors/users/1`, { method: 'OPTIONS', headers: { origin: 'http://app.test', 'access-control-request-method': 'POST' } }).then((r) => ({
      status: r.status,
      allowOrigin: r.headers.get('access-control-allow-origin'),
    }));
  // Answered by CORS itself (204 with Access-Control-* headers), not refused by the authentication.
  await expect.poll(async () => (await preflight()).status).toBe(204);
  expect((await preflight()).allowOrigin).toBeTruthy();

  // Moved after the authentication: the tab says browsers will fail, and one click fixes it.
  await page.getByRole('button', { name: 'Move CORS down' }).click();
  const warning = page.locator('.banner', { hasText: 'Browsers cannot call this API' });
  await expect(warning).toContainText('CORS runs after HTTP Basic authentication');
  await expect.poll(async () => (await preflight()).status).toBe(401);
  await warning.getByRole('button', { name: 'Move CORS first' }).click();
  await expect(warning).toBeHidden();
  await expect(chain.first()).toHaveAttribute('data-testid', 'policy-cors-flex');
  // Answered by CORS itself (204 with Access-Control-* headers), not refused by the authentication.
  await expect.poll(async () => (await preflight()).status).toBe(204);
  expect((await preflight()).allowOrigin).toBeTruthy();
});

test('an alert rule is edited in place', async ({ app: page, gatehouse }) => {
  const api = await adminCall<Api>(gatehouse, 'POST', '/apis', { name: 'Forms alerts', implementationUrl: gatehouse.upstreamUrl, basePath: '/forms-alerts' });
  const rule = await adminCall<{ id: string }>(gatehouse, 'POST', '/alert-rules', { name: 'Forms 5xx', kind: 'response-codes', apiId: api.id, codes: ['5xx'], threshold: 10 });
  await page.goto(`${gatehouse.url}/#/alerts`);
  await page.getByRole('button', { name: 'Edit Forms 5xx' }).click();
  const dialog = page.getByRole('dialog', { name: 'Edit alert rule Forms 5xx' });
  await expect(dialog.getByRole('textbox', { name: 'Codes' })).toHaveValue('5xx');
  await dialog.getByRole('textbox', { name: 'Codes' }).fill('5xx, 429');
  await dialog.getByRole('spinbutton', { name: /Threshold/ }).fill('3');
  await dialog.getByRole('button', { name: 'Save rule' }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByText('5xx, 429 responses > 3 in 1 min')).toBeVisible();
  const rules = await adminCall<{ id: string; codes: unknown[]; threshold: number }[]>(gatehouse, 'GET', '/alert-rules');
  expect(rules.filter((r) => r.id === rule.id)).toEqual([expect.objectContaining({ codes: ['5xx', 429], threshold: 3 })]);
  expect(rules.filter((r) => (r as unknown as { name: string }).name === 'Forms 5xx')).toHaveLength(1);
});
