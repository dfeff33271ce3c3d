// @vitest-environment jsdom
/** The app as a whole over the fake control plane: boot, first run, command palette, sign-in, theme. */
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ContractError } from '../../shared/contract/errors';
import { App } from './app';
import { createAppContext } from './state/store';
import { createFakeControlPlane } from './testing/fake-control-plane';

beforeEach(() => {
  window.location.hash = '#/';
});
afterEach(cleanup);

describe('App', () => {
  it('boots into the first-run Overview and adds the sample API in one click, landing on Try it', async () => {
    const plane = createFakeControlPlane();
    render(<App context={createAppContext(plane.transport)} />);
    const sample = await screen.findByRole('button', { name: 'Add the sample API' });
    expect(screen.getByText(/starts on/)).toBeTruthy();
    fireEvent.click(sample);
    await waitFor(() => expect(window.location.hash).toMatch(/^#\/apis\/api_\d+\/try\?path=%2Fposts%2F1$/));
    expect(plane.state.apis[0]).toMatchObject({ name: 'JSONPlaceholder sample', implementationUrl: 'http://127.0.0.1:3000', basePath: '/sample' });
    expect(await screen.findByRole('textbox', { name: 'Path' })).toHaveProperty('value', '/posts/1');
  });

  it('opens the command palette with Ctrl+K and runs "Add API" with the keyboard', async () => {
    render(<App context={createAppContext(createFakeControlPlane().transport)} />);
    await screen.findByRole('navigation', { name: 'Main' });
    fireEvent.keyDown(window, { key: 'k', ctrlKey: true });
    const input = await screen.findByRole('combobox', { name: 'Command' });
    fireEvent.change(input, { target: { value: 'add api' } });
    const options = within(screen.getByRole('listbox', { name: 'Commands' })).getAllByRole('option');
    expect(options[0]!.textContent).toContain('Add API');
    fireEvent.keyDown(input, { key: 'Enter' });
    expect(await screen.findByRole('dialog', { name: 'Add API' })).toBeTruthy();
    expect(screen.queryByRole('combobox', { name: 'Command' })).toBeNull();
  });

  it('navigates with "g" then a letter, and marks the current place in the sidebar', async () => {
    render(<App context={createAppContext(createFakeControlPlane().transport)} />);
    await screen.findByRole('navigation', { name: 'Main' });
    fireEvent.keyDown(window, { key: 'g' });
    fireEvent.keyDown(window, { key: 't' });
    await waitFor(() => expect(window.location.hash).toBe('#/traffic'));
    await act(async () => window.dispatchEvent(new HashChangeEvent('hashchange')));
    expect(screen.getByRole('link', { name: 'Traffic' }).getAttribute('aria-current')).toBe('page');
  });

  it('asks to sign in when the server refuses the session, and signs in with a pasted link', async () => {
    const plane = createFakeControlPlane();
    let signedIn = false;
    const getSettings = plane.transport.handlers['settings.get']!;
    plane.transport.handlers['settings.get'] = (input) => {
      if (!signedIn) throw new ContractError('UNAUTHORIZED', 'missing credentials');
      return getSettings(input);
    };
    const tokens: string[] = [];
    Object.assign(plane.transport, {
      login: async (token: string) => {
        tokens.push(token);
        signedIn = true;
      },
    });
    render(<App context={createAppContext(plane.transport)} />);
    const field = await screen.findByLabelText('Login link or admin token');
    fireEvent.change(field, { target: { value: 'http://127.0.0.1:4680/?token=abc123' } });
    fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(await screen.findByRole('navigation', { name: 'Main' })).toBeTruthy();
    expect(tokens).toEqual(['abc123']);
  });

  it('applies the theme setting to the document', async () => {
    const plane = createFakeControlPlane();
    plane.state.settings.theme = 'dark';
    render(<App context={createAppContext(plane.transport)} />);
    await screen.findByRole('navigation', { name: 'Main' });
    expect(document.documentElement.dataset.theme).toBe('dark');
    fireEvent.click(screen.getByRole('button', { name: 'Switch to light theme' }));
    await waitFor(() => expect(document.documentElement.dataset.theme).toBe('light'));
    expect(plane.state.settings.theme).toBe('light');
  });
});

describe('App: expired session', () => {
  it('goes back to sign-in when a call is refused later', async () => {
    const plane = createFakeControlPlane();
    render(<App context={createAppContext(plane.transport)} />);
    await screen.findByRole('navigation', { name: 'Main' });
    plane.transport.handlers['apis.list'] = () => {
      throw new ContractError('UNAUTHORIZED', 'the session has expired or is not valid; log in again');
    };
    // Something changed elsewhere: the refresh is refused.
    act(() => plane.transport.emit('resource.changed', { kind: 'api', id: 'x', action: 'updated' }));
    expect(await screen.findByRole('heading', { name: 'Sign in to this Gatehouse' })).toBeTruthy();
  });
});
