/**
 * The top bar: command palette trigger, embedded gateway status, event-stream state, the
 * "pause all traffic" toggle, active alerts, theme switch. Status is always visible, whatever
 * the screen.
 */
import { activeAlerts } from '../state/alerts';
import { useAppStore } from '../state/store';
import { href } from '../router/router';
import { Icon } from '../ui/icons';
import { gatewayTone, StatusDot } from '../ui/status-badge';
import { resolveTheme } from '../lib/theme';
import { TrafficPauseToggle } from './traffic-pause';

export function Header() {
  const gateways = useAppStore((s) => s.gateways);
  const connection = useAppStore((s) => s.connection);
  const alerting = useAppStore((s) => activeAlerts(s.alertRules).length);
  const theme = useAppStore((s) => s.settings.theme);
  const updateSettings = useAppStore((s) => s.updateSettings);
  const pushToast = useAppStore((s) => s.pushToast);
  const openPalette = useAppStore((s) => s.setPaletteOpen);
  const isMac = typeof navigator !== 'undefined' && /Mac/i.test(navigator.platform);

  const paused = useAppStore((s) => s.allTraffic.paused);
  const running = gateways.filter((g) => g.status === 'running').length;
  const worst = gateways.find((g) => g.status === 'error') ?? gateways.find((g) => g.status === 'degraded') ?? gateways.find((g) => g.status !== 'running') ?? gateways[0];
  const embedded = gateways.find((g) => g.kind === 'embedded');
  const effective = resolveTheme(theme);

  async function toggleTheme() {
    try {
      await updateSettings({ theme: effective === 'dark' ? 'light' : 'dark' });
    } catch (error) {
      pushToast({ kind: 'error', title: 'Could not change the theme', message: String((error as Error).message) });
    }
  }

  return (
    <header className="topbar">
      <button type="button" className="palette-trigger" onClick={() => openPalette(true)} aria-label="Open the command palette">
        <Icon name="search" />
        <span>Search or run a command…</span>
        <kbd className="kbd">{isMac ? '⌘' : 'Ctrl'} K</kbd>
      </button>
      <div className="topbar-status">
        <a className="status-chip" href={href('/gateways')} title="Gateways">
          {/* While traffic is paused every gateway answers 503: "running" in green would be untrue. */}
          {gateways.length > 0 && paused ? (
            <StatusDot tone="warning" label="Gateways paused" />
          ) : worst ? (
            <StatusDot tone={gatewayTone(worst.status)} label={`Gateway ${worst.status}`} />
          ) : (
            <StatusDot tone="neutral" label="No gateway" />
          )}
          <span data-testid="gateway-status">
            {gateways.length === 0
              ? 'No gateway'
              : paused
                ? gateways.length === 1 && embedded
                  ? `Gateway paused · :${embedded.port}`
                  : `${gateways.length} gateways paused`
                : gateways.length === 1 && embedded
                  ? `Gateway ${embedded.status} · :${embedded.port}`
                  : `${running}/${gateways.length} gateways running`}
          </span>
        </a>
        <span className={`status-chip status-chip-plain connection-${connection}`} role="status" title="Live updates from Gatehouse">
          <StatusDot tone={connection === 'open' ? 'success' : connection === 'connecting' ? 'warning' : 'danger'} label={`Live updates ${connection}`} pulse={connection === 'open'} />
          <span>{connection === 'open' ? 'Live' : connection === 'connecting' ? 'Connecting…' : 'Offline'}</span>
        </span>
        <TrafficPauseToggle />
        <a className={`icon-btn alert-bell ${alerting > 0 ? 'alert-bell-active' : ''}`} href={href('/alerts')} aria-label={alerting > 0 ? `${alerting} active alerts` : 'Alerts: none active'} title="Alerts">
          <Icon name="alerts" />
          {alerting > 0 ? <span className="alert-badge" data-testid="alert-badge">{alerting}</span> : null}
        </a>
        <button type="button" className="icon-btn" onClick={toggleTheme} aria-label={effective === 'dark' ? 'Switch to light theme' : 'Switch to dark theme'} title="Toggle theme">
          <Icon name={effective === 'dark' ? 'sun' : 'moon'} />
        </button>
      </div>
    </header>
  );
}
