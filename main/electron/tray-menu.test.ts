import { describe, expect, it } from 'vitest';
import { buildTrayMenu, formatRate, trayStatus, trayTooltip, type TrayGateway, type TrayMenuItem, type TrayState } from './tray-menu';

const embedded: TrayGateway = {
  id: 'gw-embedded',
  name: 'Embedded gateway',
  kind: 'embedded',
  port: 8081,
  status: 'running',
  apis: [
    { id: 'api-orders', name: 'Orders', basePath: '/orders', enabled: true },
    { id: 'api-users', name: 'Users', basePath: '/users', enabled: false },
  ],
};

function state(patch: Partial<TrayState> = {}): TrayState {
  return { gateways: [embedded], paused: false, requestsPerSecond: 0, activeAlerts: 0, startAtLogin: false, ...patch };
}

function find(items: TrayMenuItem[], label: string | RegExp): TrayMenuItem {
  for (const item of items) {
    if (item.type === 'separator') continue;
    if (typeof label === 'string' ? item.label === label : label.test(item.label)) return item;
    if (item.type === 'normal' && item.submenu) {
      try {
        return find(item.submenu, label);
      } catch {
        // keep looking
      }
    }
  }
  throw new Error(`no menu item ${String(label)} in ${JSON.stringify(items.map((i) => ('label' in i ? i.label : '---')))}`);
}

describe('buildTrayMenu', () => {
  it('lists each gateway with a start/stop toggle and its APIs as enable/disable checkboxes', () => {
    const menu = buildTrayMenu(state());
    const gateway = find(menu, /^Embedded gateway · running · :8081$/);
    expect(gateway.type === 'normal' && gateway.submenu).toBeTruthy();
    expect(find(menu, 'Running')).toEqual({ type: 'checkbox', label: 'Running', checked: true, action: { type: 'gateway.stop', gatewayId: 'gw-embedded' } });
    expect(find(menu, /^Orders/)).toMatchObject({ type: 'checkbox', checked: true, action: { type: 'api.disable', apiId: 'api-orders' } });
    expect(find(menu, /^Users/)).toMatchObject({ type: 'checkbox', checked: false, action: { type: 'api.enable', apiId: 'api-users' } });
    expect((find(menu, /^Orders/) as { label: string }).label).toContain('/orders');
  });

  it('offers Start for a stopped gateway and shows why a failed one failed', () => {
    const menu = buildTrayMenu(state({ gateways: [{ ...embedded, status: 'error', lastError: 'port 8081 is in use' }] }));
    expect(find(menu, 'Running')).toMatchObject({ checked: false, action: { type: 'gateway.start', gatewayId: 'gw-embedded' } });
    expect(find(menu, 'port 8081 is in use')).toMatchObject({ enabled: false });
  });

  it('shows a starting gateway as busy, not as a toggle', () => {
    const menu = buildTrayMenu(state({ gateways: [{ ...embedded, status: 'starting' }] }));
    expect(find(menu, 'Starting…')).toEqual({ type: 'normal', label: 'Starting…', enabled: false });
    expect(() => find(menu, 'Running')).toThrow();
  });

  it('says so when a gateway has no APIs, and when there is no gateway', () => {
    expect(find(buildTrayMenu(state({ gateways: [{ ...embedded, apis: [] }] })), 'No APIs yet')).toMatchObject({ enabled: false });
    expect(find(buildTrayMenu(state({ gateways: [] })), 'No gateways')).toMatchObject({ enabled: false });
  });

  it('has live counts, pause, open, start at login and quit', () => {
    const menu = buildTrayMenu(state({ requestsPerSecond: 12.4, activeAlerts: 2, startAtLogin: true }));
    expect(find(menu, '12 req/s · 2 active alerts')).toMatchObject({ enabled: false });
    expect(find(menu, 'Pause all traffic')).toEqual({ type: 'checkbox', label: 'Pause all traffic', checked: false, action: { type: 'traffic.pause' } });
    expect(find(menu, 'Open Gatehouse')).toMatchObject({ action: { type: 'window.open' } });
    expect(find(menu, 'Start at login')).toMatchObject({ checked: true, action: { type: 'startAtLogin.set', enabled: false } });
    const last = menu[menu.length - 1]!;
    expect(last).toEqual({ type: 'normal', label: 'Quit Gatehouse', action: { type: 'app.quit' } });
  });

  it('turns Pause into Resume while paused and says so at the top', () => {
    const menu = buildTrayMenu(state({ paused: true }));
    expect(find(menu, 'Pause all traffic')).toMatchObject({ checked: true, action: { type: 'traffic.resume' } });
    expect(menu[0]).toMatchObject({ label: 'Gatehouse · Traffic paused' });
  });

  it('leaves Start at login out where the platform cannot do it', () => {
    expect(() => find(buildTrayMenu(state({ startAtLogin: undefined })), 'Start at login')).toThrow();
  });

  it('shortens very long names', () => {
    const long = 'A'.repeat(80);
    const menu = buildTrayMenu(state({ gateways: [{ ...embedded, apis: [{ id: 'x', name: long, basePath: '/x', enabled: true }] }] }));
    const item = find(menu, /^A+…/) as { label: string };
    expect(item.label.length).toBeLessThan(60);
  });

  it('is a pure function of its input', () => {
    const input = state({ requestsPerSecond: 3 });
    const frozen = JSON.stringify(input);
    expect(buildTrayMenu(input)).toEqual(buildTrayMenu(JSON.parse(frozen) as TrayState));
    expect(JSON.stringify(input)).toBe(frozen);
  });
});

