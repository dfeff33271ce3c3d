/**
 * Alert rules and their history. Rules are evaluated by main/alerts; here they are stored and
 * checked: the scope must exist and fit the kind.
 */
import { ContractError } from '../../../shared/contract/errors';
import type { AlertRule, AlertRuleCreate } from '../../../shared/contract/models';
import type { ContractHandlers } from '../../../shared/contract/methods';
import type { ErrorDetail } from '../../../shared/errors';
import type { AlertRuleRecord } from '../../store/alert-rules';
import type { Store } from '../../store/store';
import { alertSpecOf, toAlertEvent, toAlertRule } from '../models';
import { conflict, requireFound, type HandlerContext } from './context';

type AlertHandlers = Pick<ContractHandlers, 'alertRules.list' | 'alertRules.create' | 'alertRules.update' | 'alertRules.remove' | 'alertEvents.list'>;

type RuleShape = Pick<AlertRule, 'kind' | 'apiId' | 'gatewayId' | 'codes'>;

export interface ScopeLookup {
  api(id: string): boolean;
  gateway(id: string): boolean;
}

export const storeScope = (store: Store): ScopeLookup => ({
  api: (id) => store.apis.get(id) !== undefined,
  gateway: (id) => store.gateways.get(id) !== undefined,
});

/** Which scope a kind needs, and that the scope exists. */
export function checkAlertScope(exists: ScopeLookup, rule: RuleShape): ErrorDetail[] {
  const details: ErrorDetail[] = [];
  if (rule.apiId !== undefined && !exists.api(rule.apiId)) details.push({ path: 'apiId', message: `no API with id "${rule.apiId}"` });
  if (rule.gatewayId !== undefined && !exists.gateway(rule.gatewayId)) details.push({ path: 'gatewayId', message: `no gateway with id "${rule.gatewayId}"` });
  if (rule.kind === 'gateway-down' && rule.gatewayId === undefined) details.push({ path: 'gatewayId', message: 'a gateway-down rule watches a gateway: give gatewayId' });
  if (rule.kind === 'upstream-down' && rule.apiId === undefined) details.push({ path: 'apiId', message: "an upstream-down rule watches an API's upstream: give apiId" });
  if (rule.kind === 'circuit-open' && rule.apiId === undefined) details.push({ path: 'apiId', message: "a circuit-open rule watches an API's circuit breaker: give apiId" });
  if (rule.kind !== 'gateway-down' && rule.kind !== 'upstream-down' && rule.kind !== 'circuit-open' && rule.apiId === undefined && rule.gatewayId === undefined)
    details.push({ path: 'apiId', message: `a ${rule.kind} rule needs a scope: apiId (one API) or gatewayId (every API of a gateway)` });
  if (rule.kind === 'response-codes' && (rule.codes === undefined || rule.codes.length === 0))
    details.push({ path: 'codes', message: 'a response-codes rule needs codes, e.g. [500, 502] or ["5xx"]' });
  return details;
}

export function alertHandlers(ctx: HandlerContext): AlertHandlers {
  const { store, live } = ctx;
  const view = (rule: AlertRuleRecord) => toAlertRule(rule, store.alertEvents.latest(rule.id));
  const assertNameFree = (tx: Store, name: string, exceptId?: string) => {
    const clash = tx.alertRules.findByName(name);
    if (clash && clash.id !== exceptId) throw conflict(`an alert rule named "${name}" already exists`, 'name');
  };

  return {
    'alertRules.list': async ({ apiId, gatewayId }) =>
      store.alertRules
        .list()
        .filter((rule) => (apiId === undefined || rule.apiId === apiId) && (gatewayId === undefined || rule.gatewayId === gatewayId))
        .map(view),

    'alertRules.create': async (input) => {
      const created = await live.write((tx, changes) => {
        assertNameFree(tx, input.name);
        const details = checkAlertScope(storeScope(tx), input);
        if (details.length > 0) throw ContractError.validation(details);
        const rule = tx.alertRules.insert({
          name: input.name,
          kind: input.kind,
          ...(input.apiId !== undefined ? { apiId: input.apiId } : {}),
          ...(input.gatewayId !== undefined ? { gatewayId: input.gatewayId } : {}),
          enabled: input.enabled,
          spec: alertSpecOf(input as AlertRuleCreate),
        });
        changes.push({ kind: 'alertRule', id: rule.id, action: 'created', ...(rule.apiId ? { apiId: rule.apiId } : {}) });
        return rule;
      });
      return view(created);
    },

    'alertRules.update': async ({ id, ...patch }) => {
      const updated = await live.write((tx, changes) => {
        const current = requireFound(tx.alertRules.get(id), 'alert rule', id);
        if (patch.name !== undefined) assertNameFree(tx, patch.name, id);
        const merged = { ...toAlertRule(current, undefined), ...patch };
        const details = checkAlertScope(storeScope(tx), merged);
        if (details.length > 0) throw ContractError.validation(details);
        const rule = tx.alertRules.update(id, {
          name: patch.name,
          kind: patch.kind,
          enabled: patch.enabled,
          apiId: patch.apiId,
          gatewayId: patch.gatewayId,
          spec: alertSpecOf(merged),
        })!;
        changes.push({ kind: 'alertRule', id, action: 'updated', ...(rule.apiId ? { apiId: rule.apiId } : {}) });
        return rule;
      });
      return view(updated);
    },

    'alertRules.remove': async ({ id }) =>
      live.write((tx, changes) => {
        requireFound(tx.alertRules.get(id), 'alert rule', id);
        tx.alertRules.delete(id);
        changes.push({ kind: 'alertRule', id, action: 'removed' });
      }),

    'alertEvents.list': async ({ ruleId, apiId, limit }) => {
      const rules = new Map(store.alertRules.list().map((rule) => [rule.id, rule]));
      // Filtering by API happens on the rule; read generously so the limit still fills.
      const events = store.alertEvents.list({ ...(ruleId ? { ruleId } : {}), limit: apiId ? limit * 10 : limit });
      return events
        .filter((event) => apiId === undefined || rules.get(event.ruleId)?.apiId === apiId)
        .slice(0, limit)
        .map((event) => toAlertEvent(event, rules.get(event.ruleId)));
    },
  };
}
