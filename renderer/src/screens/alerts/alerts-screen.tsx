/** Every alert rule and the whole alert history, newest first. */
import { useEffect, useState } from 'react';
import { useLocation } from '../../router/router';
import { activeAlerts } from '../../state/alerts';
import { useActions, useAppStore } from '../../state/store';
import { Banner } from '../../ui/banner';
import { Button } from '../../ui/button';
import { EmptyState } from '../../ui/empty-state';
import { PageHeader } from '../../ui/stat-card';
import { Segmented } from '../../ui/tabs';
import { AlertEventsList, AlertRulesTable, MissingEventNote } from './alert-lists';
import { AlertRuleDialog } from './alert-rule-dialog';

export function AlertsScreen() {
  const rules = useAppStore((s) => s.alertRules);
  const events = useAppStore((s) => s.alertEvents);
  const eventsLoad = useAppStore((s) => s.alertEventsLoad);
  const apis = useAppStore((s) => s.apis);
  const { loadAlertRules, loadAlertEvents } = useActions();
  const [creating, setCreating] = useState(false);
  const [show, setShow] = useState<'all' | 'fired' | 'resolved'>('all');
  // A desktop notification for an alert without an API opens this screen with `?event=<id>`.
  const highlight = useLocation().query.get('event') ?? undefined;

  useEffect(() => {
    void loadAlertRules();
    void loadAlertEvents();
  }, [loadAlertRules, loadAlertEvents]);

  const alerting = activeAlerts(rules);
  const shown = show === 'all' ? events : events.filter((e) => e.state === show);

  return (
    <div className="page">
      <PageHeader
        title="Alerts"
        subtitle={alerting.length ? `${alerting.length} alerting now` : 'Nothing is alerting.'}
        actions={
          <Button variant="primary" icon="plus" onClick={() => setCreating(true)} disabled={apis.length === 0} title={apis.length === 0 ? 'Add an API first' : undefined}>
            New rule
          </Button>
        }
      />
      {alerting.length > 0 ? (
        <Banner kind="error" title={`${alerting.length} alert${alerting.length === 1 ? '' : 's'} active`}>
          {alerting.map((r) => r.name).join(', ')}
        </Banner>
      ) : null}
      <section className="card card-flush">
        <div className="card-header card-header-padded">
          <h2 className="card-title">Rules</h2>
        </div>
        {rules.length === 0 ? (
          <EmptyState icon="alerts" title="No alert rules">
            Create rules per API (error codes, latency, traffic, policy violations, upstream down) or per gateway.
          </EmptyState>
        ) : (
          <AlertRulesTable rules={rules} showScope />
        )}
      </section>
      <section className="card">
        <div className="card-header">
          <h2 className="card-title">History</h2>
          <Segmented
            label="Show"
            value={show}
            onChange={setShow}
            options={[
              { value: 'all', label: 'All' },
              { value: 'fired', label: 'Fired' },
              { value: 'resolved', label: 'Resolved' },
            ]}
          />
        </div>
        {eventsLoad.status === 'error' ? <Banner kind="error">{eventsLoad.error}</Banner> : null}
        <MissingEventNote id={highlight} shown={events} ready={eventsLoad.status === 'ready'} />
        {shown.length === 0 ? <p className="muted small">No alert events{show !== 'all' ? ` (${show})` : ''}.</p> : <AlertEventsList events={shown} showApi highlight={highlight} />}
      </section>
      {creating ? <AlertRuleDialog onClose={() => setCreating(false)} /> : null}
    </div>
  );
}
