/**
 * Settings: the theme sticks across reloads; what quitting does to Docker replicas is stored;
 * the configuration exports as YAML and imports back only after an explicit confirmation; a
 * broken file changes nothing and says why.
 */
import { readFileSync } from 'node:fs';
import { adminCall, expect, test } from './fixtures';

test('theme, export, and import with a confirm step', async ({ app: page, gatehouse }) => {
  await adminCall(gatehouse, 'POST', '/apis', { name: 'Exported', implementationUrl: gatehouse.upstreamUrl, basePath: '/exported' });
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).click();

  await page.getByRole('radiogroup', { name: 'Theme' }).getByRole('radio', { name: 'Dark' }).click();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await page.reload();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await page.getByRole('radiogroup', { name: 'Theme' }).getByRole('radio', { name: 'Light' }).click();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'light');

  const onQuit = page.getByRole('radiogroup', { name: 'Docker gateway replicas when Gatehouse quits' });
  await expect(onQuit.getByRole('radio', { name: 'Keep running' })).toHaveAttribute('aria-checked', 'true');
  await onQuit.getByRole('radio', { name: 'Stop' }).click();
  await expect(page.getByTestId('on-quit-explanation')).toContainText('containers are stopped when Gatehouse quits');
  await expect.poll(async () => (await adminCall<{ onQuit: string }>(gatehouse, 'GET', '/settings')).onQuit).toBe('stop');
  await onQuit.getByRole('radio', { name: 'Keep running' }).click();
  await expect.poll(async () => (await adminCall<{ onQuit: string }>(gatehouse, 'GET', '/settings')).onQuit).toBe('keep-running');

  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export YAML' }).click()]);
  expect(download.suggestedFilename()).toMatch(/^gatehouse-config-.*\.yaml$/);
  const yaml = readFileSync((await download.path())!, 'utf8');
  expect(yaml).toContain('Exported');

  await page.getByRole('button', { name: 'Import YAML…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Import configuration' });
  await dialog.getByLabel('Configuration file').setInputFiles({ name: 'broken.yaml', mimeType: 'application/yaml', buffer: Buffer.from('kind: [oops\n') });
  await expect(dialog.getByRole('alert')).toContainText('broken.yaml: line');

  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await page.getByRole('button', { name: 'Import YAML…' }).click();
  await dialog.getByLabel('Configuration file').setInputFiles({ name: 'setup.yaml', mimeType: 'application/yaml', buffer: Buffer.from(yaml) });
  await expect(dialog).toContainText('ApiInstance');
  // Its own export, previewed against this setup: nothing to change (e2e/portable-config.spec.ts applies real changes).
  await expect(dialog.getByRole('region', { name: 'Preview' })).toContainText('nothing to change');
  await expect(dialog.getByRole('button', { name: 'Nothing to change' })).toBeDisabled();
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  const apis = await adminCall<{ name: string }[]>(gatehouse, 'GET', '/apis');
  expect(apis.map((a) => a.name)).toContain('Exported');
});
