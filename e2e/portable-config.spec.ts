/**
 * Issue 17 in the browser: a setup exported from another instance (its own data dir and gateway
 * port, built with the CLI) is previewed in Settings → Import YAML… resource by resource, merge
 * and sync compared, applied with merge, and served on this instance's own gateway port; this
 * instance's export then equals the other's except for the gateway-port default.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { adminCall, expect, freePort, test } from './fixtures';

test.use({ freshServer: true });

function gatehouseCli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) =>
    execFile(process.execPath, [path.resolve('bin/gatehouse.cjs'), ...args], { env: { ...process.env } }, (error, stdout, stderr) =>
      resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    ),
  );
}

test('export from another instance, preview in the UI, merge, serve on this port', async ({ app: page, gatehouse }) => {
  // Instance A: another data dir whose gateway is on another port.
  const otherDir = mkdtempSync(path.join(os.tmpdir(), 'gatehouse-e2e-other-'));
  const otherPort = await freePort();
  try {
    const seed = path.join(otherDir, 'seed.yaml');
    writeFileSync(
      seed,
      `apiVersion: gatehouse.dev/v1
kind: Gateway
metadata:
  name: embedded
  annotations:
    gatehouse.dev/id: gw_embedded
spec:
  mode: embedded
  port: ${otherPort}
---
apiVersion: gateway.mulesoft.com/v1alpha1
kind: ApiInstance
metadata:
  name: catalog
spec:
  address: http://127.0.0.1:${otherPort}/catalog/
  services:
    upstream:
      address: ${gatehouse.upstreamUrl}/
  policies:
    - policyRef:
        name: rate-limiting-flex
      config:
        rateLimits:
          - maximumRequests: 50
            timePeriodInMilliseconds: 60000
        exposeHeaders: true
---
apiVersion: gatehouse.dev/v1
kind: Application
metadata:
  name: storefront
spec:
  clientId: storefront-id
  clientSecret: storefront-secret
`,
    );
    const seeded = await gatehouseCli(['apply', seed, '--data-dir', otherDir]);
    expect(seeded.code, seeded.stdout + seeded.stderr).toBe(0);
    const exported = await gatehouseCli(['export', '--data-dir', otherDir]);
    expect(exported.code).toBe(0);
    const fromOther = exported.stdout;
    expect(fromOther).toContain(`\${GATEHOUSE_GATEWAY_PORT:-${otherPort}}`);

    // This instance holds exactly one API the file lacks. A spec that ran before in this worker
    // (freshServer workers are shared by every spec that asks for one) may have left others.
    for (const api of await adminCall<{ id: string }[]>(gatehouse, 'GET', '/apis')) await adminCall(gatehouse, 'DELETE', `/apis/${api.id}`);
    for (const application of await adminCall<{ id: string }[]>(gatehouse, 'GET', '/applications')) await adminCall(gatehouse, 'DELETE', `/applications/${application.id}`);
    await adminCall(gatehouse, 'POST', '/apis', { name: 'legacy', implementationUrl: gatehouse.upstreamUrl, basePath: '/legacy' });

    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).click();
    await page.getByRole('button', { name: 'Import YAML…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Import configuration' });
    await dialog.getByLabel('Configuration file').setInputFiles({ name: 'other.yaml', mimeType: 'application/yaml', buffer: Buffer.from(fromOther) });

    const preview = dialog.getByRole('region', { name: 'Preview' });
    const changes = preview.getByRole('list', { name: 'Changes' });
    await expect(changes.getByRole('listitem', { name: 'ApiInstance catalog added' })).toBeVisible();
    await expect(changes.getByRole('listitem', { name: 'Application storefront added' })).toBeVisible();
    await expect(preview.getByTestId('change-summary')).toHaveText('2 to add, 0 to change, 0 to remove');
    await expect(changes.getByRole('listitem', { name: 'ApiInstance legacy removed' })).toHaveCount(0);

    // Sync would also remove what the file lacks, and says so before anything changes.
    await dialog.getByRole('radiogroup', { name: 'Import mode' }).getByRole('radio', { name: 'Sync: also remove' }).click();
    await expect(changes.getByRole('listitem', { name: 'ApiInstance legacy removed' })).toBeVisible();
    await expect(dialog).toContainText('This removes 1 resource');
    expect((await adminCall<{ name: string }[]>(gatehouse, 'GET', '/apis')).map((api) => api.name)).toEqual(['legacy']);

    await dialog.getByRole('radiogroup', { name: 'Import mode' }).getByRole('radio', { name: 'Merge: add and update' }).click();
    await expect(changes.getByRole('listitem', { name: 'ApiInstance legacy removed' })).toHaveCount(0);
    await dialog.getByRole('button', { name: 'Apply changes' }).click();
    await expect(dialog).toBeHidden();
    await expect(page.getByText('Configuration imported')).toBeVisible();

    const names = (await adminCall<{ name: string }[]>(gatehouse, 'GET', '/apis')).map((api) => api.name).sort();
    expect(names).toEqual(['catalog', 'legacy']);
    // Served on this instance's own gateway port, with the policy from the file.
    await expect
      .poll(async () => {
        const response = await fetch(`http://127.0.0.1:${gatehouse.gatewayPort}/catalog/posts/1`);
        return `${response.status} ${response.headers.get('x-ratelimit-limit')}`;
      })
      .toBe('200 50');

    // Exported here: the same file but for this instance's port as the default (and legacy, which only lives here).
    await adminCall(gatehouse, 'DELETE', `/apis/${(await adminCall<{ id: string; name: string }[]>(gatehouse, 'GET', '/apis')).find((api) => api.name === 'legacy')!.id}`);
    const response = await fetch(`${gatehouse.url}/api/v1/config`, { headers: { authorization: `Bearer ${gatehouse.token}` } });
    expect(await response.text()).toBe(fromOther.replaceAll(`\${GATEHOUSE_GATEWAY_PORT:-${otherPort}}`, `\${GATEHOUSE_GATEWAY_PORT:-${gatehouse.gatewayPort}}`));
  } finally {
    rmSync(otherDir, { recursive: true, force: true });
  }
});
