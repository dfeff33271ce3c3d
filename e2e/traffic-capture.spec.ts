/**
 * Capture exactly what went through (issue 15): a request with a query string and a JSON body
 * through a real upstream shows both in the Traffic screen; the HAR export (a real download)
 * carries the same query and body, passes a HAR 1.2 check, and opens back in the Traffic screen
 * as an imported file.
 */
import { readFileSync } from 'node:fs';
import { harProblems } from '../renderer/src/lib/har-import';
import { adminCall, expect, test } from './fixtures';

test('a request with a query and a JSON body is shown with both, and exports to HAR with both', async ({ app: page, gatehouse }) => {
  await adminCall(gatehouse, 'POST', '/apis', { name: 'Capture', implementationUrl: gatehouse.upstreamUrl, basePath: '/capture' });
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Traffic' }).click();
  await expect(page.getByRole('heading', { name: 'Traffic' })).toBeVisible();

  const sent = { title: 'captured in e2e', body: 'with a JSON body', userId: 3 };
  const target = '/capture/posts?userId=3&_limit=2';
  // The API is live within a second of its creation.
  await expect
    .poll(async () => (await fetch(`http://127.0.0.1:${gatehouse.gatewayPort}/capture/posts/1`)).status, { timeout: 30_000 })
    .toBe(200);
  const response = await fetch(`http://127.0.0.1:${gatehouse.gatewayPort}${target}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(sent) });
  expect(response.status).toBeLessThan(300);
  const answer = await response.text();

  const row = page.getByTestId('traffic-row').filter({ hasText: target });
  await expect(row).toHaveCount(1, { timeout: 30_000 });
  await row.click();
  const drawer = page.getByRole('complementary', { name: 'Request details' });
  await expect(drawer.getByTestId('drawer-target')).toHaveText(target);
  const query = drawer.getByRole('region', { name: 'Query parameters' });
  await expect(query.getByRole('row', { name: /userId/ })).toContainText('3');
  await expect(query.getByRole('row', { name: /_limit/ })).toContainText('2');
  const requestBody = drawer.getByTestId('request-body-text');
  await expect(requestBody).toContainText('"title": "captured in e2e"');
  expect(JSON.parse((await requestBody.textContent())!)).toEqual(sent);
  await expect(drawer.getByTestId('response-body-text')).toContainText('captured in e2e');
  await expect(drawer.getByText('Served by')).toBeVisible();

  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export HAR' }).click()]);
  expect(download.suggestedFilename()).toMatch(/\.har$/);
  const file = (await download.path())!;
  const har = JSON.parse(readFileSync(file, 'utf8'));
  expect(harProblems(har)).toEqual([]);
  const entry = har.log.entries.find((e: { request: { url: string } }) => e.request.url.endsWith(target));
  expect(entry, 'the request in the HAR').toBeTruthy();
  expect(entry.request.queryString).toEqual([
    { name: 'userId', value: '3' },
    { name: '_limit', value: '2' },
  ]);
  expect(entry.request.postData.mimeType).toBe('application/json');
  expect(JSON.parse(entry.request.postData.text)).toEqual(sent);
  expect(JSON.parse(entry.response.content.text)).toEqual(JSON.parse(answer));

  // Someone sends you that file: it opens in the same list, marked imported, not mixed with live traffic.
  await page.getByLabel('Open HAR file').setInputFiles(file);
  await expect(page.getByTestId('imported-har')).toContainText('not live traffic');
  const imported = page.getByTestId('traffic-row').filter({ hasText: target });
  await expect(imported).toHaveCount(1);
  await imported.click();
  await expect(drawer.getByText(/^Imported from .*: not live traffic/)).toBeVisible();
  expect(JSON.parse((await drawer.getByTestId('request-body-text').textContent())!)).toEqual(sent);
  await page.getByRole('button', { name: 'Back to live traffic' }).click();
  await expect(page.getByTestId('imported-har')).toHaveCount(0);
});
