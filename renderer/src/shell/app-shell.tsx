/** The frame around every screen: sidebar, top bar, the routed screen, toasts, palette, dialogs. */
import { useEffect, useRef } from 'react';
import { useLocation, type Route } from '../router/router';
import { useAppStore } from '../state/store';
import { AlertsScreen } from '../screens/alerts/alerts-screen';
import { ApiDetailScreen } from '../screens/api-detail/api-detail-screen';
import { ApisScreen } from '../screens/apis/apis-screen';
import { ApplicationsScreen } from '../screens/applications/applications-screen';
import { GatewaysScreen } from '../screens/gateways/gateways-screen';
import { OverviewScreen } from '../screens/overview/overview-screen';
import { PoliciesLibraryScreen } from '../screens/policies/policies-library-screen';
import { SettingsScreen } from '../screens/settings/settings-screen';
import { TrafficScreen } from '../screens/traffic/traffic-screen';
import { Banner } from '../ui/banner';
import { EmptyState } from '../ui/empty-state';
import { ToastViewport } from '../ui/toasts';
import { href } from '../router/router';
import { CommandPalette } from './command-palette';
import { GlobalDialogs } from './global-dialogs';
import { Header } from './header';
import { Sidebar } from './sidebar';
import { TrafficPausedBanner } from './traffic-pause';
import { useShortcuts } from './use-shortcuts';

function Screen({ route, search }: { route: Route; search: string }) {
  switch (route.name) {
    case 'overview':
      return <OverviewScreen />;
    case 'apis':
      return <ApisScreen />;
    case 'api':
      return <ApiDetailScreen id={route.id} tab={route.tab} />;
    case 'traffic':
      // Keyed by its query: the palette opening another request starts from that request.
      return <TrafficScreen key={search} />;
    case 'gateways':
      return <GatewaysScreen />;
    case 'applications':
      return <ApplicationsScreen />;
    case 'policies':
      return <PoliciesLibraryScreen />;
    case 'alerts':
      return <AlertsScreen />;
    case 'settings':
      return <SettingsScreen />;
    default:
      return (
        <div className="page">
          <EmptyState icon="info" title="Nothing here" actions={<a className="btn btn-secondary" href={href('/')}>Go to Overview</a>}>
            No screen at <code>{route.path}</code>.
          </EmptyState>
        </div>
      );
  }
}

export function AppShell() {
  const { route, path, query } = useLocation();
  const connection = useAppStore((s) => s.connection);
  const main = useRef<HTMLElement>(null);
  useShortcuts();

  // A new screen starts at the top, and keyboard users land in it.
  useEffect(() => {
    main.current?.scrollTo?.({ top: 0 });
  }, [route.name, route.name === 'api' ? route.id : '']);

  return (
    <div className="app">
      <a className="skip-link" href="#main" onClick={(e) => (e.preventDefault(), main.current?.focus())}>
        Skip to content
      </a>
      <Sidebar current={route.name} />
      <div className="app-main">
        <Header />
        {connection === 'closed' ? (
          <div className="connection-banner">
            <Banner kind="warning" title="Lost the connection to Gatehouse">
              Live updates are paused; reconnecting by itself. Is <code>gatehouse serve</code> still running?
            </Banner>
          </div>
        ) : null}
        <TrafficPausedBanner />
        <main id="main" ref={main} className="content" tabIndex={-1} data-path={path}>
          <Screen route={route} search={query.toString()} />
        </main>
      </div>
      <ToastViewport />
      <CommandPalette />
      <GlobalDialogs />
    </div>
  );
}
