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

export function LoginScreen({ onSignedIn }: { onSignedIn(): void }) {
  const { transport } = useAppContext();
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
