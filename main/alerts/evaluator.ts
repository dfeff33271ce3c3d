/**
 * The alert evaluator: every tick (1 s by default) it reads the rules from the store, measures
 * each enabled one, and feeds its state machine. A change of state is stored as one event
 * (value, threshold, time, text), emitted on the bus (`alert.fired` / `alert.resolved`: the
 * app's list and badge, and the Electron layer's desktop notification), and queued for the
 * rule's webhook. Nothing here waits on the network. After a restart a rule whose last event
 * is "fired" starts Alerting, so it does not fire again.
 */
import type { ContractEventBus, EventPayload } from '../../shared/contract/events';
import type { AlertDeliveryRecord, AlertEventRecord } from '../store/alert-events';
import { webhookField, type AlertRuleRecord } from '../store/alert-rules';
import { newId } from '../store/rows';
import { isSealed } from '../store/secret-box';
import { alertText, webhookBody, type AlertContext, type AlertState } from './message';
import { measure, type AlertSources } from './measure';
import { compare, holdMs, ruleFromRecord, type AlertRuleDefinition } from './rule';
import { RuleState } from './rule-state';
import type { Delivery, WebhookJob } from './webhook-notifier';

export type AlertLog = (level: 'info' | 'warn' | 'error', message: string) => void;

/**
 * Where events are kept (the store's AlertEventRepository fits). Writes may be asynchronous:
 * the control plane queues them behind its own write transactions.
 */
export interface AlertEventSink {
  latest(ruleId: string): AlertEventRecord | undefined;
  insert(event: AlertEventRecord): unknown;
  setDelivery(id: string, delivery: AlertDeliveryRecord): boolean | Promise<boolean>;
}

export interface AlertEvaluatorOptions extends AlertSources {
  rules: { list(): AlertRuleRecord[] };
  events: AlertEventSink;
  bus?: ContractEventBus;
  /** Names for texts and webhooks. */
  apiName?: (apiId: string) => string | undefined;
  gatewayName?: (gatewayId: string) => string | undefined;
  /** Where webhook jobs go (the WebhookNotifier's enqueue); must not block. */
  deliver?: (job: WebhookJob) => void;
  /** Default 1000 ms. */
  intervalMs?: number;
  now?: () => number;
  log?: AlertLog;
}

interface RuleEntry {
  state: RuleState;
  /** Last invalid spec reported (by updatedAt), so a broken rule is logged once, not every tick. */
  reportedInvalidAt?: number;
  lastValue?: number;
}

export class AlertEvaluator {
  private readonly entries = new Map<string, RuleEntry>();
  private timer: NodeJS.Timeout | undefined;
  private readonly now: () => number;
  private readonly log: AlertLog;

  constructor(private readonly options: AlertEvaluatorOptions) {
    this.now = options.now ?? Date.now;
    this.log = options.log ?? (() => {});
  }

