/**
 * First run without a second terminal: "Add the sample API" starts the bundled demo API when
 * none runs, puts a gateway in front of it and lands on Try it, where the first request works.
 */
import { adminCall, expect, test } from './fixtures';

test.use({ freshServer: true });

test('the sample API works in two clicks on a fresh install', async ({ app: page, gatehouse }) => {
  // The fresh server is shared with other first-run specs: back to no APIs at all.
  for (const api of await adminCall<{ id: string }[]>(gatehouse, 'GET', '/apis')) await adminCall(gatehouse, 'DELETE', `/apis/${encodeURIComponent(api.id)}`);
  await page.reload();
  await page.getByRole('button', { name: 'Add the sample API' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toContainText('JSONPlaceholder sample');
  await expect(page.getByLabel('Path')).toHaveValue('/posts/1');
  await page.getByRole('button', { name: 'Send' }).click();
  await expect(page.getByTestId('try-status')).toHaveText(/^200/);
  await expect(page.getByText('"userId"').first()).toBeVisible();
});
