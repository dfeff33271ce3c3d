// @vitest-environment jsdom
/** The Keys section of a JWT validation card: generate, copy the JWKS URL, use in the policy, remove with confirmation. */
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { Api } from '../../../../../shared/contract/models';
import { createFakeControlPlane } from '../../../testing/fake-control-plane';
import { renderWithApp } from '../../../testing/render-app';
import { PoliciesTab } from './policies-tab';

afterEach(cleanup);

const api: Api = { id: 'api_1', name: 'Orders', version: 'v1', type: 'http', implementationUrl: 'http://127.0.0.1:3000', basePath: '/orders', gatewayId: 'gw_embedded', enabled: true, createdAt: 1, updatedAt: 1 };

function setup() {
  const plane = createFakeControlPlane({ apis: [api] });
  plane.state.policies.push(
    { id: 'p1', apiId: api.id, policyRef: 'jwt-validation-flex', config: { signingMethod: 'hmac', signingKeyLength: 256, jwtKeyOrigin: 'text', textKey: 'change-me-to-a-secret-of-32-bytes!' }, order: 10, enabled: true, createdAt: 1, updatedAt: 1 },
    { id: 'p2', apiId: api.id, policyRef: 'cors-flex', config: { publicResource: true }, order: 20, enabled: true, createdAt: 1, updatedAt: 1 },
  );
  return renderWithApp(<PoliciesTab api={api} />, plane);
}

describe('Signing keys on a JWT validation card', () => {
  it('appear on JWT validation cards only', async () => {
    setup();
    const jwt = await screen.findByTestId('policy-jwt-validation-flex');
    expect(within(jwt).getByText(/^Keys/)).toBeTruthy();
    expect(within(screen.getByTestId('policy-cors-flex')).queryByText(/^Keys/)).toBeNull();
  });

  it('generates a key, shows the JWKS URL, and points the policy at the key', async () => {
    const { plane } = setup();
    const card = await screen.findByTestId('policy-jwt-validation-flex');
    fireEvent.click(within(card).getByText(/^Keys/));
    fireEvent.change(within(card).getByRole('combobox', { name: 'Key algorithm' }), { target: { value: 'RS256' } });
    fireEvent.click(within(card).getByRole('button', { name: 'Generate key' }));
    const list = await within(card).findByRole('list', { name: 'Signing keys' });
    expect(within(list).getByText(/^rs256-\d+$/)).toBeTruthy();
    expect(within(card).getByText('http://127.0.0.1:4680/api/v1/apis/api_1/jwks.json')).toBeTruthy();
    expect(within(card).getByRole('button', { name: 'Copy JWKS URL' })).toBeTruthy();

    fireEvent.click(within(list).getByRole('button', { name: 'Use in this policy' }));
    await waitFor(() =>
      expect(plane.state.policies.find((p) => p.id === 'p1')!.config).toMatchObject({ signingMethod: 'rsa', signingKeyLength: 256, jwtKeyOrigin: 'jwks', jwksUrl: 'http://127.0.0.1:4680/api/v1/apis/api_1/jwks.json' }),
    );
    expect(await screen.findByText(/The policy now checks tokens with rs256-/)).toBeTruthy();
  });

  it('shows an HMAC secret once, when it is generated', async () => {
    setup();
    const card = await screen.findByTestId('policy-jwt-validation-flex');
    fireEvent.click(within(card).getByText(/^Keys/));
    fireEvent.change(within(card).getByRole('combobox', { name: 'Key algorithm' }), { target: { value: 'HS384' } });
    fireEvent.click(within(card).getByRole('button', { name: 'Generate key' }));
    expect(await within(card).findByText(/^Secret of hs384-\d+: shown this once$/)).toBeTruthy();
    expect(within(card).getByText(/^secret-of-hs384-\d+$/)).toBeTruthy();
    fireEvent.click(within(card).getByRole('button', { name: 'Done' }));
    expect(within(card).queryByText(/^secret-of-hs384/)).toBeNull();
  });

  it('removes a key only after confirmation', async () => {
    const { plane } = setup();
    plane.state.signingKeys.push({ apiId: api.id, kid: 'es256-old', alg: 'ES256', createdAt: 1 });
    const card = await screen.findByTestId('policy-jwt-validation-flex');
    fireEvent.click(within(card).getByText(/^Keys/));
    fireEvent.click(await within(card).findByRole('button', { name: 'Remove key es256-old' }));
    const dialog = await screen.findByRole('dialog', { name: 'Remove key es256-old?' });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(plane.state.signingKeys).toHaveLength(1);

    fireEvent.click(within(card).getByRole('button', { name: 'Remove key es256-old' }));
    fireEvent.click(within(await screen.findByRole('dialog')).getByRole('button', { name: 'Remove key' }));
    await waitFor(() => expect(plane.state.signingKeys).toEqual([]));
    expect(await within(card).findByText(/No keys yet/)).toBeTruthy();
  });
});
