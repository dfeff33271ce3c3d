/**
 * The token workbench in the browser (issue 13): generate a signing key on a JWT validation
 * card and point the policy at the API's JWKS URL; in Try it mint a token and send it (200 from
 * the real upstream); a token with a changed payload is refused (401, the reason shown); the
 * token in the headers checked against the policy gives the checklist.
 */
import { adminCall, expect, test } from './fixtures';

/** The same token with its payload changed (sub: mallory) and the original signature. */
function tampered(token: string): string {
  const [header, payload, signature] = token.split('.') as [string, string, string];
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
  return `${header}.${Buffer.from(JSON.stringify({ ...claims, sub: 'mallory' })).toString('base64url')}.${signature}`;
}

test('mint → send → 200; tampered → 401 with the reason; the checklist says which check failed', async ({ app: page, gatehouse }) => {
  const api = await adminCall<{ id: string }>(gatehouse, 'POST', '/apis', { name: 'Tokened', implementationUrl: gatehouse.upstreamUrl, basePath: '/tokened' });
  await adminCall(gatehouse, 'POST', `/apis/${api.id}/policies`, {
    policyRef: 'jwt-validation-flex',
    config: { signingMethod: 'hmac', textKey: 'placeholder-secret-of-32-bytes!!' },
  });

  // A key on the JWT validation card, and the policy pointed at the API's JWKS URL.
  await page.goto(`${gatehouse.url}/#/apis/${api.id}/policies`);
  const card = page.getByTestId('policy-jwt-validation-flex');
  await card.getByText(/^Keys/).click();
  await card.getByRole('combobox', { name: 'Key algorithm' }).selectOption('ES256');
  await card.getByRole('button', { name: 'Generate key' }).click();
  const keys = card.getByRole('list', { name: 'Signing keys' });
  await expect(keys).toContainText('ES256');
  const jwksUrl = `${gatehouse.url}/api/v1/apis/${api.id}/jwks.json`;
  await expect(card).toContainText(jwksUrl);
  await keys.getByRole('button', { name: 'Use in this policy' }).click();
  await expect(page.getByText(/The policy now checks tokens with es256-/)).toBeVisible();
  // The JWKS is public (a gateway fetches it without a token) and holds the public key only.
  const jwks = (await (await fetch(jwksUrl)).json()) as { keys: Record<string, unknown>[] };
  expect(jwks.keys).toEqual([expect.objectContaining({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig' })]);
  expect(jwks.keys[0]).not.toHaveProperty('d');

  // Try it: without a token the policy answers 400.
  await page.getByRole('link', { name: 'Try it' }).click();
  await page.getByLabel('Path').fill('/users/1');
  await page.getByRole('button', { name: 'Send' }).click();
  await expect(page.getByTestId('try-status')).toHaveText(/^400/);

  // Mint and send: 200 from the upstream.
  await page.getByText('Token: mint a test JWT or check one').click();
  await page.getByLabel('Subject (sub)').fill('alice');
  await page.getByRole('button', { name: 'Mint and use' }).click();
  const token = (await page.getByLabel('Minted token').textContent())!.trim();
  await expect(page.getByLabel('Header 1 value')).toHaveValue(`Bearer ${token}`);
  await page.getByRole('button', { name: 'Send' }).click();
  await expect(page.getByTestId('try-status')).toHaveText(/^200/);

  // One claim changed, signature kept: 401 and the reason.
  await page.getByLabel('Header 1 value').fill(`Bearer ${tampered(token)}`);
  await page.getByRole('button', { name: 'Send' }).click();
  await expect(page.getByTestId('try-status')).toHaveText(/^401/);
  await expect(page.getByTestId('try-decider')).toHaveText('jwt-validation-flex');
  await expect(page.locator('.try-response')).toContainText('the token signature is invalid');

  // The checklist of the token in the headers: the signature fails, the rest is shown too.
  await page.getByRole('button', { name: 'Check the token in the headers' }).click();
  const report = page.getByRole('region', { name: 'JWT validation policy 1' });
  await expect(report).toContainText('rejected (401)');
  await expect(report.locator('.token-check-fail')).toHaveText([/Signature.*the token signature is invalid/]);
  await expect(report.locator('.token-check-pass')).toContainText([/Algorithm/, /Key \(kid\)/]);
  await expect(page.getByLabel('Token payload')).toContainText('"sub": "mallory"');

  // The untouched token passes every check.
  await page.getByLabel("Paste a token to decode it and see this API's checks").fill(token);
  await page.getByRole('button', { name: 'Check token' }).click();
  await expect(report).toContainText('accepted');
  await expect(report.locator('.token-check-fail')).toHaveCount(0);
});
