// @vitest-environment jsdom
/** "Add API": client-side and server-side errors land next to the field that caused them. */
import { cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createFakeControlPlane } from '../../testing/fake-control-plane';
import { describedErrorOf, renderWithApp } from '../../testing/render-app';
import { ApiFormDialog } from './api-form-dialog';

afterEach(cleanup);

function field(name: string) {
  return screen.getByRole('textbox', { name });
}

describe('ApiFormDialog', () => {
  it('shows each validation error under its field and sends nothing', async () => {
    const { plane } = renderWithApp(<ApiFormDialog onClose={() => undefined} />);
    fireEvent.change(field('Implementation URL'), { target: { value: 'localhost:3000' } });
    fireEvent.click(screen.getByRole('button', { name: 'Create API' }));
    await waitFor(() => expect(describedErrorOf(field('Name'))).toBe('must not be empty'));
    expect(field('Name').getAttribute('aria-invalid')).toBe('true');
    expect(describedErrorOf(field('Implementation URL'))).toMatch(/must use http or https|absolute http\(s\) URL/);
    expect(describedErrorOf(field('Base path'))).toBeUndefined();
    expect(plane.transport.calls.filter((c) => c.method === 'apis.create')).toHaveLength(0);

    // Typing in a field clears its error.
    fireEvent.change(field('Name'), { target: { value: 'Orders' } });
    expect(describedErrorOf(field('Name'))).toBeUndefined();
  });

  it('puts a server-side conflict on the base path field, then creates the API once fixed', async () => {
    const plane = createFakeControlPlane();
    plane.state.apis.push({ id: 'api_old', name: 'Old', version: 'v1', type: 'http', implementationUrl: 'http://127.0.0.1:1', basePath: '/orders', gatewayId: 'gw_embedded', enabled: true, createdAt: 1, updatedAt: 1 });
    const onClose = vi.fn();
    const { context } = renderWithApp(<ApiFormDialog onClose={onClose} />, plane);
    await context.store.getState().loadGateways();

    fireEvent.change(field('Name'), { target: { value: 'Orders v2' } });
    fireEvent.change(field('Implementation URL'), { target: { value: 'http://127.0.0.1:3000' } });
    fireEvent.change(field('Base path'), { target: { value: '/orders' } });
    fireEvent.click(screen.getByRole('button', { name: 'Create API' }));
    await waitFor(() => expect(describedErrorOf(field('Base path'))).toBe('already used by another API'));
    expect(onClose).not.toHaveBeenCalled();

    fireEvent.change(field('Base path'), { target: { value: '/orders-v2' } });
    fireEvent.click(screen.getByRole('button', { name: 'Create API' }));
    await waitFor(() => expect(onClose).toHaveBeenCalled());
    expect(plane.state.apis.map((a) => a.basePath)).toEqual(['/orders', '/orders-v2']);
    expect(await screen.findByText('Orders v2 is live')).toBeTruthy();
  });
});
