/**
 * A custom policy end to end, through a real browser and the real gateway: the policy file is
 * written to a temp dir, added in the Policies library, attached to an API through the form
 * the app renders from its JSON Schema (a required field refused empty), and a request through
 * the gateway shows its effect. Workers are shared between specs: what this spec creates is
 * removed before and after.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { adminCall, expect, test, type GatehouseServer } from './fixtures';

const POLICY = `import { definePolicy } from 'gatehouse/policy-sdk';

export default definePolicy({
  name: 'e2e-greeting',
  version: '1.0.0',
  title: 'Greeting header',
  description: 'Adds a greeting header to every response',
  schema: {
    type: 'object',
    properties: {
      header: { type: 'string', minLength: 1, default: 'x-greeting' },
      greeting: { type: 'string', minLength: 1 },
    },
    required: ['greeting'],
  },
  fields: { greeting: { label: 'Greeting', help: 'The header value' } },
  create(config: { header: string; greeting: string }) {
    return {
      onResponse(response) {
        response.headers.set(config.header, config.greeting);
      },
    };
  },
});
`;

interface Api {
  id: string;
  name: string;
}
interface CustomPolicy {
  id: string;
  name?: string;
}

async function cleanUp(gatehouse: GatehouseServer): Promise<void> {
  for (const api of await adminCall<Api[]>(gatehouse, 'GET', '/apis')) if (api.name === 'Custom greeting') await adminCall(gatehouse, 'DELETE', `/apis/${api.id}`);
  for (const policy of await adminCall<CustomPolicy[]>(gatehouse, 'GET', '/custom-policies'))
    if (policy.name === 'e2e-greeting') await adminCall(gatehouse, 'DELETE', `/custom-policies/${policy.id}`);
}

test('a custom policy added from a file is attached through its schema form and answers on the gateway', async ({ app: page, gatehouse }) => {
  test.slow();
  await cleanUp(gatehouse);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'gatehouse-e2e-policy-'));
  try {
    const file = path.join(dir, 'greeting.ts');
    writeFileSync(file, POLICY);

    await page.goto(`${gatehouse.url}/#/policies`);
    await expect(page.getByRole('heading', { name: 'Policies library' })).toBeVisible();
    await page.getByRole('button', { name: 'Add custom policy' }).first().click();
    const addDialog = page.getByRole('dialog', { name: 'Add custom policy' });
    await addDialog.getByRole('textbox', { name: /Path/ }).fill(file);
    await addDialog.getByRole('button', { name: 'Add policy' }).click();
    await expect(addDialog).toBeHidden();
    const card = page.getByTestId('custom-policy-e2e-greeting');
    await expect(card.getByText('v1.0.0')).toBeVisible();
    await expect(card.getByTestId('custom-policy-source')).toHaveText(file);
    await expect(card.getByRole('list', { name: 'Greeting header config fields' })).toContainText('Greeting');

    const api = await adminCall<Api>(gatehouse, 'POST', '/apis', { name: 'Custom greeting', implementationUrl: gatehouse.upstreamUrl, basePath: '/custom-greeting' });
    await page.goto(`${gatehouse.url}/#/apis/${api.id}/policies`);
    await page.getByRole('button', { name: 'Add policy' }).first().click();
    const picker = page.getByRole('dialog', { name: 'Add policy' });
    await picker.getByRole('group', { name: 'Custom (policies library)' }).getByRole('option', { name: /Greeting header/ }).click();
    await expect(picker.getByRole('heading', { name: 'Greeting header' })).toBeVisible();
    await expect(picker.getByRole('textbox', { name: /^Header/ })).toHaveValue('x-greeting');
    const greeting = picker.getByRole('textbox', { name: /^Greeting/ });
    await expect(greeting).toHaveValue('');
    await picker.getByRole('button', { name: 'Add policy' }).click();
    await expect(greeting).toBeFocused();
    await greeting.fill('hello from e2e');
    await picker.getByRole('button', { name: 'Add policy' }).click();
    await expect(picker).toBeHidden();
    await expect(page.getByTestId('policy-e2e-greeting')).toContainText('custom');

    const greetingHeader = () => fetch(`http://127.0.0.1:${gatehouse.gatewayPort}/custom-greeting/users/1`).then((r) => r.headers.get('x-greeting'));
    await expect.poll(greetingHeader).toBe('hello from e2e');

    // The library shows where it is used.
    await page.goto(`${gatehouse.url}/#/policies`);
    await expect(page.getByTestId('custom-policy-e2e-greeting').getByRole('link', { name: 'Custom greeting' })).toBeVisible();
  } finally {
    await cleanUp(gatehouse);
    rmSync(dir, { recursive: true, force: true });
  }
});
