/**
 * The root: wires events to the store, loads what the shell shows, applies the theme, and shows
 * the sign-in screen when the server refuses the session.
 */
import { useCallback, useEffect, useState } from 'react';
import { ContractErrorCode } from '../../shared/contract/errors';
import { toContractError } from './lib/errors';
import { applyTheme } from './lib/theme';
import { AppShell } from './shell/app-shell';
import { LoginScreen } from './shell/login-screen';
import { connectEvents } from './state/events';
import { AppProvider, useAppStore, type AppContextValue } from './state/store';
import { Banner } from './ui/banner';
import { Button } from './ui/button';
import { Spinner } from './ui/empty-state';

/** Loads settings first (it doubles as the auth check), then the rest in parallel. */
export async function boot(context: AppContextValue): Promise<'ready' | 'login' | { error: string }> {
  const state = context.store.getState();
  try {
    await context.client.settings.get().then((settings) => context.store.setState({ settings, settingsLoad: { status: 'ready' } }));
  } catch (error) {
    const contract = toContractError(error);
    if (contract.code === ContractErrorCode.unauthorized) return 'login';
    return { error: contract.message };
  }
  await Promise.all([state.loadSystemInfo(), state.loadGateways(), state.loadApis(), state.loadAlertRules(), state.loadApplications()]);
  return 'ready';
}

function Root({ context }: { context: AppContextValue }) {
  const theme = useAppStore((s) => s.settings.theme);
  const needsLogin = useAppStore((s) => s.needsLogin);
  const [phase, setPhase] = useState<'booting' | 'ready' | 'login' | { error: string }>('booting');

  const start = useCallback(() => {
    context.store.getState().setNeedsLogin(false);
    setPhase('booting');
    void boot(context).then(setPhase);
  }, [context]);

  useEffect(() => applyTheme(theme), [theme]);
  useEffect(() => {
    if (phase !== 'ready') return;
    return connectEvents(context);
  }, [context, phase]);
  useEffect(start, [start]);

  if (phase === 'booting') return <div className="boot"><Spinner label="Starting Gatehouse" /></div>;
  if (phase === 'login' || (phase === 'ready' && needsLogin)) return <LoginScreen onSignedIn={start} />;
  if (typeof phase === 'object')
    return (
      <div className="boot">
        <div className="boot-card">
          <Banner kind="error" title="Gatehouse is not reachable" action={<Button onClick={start}>Retry</Button>}>
            {phase.error}
          </Banner>
        </div>
      </div>
    );
  return <AppShell />;
}

export function App({ context }: { context: AppContextValue }) {
  return (
    <AppProvider value={context}>
      <Root context={context} />
    </AppProvider>
  );
}
