// @vitest-environment jsdom
/** Settings: what quitting Gatehouse does to Docker gateway replicas, and the Docker facts. */
import { act, cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { ContractError } from '../../../../shared/contract/errors';
import { createFakeControlPlane } from '../../testing/fake-control-plane';
import { renderWithApp } from '../../testing/render-app';
import { SettingsScreen } from './settings-screen';

afterEach(cleanup);

describe('Settings, when Gatehouse quits', () => {
  it('keeps Docker replicas running by default and switches to stopping them, explaining each', async () => {
    const plane = createFakeControlPlane();
    const { context } = renderWithApp(<SettingsScreen />, plane);
    await act(() => context.store.getState().loadSettings());
    const group = screen.getByRole('radiogroup', { name: 'Docker gateway replicas when Gatehouse quits' });
    expect(within(group).getByRole('radio', { name: 'Keep running' }).getAttribute('aria-checked')).toBe('true');
    const explanation = () => screen.getByTestId('on-quit-explanation').textContent ?? '';
    expect(explanation()).toMatch(/keep serving their last configuration while Gatehouse is closed/);
    expect(explanation()).toMatch(/The embedded gateway always stops with the app\./);

    fireEvent.click(within(group).getByRole('radio', { name: 'Stop' }));
    await waitFor(() => expect(plane.state.settings.onQuit).toBe('stop'));
    await waitFor(() => expect(within(group).getByRole('radio', { name: 'Stop' }).getAttribute('aria-checked')).toBe('true'));
    expect(explanation()).toMatch(/containers are stopped when Gatehouse quits .*and start again with it/);

    fireEvent.click(within(group).getByRole('radio', { name: 'Keep running' }));
    await waitFor(() => expect(plane.state.settings.onQuit).toBe('keep-running'));
  });

  it('shows the stored choice, and an error when it cannot be saved', async () => {
    const plane = createFakeControlPlane();
    plane.state.settings.onQuit = 'stop';
    plane.transport.handlers['settings.update'] = () => {
      throw new ContractError('UNAVAILABLE', 'database is locked', { status: 503 });
    };
    const { context } = renderWithApp(<SettingsScreen />, plane);
    await act(() => context.store.getState().loadSettings());
    const group = screen.getByRole('radiogroup', { name: 'Docker gateway replicas when Gatehouse quits' });
    expect(within(group).getByRole('radio', { name: 'Stop' }).getAttribute('aria-checked')).toBe('true');
    fireEvent.click(within(group).getByRole('radio', { name: 'Keep running' }));
    expect((await screen.findByRole('alert')).textContent).toContain('database is locked');
    expect(within(group).getByRole('radio', { name: 'Stop' }).getAttribute('aria-checked')).toBe('true');
  });
});

describe('Settings, Docker', () => {
  it('says how many old gateway images were removed', async () => {
    const plane = createFakeControlPlane();
    const info = plane.transport.handlers['system.info']!;
    const pruned = { images: 3, bytes: 315_000_000, message: 'removed 3 old gateway images (315 MB)' };
    plane.transport.handlers['system.info'] = (input) => ({ ...info(input), docker: { status: 'available', message: 'Docker 27', image: { status: 'ready', message: 'ready', pruned } } });
    renderWithApp(<SettingsScreen />, plane);
    expect(await screen.findByText('Gateway image: removed 3 old gateway images (315 MB)')).toBeTruthy();
  });
});