  /** Evaluates at once, then every interval. */
  start(): void {
    if (this.timer) return;
    this.tick();
    this.timer = setInterval(() => this.tick(), this.options.intervalMs ?? 1000);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** One evaluation of every rule (the timer's job; tests may call it). A failure is logged, never thrown. */
  tick(): void {
    let records: AlertRuleRecord[];
    try {
      records = this.options.rules.list();
    } catch (error) {
      this.log('error', `alerts: cannot read the rules: ${(error as Error).message}`);
      return;
    }
    const now = this.now();
    const seen = new Set<string>();
    for (const record of records) {
      seen.add(record.id);
      try {
        this.evaluate(record, now);
      } catch (error) {
        this.log('error', `alerts: rule "${record.name}" not evaluated: ${(error as Error).message}`);
      }
    }
    for (const id of this.entries.keys()) if (!seen.has(id)) this.entries.delete(id);
  }

  /** The evaluator's view of a rule (tests, UI): undefined before its first evaluation. */
  isAlerting(ruleId: string): boolean | undefined {
    return this.entries.get(ruleId)?.state.alerting;
  }

  private evaluate(record: AlertRuleRecord, now: number): void {
    let entry = this.entries.get(record.id);
    if (!entry) {
      const latest = this.options.events.latest(record.id);
      entry = { state: new RuleState(latest?.state === 'fired' ? 'alerting' : 'ok'), ...(latest ? { lastValue: latest.value } : {}) };
      this.entries.set(record.id, entry);
    }
    const parsed = ruleFromRecord(record);
    if ('error' in parsed) {
      if (entry.reportedInvalidAt !== record.updatedAt) this.log('warn', `alerts: rule "${record.name}" is skipped: ${parsed.error}`);
      entry.reportedInvalidAt = record.updatedAt;
      return;
    }
    const rule = parsed.rule;
    if (!rule.enabled) {
      // Disabling an alerting rule ends the alert: nobody should wait for a resolve that never comes.
      if (entry.state.reset()) this.record(rule, 'resolved', entry.lastValue ?? 0, now, 'the rule was disabled');
      return;
    }
    const measurement = measure(rule, this.options, now);
    const breach = measurement.value !== undefined && compare(measurement.value, rule.comparator, rule.threshold);
    const transition = entry.state.observe(breach, now, holdMs(rule));
    if (measurement.value !== undefined) entry.lastValue = measurement.value;
    if (transition) this.record(rule, transition === 'fire' ? 'fired' : 'resolved', measurement.value ?? 0, now, measurement.detail);
  }

  private record(rule: AlertRuleDefinition, state: AlertState, value: number, at: number, detail: string | undefined): void {
    const context: AlertContext = {
      rule,
      state,
      value,
      at,
      ...(detail !== undefined ? { detail } : {}),
      ...this.names(rule),
    };
    const text = alertText(context);
    const notifyWebhook = rule.webhookUrl !== undefined && !rule.muted && this.options.deliver !== undefined;
    const stored: AlertEventRecord = {
      id: newId('alert'),
      ruleId: rule.id,
      state,
      value,
      threshold: rule.threshold,
      at,
      message: text,
      ...(notifyWebhook ? { delivery: { status: 'pending', attempts: 0, at } } : {}),
    };
    this.settle(this.options.events.insert(stored), `alert event of rule "${rule.name}" not stored`);
    this.log(state === 'fired' ? 'warn' : 'info', `alert: ${text}${rule.muted ? ' (muted)' : ''}`);
    this.options.bus?.emit(state === 'fired' ? 'alert.fired' : 'alert.resolved', this.payload(stored, rule));
    if (notifyWebhook && isSealed(rule.webhookUrl)) {
      // Stored encrypted and the key cannot open it: the delivery says so instead of posting garbage.
      const lastError = `${webhookField(rule.name)} cannot be decrypted with this data dir's secret key (lost or replaced); enter the webhook URL again`;
      this.log('error', `alerts: ${lastError}`);
      this.delivered(stored, rule, { status: 'failed', attempts: 0, lastError, at });
    } else if (notifyWebhook) {
      this.options.deliver!({
        url: rule.webhookUrl!,
        body: webhookBody({ ...context, eventId: stored.id, text }),
        onDelivery: (delivery) => this.delivered(stored, rule, delivery),
      });
    }
  }

  private delivered(event: AlertEventRecord, rule: AlertRuleDefinition, delivery: Delivery): void {
    const announce = (stored: boolean) => {
      // The app refreshes the rule's history on this (failures become visible there).
      if (stored) this.options.bus?.emit('resource.changed', { kind: 'alertRule', id: rule.id, action: 'updated', ...(rule.apiId ? { apiId: rule.apiId } : {}) });
    };
    const result = this.options.events.setDelivery(event.id, delivery);
    if (typeof result === 'boolean') announce(result);
    else this.settle(result.then(announce), `webhook delivery of rule "${rule.name}" not stored`);
  }

  /** A write that failed is logged; the evaluator carries on. */
  private settle(result: unknown, what: string): void {
    if (result instanceof Promise) result.catch((error: Error) => this.log('error', `alerts: ${what}: ${error.message}`));
  }

  private payload(event: AlertEventRecord, rule: AlertRuleDefinition): EventPayload<'alert.fired'> {
    return {
      id: event.id,
      ruleId: event.ruleId,
      state: event.state,
      value: event.value,
      threshold: event.threshold,
      at: event.at,
      ruleName: rule.name,
      ...(rule.apiId ? { apiId: rule.apiId } : {}),
      severity: rule.severity,
      ...(rule.muted ? { muted: true } : {}),
      ...(event.message !== undefined ? { message: event.message } : {}),
      ...(event.delivery ? { delivery: event.delivery } : {}),
    };
  }

  private names(rule: AlertRuleDefinition): { apiName?: string; gatewayName?: string } {
    const apiName = rule.apiId !== undefined ? this.options.apiName?.(rule.apiId) : undefined;
    const gatewayName = rule.gatewayId !== undefined ? this.options.gatewayName?.(rule.gatewayId) : undefined;
    return { ...(apiName !== undefined ? { apiName } : {}), ...(gatewayName !== undefined ? { gatewayName } : {}) };
  }
}
