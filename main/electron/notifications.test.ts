import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startControlFixture, type ControlFixture } from '../control/testing/control-fixture';
import { alertNotificationContent, alertRoute, startAlertNotifications, WINDOWS_APP_USER_MODEL_ID, windowsAppUserModelId, type FiredAlert, type NotificationContent } from './notifications';

const alert: FiredAlert = { id: 'alert_1', ruleId: 'rule_1', ruleName: 'Orders 5xx', state: 'fired', value: 12, threshold: 5, at: 1, apiId: 'api_1', severity: 'critical' };

describe('notification content', () => {
  it('titles with the rule and uses the alert message when there is one', () => {
    expect(alertNotificationContent({ ...alert, message: 'Orders: 12 responses 5xx in 60 s (threshold 5)' })).toEqual({
      title: 'Alert: Orders 5xx',
      body: 'Orders: 12 responses 5xx in 60 s (threshold 5)',
      urgency: 'critical',
    });
    expect(alertNotificationContent({ ...alert, severity: 'warning', value: 0.256 })).toEqual({ title: 'Alert: Orders 5xx', body: 'Value 0.26 crossed the threshold 5.', urgency: 'normal' });
  });

  it("opens on the API's Alerts tab, or the Alerts screen for a gateway alert", () => {
    expect(alertRoute(alert)).toBe('/apis/api_1/alerts?event=alert_1');
    expect(alertRoute({ id: 'a b' })).toBe('/alerts?event=a%20b');
  });
});

describe('Windows AppUserModelID', () => {
  it("is the installer's app ID when packaged, and Electron's executable in development", () => {
    expect(windowsAppUserModelId(true, 'C:\\Gatehouse\\Gatehouse.exe')).toBe(WINDOWS_APP_USER_MODEL_ID);
    expect(windowsAppUserModelId(false, 'C:\\repo\\node_modules\\electron\\dist\\electron.exe')).toBe('C:\\repo\\node_modules\\electron\\dist\\electron.exe');
  });
});

describe('startAlertNotifications', () => {
  let fixture: ControlFixture;
  beforeAll(async () => {
    fixture = await startControlFixture();
  });
  afterAll(async () => {
    await fixture.close();
  });

  function listen() {
    const shown: Array<{ content: NotificationContent; click: () => void }> = [];
    const routes: string[] = [];
    const off = startAlertNotifications({
      bus: fixture.plane.bus,
      handlers: fixture.plane.handlers,
      show: (content, click) => shown.push({ content, click }),
      openRoute: (route) => routes.push(route),
    });
    return { shown, routes, off };
  }
  const settle = () => new Promise((resolve) => setTimeout(resolve, 50));

  it('shows fired alerts and opens the alert on click', async () => {
    const { shown, routes, off } = listen();
    fixture.plane.bus.emit('alert.fired', alert);
    fixture.plane.bus.emit('alert.resolved', { ...alert, state: 'resolved' });
    await settle();
    expect(shown.map((s) => s.content.title)).toEqual(['Alert: Orders 5xx']);
    shown[0]!.click();
    expect(routes).toEqual(['/apis/api_1/alerts?event=alert_1']);
    off();
  });

  it('stays quiet for muted rules and when the setting is off, and follows the setting', async () => {
    const { shown, off } = listen();
    fixture.plane.bus.emit('alert.fired', { ...alert, muted: true });
    await settle();
    await fixture.call('settings.update', { desktopNotifications: false });
    fixture.plane.bus.emit('alert.fired', alert);
    await settle();
    expect(shown).toEqual([]);
    await fixture.call('settings.update', { desktopNotifications: true });
    fixture.plane.bus.emit('alert.fired', alert);
    await settle();
    expect(shown).toHaveLength(1);
    off();
  });
});
