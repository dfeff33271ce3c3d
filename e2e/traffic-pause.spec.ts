/**
 * "Pause all traffic" from the browser UI against a real `gatehouse serve`: the top bar pauses
 * the embedded gateway (a real request answers 503 TRAFFIC_PAUSED) and a banner says so; a
 * resume from elsewhere (the admin API, as a script or the tray would) clears it at once.
 */
import { adminCall, expect, test } from './fixtures';

test('pause from the top bar, resume from outside the window', async ({ app: page, gatehouse }) => {
  await adminCall(gatehouse, 'POST', '/apis', { name: 'Pausable', implementationUrl: gatehouse.upstreamUrl, basePath: '/pausable' });
  const gatewayUrl = `http://127.0.0.1:${gatehouse.gatewayPort}/pausable/posts/1`;
  expect((await fetch(gatewayUrl)).status).toBe(200);

  await page.getByRole('button', { name: 'Pause all traffic' }).click();
  const banner = page.getByTestId('traffic-paused-banner');
  await expect(banner).toContainText('Traffic is paused');
  await expect(page.getByRole('button', { name: 'Traffic is paused — Resume' })).toBeVisible();
  // For a human to look at, beside the screenshots of every screen.
  await page.screenshot({ path: 'test-results/screenshots/traffic-paused-light.png' });
  const paused = await fetch(gatewayUrl);
  expect(paused.status).toBe(503);
  expect(((await paused.json()) as { error: { code: string } }).error.code).toBe('TRAFFIC_PAUSED');

  // Resumed by someone else: the event stream updates this window without a reload.
  await adminCall(gatehouse, 'POST', '/traffic/resume');
  await expect(banner).toBeHidden();
  await expect(page.getByRole('button', { name: 'Pause all traffic' })).toBeVisible();
  expect((await fetch(gatewayUrl)).status).toBe(200);

  // Paused from outside: shown at once; resumed from the banner.
  await adminCall(gatehouse, 'POST', '/traffic/pause');
  await expect(banner).toBeVisible();
  await banner.getByRole('button', { name: 'Resume traffic' }).click();
  await expect(banner).toBeHidden();
  expect((await adminCall<{ traffic: { paused: boolean } }>(gatehouse, 'GET', '/system')).traffic.paused).toBe(false);
});
