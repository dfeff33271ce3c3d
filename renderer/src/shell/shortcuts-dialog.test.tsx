// @vitest-environment jsdom
/** `?` opens the list of keyboard shortcuts; what it lists works; typing "?" in a field does not open it. */
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { App } from '../app';
import { createAppContext } from '../state/store';
import { createFakeControlPlane } from '../testing/fake-control-plane';

beforeEach(() => {
  window.location.hash = '#/';
});
afterEach(cleanup);

describe('keyboard shortcuts list', () => {
  it('opens with "?", lists the palette and every "g" jump, and closes with Escape', async () => {
    render(<App context={createAppContext(createFakeControlPlane().transport)} />);
    await screen.findByRole('heading', { name: 'Overview' });
    fireEvent.keyDown(window, { key: '?', shiftKey: true });
    const dialog = await screen.findByRole('dialog', { name: 'Keyboard shortcuts' });
    const rows = [...dialog.querySelectorAll('tr')].map((row) => row.textContent);
    expect(rows).toContain('Ctrl KOpen the command palette (search APIs, policies, traffic…)');
    expect(rows).toContain('G TGo to Traffic');
    expect(rows).toContain('G SGo to Settings');
    expect(rows).toContain('?Show this list of shortcuts');

    fireEvent.keyDown(dialog, { key: 'Escape' });
    await waitFor(() => expect(screen.queryByRole('dialog', { name: 'Keyboard shortcuts' })).toBeNull());
    // A listed shortcut does what the list says.
    fireEvent.keyDown(window, { key: 'g' });
    fireEvent.keyDown(window, { key: 't' });
    expect(await screen.findByRole('heading', { name: 'Traffic' })).toBeTruthy();
  });

  it('is not opened by a "?" typed into a field', async () => {
    render(<App context={createAppContext(createFakeControlPlane().transport)} />);
    await screen.findByRole('heading', { name: 'Overview' });
    fireEvent.click(screen.getByRole('button', { name: 'Open the command palette' }));
    const input = await screen.findByRole('combobox');
    fireEvent.keyDown(input, { key: '?', shiftKey: true });
    expect(screen.queryByRole('dialog', { name: 'Keyboard shortcuts' })).toBeNull();
  });
});
