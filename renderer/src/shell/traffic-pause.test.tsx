// @vitest-environment jsdom
/**
 * "Pause all traffic" in the window, over the fake control plane: a pause started elsewhere
 * (the tray, the admin API) shows at once as a banner on Overview and as "Traffic paused ·
 * Resume" in the top bar, and the gateway pill says "paused" instead of a green "running";
 * Resume and the top bar's pause button go through the contract.
 */
import { act, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { App } from '../app';
import { createAppContext } from '../state/store';
import { createFakeControlPlane } from '../testing/fake-control-plane';

beforeEach(() => {
  window.location.hash = '#/';
});
afterEach(cleanup);

const banner = () => screen.queryByTestId('traffic-paused-banner');

describe('pause all traffic', () => {
  it('shows a pause from the tray at once, and resumes from the banner', async () => {
    const plane = createFakeControlPlane();
    render(<App context={createAppContext(plane.transport)} />);
    await screen.findByRole('heading', { name: 'Overview' });
    expect(banner()).toBeNull();
    expect(screen.getByRole('button', { name: 'Pause all traffic' })).toBeTruthy();

    // What the tray does: the contract method, from outside this window.
    await act(async () => {
      await plane.transport.invoke('traffic.pause', {});
    });
    await waitFor(() => expect(banner()).not.toBeNull());
    expect(banner()!.textContent).toContain('Traffic is paused');
    expect(banner()!.textContent).toContain('503 TRAFFIC_PAUSED');
    expect(banner()!.textContent).toMatch(/Paused just now/);
    expect(screen.getByRole('button', { name: 'Traffic is paused — Resume' }).textContent).toContain('Traffic paused · Resume');
    expect(screen.queryByRole('button', { name: 'Pause all traffic' })).toBeNull();

    // The gateway pill says what a client gets: not a green "running" while every call is a 503.
    expect(screen.getByTestId('gateway-status').textContent).toBe('Gateway paused · :8081');
    expect(screen.getByLabelText('Gateways paused')).toBeTruthy();
    expect(screen.queryByLabelText('Gateway running')).toBeNull();

    fireEvent.click(screen.getByRole('button', { name: 'Resume traffic' }));
    await waitFor(() => expect(banner()).toBeNull());
    expect(plane.state.trafficState).toEqual({ paused: false });
    expect(screen.getByTestId('gateway-status').textContent).toBe('Gateway running · :8081');
    expect(screen.getByLabelText('Gateway running')).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Pause all traffic' })).toBeTruthy();
  });

  it('pauses from the top bar and resumes from it, on every screen', async () => {
    const plane = createFakeControlPlane();
    window.location.hash = '#/settings';
    render(<App context={createAppContext(plane.transport)} />);
    fireEvent.click(await screen.findByRole('button', { name: 'Pause all traffic' }));
    await waitFor(() => expect(plane.state.trafficState.paused).toBe(true));
    await waitFor(() => expect(banner()).not.toBeNull());
    fireEvent.click(screen.getByRole('button', { name: 'Traffic is paused — Resume' }));
    await waitFor(() => expect(plane.state.trafficState.paused).toBe(false));
    await waitFor(() => expect(banner()).toBeNull());
  });

  it('shows a pause that began before the window opened', async () => {
    const plane = createFakeControlPlane({ trafficState: { paused: true, pausedAt: Date.now() - 5 * 60_000 } });
    render(<App context={createAppContext(plane.transport)} />);
    await screen.findByRole('heading', { name: 'Overview' });
    await waitFor(() => expect(banner()).not.toBeNull());
    expect(banner()!.textContent).toMatch(/Paused 5 min ago/);
  });

  it('says so when the pause fails', async () => {
    const plane = createFakeControlPlane();
    plane.transport.handlers['traffic.pause'] = () => {
      throw new Error('the control plane is stopping');
    };
    render(<App context={createAppContext(plane.transport)} />);
    fireEvent.click(await screen.findByRole('button', { name: 'Pause all traffic' }));
    expect(await screen.findByText('Could not pause traffic')).toBeTruthy();
    expect(banner()).toBeNull();
  });
});
