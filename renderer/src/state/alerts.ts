/** Alert rules and their history; `alert.fired` / `alert.resolved` events update both live. */
import type { ContractClient } from '../../../shared/contract/client';
import type { AlertEvent, AlertRule, AlertRuleCreate, AlertRulePatch } from '../../../shared/contract/models';
import { errorMessage } from '../lib/errors';
import { idle, removeById, upsertById, type LoadState } from './load-state';
import type { Slice } from './store';

const MAX_EVENTS = 500;

export interface AlertsSlice {
  alertRules: AlertRule[];
  alertRulesLoad: LoadState;
  alertEvents: AlertEvent[];
  alertEventsLoad: LoadState;
  loadAlertRules(): Promise<void>;
  loadAlertEvents(): Promise<void>;
  createAlertRule(input: AlertRuleCreate): Promise<AlertRule>;
  updateAlertRule(id: string, patch: AlertRulePatch): Promise<AlertRule>;
  removeAlertRule(id: string): Promise<void>;
  /** From the event stream. */
  applyAlertEvent(event: AlertEvent): void;
}

/** Rules currently alerting: the header badge and the Overview card. */
export function activeAlerts(rules: readonly AlertRule[]): AlertRule[] {
  return rules.filter((rule) => rule.enabled && rule.state === 'alerting');
}

export const createAlertsSlice =
  (client: ContractClient): Slice<AlertsSlice> =>
  (set, get) => ({
    alertRules: [],
    alertRulesLoad: idle,
    alertEvents: [],
    alertEventsLoad: idle,
    async loadAlertRules() {
      if (get().alertRulesLoad.status !== 'ready') set({ alertRulesLoad: { status: 'loading' } });
      try {
        set({ alertRules: await client.alertRules.list(), alertRulesLoad: { status: 'ready' } });
      } catch (error) {
        set({ alertRulesLoad: { status: 'error', error: errorMessage(error) } });
      }
    },
    async loadAlertEvents() {
      if (get().alertEventsLoad.status !== 'ready') set({ alertEventsLoad: { status: 'loading' } });
      try {
        set({ alertEvents: await client.alertEvents.list({ limit: 200 }), alertEventsLoad: { status: 'ready' } });
      } catch (error) {
        set({ alertEventsLoad: { status: 'error', error: errorMessage(error) } });
      }
    },
    async createAlertRule(input) {
      const rule = await client.alertRules.create(input);
      set({ alertRules: upsertById(get().alertRules, rule) });
      return rule;
    },
    async updateAlertRule(id, patch) {
      const rule = await client.alertRules.update({ ...patch, id });
      set({ alertRules: upsertById(get().alertRules, rule) });
      return rule;
    },
    async removeAlertRule(id) {
      await client.alertRules.remove({ id });
      set({ alertRules: removeById(get().alertRules, id) });
    },
    applyAlertEvent(event) {
      const events = [event, ...get().alertEvents.filter((e) => e.id !== event.id)].slice(0, MAX_EVENTS);
      const state = event.state === 'fired' ? 'alerting' : 'ok';
      set({
        alertEvents: events,
        alertRules: get().alertRules.map((rule) => (rule.id === event.ruleId ? { ...rule, state } : rule)),
      });
    },
  });
