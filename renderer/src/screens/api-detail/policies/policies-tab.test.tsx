// @vitest-environment jsdom
/** The policy chain: keyboard reorder, enable/disable, remove with Undo, insertion by stage, the CORS-order warning. */
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
  const binding = (id: string, policyRef: string, order: number, config: Record<string, unknown> = {}) => ({ id, apiId: api.id, policyRef, config, order, enabled: true, createdAt: 1, updatedAt: 1 });
  plane.state.policies.push(
    binding('p1', 'rate-limiting-flex', 10, { rateLimits: [{ maximumRequests: 3, timePeriodInMilliseconds: 60_000 }] }),
    binding('p2', 'cors-flex', 20, { publicResource: true }),
    binding('p3', 'response-timeout-flex', 30, { timeout: 5 }),
  );
  return renderWithApp(<PoliciesTab api={api} />, plane);
}

const titles = () => within(screen.getByRole('list', { name: 'Policies in run order' })).getAllByRole('listitem').map((li) => li.querySelector('.strong')?.textContent);

describe('PoliciesTab', () => {
  it('lists bindings in run order with what each does', async () => {
    setup();
    await waitFor(() => expect(titles()).toEqual(['Rate limiting', 'CORS', 'Response timeout']));
    expect(screen.getByText('3 requests / 1 min')).toBeTruthy();
    expect(screen.getByText('Timeout 5 s')).toBeTruthy();
  });

  it('reorders with the keyboard on the handle', async () => {
    const { plane } = setup();
    await waitFor(() => expect(titles()).toHaveLength(3));
    const handle = screen.getByRole('button', { name: /Rate limiting: position 1 of 3/ });
    handle.focus();
    fireEvent.keyDown(handle, { key: 'ArrowDown' });
    await waitFor(() => expect(titles()).toEqual(['CORS', 'Rate limiting', 'Response timeout']));
    expect(plane.state.policies.sort((a, b) => a.order - b.order).map((p) => p.id)).toEqual(['p2', 'p1', 'p3']);
    fireEvent.click(screen.getByRole('button', { name: 'Move Response timeout up' }));
    await waitFor(() => expect(titles()).toEqual(['CORS', 'Response timeout', 'Rate limiting']));
  });

  it('disables a policy with its switch', async () => {
    const { plane } = setup();
    const toggle = await screen.findByRole('switch', { name: 'CORS enabled' });
    fireEvent.click(toggle);
    await waitFor(() => expect(plane.state.policies.find((p) => p.id === 'p2')!.enabled).toBe(false));
    expect(await screen.findByText('disabled')).toBeTruthy();
  });

  it('removes a policy and puts it back in place with Undo', async () => {
    const { plane } = setup();
    fireEvent.click(await screen.findByRole('button', { name: 'Remove CORS' }));
    await waitFor(() => expect(titles()).toEqual(['Rate limiting', 'Response timeout']));
    expect(plane.state.policies.map((p) => p.policyRef)).not.toContain('cors-flex');
    const toast = (await screen.findByText('CORS removed')).closest('.toast') as HTMLElement;
    fireEvent.click(within(toast).getByRole('button', { name: 'Undo' }));
    await waitFor(() => expect(titles()).toEqual(['Rate limiting', 'CORS', 'Response timeout']));
    expect(plane.state.policies.find((p) => p.policyRef === 'cors-flex')!.config).toMatchObject({ publicResource: true });
  });

  it('warns when CORS runs after an auth policy, and Move CORS first fixes it', async () => {
    const plane = createFakeControlPlane({ apis: [api] });
    const binding = (id: string, policyRef: string, order: number, config: Record<string, unknown>) => ({ id, apiId: api.id, policyRef, config, order, enabled: true, createdAt: 1, updatedAt: 1 });
    plane.state.policies.push(
      binding('p1', 'http-basic-authentication-flex', 10, { username: 'ann', password: 'scrypt$c2FsdA==$aGFzaA==' }),
      binding('p2', 'rate-limiting-flex', 20, { rateLimits: [{ maximumRequests: 3, timePeriodInMilliseconds: 60_000 }] }),
      binding('p3', 'cors-flex', 30, { publicResource: true }),
    );
    renderWithApp(<PoliciesTab api={api} />, plane);
    const warning = (await screen.findByText('Browsers cannot call this API')).closest('.banner') as HTMLElement;
    expect(warning.textContent).toContain('CORS runs after HTTP Basic authentication');
    fireEvent.click(within(warning).getByRole('button', { name: 'Move CORS first' }));
    await waitFor(() => expect(titles()).toEqual(['CORS', 'HTTP Basic authentication', 'Rate limiting']));
    expect(screen.queryByText('Browsers cannot call this API')).toBeNull();
    expect(plane.state.policies.sort((a, b) => a.order - b.order).map((p) => p.id)).toEqual(['p3', 'p1', 'p2']);
  });

  it('inserts a new policy where it belongs and says where before adding', async () => {
    const plane = createFakeControlPlane({ apis: [api] });
    const binding = (id: string, policyRef: string, order: number, config: Record<string, unknown>) => ({ id, apiId: api.id, policyRef, config, order, enabled: true, createdAt: 1, updatedAt: 1 });
    plane.state.policies.push(
      binding('p1', 'rate-limiting-flex', 10, { rateLimits: [{ maximumRequests: 3, timePeriodInMilliseconds: 60_000 }] }),
      binding('p2', 'header-injection-flex', 20, { inboundHeaders: [{ key: 'x-a', value: 'b' }] }),
    );
    renderWithApp(<PoliciesTab api={api} />, plane);
    await waitFor(() => expect(titles()).toHaveLength(2));

    fireEvent.click(screen.getAllByRole('button', { name: 'Add policy' })[0]!);
    let dialog = within(screen.getByRole('dialog', { name: 'Add policy' }));
    fireEvent.click(dialog.getByRole('option', { name: /CORS/ }));
    expect(dialog.getByTestId('policy-placement').textContent).toBe('Runs first, before Rate limiting.');
    fireEvent.click(dialog.getByRole('button', { name: 'Add policy' }));
    await waitFor(() => expect(titles()).toEqual(['CORS', 'Rate limiting', 'Header injection']));

    fireEvent.click(screen.getAllByRole('button', { name: 'Add policy' })[0]!);
    dialog = within(screen.getByRole('dialog', { name: 'Add policy' }));
    fireEvent.click(dialog.getByRole('option', { name: /Client ID enforcement/ }));
    expect(dialog.getByTestId('policy-placement').textContent).toBe('Runs after CORS, before Rate limiting.');
    fireEvent.click(dialog.getByRole('button', { name: 'Add policy' }));
    await waitFor(() => expect(titles()).toEqual(['CORS', 'Client ID enforcement', 'Rate limiting', 'Header injection']));
    expect(plane.state.policies.sort((a, b) => a.order - b.order).map((p) => p.policyRef)).toEqual(['cors-flex', 'client-id-enforcement-flex', 'rate-limiting-flex', 'header-injection-flex']);
    expect(screen.queryByText('Browsers cannot call this API')).toBeNull();
  });

  it('a client-ID binding written with the alias key edits through the one visible field', async () => {
    const plane = createFakeControlPlane({ apis: [api] });
    plane.state.policies.push({ id: 'p1', apiId: api.id, policyRef: 'client-id-enforcement-flex', config: { credentialsOriginHasHttpBasicAuthenticationHeader: 'httpBasicAuthenticationHeader', credentialsOrigin: 'customExpression' }, order: 10, enabled: true, createdAt: 1, updatedAt: 1 });
    renderWithApp(<PoliciesTab api={api} />, plane);
    fireEvent.click(await screen.findByRole('button', { name: 'Edit Client ID enforcement' }));
    const form = within(await screen.findByRole('form', { name: 'Edit Client ID enforcement' }));
    const origin = form.getByRole('combobox', { name: 'Credentials from' }) as HTMLSelectElement;
    expect(origin.value).toBe('customExpression');
    fireEvent.change(origin, { target: { value: 'httpBasicAuthenticationHeader' } });
    fireEvent.click(form.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(plane.state.policies[0]!.config).toEqual({ credentialsOriginHasHttpBasicAuthenticationHeader: 'httpBasicAuthenticationHeader', clientIdExpression: "#[attributes.headers['client_id']]", clientSecretExpression: "#[attributes.headers['client_secret']]" }));
  });
});
