/** Alert rules (state, condition, enable switch, edit, delete) and the fired/resolved history. */
import { useEffect, useRef, useState } from 'react';
import type { AlertEvent, AlertRule } from '../../../../shared/contract/models';
import { errorMessage } from '../../lib/errors';
import { formatDateTime, timeAgo } from '../../lib/format';
import { apiPath, href } from '../../router/router';
import { useActions, useAppStore } from '../../state/store';
import { Banner } from '../../ui/banner';
import { IconButton } from '../../ui/button';
import { ConfirmDialog } from '../../ui/confirm-dialog';
import { Badge, severityTone } from '../../ui/status-badge';
import { AlertRuleDialog } from './alert-rule-dialog';
import { describeRule } from './alert-rule-text';

export function AlertRulesTable({ rules, showScope }: { rules: AlertRule[]; showScope?: boolean }) {
  const apis = useAppStore((s) => s.apis);
  const gateways = useAppStore((s) => s.gateways);
  const { updateAlertRule, removeAlertRule, pushToast } = useActions();
  const [error, setError] = useState<string>();
  const [removing, setRemoving] = useState<AlertRule>();
  const [editing, setEditing] = useState<AlertRule>();

  async function change(rule: AlertRule, patch: { enabled?: boolean; muted?: boolean }) {
    setError(undefined);
    try {
      await updateAlertRule(rule.id, patch);
    } catch (caught) {
      setError(`${rule.name}: ${errorMessage(caught)}`);
    }
  }

  return (
    <>
      {error ? <Banner kind="error">{error}</Banner> : null}
      <table className="table">
        <thead>
          <tr>
            <th>Rule</th>
            {showScope ? <th>Scope</th> : null}
            <th>Severity</th>
            <th>State</th>
            <th className="actions-col">Mute · enabled</th>
          </tr>
        </thead>
        <tbody>
          {rules.map((rule) => {
            const api = apis.find((a) => a.id === rule.apiId);
            const gateway = gateways.find((g) => g.id === rule.gatewayId);
            return (
              <tr key={rule.id}>
                <td>
                  <div className="strong">
                    {rule.name} {rule.muted ? <Badge>muted</Badge> : null}
                  </div>
                  <div className="muted small">{describeRule(rule)}</div>
                </td>
                {showScope ? (
                  <td className="small">
                    {api ? <a className="row-link" href={href(apiPath(api.id, 'alerts'))}>{api.name}</a> : gateway ? `Gateway ${gateway.name}` : '–'}
                  </td>
                ) : null}
                <td>
                  <Badge tone={severityTone(rule.severity)}>{rule.severity}</Badge>
                </td>
                <td>
                  {rule.state === 'alerting' ? (
                    <Badge tone="danger" dot>
                      alerting
                    </Badge>
                  ) : (
                    <Badge tone="success" dot>
                      ok
                    </Badge>
                  )}
                </td>
                <td className="actions-col">
                  <IconButton
                    icon={rule.muted ? 'alerts-off' : 'alerts'}
                    label={rule.muted ? `Unmute ${rule.name} (notifications are off)` : `Mute ${rule.name} (keep recording, stop notifying)`}
                    aria-pressed={Boolean(rule.muted)}
                    className={rule.muted ? 'icon-btn-muted' : ''}
                    onClick={() => void change(rule, { muted: !rule.muted })}
                  />
                  <label className="switch">
                    <input type="checkbox" role="switch" checked={rule.enabled} onChange={(e) => void change(rule, { enabled: e.target.checked })} aria-label={`${rule.name} enabled`} />
                    <span className="switch-track" aria-hidden="true" />
                  </label>
                  <IconButton icon="edit" label={`Edit ${rule.name}`} onClick={() => setEditing(rule)} />
                  <IconButton icon="trash" label={`Delete ${rule.name}`} onClick={() => setRemoving(rule)} />
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {editing ? <AlertRuleDialog rule={editing} onClose={() => setEditing(undefined)} /> : null}
      {removing ? (
        <ConfirmDialog
          title={`Delete ${removing.name}?`}
          confirmLabel="Delete rule"
          danger
          onClose={() => setRemoving(undefined)}
          onConfirm={async () => {
            await removeAlertRule(removing.id);
            pushToast({ kind: 'success', title: `${removing.name} deleted` });
          }}
        >
          The rule stops being evaluated. Its past events stay in the history.
        </ConfirmDialog>
      ) : null}
    </>
  );
}

/**
 * `highlight`: the id of the event a desktop notification was opened for (`?event=<id>`); it is
 * marked, scrolled into view and focused once it is in the list.
 */
export function AlertEventsList({ events, showApi, highlight }: { events: AlertEvent[]; showApi?: boolean; highlight?: string }) {
  const apis = useAppStore((s) => s.apis);
  const highlighted = useRef<HTMLLIElement>(null);
  const present = highlight !== undefined && events.some((event) => event.id === highlight);
  useEffect(() => {
    if (!present) return;
    // Deferred past the shell's scroll-to-top for a new screen (a parent effect, run after this one).
    const timer = setTimeout(() => {
      const row = highlighted.current;
      row?.scrollIntoView?.({ block: 'center' });
      row?.focus({ preventScroll: true });
    }, 0);
    return () => clearTimeout(timer);
  }, [highlight, present]);
  return (
    <ul className="event-list">
      {events.map((event) => {
        const api = apis.find((a) => a.id === event.apiId);
        const current = event.id === highlight;
        return (
          <li
            key={event.id}
            ref={current ? highlighted : undefined}
            className={`event-row event-${event.state}${current ? ' event-row-highlight' : ''}`}
            {...(current ? { 'aria-current': 'true' as const, tabIndex: -1, 'data-testid': 'highlighted-alert-event' } : {})}
          >
            <Badge tone={event.state === 'fired' ? severityTone(event.severity) : 'success'} dot>
              {event.state === 'fired' ? 'Fired' : 'Resolved'}
            </Badge>
            <div className="grow">
              <div className="strong">
                {event.ruleName ?? event.ruleId} {event.muted ? <Badge>muted</Badge> : null}
              </div>
              <div className="muted small">
                {event.message ?? `value ${Number.isInteger(event.value) ? event.value : event.value.toFixed(2)} · threshold ${event.threshold}`}
                {showApi && api ? ` · ${api.name}` : ''}
              </div>
              {event.delivery ? (
                <div className={`small ${event.delivery.status === 'failed' ? 'text-danger' : 'muted'}`} title={event.delivery.lastError}>
                  Webhook {event.delivery.status}
                  {event.delivery.attempts > 1 ? ` after ${event.delivery.attempts} attempts` : ''}
                  {event.delivery.lastError ? `: ${event.delivery.lastError}` : ''}
                </div>
              ) : null}
            </div>
            <time className="muted small" dateTime={new Date(event.at).toISOString()} title={formatDateTime(event.at)}>
              {timeAgo(event.at)}
            </time>
          </li>
        );
      })}
    </ul>
  );
}

/** Said when the event a notification pointed at is not among the loaded history (too old, or deleted with its rule). */
export function MissingEventNote({ id, shown, ready }: { id: string | undefined; shown: AlertEvent[]; ready: boolean }) {
  if (!id || !ready || shown.some((event) => event.id === id)) return null;
  return <p className="muted small">The alert you opened is no longer in the recent history.</p>;
}
