/**
 * Collections from OpenAPI (issue 15): an API imported from an OpenAPI document with tags and
 * examples lists its operations in Try it; one is picked, its path parameter filled and sent
 * through the gateway to the demo upstream; the request is saved, and after a reload the saved
 * request runs again. The API (and with it its saved requests) is deleted at the end, since
 * workers and their server are shared between specs.
 */
import { adminCall, expect, test } from './fixtures';

const NAME = 'Collections Blog';

async function removeLeftovers(gatehouse: Parameters<typeof adminCall>[0]): Promise<void> {
  const apis = await adminCall<{ id: string; name: string }[]>(gatehouse, 'GET', '/apis');
  for (const api of apis.filter((a) => a.name === NAME)) await adminCall(gatehouse, 'DELETE', `/apis/${api.id}`);
}

test.beforeEach(async ({ gatehouse }) => removeLeftovers(gatehouse));
test.afterEach(async ({ gatehouse }) => removeLeftovers(gatehouse));

test('pick an operation, fill its path parameter, send, save, reload and run the saved request again', async ({ app: page, gatehouse }) => {
  // A long flow (import, two sends, a save, a reload, a run) on a shared 2-core machine.
  test.slow();
  const spec = [
    'openapi: 3.0.3',
    `info: { title: ${NAME}, version: 1.0.0 }`,
    `servers: [{ url: "${gatehouse.upstreamUrl}" }]`,
    'tags:',
    '  - { name: posts, description: Blog posts }',
    '  - { name: users }',
    'paths:',
    '  /posts/{id}:',
    '    get:',
    '      tags: [posts]',
    '      summary: One post',
    '      parameters:',
    '        - { name: id, in: path, required: true, schema: { type: integer } }',
    '      responses: { "200": { description: ok } }',
    '  /posts:',
    '    post:',
    '      tags: [posts]',
    '      summary: Write a post',
    '      requestBody:',
    '        content:',
    '          application/json:',
    '            example: { userId: 1, title: Hello from the example }',
    '      responses: { "201": { description: created } }',
    '  /users:',
    '    get:',
    '      tags: [users]',
    '      summary: All users',
    '      responses: { "200": { description: ok } }',
  ].join('\n');

  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'APIs' }).click();
  await page.getByRole('button', { name: 'Import OpenAPI' }).first().click();
  await page.getByRole('dialog', { name: 'Import OpenAPI' }).getByLabel('OpenAPI file').setInputFiles({ name: 'blog.yaml', mimeType: 'application/yaml', buffer: Buffer.from(spec) });
  const form = page.getByRole('dialog', { name: 'Add API' });
  await form.getByLabel('Base path').fill('/collections-blog');
  await form.getByRole('button', { name: 'Create API' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toContainText(NAME);

  await page.getByRole('link', { name: 'Try it' }).click();
  const operations = page.getByRole('region', { name: 'Operations' });
  await expect(operations.getByRole('group', { name: 'users' })).toContainText('All users');
  // The body of a write starts from the document's example.
  await operations.getByRole('group', { name: 'posts' }).getByRole('button', { name: /Write a post/ }).click();
  await expect(page.getByLabel(/^Body/)).toHaveValue(/Hello from the example/);

  await operations.getByLabel('Search operations').fill('one post');
  await operations.getByRole('button', { name: /One post/ }).click();
  await expect(page.getByLabel('Method')).toHaveValue('GET');
  await expect(page.getByLabel('Path')).toHaveValue('/posts/{id}');
  await page.getByRole('button', { name: 'Send' }).click();
  await expect(page.getByText('required', { exact: true })).toBeVisible();
  await page.getByLabel(/^id/).fill('3');
  await page.getByRole('button', { name: 'Send' }).click();
  await expect(page.getByTestId('try-status')).toContainText('200');
  await expect(page.getByTestId('try-result')).toContainText('"id": 3');

  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await page.getByLabel('Saved request name').fill('Post 3');
  await page.getByRole('button', { name: 'Save request' }).click();
  const saved = page.getByRole('region', { name: 'Saved requests' });
  await expect(saved.getByRole('listitem', { name: 'Post 3' })).toContainText('/posts/3');

  await page.reload();
  await expect(page.getByRole('heading', { level: 1 })).toContainText(NAME);
  await expect(page.getByTestId('try-result')).toHaveCount(0);
  await saved.getByRole('button', { name: 'Run Post 3' }).click();
  await expect(page.getByTestId('try-status')).toContainText('200');
  await expect(page.getByTestId('try-result')).toContainText('"id": 3');
});
