/**
 * Mocks (issue 15): an API imported from OpenAPI answers its examples in Try it while its
 * upstream does not exist; the record switch keeps the upstream's answers, and the recording
 * answers the same body once the upstream is gone.
 */
import { adminCall, expect, test } from './fixtures';

test('an OpenAPI example answers in Try it with no upstream running', async ({ app: page, gatehouse }) => {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'APIs' }).click();
  await page.getByRole('button', { name: 'Import OpenAPI' }).first().click();
  const spec = [
    'openapi: 3.0.3',
    'info: { title: Mocked Users, version: 1.0.0 }',
    // Nothing listens on port 9: only the mock can answer.
    'servers: [{ url: "http://127.0.0.1:9/mocked-users" }]',
    'paths:',
    '  /users/{id}:',
    '    get:',
    '      responses:',
    '        "200":',
    '          description: one user',
    '          content: { application/json: { example: { id: 1, name: Leanne Graham } } }',
  ].join('\n');
  await page.getByRole('dialog', { name: 'Import OpenAPI' }).getByLabel('OpenAPI file').setInputFiles({ name: 'users.yaml', mimeType: 'application/yaml', buffer: Buffer.from(spec) });
  await page.getByRole('dialog', { name: 'Add API' }).getByRole('button', { name: 'Create API' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Mocked Users');

  await page.getByRole('link', { name: 'Mock', exact: true }).click();
  const mock = page.getByRole('region', { name: 'Mock' });
  await expect(mock.getByLabel('Answer from')).toHaveValue('openapi');
  await expect(mock.getByRole('status')).toContainText('1 operation(s)');
  await mock.getByLabel('Mock only: never call the upstream').check();
  await mock.getByRole('button', { name: 'Save mock' }).click();
  await expect(mock).toContainText('The mock answers every request.');

  await page.getByRole('link', { name: 'Try it' }).click();
  await page.getByLabel('Path').fill('/users/7');
  await page.getByRole('button', { name: 'Send' }).click();
  await expect(page.getByTestId('try-status')).toContainText('200');
  await expect(page.getByTestId('try-result')).toContainText('Leanne Graham');
  await page.getByTestId('try-result').getByRole('tab', { name: 'Headers' }).click();
  await expect(page.getByTestId('try-result')).toContainText(/x-gatehouse-source\s*mock/);

  const res = await fetch(`http://127.0.0.1:${gatehouse.gatewayPort}/mocked-users/users/7`);
  expect(res.headers.get('x-gatehouse-source')).toBe('mock');
});

test('record, then replay the recorded body once the upstream is gone', async ({ app: page, gatehouse }) => {
  const api = await adminCall<{ id: string }>(gatehouse, 'POST', '/apis', { name: 'Recorded', implementationUrl: gatehouse.upstreamUrl, basePath: '/recorded' });
  await page.evaluate((id) => (window.location.hash = `#/apis/${id}/mock`), api.id);
  const recordings = page.getByRole('region', { name: 'Recordings' });
  await recordings.getByLabel('Recording name').fill('morning');
  await recordings.getByRole('button', { name: 'Start recording' }).click();
  await expect(recordings.getByRole('status')).toContainText('Recording into morning');

  const live = await fetch(`http://127.0.0.1:${gatehouse.gatewayPort}/recorded/posts/1`);
  expect(live.headers.get('x-gatehouse-source')).toBe('upstream');
  const recordedBody = await live.text();
  await expect(async () => {
    await recordings.getByRole('button', { name: 'Refresh' }).click();
    await expect(recordings.getByRole('status')).toContainText('(1 responses)', { timeout: 1000 });
  }).toPass();
  await recordings.getByRole('button', { name: 'Stop recording' }).click();
  await expect(recordings.getByRole('table', { name: 'Recordings list' })).toContainText('morning');

  const mock = page.getByRole('region', { name: 'Mock' });
  await mock.getByLabel('Mock only: never call the upstream').check();
  await mock.getByLabel('Answer from').selectOption('recording');
  await expect(mock).toContainText('Match rules: Same method');
  await mock.getByLabel('Recording', { exact: true }).selectOption({ label: 'morning (1 responses)' });
  await mock.getByRole('button', { name: 'Save mock' }).click();
  await expect(mock).toContainText('The mock answers every request.');

  // The upstream is gone: point the API at a port nothing listens on.
  await adminCall(gatehouse, 'PATCH', `/apis/${api.id}`, { implementationUrl: 'http://127.0.0.1:9/' });
  const replayed = await fetch(`http://127.0.0.1:${gatehouse.gatewayPort}/recorded/posts/1`);
  expect(replayed.status).toBe(200);
  expect(replayed.headers.get('x-gatehouse-source')).toBe('mock');
  expect(await replayed.text()).toBe(recordedBody);
});
