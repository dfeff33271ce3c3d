/**
 * Settings, system information, telemetry queries and pausing all traffic.
 */
import { defaultSettings, type Settings } from '../../../shared/contract/models';
import type { ContractHandlers } from '../../../shared/contract/methods';
import type { Store } from '../../store/store';
import { requireApi, type HandlerContext } from './context';

type SystemHandlers = Pick<ContractHandlers, 'settings.get' | 'settings.update' | 'system.info' | 'metrics.get' | 'traffic.list' | 'traffic.pause' | 'traffic.resume' | 'demo.start'>;

export const APP_SETTINGS_KEY = 'app';

/** Stored settings over the defaults (a newer build may add fields the store has never seen). */
export function readSettings(store: Store): Settings {
  const stored = store.settings.get<Partial<Settings>>(APP_SETTINGS_KEY) ?? {};
  return { ...defaultSettings, ...stored, retention: { ...defaultSettings.retention, ...(stored.retention ?? {}) } };
}

export function systemHandlers(ctx: HandlerContext): SystemHandlers {
  const { store, live } = ctx;
  return {
    'settings.get': async () => readSettings(store),

    'settings.update': async (patch) =>
      live.write((tx, changes) => {
        const current = readSettings(tx);
        const next: Settings = { ...current, ...patch, retention: { ...current.retention, ...(patch.retention ?? {}) } };
        tx.settings.set(APP_SETTINGS_KEY, next);
        changes.push({ kind: 'settings', id: APP_SETTINGS_KEY, action: 'updated' });
        return next;
      }),

    'system.info': async () => ctx.systemInfo(),
    'demo.start': () => ctx.demoUpstream.ensure(),

    'metrics.get': async ({ apiId, window }) => {
      requireApi(store, apiId);
      return ctx.telemetry.metrics(apiId, window);
    },

    'traffic.list': async (query) => ctx.telemetry.traffic(query),
    'traffic.pause': async () => ctx.trafficPause.set(true),
    'traffic.resume': async () => ctx.trafficPause.set(false),
  };
}
