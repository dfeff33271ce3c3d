// @vitest-environment jsdom
/**
 * A refused login link lands on the UI's sign-in page (the server redirects to
 * `/?signin=link-used`): the page says what happened and what to do, and signing in there
 * clears the reason from the address bar.
 */
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { ContractError } from '../../../shared/contract/errors';
import { App } from '../app';
import { createAppContext } from '../state/store';
import { createFakeControlPlane } from '../testing/fake-control-plane';

afterEach(() => {
  cleanup();
  window.history.replaceState(null, '', '/');
});

function refusingPlane() {
  const plane = createFakeControlPlane();
  let signedIn = false;
  const getSettings = plane.transport.handlers['settings.get']!;
  plane.transport.handlers['settings.get'] = (input) => {
    if (!signedIn) throw new ContractError('UNAUTHORIZED', 'missing credentials');
    return getSettings(input);
  };
  Object.assign(plane.transport, { login: async () => void (signedIn = true) });
  return plane;
}

describe('sign-in after a refused login link', () => {
  it('says the link was already used and what to do, then signs in with the pasted token', async () => {
    window.history.replaceState(null, '', '/?signin=link-used#/');
    render(<App context={createAppContext(refusingPlane().transport)} />);
    expect(await screen.findByText('This login link was already used')).toBeTruthy();
    expect(screen.getByText(/signs in once, in one browser\. Paste the admin token below, or get a fresh link/)).toBeTruthy();
    fireEvent.change(screen.getByLabelText('Login link or admin token'), { target: { value: 'the-admin-token' } });
    fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(await screen.findByRole('navigation', { name: 'Main' })).toBeTruthy();
    expect(window.location.search).toBe('');
    expect(window.location.hash).toBe('#/');
  });

  it('explains why the admin token is refused in a URL', async () => {
    window.history.replaceState(null, '', '/?signin=admin-token-in-url#/');
    render(<App context={createAppContext(refusingPlane().transport)} />);
    expect(await screen.findByText('The admin token does not go in a URL')).toBeTruthy();
  });

  it('shows no warning on a plain visit', async () => {
    render(<App context={createAppContext(refusingPlane().transport)} />);
    await screen.findByLabelText('Login link or admin token');
    expect(screen.queryByText(/already used|does not go in a URL/)).toBeNull();
  });
});
