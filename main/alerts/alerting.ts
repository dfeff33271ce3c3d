/**
 * Alerting in one call for the control plane: the evaluator over its sources, and the webhook
 * notifier it hands notifications to. In-app and desktop notifications are the bus events
 * (`alert.fired` / `alert.resolved`); the UI and the Electron layer subscribe to them.
 *
 *   const alerts = startAlerting({ rules: store.alertRules, events: store.alertEvents, telemetry, bus,
 *     upstreamHealth: () => runtime.health().upstreams ?? {}, gateways: () => [...], apiName, log });
 *   …
 *   await alerts.stop();
 */
import { AlertEvaluator, type AlertEvaluatorOptions } from './evaluator';
import { WebhookNotifier, type WebhookNotifierOptions } from './webhook-notifier';

export interface AlertingOptions extends Omit<AlertEvaluatorOptions, 'deliver'> {
  webhooks?: Omit<WebhookNotifierOptions, 'log'>;
}

export interface Alerting {
  readonly evaluator: AlertEvaluator;
  readonly webhooks: WebhookNotifier;
  /** Stops evaluating; webhooks still waiting are given `graceMs` (default 2 s), then reported failed. */
  stop(options?: { graceMs?: number }): Promise<void>;
}

export function startAlerting(options: AlertingOptions): Alerting {
  const { webhooks: webhookOptions, ...evaluatorOptions } = options;
  const webhooks = new WebhookNotifier({ ...webhookOptions, ...(options.log ? { log: options.log } : {}) });
  const evaluator = new AlertEvaluator({ ...evaluatorOptions, deliver: (job) => webhooks.enqueue(job) });
  evaluator.start();
  let stopping: Promise<void> | undefined;
  return {
    evaluator,
    webhooks,
    stop(stopOptions = {}) {
      stopping ??= (async () => {
        evaluator.stop();
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([webhooks.idle(), new Promise<void>((resolve) => (timer = setTimeout(resolve, stopOptions.graceMs ?? 2000)))]);
        clearTimeout(timer);
        webhooks.close();
      })();
      return stopping;
    },
  };
}
