/**
 * A login link opened a second time (another browser, a bookmark, a shared link): the browser
 * lands on the UI's styled sign-in page, which says the link was used and what to do, and
 * signing in there with the admin token opens the app.
 */
import { expect, freshLoginUrl, test } from './fixtures';

test('a reused login link shows the sign-in page with what to do, and the admin token signs in', async ({ browser, gatehouse }) => {
  const link = await freshLoginUrl(gatehouse);
  const first = await browser.newContext();
  const firstPage = await first.newPage();
  await firstPage.goto(link);
  await expect(firstPage.getByRole('navigation', { name: 'Main' })).toBeVisible();
  await first.close();

  const second = await browser.newContext();
  const page = await second.newPage();
  await page.goto(link);
  await expect(page.getByRole('heading', { name: 'Sign in to this Gatehouse' })).toBeVisible();
  await expect(page.getByText('This login link was already used')).toBeVisible();
  await expect(page.getByText(/Paste the admin token below, or get a fresh link/)).toBeVisible();
  expect(new URL(page.url()).searchParams.get('token')).toBeNull();

  await page.getByLabel('Login link or admin token').fill(gatehouse.token);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('navigation', { name: 'Main' })).toBeVisible();
  expect(new URL(page.url()).search).toBe('');
  await second.close();
});
