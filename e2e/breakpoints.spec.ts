/**
 * Breakpoints (issue 15), in the browser against a real `gatehouse serve`: a rule added in the
 * Traffic screen's Breakpoints panel pauses a request sent through the embedded gateway; the
 * paused request shows (with a count on the button), a header is edited in the UI and the
 * request resumed; the demo upstream's /echo saw the edited header and the client got its answer.
 * Rules are cleared before and after: freshServer workers are shared between specs.
 */
import { adminCall, expect, test } from './fixtures';

test.beforeEach(async ({ gatehouse }) => {
  await adminCall(gatehouse, 'PUT', '/breakpoints', { rules: [] });
});

test.afterEach(async ({ gatehouse }) => {
  const state = await adminCall<{ paused: { id: string }[] }>(gatehouse, 'PUT', '/breakpoints', { rules: [] });
  for (const paused of state.paused) await adminCall(gatehouse, 'POST', `/breakpoints/paused/${paused.id}/resume`, {}).catch(() => undefined);
});

test('a breakpoint pauses a request; a header edited in the UI reaches the upstream and the client gets the answer', async ({ app: page, gatehouse }) => {
  const suffix = Date.now().toString(36);
  const basePath = `/paused-${suffix}`;
  await adminCall(gatehouse, 'POST', '/apis', { name: `Breakpoints ${suffix}`, implementationUrl: gatehouse.upstreamUrl, basePath });
  const gateway = `http://127.0.0.1:${gatehouse.gatewayPort}`;
  await expect.poll(async () => (await fetch(`${gateway}${basePath}/health`)).status, { timeout: 10_000 }).toBe(200);

  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Traffic' }).click();
  await page.getByRole('button', { name: /^Breakpoints/ }).click();
  const panel = page.getByRole('region', { name: 'Breakpoints' });
  const form = panel.getByRole('form', { name: 'Add a breakpoint rule' });
  await form.getByLabel('Method').selectOption('POST');
  await form.getByLabel('Path (regular expression)').fill(`^${basePath}/echo`);
  await form.getByLabel('Header name').fill('x-pause-me');
  await form.getByRole('button', { name: 'Add rule' }).click();
  await expect(panel.getByText(`POST · path ~ ^${basePath}/echo · header x-pause-me · request`)).toBeVisible();

  // A client sends a request through the gateway; it stays open while paused.
  const target = `${basePath}/echo/orders?id=7`;
  const answer = fetch(`${gateway}${target}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-pause-me': 'yes', 'x-team': 'red' }, body: JSON.stringify({ qty: 1 }) });

  const item = panel.getByRole('list', { name: 'Paused messages' }).getByRole('button', { name: new RegExp(`POST ${target.replace(/[?]/g, '\\?')}`) });
  await expect(item).toBeVisible({ timeout: 10_000 });
  await expect(page.getByTestId('paused-count')).toHaveText('1');
  await item.click();

  const editor = page.getByRole('region', { name: `Paused request POST ${target}` });
  const headers = editor.getByLabel('Request headers');
  await expect(headers).toHaveValue(/x-team: red/);
  await expect(editor.getByLabel('Request body')).toHaveValue('{"qty":1}');
  await headers.fill((await headers.inputValue()).replace('x-team: red', 'x-team: blue'));
  await editor.getByRole('button', { name: 'Resume' }).click();

  const response = await answer;
  expect(response.status).toBe(200);
  const echoed = (await response.json()) as { method: string; headers: Record<string, string>; body: unknown };
  expect(echoed.method).toBe('POST');
  expect(echoed.headers['x-team']).toBe('blue');
  await expect(panel.getByText('Nothing is paused.')).toBeVisible();
  await expect(page.getByTestId('paused-count')).toHaveCount(0);
});
