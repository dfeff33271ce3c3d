/**
 * The left navigation: the places of the app, with live counts where they help. In a
 * small window (styles/narrow.css) it is a rail of icons: each label stays in the link for
 * screen readers and shows as a tooltip (data-label) on hover and keyboard focus.
 */
import { activeAlerts } from '../state/alerts';
import { useAppStore } from '../state/store';
import { href, type Route } from '../router/router';
import { Icon, type IconName } from '../ui/icons';

export const NAV_ITEMS: { id: Route['name']; label: string; icon: IconName; path: string; shortcut: string }[] = [
  { id: 'overview', label: 'Overview', icon: 'overview', path: '/', shortcut: 'G O' },
  { id: 'apis', label: 'APIs', icon: 'apis', path: '/apis', shortcut: 'G A' },
  { id: 'traffic', label: 'Traffic', icon: 'traffic', path: '/traffic', shortcut: 'G T' },
  { id: 'gateways', label: 'Gateways', icon: 'gateways', path: '/gateways', shortcut: 'G G' },
  { id: 'applications', label: 'Applications', icon: 'applications', path: '/applications', shortcut: 'G P' },
  { id: 'policies', label: 'Policies library', icon: 'shield', path: '/policies', shortcut: 'G Y' },
  { id: 'alerts', label: 'Alerts', icon: 'alerts', path: '/alerts', shortcut: 'G L' },
  { id: 'settings', label: 'Settings', icon: 'settings', path: '/settings', shortcut: 'G S' },
];

export function Sidebar({ current }: { current: Route['name'] }) {
  const apiCount = useAppStore((s) => s.apis.length);
  const alerting = useAppStore((s) => activeAlerts(s.alertRules).length);
  const version = useAppStore((s) => s.systemInfo?.version);
  const section = current === 'api' ? 'apis' : current;
  return (
    <aside className="sidebar">
      <div className="brand">
        <span className="brand-mark">
          <Icon name="logo" size={18} />
        </span>
        <span className="brand-name">Gatehouse</span>
      </div>
      <nav aria-label="Main">
        <ul className="nav-list">
          {NAV_ITEMS.map((item) => {
            const count = item.id === 'apis' ? apiCount : item.id === 'alerts' ? alerting : 0;
            return (
              <li key={item.id}>
                <a href={href(item.path)} className={`nav-item ${section === item.id ? 'nav-item-active' : ''}`} aria-current={section === item.id ? 'page' : undefined} data-label={item.label}>
                  <Icon name={item.icon} size={17} />
                  <span className="nav-label">{item.label}</span>
                  {count > 0 ? (
                    <span
                      className={`nav-count ${item.id === 'alerts' ? 'nav-count-danger' : ''}`}
                      aria-label={item.id === 'alerts' ? `${count} active` : undefined}
                      aria-hidden={item.id === 'alerts' ? undefined : true}
                    >
                      {count}
                    </span>
                  ) : null}
                </a>
              </li>
            );
          })}
        </ul>
      </nav>
      <div className="sidebar-footer">{version ? `v${version}` : null}</div>
    </aside>
  );
}
