// @vitest-environment jsdom
/**
 * Traffic filters search the server's whole request log, not only the entries loaded in the
 * window: debounced, with a visible state, live matches on top, older pages on demand.
 */
import { act, cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { ContractError } from '../../../../shared/contract/errors';
import type { TrafficEntry } from '../../../../shared/contract/telemetry-models';
import { createFakeControlPlane } from '../../testing/fake-control-plane';
import { renderWithApp } from '../../testing/render-app';
import { TrafficScreen } from './traffic-screen';

afterEach(cleanup);

const NOW = Date.now();

/** The server's log: 8,000 requests one second apart, newest first; a few 5xx on /orders, most older than the loaded window. */
function storedLog(): TrafficEntry[] {
  return Array.from({ length: 8000 }, (_, i) => ({
    id: `r${i}`,
    at: NOW - i * 1000,
    apiId: 'api_1',
    apiName: 'Shop',
    method: 'GET',
    path: i % 2 ? `/users/${i}` : `/orders/${i}`,
    status: i > 0 && i % 1500 === 0 ? 503 : 200,
    latencyMs: 3,
    clientId: null,
    source: 'upstream' as const,
    trace: [],
  }));
}

function setup() {
  const plane = createFakeControlPlane({ traffic: storedLog() });
  const app = renderWithApp(<TrafficScreen />, plane);
  const searches = () => plane.transport.calls.filter((call) => call.method === 'traffic.list').slice(1).map((call) => call.input as Record<string, unknown>);
  return { ...app, searches };
}

const searchState = () => screen.getByTestId('traffic-search-state').textContent;
const paths = () => screen.queryAllByTestId('traffic-row').map((row) => row.querySelector('.tc-path')!.textContent);
const change = (label: string, value: string) => fireEvent.change(screen.getByLabelText(label), { target: { value } });

describe('Traffic screen filters', () => {
  it('finds 5xx on /orders in the last hour in the stored log, then goes back to the live window', async () => {
    const { context, searches } = setup();
    await waitFor(() => expect(screen.getByTestId('traffic-count').textContent).toBe('1,000 requests'));

    change('Status', '5xx');
    expect(searchState()).toBe('Searching the request log\u2026');
    // Typing: one search once it pauses, not one per keystroke.
    for (const text of ['/', '/o', '/or', '/ord', '/orde', '/order', '/orders']) change('Search', text);
    change('Time', '1h');
    await waitFor(() => expect(searchState()).toBe('2 matches'));
    expect(paths()).toEqual(['/orders/1500', '/orders/3000']);
    expect(searches()).toEqual([{ statusClass: '5xx', q: '/orders', since: expect.any(Number), limit: 500 }]);
    expect(Math.abs((searches()[0]!.since as number) - (Date.now() - 3_600_000))).toBeLessThan(10_000);

    // Live matches arrive on top; live requests that do not match stay out.
    const live = (id: string, status: number): TrafficEntry => ({ ...storedLog()[0]!, id, at: Date.now(), path: `/orders/${id}`, status });
    act(() => context.store.getState().ingestTraffic([live('live-ok', 200), live('live-bad', 502)]));
    expect(paths()).toEqual(['/orders/live-bad', '/orders/1500', '/orders/3000']);
    expect(searchState()).toBe('3 matches');

    change('Search', 'nothing-like-this');
    await waitFor(() => expect(searchState()).toBe('No matches in the stored log'));
    expect(screen.getByRole('heading', { name: 'No matches in the stored log' })).toBeTruthy();
    expect(searches()).toHaveLength(2);

    fireEvent.click(screen.getByRole('button', { name: 'Reset' }));
    expect(screen.getByTestId('traffic-count').textContent).toBe('1,002 requests');
    expect(screen.queryByTestId('traffic-search-state')).toBeNull();
    expect(context.store.getState().trafficSearch).toBeUndefined();
    expect(paths()[0]).toBe('/orders/live-bad');
  });

  it('pages to older matches, and says when the search fails', async () => {
    const { plane, searches } = setup();
    await waitFor(() => expect(screen.getByTestId('traffic-count').textContent).toBe('1,000 requests'));

    change('Status', '2xx');
    await waitFor(() => expect(searchState()).toMatch(/^500\+ matches/));
    fireEvent.click(screen.getByRole('button', { name: 'Load older matches' }));
    await waitFor(() => expect(searchState()).toMatch(/^1,000\+ matches/));
    expect(searches()[1]).toEqual({ statusClass: '2xx', limit: 500, before: 'r499' });

    const list = plane.transport.handlers['traffic.list']!;
    plane.transport.handlers['traffic.list'] = () => {
      throw new ContractError('UNAVAILABLE', 'telemetry database is locked', { status: 503 });
    };
    change('Status', '4xx');
    await waitFor(() => expect(searchState()).toMatch(/^Could not search the request log: telemetry database is locked/));
    plane.transport.handlers['traffic.list'] = list;
    fireEvent.click(screen.getByRole('button', { name: 'Retry' }));
    await waitFor(() => expect(searchState()).toBe('No matches in the stored log'));
  });
});
