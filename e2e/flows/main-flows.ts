/**
 * The main user flows, written once and run by both Playwright projects: the "web" project
 * drives them in Chromium against `gatehouse serve` (HTTP + SSE), the "electron" project in the
 * desktop app (preload bridge + IPC). Each takes a page already showing the UI.
 */
import { expect, type Page } from '@playwright/test';

export interface NewcomerTarget {
  /** An upstream that answers `GET /posts/1` with 200. */
  upstreamUrl: string;
  /** The embedded gateway's port, for a request from outside the app. */
  gatewayPort: number;
}

/**
 * Add an API, put a 3-per-minute rate limit on it, send four requests from Try it (the fourth
 * is refused with 429 by the rate-limiting policy), then find all four in the API's analytics
 * and in the traffic log, and a request from outside the app arriving live. Starts on a first run.
 */
export async function newcomerFlow(page: Page, target: NewcomerTarget): Promise<void> {
  // First run: the Overview offers the way in.
  await expect(page.getByRole('heading', { name: 'Put a gateway in front of your first API' })).toBeVisible();
  await page.getByRole('button', { name: 'Add API' }).first().click();

  const dialog = page.getByRole('dialog', { name: 'Add API' });
  await dialog.getByLabel('Name').fill('Orders');
  await dialog.getByLabel('Implementation URL').fill('not a url');
  await dialog.getByRole('button', { name: 'Create API' }).click();
  // Bad input is explained next to the field, nothing is created.
  await expect(dialog.getByText(/must be an absolute http\(s\) URL/)).toBeVisible();
  await dialog.getByLabel('Implementation URL').fill(target.upstreamUrl);
  await dialog.getByLabel('Base path').fill('/orders');
  await dialog.getByRole('button', { name: 'Create API' }).click();
  await expect(dialog).toBeHidden();

  // The new API opens on its policies.
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Orders');
  await expect(page.getByText('No policies yet')).toBeVisible();
  await page.getByRole('button', { name: 'Add policy' }).first().click();
  const picker = page.getByRole('dialog', { name: 'Add policy' });
  await picker.getByRole('option', { name: /Rate limiting\s*rate-limiting-flex/ }).click();
  const maximum = picker.getByRole('spinbutton', { name: 'Requests' });
  await maximum.fill('0');
  await expect(picker.getByText(/Too small|expected number to be >0/i)).toBeVisible();
  await maximum.fill('3');
  // The window is entered as value + unit; the config keeps milliseconds.
  await picker.getByRole('combobox', { name: 'Per unit' }).selectOption({ label: 'minutes' });
  await picker.getByRole('spinbutton', { name: 'Per' }).fill('1');
  await picker.getByRole('button', { name: 'Add policy' }).click();
  await expect(picker).toBeHidden();
  await expect(page.getByTestId('policy-rate-limiting-flex')).toContainText('3 requests / 1 min');

  // Four requests from Try it.
  await page.getByRole('link', { name: 'Try it' }).click();
  await page.getByLabel('Path').fill('/posts/1');
  const status = page.getByTestId('try-status');
  for (let i = 1; i <= 3; i++) {
    await page.getByRole('button', { name: 'Send' }).click();
    await expect(page.getByRole('list', { name: 'Recent requests' }).getByRole('listitem')).toHaveCount(i);
    await expect(status).toHaveText(/^200/);
  }
  await page.getByRole('button', { name: 'Send' }).click();
  await expect(status).toHaveText(/^429 Too Many Requests/);
  await expect(page.getByTestId('try-decider')).toHaveText('rate-limiting-flex');
  await expect(page.getByTestId('trace-decider')).toContainText('Rate limiting');
  await expect(page.getByTestId('trace-decider')).toContainText('deny');

  // Analytics: all four counted, one violation, and the chart has points.
  await page.getByRole('link', { name: 'Analytics' }).click();
  await expect(page.getByTestId('analytics-requests')).toContainText('4', { timeout: 15_000 });
  await expect(page.getByTestId('analytics-violations')).toContainText('1');
  await expect(page.getByTestId('violations-by-policy')).toContainText('rate-limiting-flex');
  await expect(page.getByTestId('analytics-chart')).toHaveAttribute('data-points', /^[1-9]\d*$/);
  await expect(page.getByTestId('analytics-chart').locator('canvas')).toBeVisible();

  // Traffic: the four requests, newest (the 429) first, with its trace in the drawer.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Traffic' }).click();
  const rows = page.getByTestId('traffic-row').filter({ hasText: '/orders/posts/1' });
  await expect(rows).toHaveCount(4);
  await expect(rows.first()).toContainText('429');
  await rows.first().click();
  const drawer = page.getByRole('complementary', { name: 'Request details' });
  await expect(drawer.getByRole('table', { name: 'Policy decisions' })).toContainText('deny');
  await expect(drawer).toContainText('Rate limiting');

  // Live: a request from outside the app shows up without reloading (SSE on the web, IPC in the app).
  const outside = await fetch(`http://127.0.0.1:${target.gatewayPort}/orders/posts/1`);
  expect(outside.status).toBe(429);
  await expect(rows).toHaveCount(5);
}

/**
 * First run without a second terminal: "Add the sample API" starts the bundled demo API when
 * none runs, puts a gateway in front of it and lands on Try it, where the first request works.
 * `removeAllApis` brings the app back to no APIs at all (the first-run screen).
 */
export async function sampleApiFlow(page: Page, removeAllApis: () => Promise<void>): Promise<void> {
  await removeAllApis();
  await page.reload();
  // The first-run card is on the Overview (a reload keeps whatever screen was open).
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Overview' }).click();
  await page.getByRole('button', { name: 'Add the sample API' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toContainText('JSONPlaceholder sample');
  await expect(page.getByLabel('Path')).toHaveValue('/posts/1');
  await page.getByRole('button', { name: 'Send' }).click();
  await expect(page.getByTestId('try-status')).toHaveText(/^200/);
  await expect(page.getByText('"userId"').first()).toBeVisible();
}
