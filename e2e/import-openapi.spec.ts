/** Import OpenAPI: a bad file is explained; a good one creates the API with its name, version, base path and upstream. */
import { adminCall, expect, test } from './fixtures';

test('importing an OpenAPI 3 YAML file creates the API from its info and servers; a bad file gets a clear message', async ({ app: page, gatehouse }) => {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'APIs' }).click();
  await page.getByRole('button', { name: 'Import OpenAPI' }).first().click();
  const dialog = page.getByRole('dialog', { name: 'Import OpenAPI' });

  await dialog.getByLabel('OpenAPI file').setInputFiles({ name: 'broken.yaml', mimeType: 'application/yaml', buffer: Buffer.from('openapi: 3.0.3\ninfo:\n  title: [unclosed\n') });
  await expect(dialog.getByRole('alert')).toContainText('broken.yaml: line');

  await dialog.getByLabel('OpenAPI file').setInputFiles({ name: 'old.json', mimeType: 'application/json', buffer: Buffer.from('{"swagger":"2.0","info":{"title":"Old","version":"1"}}') });
  await expect(dialog.getByRole('alert')).toContainText('old.json: is a Swagger 2.0 document; only OpenAPI 3 is supported');

  const spec = [
    'openapi: 3.0.3',
    'info:',
    '  title: Inventory Service',
    '  version: 2.1.0',
    'servers:',
    `  - url: ${gatehouse.upstreamUrl}/inventory`,
    'paths:',
    '  /items:',
    '    get: { responses: { "200": { description: ok } } }',
    '    post: { responses: { "201": { description: created } } }',
  ].join('\n');
  await dialog.getByLabel('OpenAPI file').setInputFiles({ name: 'inventory.yaml', mimeType: 'application/yaml', buffer: Buffer.from(spec) });

  const form = page.getByRole('dialog', { name: 'Add API' });
  await expect(form).toContainText('Prefilled from inventory.yaml (2 operations)');
  await expect(form.getByLabel('Name')).toHaveValue('Inventory Service');
  await expect(form.getByLabel('Version')).toHaveValue('2.1.0');
  await expect(form.getByLabel('Implementation URL')).toHaveValue(`${gatehouse.upstreamUrl}/inventory`);
  await expect(form.getByLabel('Base path')).toHaveValue('/inventory');
  await form.getByRole('button', { name: 'Create API' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Inventory Service');

  const apis = await adminCall<{ name: string; version: string; basePath: string; implementationUrl: string }[]>(gatehouse, 'GET', '/apis');
  expect(apis).toContainEqual(expect.objectContaining({ name: 'Inventory Service', version: '2.1.0', basePath: '/inventory', implementationUrl: `${gatehouse.upstreamUrl}/inventory` }));
});
