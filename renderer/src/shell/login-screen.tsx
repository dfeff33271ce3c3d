/**
 * Shown when the server refuses the session (opened without the login link, or the cookie
 * expired): explains where the token is and trades it for a session cookie.
 */
import { useState, type FormEvent } from 'react';
import { useAppContext } from '../state/store';
import { Banner } from '../ui/banner';
import { Button } from '../ui/button';
import { Field } from '../ui/field';
import { Icon } from '../ui/icons';

/** Why the server sent the browser here (`/?signin=…`, after refusing a login link), and what to do. */
const REFUSED_LINK: Record<string, { title: string; body: string }> = {
  'link-used': {
    title: 'This login link was already used',
    body: 'Each link gatehouse serve prints signs in once, in one browser. Paste the admin token below, or get a fresh link: restart gatehouse serve, or POST /api/v1/session/login-link with the admin token.',
  },
  'admin-token-in-url': {
    title: 'The admin token does not go in a URL',
    body: 'URLs stay in browser history and logs. Paste the admin token below instead, or open the one-time login link gatehouse serve printed.',
  },
};

export function signInReason(search: string): { title: string; body: string } | undefined {
  const reason = new URLSearchParams(search).get('signin');
  return reason ? REFUSED_LINK[reason] : undefined;
}

/** The reason has been read: drop it from the address bar so a reload or bookmark does not repeat it. */
function forgetSignInReason(): void {
  const url = new URL(window.location.href);
  if (!url.searchParams.has('signin')) return;
  url.searchParams.delete('signin');
  window.history.replaceState(window.history.state, '', url.pathname + url.search + url.hash);
}

export function LoginScreen({ onSignedIn }: { onSignedIn(): void }) {
  const { transport } = useAppContext();
  const [refused] = useState(() => signInReason(window.location.search));
  const [token, setToken] = useState('');
  const [error, setError] = useState<string>();
  const [pending, setPending] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!token.trim()) return setError('Paste the token from the login link or the admin-token file.');
    if (!transport.login) return setError('This build cannot sign in.');
    setPending(true);
    setError(undefined);
    try {
      await transport.login(token.trim().replace(/^.*[?&]token=/, ''));
      forgetSignInReason();
      onSignedIn();
    } catch (caught) {
      setError((caught as { message?: string }).message ?? String(caught));
    } finally {
      setPending(false);
    }
  }

  return (
    <main className="login">
      <form className="login-card" onSubmit={submit}>
        <div className="brand brand-large">
          <span className="brand-mark">
            <Icon name="logo" size={22} />
          </span>
          <span className="brand-name">Gatehouse</span>
        </div>
        <h1 className="login-title">Sign in to this Gatehouse</h1>
        {refused ? (
          <Banner kind="warning" title={refused.title}>
            {refused.body}
          </Banner>
        ) : null}
        <p className="muted">
          Open the login link <code>gatehouse serve</code> printed, or paste it (or the admin token from the <code>admin-token</code> file in the data directory) here.
        </p>
        <Field label="Login link or admin token" error={error}>
          <input className="input" type="password" autoComplete="off" value={token} onChange={(e) => setToken(e.target.value)} data-autofocus />
        </Field>
        <Button type="submit" variant="primary" pending={pending}>
          Sign in
        </Button>
        {transport.kind !== 'http' ? <Banner kind="info">Signing in is only needed in a browser.</Banner> : null}
      </form>
    </main>
  );
}
