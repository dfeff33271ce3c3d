// @vitest-environment jsdom
/** The Upstreams card: weight, live share from the live traffic window, health. */
import { act, cleanup, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { Api } from '../../../../shared/contract/models';
import type { TrafficEntry } from '../../../../shared/contract/telemetry-models';
import { createFakeControlPlane } from '../../testing/fake-control-plane';
import { renderWithApp } from '../../testing/render-app';
import { UpstreamsCard } from './upstreams-card';

afterEach(cleanup);

const api: Api = { id: 'api_1', name: 'Orders', version: 'v1', type: 'http', implementationUrl: 'http://127.0.0.1:3000/', basePath: '/orders', gatewayId: 'gw_embedded', enabled: true, createdAt: 1, updatedAt: 1, upstreamHealth: 'healthy' };

const forwarded = (i: number, upstream = 'upstream'): TrafficEntry => ({ id: `r${i}`, at: i, apiId: api.id, method: 'GET', path: '/orders/1', status: 200, latencyMs: 1, clientId: null, source: 'upstream', trace: [], upstream });

describe('UpstreamsCard', () => {
  it('shows the upstream with its weight, its live share as traffic arrives, and its health', () => {
    const { context } = renderWithApp(<UpstreamsCard api={api} />, createFakeControlPlane({ apis: [api] }));
    const card = screen.getByTestId('upstreams');
    expect(within(card).getByText('No request forwarded while this window was open')).toBeTruthy();
    const row = within(card).getAllByRole('row')[1]!;
    expect(within(row).getByText('upstream')).toBeTruthy();
    expect(within(row).getByText('http://127.0.0.1:3000/')).toBeTruthy();
    expect(within(row).getByText('100%')).toBeTruthy();
    expect(within(row).getByText('Healthy')).toBeTruthy();

    act(() => context.store.getState().ingestTraffic([forwarded(1), forwarded(2), forwarded(3), forwarded(4, 'old-snapshot')]));
    expect(within(card).getByText('Live share of the last 4 forwarded requests')).toBeTruthy();
    expect(within(card).getByRole('meter', { name: 'Live share of upstream' }).getAttribute('aria-valuenow')).toBe('75');
    expect(within(card).getByRole('meter', { name: 'Live share of old-snapshot' }).getAttribute('aria-valuenow')).toBe('25');
  });
});
