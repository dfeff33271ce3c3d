/**
 * The Traffic screen under load: ~1,000 requests/s for four seconds through the gateway while
 * the log is open. Every request appears in the log, renders follow animation frames rather than
 * requests, and only visible rows exist in the DOM. How smooth the frames are is a timing, on a
 * shared machine: `npm run bench:ui` measures it.
 */
import http from 'node:http';
import { adminCall, expect, test } from './fixtures';

test('the live traffic log keeps up with 1,000 requests/s: every request appears, renders batched, rows virtualised', async ({ app: page, gatehouse }) => {
  await adminCall(gatehouse, 'POST', '/apis', { name: 'Load', implementationUrl: gatehouse.upstreamUrl, basePath: '/load' });
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Traffic' }).click();
  await expect(page.getByRole('heading', { name: 'Traffic' })).toBeVisible();
  await expect(page.getByText('Live', { exact: true })).toBeVisible();

  await page.evaluate(() => {
    const frames: number[] = [];
    const w = window as unknown as { __frames: number[]; __updates: number };
    w.__frames = frames;
    w.__updates = 0;
    // Every change of the request count is one render of the list: it must follow frames, not requests.
    new MutationObserver(() => w.__updates++).observe(document.querySelector('[data-testid=traffic-count]')!, { childList: true, characterData: true, subtree: true });
    let last = performance.now();
    const loop = (t: number) => {
      frames.push(t - last);
      last = t;
      requestAnimationFrame(loop);
    };
    requestAnimationFrame(loop);
  });

  const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
  let sent = 0;
  let answered = 0;
  const pending: Promise<void>[] = [];
  const started = Date.now();
  // Paced by the clock: one request per elapsed millisecond, whatever the timer resolution.
  while (Date.now() - started < 4000) {
    const due = Date.now() - started;
    while (sent < due) {
      sent++;
      pending.push(
        new Promise((resolve) => {
          http.get({ host: '127.0.0.1', port: gatehouse.gatewayPort, path: `/load/posts/${(sent % 100) + 1}`, agent }, (res) => res.resume().on('end', () => { answered++; resolve(); })).on('error', () => resolve());
        }),
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  await Promise.all(pending);
  agent.destroy();

  await expect.poll(async () => Number((await page.getByTestId('traffic-count').textContent())!.replace(/\D/g, '')), { timeout: 30_000 }).toBeGreaterThanOrEqual(answered);
  expect(answered, 'requests the gateway answered').toBeGreaterThanOrEqual(sent * 0.95);
  const { frames, updates } = await page.evaluate(() => {
    const w = window as unknown as { __frames: number[]; __updates: number };
    return { frames: w.__frames.slice(3), updates: w.__updates };
  });
  // Batched per animation frame: far fewer renders than requests.
  expect(updates, `${updates} list renders for ${sent} requests`).toBeLessThan(sent / 4);
  expect(updates).toBeLessThanOrEqual(frames.length + 5);
  expect(await page.getByTestId('traffic-row').count()).toBeLessThan(60);
});