describe('trayStatus', () => {
  it('is ok when gateways run and nothing fires', () => {
    expect(trayStatus(state())).toBe('ok');
  });

  it('is alert while an alert rule fires or an enabled API has an unhealthy upstream', () => {
    expect(trayStatus(state({ activeAlerts: 1 }))).toBe('alert');
    expect(trayStatus(state({ gateways: [{ ...embedded, apis: [{ id: 'a', name: 'A', basePath: '/a', enabled: true, upstreamHealth: 'unhealthy' }] }] }))).toBe('alert');
    // A disabled API's upstream does not matter.
    expect(trayStatus(state({ gateways: [{ ...embedded, apis: [{ id: 'a', name: 'A', basePath: '/a', enabled: false, upstreamHealth: 'unhealthy' }] }] }))).toBe('ok');
  });

  it('is down when a gateway failed or is degraded, or none runs, even with alerts firing', () => {
    const docker: TrayGateway = { ...embedded, id: 'gw-docker', name: 'Docker', kind: 'docker', status: 'degraded', apis: [] };
    expect(trayStatus(state({ gateways: [embedded, docker], activeAlerts: 3 }))).toBe('down');
    expect(trayStatus(state({ gateways: [{ ...embedded, status: 'error' }] }))).toBe('down');
    expect(trayStatus(state({ gateways: [{ ...embedded, status: 'stopped' }] }))).toBe('down');
  });

  it('names the failed gateway in the menu and the tooltip', () => {
    const failed = state({ gateways: [{ ...embedded, status: 'error' }], requestsPerSecond: 0 });
    expect(buildTrayMenu(failed)[0]).toMatchObject({ label: 'Gatehouse · Gateway down: Embedded gateway' });
    expect(trayTooltip(failed)).toBe('Gatehouse: Gateway down: Embedded gateway · 0 req/s');
    expect(trayTooltip(state({ activeAlerts: 1, requestsPerSecond: 2.25, paused: true }))).toBe('Gatehouse: 1 alert firing · 2.3 req/s · traffic paused');
  });
});

describe('formatRate', () => {
  it('keeps one decimal below 10 req/s and whole numbers above', () => {
    expect(formatRate(0)).toBe('0 req/s');
    expect(formatRate(0.5)).toBe('0.5 req/s');
    expect(formatRate(1234.6)).toBe('1235 req/s');
  });
});
