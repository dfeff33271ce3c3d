// @vitest-environment jsdom
/** Try it's Token panel: generate a key, mint → the Authorization header Send uses; paste → the checklist. */
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { Api } from '../../../../../shared/contract/models';
import { createFakeControlPlane } from '../../../testing/fake-control-plane';
import { renderWithApp } from '../../../testing/render-app';
import { TryItTab } from './try-it-tab';

afterEach(cleanup);

const api: Api = { id: 'api_1', name: 'Orders', version: 'v1', type: 'http', implementationUrl: 'http://127.0.0.1:3000', basePath: '/orders', gatewayId: 'gw_embedded', enabled: true, createdAt: 1, updatedAt: 1 };

function setup() {
  const plane = createFakeControlPlane({ apis: [api] });
  const sent: Record<string, string>[] = [];
  plane.tryResult = (input) => {
    sent.push((input as unknown as { headers: Record<string, string> }).headers);
    return { url: 'http://127.0.0.1:8081/orders/', status: 200, headers: {}, body: '{}', bodyEncoding: 'utf8', timing: { totalMs: 1 }, source: 'upstream', trace: [] };
  };
  const view = renderWithApp(<TryItTab api={api} />, plane);
  return { ...view, sent };
}

const decode = (part: string) => JSON.parse(atob(part.replace(/-/g, '+').replace(/_/g, '/')));

describe('Try it: Token panel', () => {
  it('generates a key when there is none, mints with sub, aud, lifetime and custom claims, and Send carries the token', async () => {
    const { sent } = setup();
    fireEvent.click(screen.getByText('Token: mint a test JWT or check one'));
    await screen.findByText(/This API has no signing key yet/);
    fireEvent.change(screen.getByRole('combobox', { name: 'Key algorithm' }), { target: { value: 'EdDSA' } });
    fireEvent.click(screen.getByRole('button', { name: 'Generate key' }));

    const subject = await screen.findByLabelText('Subject (sub)');
    expect((screen.getByLabelText('Signing key') as HTMLSelectElement).textContent).toMatch(/eddsa-\d+ \(EdDSA\)/);
    fireEvent.change(subject, { target: { value: 'bob' } });
    fireEvent.change(screen.getByLabelText('Audience (aud)'), { target: { value: 'orders, billing' } });
    fireEvent.change(screen.getByLabelText('Expires in (minutes)'), { target: { value: '5' } });
    fireEvent.click(screen.getByRole('button', { name: 'Add claim' }));
    fireEvent.change(screen.getByLabelText('Claim 1 name'), { target: { value: 'level' } });
    fireEvent.change(screen.getByLabelText('Claim 1 value'), { target: { value: '3' } });
    fireEvent.click(screen.getByRole('button', { name: 'Mint and use' }));

    const token = (await screen.findByLabelText('Minted token')).textContent!;
    const payload = decode(token.split('.')[1]!);
    expect(payload).toMatchObject({ sub: 'bob', aud: ['orders', 'billing'], level: 3 });
    expect(payload.exp - payload.iat).toBe(300);
    // The header rows now hold the token; Send uses them.
    expect((screen.getByLabelText('Header 1 name') as HTMLInputElement).value).toBe('Authorization');
    expect((screen.getByLabelText('Header 1 value') as HTMLInputElement).value).toBe(`Bearer ${token}`);
    fireEvent.click(screen.getByRole('button', { name: 'Send' }));
    await waitFor(() => expect(sent).toEqual([{ Authorization: `Bearer ${token}` }]));

    // Minting again replaces the header instead of adding a second one.
    fireEvent.change(subject, { target: { value: 'carol' } });
    fireEvent.click(screen.getByRole('button', { name: 'Mint and use' }));
    await waitFor(() => expect(decode((screen.getByLabelText('Header 1 value') as HTMLInputElement).value.split('.')[1]!).sub).toBe('carol'));
    expect(screen.getAllByDisplayValue('Authorization')).toHaveLength(1);
  });

  it('shows a pasted token decoded with each check of the policy, pass or fail with the reason', async () => {
    const { plane } = setup();
    plane.tokenInspection = () => ({
      header: { alg: 'ES256', kid: 'es256-1' },
      payload: { sub: 'alice', aud: 'billing' },
      policies: [
        {
          policyId: 'p1',
          enabled: true,
          verdict: 'rejected',
          checks: [
            { check: 'signature', status: 'pass', reason: 'ES256 signature verified' },
            { check: 'exp', status: 'skipped', reason: 'no exp claim, and mandatoryExpClaim is off' },
            { check: 'aud', status: 'fail', reason: 'the token is not meant for this API (aud is not a supported audience)', code: 'TOKEN_AUDIENCE_INVALID', httpStatus: 401 },
          ],
        },
      ],
    });
    fireEvent.click(screen.getByText('Token: mint a test JWT or check one'));
    fireEvent.change(screen.getByLabelText("Paste a token to decode it and see this API's checks"), { target: { value: 'a.b.c' } });
    fireEvent.click(screen.getByRole('button', { name: 'Check token' }));

    const report = await screen.findByRole('region', { name: 'JWT validation policy 1' });
    expect(within(report).getByText('rejected (401)')).toBeTruthy();
    const rows = within(report).getAllByRole('listitem').map((li) => li.textContent);
    expect(rows).toEqual([
      'passSignatureES256 signature verified',
      'skippedExpiry (exp)no exp claim, and mandatoryExpClaim is off',
      'failAudience (aud)the token is not meant for this API (aud is not a supported audience) TOKEN_AUDIENCE_INVALID',
    ]);
    expect(screen.getByLabelText('Token payload').textContent).toContain('"aud": "billing"');
  });

  it('says why a pasted text is not a token', async () => {
    setup();
    fireEvent.click(screen.getByText('Token: mint a test JWT or check one'));
    fireEvent.change(screen.getByLabelText("Paste a token to decode it and see this API's checks"), { target: { value: 'nonsense' } });
    fireEvent.click(screen.getByRole('button', { name: 'Check token' }));
    expect(await screen.findByText('the token is not a JWT (expected header.payload.signature)')).toBeTruthy();
    expect(screen.getByText(/This API has no JWT validation policy/)).toBeTruthy();
  });
});
