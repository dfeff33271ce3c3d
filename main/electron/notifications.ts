/**
 * Desktop notifications for `alert.fired`, when the setting is on and the rule is not muted.
 * Clicking one opens the window on the alert (the API's Alerts tab, else the Alerts screen).
 */
import type { ContractEventBus, EventPayload } from '../../shared/contract/events';
import type { ContractHandlers } from '../../shared/contract/methods';
import { callContract } from './contract-call';

export type FiredAlert = EventPayload<'alert.fired'>;

/**
 * Windows shows (and routes clicks of) an app's notifications under the AppUserModelID of its
 * Start-menu shortcut; the NSIS installer gives that shortcut electron-builder.yml's appId.
 */
export const WINDOWS_APP_USER_MODEL_ID = 'dev.gatehouse.app';

/** The ID to set: the installer's in a packaged app; Electron's own (its executable) in development. */
export function windowsAppUserModelId(isPackaged: boolean, execPath: string): string {
  return isPackaged ? WINDOWS_APP_USER_MODEL_ID : execPath;
}

export interface NotificationContent {
  title: string;
  body: string;
  urgency: 'normal' | 'critical';
}

/** What the notification says (pure). */
export function alertNotificationContent(alert: FiredAlert): NotificationContent {
  const body = alert.message ?? `Value ${formatNumber(alert.value)} crossed the threshold ${formatNumber(alert.threshold)}.`;
  return { title: `Alert: ${alert.ruleName}`, body, urgency: alert.severity === 'critical' ? 'critical' : 'normal' };
}

function formatNumber(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(2);
}

/** The renderer route that shows the alert. */
export function alertRoute(alert: Pick<FiredAlert, 'id' | 'apiId'>): string {
  const event = `?event=${encodeURIComponent(alert.id)}`;
  return alert.apiId ? `/apis/${encodeURIComponent(alert.apiId)}/alerts${event}` : `/alerts${event}`;
}

export interface AlertNotifierOptions {
  bus: ContractEventBus;
  handlers: Partial<ContractHandlers>;
  /** Shows one notification; `onClick` runs when the user clicks it. */
  show(content: NotificationContent, onClick: () => void): void;
  openRoute(route: string): void;
}

/** Subscribes to alerts; returns the unsubscribe function. */
export function startAlertNotifications(options: AlertNotifierOptions): () => void {
  let enabled: boolean | undefined;
  const readSetting = async () => {
    const reply = await callContract(options.handlers, 'settings.get', {}, { transport: 'internal' });
    enabled = 'result' in reply ? (reply.result as { desktopNotifications: boolean }).desktopNotifications : true;
    return enabled;
  };
  const offSettings = options.bus.on('resource.changed', (change) => {
    if (change.kind === 'settings' || change.kind === 'config') enabled = undefined;
  });
  const offAlerts = options.bus.on('alert.fired', (alert) => {
    if (alert.muted) return;
    void (async () => {
      if (!(enabled ?? (await readSetting()))) return;
      options.show(alertNotificationContent(alert), () => options.openRoute(alertRoute(alert)));
    })();
  });
  return () => {
    offSettings();
    offAlerts();
  };
}
