/**
 * Settings, system information, telemetry queries and pausing all traffic.
 */
import { ContractError, ContractErrorCode } from '../../../shared/contract/errors';
import { defaultSettings, type Settings } from '../../../shared/contract/models';
import type { ContractHandlers } from '../../../shared/contract/methods';
import type { Store } from '../../store/store';
import { requireApi, type HandlerContext } from './context';

type SystemHandlers = Pick<ContractHandlers, 'settings.get' | 'settings.update' | 'system.info' | 'metrics.get' | 'traffic.list' | 'traffic.bodies' | 'traffic.pause' | 'traffic.resume' | 'demo.start'>;

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

    'settings.update': async (patch) => {
      const next = await live.write((tx, changes) => {
        const current = readSettings(tx);
        const merged: Settings = { ...current, ...patch, retention: { ...current.retention, ...(patch.retention ?? {}) } };
        tx.settings.set(APP_SETTINGS_KEY, merged);
        changes.push({ kind: 'settings', id: APP_SETTINGS_KEY, action: 'updated' });
        return merged;
      });
      // The body capture limit applies to the next request; retention sizes at the next start.
      ctx.runtime.setCaptureBodyBytes(next.captureBodyLimitKiB * 1024);
      return next;
    },

    'system.info': async () => ctx.systemInfo(),
    'demo.start': () => ctx.demoUpstream.ensure(),

    'metrics.get': async ({ apiId, window }) => {
      requireApi(store, apiId);
      return ctx.telemetry.metrics(apiId, window);
    },

    'traffic.list': async (query) => ctx.telemetry.traffic(query),
    'traffic.bodies': async ({ id }) => {
      const bodies = await ctx.telemetry.requestBodies(id);
      if (bodies === undefined) throw new ContractError(ContractErrorCode.notFound, `no request ${id} in the traffic log (it may have been removed by retention)`);
      return bodies;
    },
    'traffic.pause': async () => ctx.trafficPause.set(true),
    'traffic.resume': async () => ctx.trafficPause.set(false),
  };
}
