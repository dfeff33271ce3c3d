/**
 * The tray as a pure function of state: the menu (as data, with an action per clickable item),
 * the status icon and the tooltip. tray.ts turns the data into Electron menu items and runs the
 * actions; everything a user sees in the tray is decided (and tested) here.
 */
import type { GatewayStatus } from '../../shared/contract/models';

export interface TrayApi {
  id: string;
  name: string;
  basePath: string;
  enabled: boolean;
  upstreamHealth?: 'healthy' | 'unhealthy' | 'unknown';
}

export interface TrayGateway {
  id: string;
  name: string;
  kind: 'embedded' | 'docker';
  port: number;
  status: GatewayStatus;
  lastError?: string;
  apis: TrayApi[];
}

export interface TrayState {
  gateways: TrayGateway[];
  /** Every gateway (embedded and connected replicas) answers 503 TRAFFIC_PAUSED. */
  paused: boolean;
  /** Requests per second over the last full second, all APIs. */
  requestsPerSecond: number;
  /** Alert rules currently firing. */
  activeAlerts: number;
  /** `undefined` where the platform cannot start apps at login. */
  startAtLogin: boolean | undefined;
}

export type TrayAction =
  | { type: 'gateway.start'; gatewayId: string }
  | { type: 'gateway.stop'; gatewayId: string }
  | { type: 'api.enable'; apiId: string }
  | { type: 'api.disable'; apiId: string }
  | { type: 'traffic.pause' }
  | { type: 'traffic.resume' }
  | { type: 'window.open' }
  | { type: 'startAtLogin.set'; enabled: boolean }
  | { type: 'app.quit' };

export type TrayMenuItem =
  | { type: 'separator' }
  | { type: 'normal'; label: string; enabled?: boolean; action?: TrayAction; submenu?: TrayMenuItem[] }
  | { type: 'checkbox'; label: string; checked: boolean; enabled?: boolean; action: TrayAction };

export type TrayMenuTemplate = TrayMenuItem[];

export type TrayStatus = 'ok' | 'alert' | 'down';

const MAX_LABEL = 40;
const separator: TrayMenuItem = { type: 'separator' };

function clip(text: string): string {
  return text.length > MAX_LABEL ? `${text.slice(0, MAX_LABEL - 1)}…` : text;
}

function plural(count: number, one: string, many: string): string {
  return `${count} ${count === 1 ? one : many}`;
}

export function formatRate(requestsPerSecond: number): string {
  const value = Math.max(0, requestsPerSecond);
  return `${value > 0 && value < 10 ? value.toFixed(1) : Math.round(value)} req/s`;
}

function isDown(gateway: TrayGateway): boolean {
  return gateway.status === 'error' || gateway.status === 'degraded';
}

/**
 * down: a gateway failed or is degraded, or none is running (no traffic can flow);
 * alert: an alert rule is firing or an upstream is unhealthy; ok otherwise.
 */
export function trayStatus(state: TrayState): TrayStatus {
  if (state.gateways.some(isDown)) return 'down';
  if (state.gateways.length > 0 && !state.gateways.some((g) => g.status === 'running' || g.status === 'starting')) return 'down';
  if (state.activeAlerts > 0) return 'alert';
  if (state.gateways.some((g) => g.apis.some((api) => api.enabled && api.upstreamHealth === 'unhealthy'))) return 'alert';
  return 'ok';
}

export function statusHeadline(state: TrayState): string {
  const status = trayStatus(state);
  if (status === 'down') {
    const failed = state.gateways.filter(isDown);
    if (failed.length === 1) return `Gateway down: ${clip(failed[0]!.name)}`;
    if (failed.length > 1) return `${failed.length} gateways down`;
    return 'No gateway running';
  }
  if (status === 'alert') {
    if (state.activeAlerts > 0) return plural(state.activeAlerts, 'alert firing', 'alerts firing');
    return 'Upstream unhealthy';
  }
  return 'All good';
}

/** One line for the tray icon's hover text. */
export function trayTooltip(state: TrayState): string {
  const parts = [`Gatehouse: ${statusHeadline(state)}`, formatRate(state.requestsPerSecond)];
  if (state.paused) parts.push('traffic paused');
  return parts.join(' · ');
}

const STATUS_TEXT: Record<GatewayStatus, string> = {
  running: 'running',
  starting: 'starting…',
  stopped: 'stopped',
  degraded: 'degraded',
  error: 'error',
};

function gatewayMenu(gateway: TrayGateway): TrayMenuItem {
  const running = gateway.status === 'running' || gateway.status === 'degraded';
  const toggle: TrayMenuItem =
    gateway.status === 'starting'
      ? { type: 'normal', label: 'Starting…', enabled: false }
      : { type: 'checkbox', label: 'Running', checked: running, action: running ? { type: 'gateway.stop', gatewayId: gateway.id } : { type: 'gateway.start', gatewayId: gateway.id } };
  const submenu: TrayMenuItem[] = [toggle];
  if (gateway.lastError && gateway.status !== 'running') submenu.push({ type: 'normal', label: clip(gateway.lastError), enabled: false });
  submenu.push(separator, { type: 'normal', label: 'APIs', enabled: false });
  if (gateway.apis.length === 0) submenu.push({ type: 'normal', label: 'No APIs yet', enabled: false });
  for (const api of gateway.apis) {
    const health = api.enabled && api.upstreamHealth === 'unhealthy' ? ' (upstream down)' : '';
    submenu.push({
      type: 'checkbox',
      label: `${clip(api.name)}  ${api.basePath}${health}`,
      checked: api.enabled,
      action: api.enabled ? { type: 'api.disable', apiId: api.id } : { type: 'api.enable', apiId: api.id },
    });
  }
  return { type: 'normal', label: `${clip(gateway.name)} · ${STATUS_TEXT[gateway.status]} · :${gateway.port}`, submenu };
}

export function buildTrayMenu(state: TrayState): TrayMenuTemplate {
  const counts = [formatRate(state.requestsPerSecond), plural(state.activeAlerts, 'active alert', 'active alerts')].join(' · ');
  const menu: TrayMenuItem[] = [
    { type: 'normal', label: `Gatehouse · ${state.paused ? 'Traffic paused' : statusHeadline(state)}`, enabled: false },
    { type: 'normal', label: counts, enabled: false },
    separator,
  ];
  if (state.gateways.length === 0) menu.push({ type: 'normal', label: 'No gateways', enabled: false });
  for (const gateway of state.gateways) menu.push(gatewayMenu(gateway));
  menu.push(
    separator,
    { type: 'checkbox', label: 'Pause all traffic', checked: state.paused, action: state.paused ? { type: 'traffic.resume' } : { type: 'traffic.pause' } },
    separator,
    { type: 'normal', label: 'Open Gatehouse', action: { type: 'window.open' } },
  );
  if (state.startAtLogin !== undefined)
    menu.push({ type: 'checkbox', label: 'Start at login', checked: state.startAtLogin, action: { type: 'startAtLogin.set', enabled: !state.startAtLogin } });
  menu.push(separator, { type: 'normal', label: 'Quit Gatehouse', action: { type: 'app.quit' } });
  return menu;
}
