// @vitest-environment jsdom
/**
 * The basic-auth password is write-only in the policy form: a stored one (its hash) is never
 * put in the box, the field says it is set, saving without typing keeps it, typing replaces it.
 */
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { Api } from '../../../../../shared/contract/models';
import { createFakeControlPlane } from '../../../testing/fake-control-plane';
import { renderWithApp } from '../../../testing/render-app';
import { PoliciesTab } from './policies-tab';

afterEach(cleanup);

const api: Api = { id: 'api_1', name: 'Orders', version: 'v1', type: 'http', implementationUrl: 'http://127.0.0.1:3000', basePath: '/orders', gatewayId: 'gw_embedded', enabled: true, createdAt: 1, updatedAt: 1 };
const HASH = 'scrypt$c2FsdHNhbHRzYWx0c2FsdA==$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g=';

function setup() {
  const plane = createFakeControlPlane({ apis: [api] });
  plane.state.policies.push({ id: 'p1', apiId: api.id, policyRef: 'http-basic-authentication-flex', config: { username: 'ann', password: HASH }, order: 50, enabled: true, createdAt: 1, updatedAt: 1 });
  renderWithApp(<PoliciesTab api={api} />, plane);
  return plane;
}

async function openEditor() {
  fireEvent.click(await screen.findByRole('button', { name: 'Edit HTTP Basic authentication' }));
  const form = within(await screen.findByRole('form', { name: 'Edit HTTP Basic authentication' }));
  const password = form.getByLabelText(/^Password/) as HTMLInputElement;
  return { form, password };
}

describe('the basic-auth password field', () => {
  it('shows that a password is set without showing it, and keeps it when saved untouched', async () => {
    const plane = setup();
    const { form, password } = await openEditor();
    expect(password.type).toBe('password');
    expect(password.value).toBe('');
    expect(form.getByText(/Set — enter a new one to change it\./)).toBeTruthy();
    expect(document.body.innerHTML).not.toContain(HASH);

    fireEvent.change(form.getByLabelText(/^User name/), { target: { value: 'bob' } });
    fireEvent.click(form.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(plane.state.policies[0]!.config).toEqual({ username: 'bob', password: HASH }));
  });

  it('keeps the stored one when what was typed is erased again, and sends a newly typed password', async () => {
    const plane = setup();
    let { form, password } = await openEditor();
    fireEvent.change(password, { target: { value: 'typed' } });
    fireEvent.change(password, { target: { value: '' } });
    fireEvent.click(form.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(screen.queryByRole('form', { name: 'Edit HTTP Basic authentication' })).toBeNull());
    expect(plane.state.policies[0]!.config).toEqual({ username: 'ann', password: HASH });

    ({ form, password } = await openEditor());
    fireEvent.change(password, { target: { value: 'N3w-Pa55word' } });
    expect(password.value).toBe('N3w-Pa55word');
    fireEvent.click(form.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(plane.state.policies[0]!.config).toEqual({ username: 'ann', password: 'N3w-Pa55word' }));
  });
});
