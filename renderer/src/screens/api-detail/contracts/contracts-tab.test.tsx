// @vitest-environment jsdom
/** Contracts say when they have no effect: no policy on the API checks them (or applies tiers). */
import { cleanup, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { Api, PolicyBinding } from '../../../../../shared/contract/models';
import { createFakeControlPlane, type FakeControlPlane } from '../../../testing/fake-control-plane';
import { renderWithApp } from '../../../testing/render-app';
import { ApplicationsScreen } from '../../applications/applications-screen';
import { ContractsTab } from './contracts-tab';

afterEach(cleanup);

const api: Api = { id: 'api_1', name: 'Orders', version: 'v1', type: 'http', implementationUrl: 'http://127.0.0.1:3000', basePath: '/orders', gatewayId: 'gw_embedded', enabled: true, createdAt: 1, updatedAt: 1 };
const policy = (policyRef: string, config: Record<string, unknown> = {}, enabled = true): PolicyBinding => ({ id: `p_${policyRef}`, apiId: api.id, policyRef, config, order: 10, enabled, createdAt: 1, updatedAt: 1 });

function planeWith(policies: PolicyBinding[]): FakeControlPlane {
  const plane = createFakeControlPlane({ apis: [api] });
  plane.state.applications.push({ id: 'app_1', name: 'Mobile', clientId: 'mobile-1', createdAt: 1 });
  plane.state.tiers.push({ id: 'tier_1', apiId: api.id, name: 'Gold', limits: [{ maximumRequests: 100, timePeriodInMilliseconds: 60_000 }], approval: 'automatic', status: 'active', createdAt: 1 });
  plane.state.contracts.push({ id: 'c_1', applicationId: 'app_1', apiId: api.id, tierId: 'tier_1', status: 'approved', createdAt: 1, updatedAt: 1 });
  plane.state.policies.push(...policies);
  return plane;
}

describe('contracts without enforcement', () => {
  it('the contracts tab warns when no policy checks contracts, and links to the policies', async () => {
    renderWithApp(<ContractsTab api={api} />, planeWith([policy('rate-limiting-flex', { rateLimits: [{ maximumRequests: 1, timePeriodInMilliseconds: 1000 }] }), policy('client-id-enforcement-flex', {}, false)]));
    const banner = (await screen.findByText('Contracts have no effect on this API')).closest('.banner') as HTMLElement;
    expect(banner.textContent).toMatch(/every caller gets through/);
    expect(within(banner).getByRole('link', { name: 'Open policies' }).getAttribute('href')).toBe('#/apis/api_1/policies');
  });

  it('with client-ID enforcement only, it says tier limits are not applied', async () => {
    renderWithApp(<ContractsTab api={api} />, planeWith([policy('client-id-enforcement-flex')]));
    expect(await screen.findByText('Tier limits are not applied')).toBeTruthy();
    expect(screen.queryByText('Contracts have no effect on this API')).toBeNull();
  });

  it('says nothing when SLA-based rate limiting checks contracts and applies tiers', async () => {
    const { context } = renderWithApp(<ContractsTab api={api} />, planeWith([policy('rate-limiting-sla-based-flex')]));
    await waitFor(() => expect(context.store.getState().policiesLoad[api.id]?.status).toBe('ready'));
    expect(await screen.findByTestId('contract-Mobile')).toBeTruthy();
    expect(screen.queryByText('Contracts have no effect on this API')).toBeNull();
    expect(screen.queryByText('Tier limits are not applied')).toBeNull();
  });

  it('the applications screen marks a contract on an API that checks none', async () => {
    const { context } = renderWithApp(<ApplicationsScreen />, planeWith([policy('cors-flex')]));
    await context.store.getState().loadApis();
    const chip = (await screen.findByText('no effect')).closest('a') as HTMLElement;
    expect(chip.textContent).toContain('Orders');
    expect(chip.getAttribute('title')).toMatch(/no Client ID enforcement or SLA-based rate limiting policy/);
    expect(chip.getAttribute('href')).toBe('#/apis/api_1/policies');
  });

  it('the applications screen shows no mark when the API enforces contracts', async () => {
    const { context } = renderWithApp(<ApplicationsScreen />, planeWith([policy('jwt-validation-flex', { skipClientIdValidation: false })]));
    await context.store.getState().loadApis();
    await waitFor(() => expect(context.store.getState().policiesLoad[api.id]?.status).toBe('ready'));
    expect(await screen.findByText('approved')).toBeTruthy();
    expect(screen.queryByText('no effect')).toBeNull();
  });
});
