/**
 * Create or edit an alert rule: what to watch, the threshold, the window, severity and an
 * optional webhook. Editing keeps the rule (its history, its state) instead of re-creating it.
 */
import { useState, type FormEvent } from 'react';
import { alertRuleCreateSchema, alertRulePatchSchema, type AlertKind, type AlertRule, type Comparator, type Severity } from '../../../../shared/contract/models';
import { policyCatalogue } from '../../../../shared/policies/catalogue';
import { useSubmit } from '../../lib/use-submit';
import { useActions, useAppStore } from '../../state/store';
import { Banner } from '../../ui/banner';
import { Button } from '../../ui/button';
import { Dialog } from '../../ui/dialog';
import { Field } from '../../ui/field';
import { COMPARATORS, describeRule, KIND_LABELS, parseCodes } from './alert-rule-text';

export function AlertRuleDialog({ apiId: fixedApiId, rule, onClose }: { apiId?: string; rule?: AlertRule; onClose(): void }) {
  const apis = useAppStore((s) => s.apis);
  const gateways = useAppStore((s) => s.gateways);
  const { createAlertRule, updateAlertRule, pushToast } = useActions();
  const submit = useSubmit();
  const [name, setName] = useState(rule?.name ?? '');
  const [kind, setKind] = useState<AlertKind>(rule?.kind ?? 'response-codes');
  const [apiId, setApiId] = useState(rule?.apiId ?? fixedApiId ?? apis[0]?.id ?? '');
  const [gatewayId, setGatewayId] = useState(rule?.gatewayId ?? gateways[0]?.id ?? '');
  const [codes, setCodes] = useState(rule?.codes ? rule.codes.join(', ') : '5xx');
  const [statistic, setStatistic] = useState<'average' | 'p95'>(rule?.statistic ?? 'p95');
  const [policy, setPolicy] = useState(rule?.policy ?? '');
  const [comparator, setComparator] = useState<Comparator>(rule?.comparator ?? 'gt');
  const [threshold, setThreshold] = useState(rule ? String(rule.threshold) : '10');
  const [windowSeconds, setWindowSeconds] = useState(rule ? String(rule.windowSeconds) : '60');
  const [periods, setPeriods] = useState(rule ? String(rule.periods) : '1');
  const [severity, setSeverity] = useState<Severity>(rule?.severity ?? 'warning');
  const [webhookUrl, setWebhookUrl] = useState(rule?.webhookUrl ?? '');

  const gatewayKind = kind === 'gateway-down';
  const hasThreshold = kind !== 'upstream-down' && kind !== 'gateway-down' && kind !== 'circuit-open';
  const input = {
    name: name.trim(),
    kind,
    ...(gatewayKind ? { gatewayId } : { apiId }),
    ...(kind === 'response-codes' ? { codes: parseCodes(codes) } : {}),
    ...(kind === 'response-time' ? { statistic } : {}),
    ...(kind === 'policy-violations' && policy ? { policy } : {}),
    ...(hasThreshold ? { comparator, threshold: threshold === '' ? Number.NaN : Number(threshold) } : {}),
    windowSeconds: Number(windowSeconds),
    periods: Number(periods),
    severity,
    ...(webhookUrl.trim() ? { webhookUrl: webhookUrl.trim() } : {}),
  };

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    if (rule) {
      const saved = await submit.run(() => updateAlertRule(rule.id, input as Parameters<typeof updateAlertRule>[1]), { schema: alertRulePatchSchema, input });
      if (!saved) return;
      pushToast({ kind: 'success', title: `Alert rule ${saved.name} saved` });
      onClose();
      return;
    }
    const created = await submit.run(() => createAlertRule(input as Parameters<typeof createAlertRule>[0]), { schema: alertRuleCreateSchema, input });
    if (!created) return;
    pushToast({ kind: 'success', title: `Alert rule ${created.name} created` });
    onClose();
  }

  const unit = KIND_LABELS[kind].unit;
  return (
    <Dialog title={rule ? `Edit alert rule ${rule.name}` : 'New alert rule'} description="Fires when the condition holds, resolves when it stops; shown here, in the header and sent to the webhook." onClose={onClose}>
      <form className="form" onSubmit={onSubmit} noValidate>
        <div className="form-row">
          <Field label="Name" error={submit.fields.name} required className="grow">
            <input className="input" value={name} onChange={(e) => setName(e.target.value)} placeholder="Orders API 5xx" data-autofocus />
          </Field>
          <Field label="Severity" error={submit.fields.severity} className="field-narrow">
            <select className="select" value={severity} onChange={(e) => setSeverity(e.target.value as Severity)}>
              <option value="info">Info</option>
              <option value="warning">Warning</option>
              <option value="critical">Critical</option>
            </select>
          </Field>
        </div>
        <div className="form-row">
          <Field label="Watch" hint={KIND_LABELS[kind].description} error={submit.fields.kind} className="grow">
            <select className="select" value={kind} onChange={(e) => setKind(e.target.value as AlertKind)}>
              {(Object.keys(KIND_LABELS) as AlertKind[]).map((k) => (
                <option key={k} value={k}>
                  {KIND_LABELS[k].label}
                </option>
              ))}
            </select>
          </Field>
          {gatewayKind ? (
            <Field label="Gateway" error={submit.fields.gatewayId} className="grow">
              <select className="select" value={gatewayId} onChange={(e) => setGatewayId(e.target.value)}>
                {gateways.map((g) => (
                  <option key={g.id} value={g.id}>
                    {g.name}
                  </option>
                ))}
              </select>
            </Field>
          ) : (
            <Field label="API" error={submit.fields.apiId} className="grow">
              <select className="select" value={apiId} onChange={(e) => setApiId(e.target.value)} disabled={Boolean(fixedApiId)}>
                {apis.map((a) => (
                  <option key={a.id} value={a.id}>
                    {a.name}
                  </option>
                ))}
              </select>
            </Field>
          )}
        </div>
        {kind === 'response-codes' ? (
          <Field label="Codes" hint="Classes or codes, e.g. 5xx, 429" error={submit.fields.codes ?? Object.entries(submit.fields).find(([k]) => k.startsWith('codes['))?.[1]}>
            <input className="input mono" value={codes} onChange={(e) => setCodes(e.target.value)} />
          </Field>
        ) : null}
        {kind === 'response-time' ? (
          <Field label="Statistic" error={submit.fields.statistic}>
            <select className="select" value={statistic} onChange={(e) => setStatistic(e.target.value as 'average' | 'p95')}>
              <option value="p95">p95</option>
              <option value="average">Average</option>
            </select>
          </Field>
        ) : null}
        {kind === 'policy-violations' ? (
          <Field label="Policy" error={submit.fields.policy}>
            <select className="select" value={policy} onChange={(e) => setPolicy(e.target.value)}>
              <option value="">Any policy</option>
              {policyCatalogue.map((p) => (
                <option key={p.name} value={p.name}>
                  {p.title}
                </option>
              ))}
            </select>
          </Field>
        ) : null}
        <div className="form-row">
          {hasThreshold ? (
            <>
              <Field label="When the value" error={submit.fields.comparator} className="grow">
                <select className="select" value={comparator} onChange={(e) => setComparator(e.target.value as Comparator)}>
                  {COMPARATORS.map((c) => (
                    <option key={c.value} value={c.value}>
                      {c.label}
                    </option>
                  ))}
                </select>
              </Field>
              <Field label={`Threshold${unit ? ` (${unit})` : ''}`} error={submit.fields.threshold} className="grow">
                <input className="input" type="number" min={0} value={threshold} onChange={(e) => setThreshold(e.target.value)} />
              </Field>
            </>
          ) : null}
          <Field label="Window (s)" error={submit.fields.windowSeconds} className="field-narrow">
            <input className="input" type="number" min={1} value={windowSeconds} onChange={(e) => setWindowSeconds(e.target.value)} />
          </Field>
          <Field label="Periods" hint="In a row" error={submit.fields.periods} className="field-narrow">
            <input className="input" type="number" min={1} value={periods} onChange={(e) => setPeriods(e.target.value)} />
          </Field>
        </div>
        <Field
          label="Webhook URL"
          hint={rule?.webhookUrl ? 'Receives a JSON POST when the alert fires or resolves; to stop it, mute the rule.' : 'Optional: receives a JSON POST when the alert fires or resolves.'}
          error={submit.fields.webhookUrl}
        >
          <input className="input mono" value={webhookUrl} onChange={(e) => setWebhookUrl(e.target.value)} placeholder="https://hooks.example.com/…" />
        </Field>
        <p className="muted small">
          Fires when: <span className="strong">{describeRule({ ...input, comparator, threshold: Number(threshold) || 0, windowSeconds: Number(windowSeconds) || 60, periods: Number(periods) || 1, codes: parseCodes(codes) as never })}</span>
        </p>
        {submit.error ? <Banner kind="error">{submit.error}</Banner> : null}
        <div className="dialog-footer">
          <Button variant="ghost" onClick={onClose}>
            Cancel
          </Button>
          <Button type="submit" variant="primary" pending={submit.pending}>
            {rule ? 'Save rule' : 'Create rule'}
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
