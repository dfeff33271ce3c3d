/**
 * What a tray click does. Gateway and API toggles and "Pause all traffic" go through the
 * contract (validated like any IPC or REST call), so the control plane publishes
 * `resource.changed` / `traffic.state` and the window updates at once; the rest are shell
 * actions supplied by app.ts.
 */
import type { ContractHandlers } from '../../shared/contract/methods';
import { callContract, type ErrorLogger } from './contract-call';
import type { TrayAction } from './tray-menu';

export interface TrayActionDeps {
  handlers: Partial<ContractHandlers>;
  showWindow(): void;
  setStartAtLogin(enabled: boolean): void;
  quit(): void;
  logError?: ErrorLogger;
}

export type TrayActionResult = { ok: true } | { ok: false; message: string };

export async function runTrayAction(action: TrayAction, deps: TrayActionDeps): Promise<TrayActionResult> {
  const call = async (method: 'gateways.start' | 'gateways.stop' | 'apis.update' | 'traffic.pause' | 'traffic.resume', input: Record<string, unknown>): Promise<TrayActionResult> => {
    const reply = await callContract(deps.handlers, method, input, { transport: 'internal' }, deps.logError);
    return 'error' in reply ? { ok: false, message: reply.error.message } : { ok: true };
  };
  switch (action.type) {
    case 'gateway.start':
      return call('gateways.start', { id: action.gatewayId });
    case 'gateway.stop':
      return call('gateways.stop', { id: action.gatewayId });
    case 'api.enable':
      return call('apis.update', { id: action.apiId, enabled: true });
    case 'api.disable':
      return call('apis.update', { id: action.apiId, enabled: false });
    case 'traffic.pause':
      return call('traffic.pause', {});
    case 'traffic.resume':
      return call('traffic.resume', {});
    case 'window.open':
      deps.showWindow();
      return { ok: true };
    case 'startAtLogin.set':
      deps.setStartAtLogin(action.enabled);
      return { ok: true };
    case 'app.quit':
      deps.quit();
      return { ok: true };
  }
}

/** The failure line shown to the user, naming what was attempted. */
export function describeTrayFailure(action: TrayAction, message: string): string {
  switch (action.type) {
    case 'gateway.start':
      return `Could not start the gateway: ${message}`;
    case 'gateway.stop':
      return `Could not stop the gateway: ${message}`;
    case 'api.enable':
      return `Could not enable the API: ${message}`;
    case 'api.disable':
      return `Could not disable the API: ${message}`;
    case 'traffic.pause':
      return `Could not pause traffic: ${message}`;
    case 'traffic.resume':
      return `Could not resume traffic: ${message}`;
    default:
      return message;
  }
}
