/** The API's alert rules and their history. */
import { useEffect, useState } from 'react';
import type { Api } from '../../../../shared/contract/models';
import { useLocation } from '../../router/router';
import { useActions, useAppStore } from '../../state/store';
import { Banner } from '../../ui/banner';
import { Button } from '../../ui/button';
import { EmptyState } from '../../ui/empty-state';
import { AlertEventsList, AlertRulesTable, MissingEventNote } from '../alerts/alert-lists';
import { AlertRuleDialog } from '../alerts/alert-rule-dialog';

export function ApiAlertsTab({ api }: { api: Api }) {
  const allRules = useAppStore((s) => s.alertRules);
  const allEvents = useAppStore((s) => s.alertEvents);
  const rulesLoad = useAppStore((s) => s.alertRulesLoad);
  const eventsLoad = useAppStore((s) => s.alertEventsLoad);
  // A desktop notification opens this tab with `?event=<id>`.
  const highlight = useLocation().query.get('event') ?? undefined;
  const { loadAlertRules, loadAlertEvents } = useActions();
  const [creating, setCreating] = useState(false);
  const rules = allRules.filter((r) => r.apiId === api.id);
  const ruleIds = new Set(rules.map((r) => r.id));
  const events = allEvents.filter((e) => e.apiId === api.id || ruleIds.has(e.ruleId));

  useEffect(() => {
    void loadAlertRules();
    void loadAlertEvents();
  }, [loadAlertRules, loadAlertEvents]);

  return (
    <div className="stack-lg">
      {rulesLoad.status === 'error' ? <Banner kind="error" title="Could not load alert rules">{rulesLoad.error}</Banner> : null}
      <section className="card card-flush">
        <div className="card-header card-header-padded">
          <div>
            <h2 className="card-title">Alert rules</h2>
            <p className="muted small">Get told when this API misbehaves: error codes, latency, traffic, a failing upstream.</p>
          </div>
          <Button variant="primary" icon="plus" onClick={() => setCreating(true)}>
            New rule
          </Button>
        </div>
        {rules.length === 0 ? (
          <EmptyState icon="alerts" title="No alert rules">
            For example: fire when 5xx responses exceed 10 in a minute.
          </EmptyState>
        ) : (
          <AlertRulesTable rules={rules} />
        )}
      </section>
      <section className="card">
        <div className="card-header">
          <h2 className="card-title">History</h2>
        </div>
        <MissingEventNote id={highlight} shown={events} ready={eventsLoad.status === 'ready'} />
        {events.length === 0 ? <p className="muted small">No alert has fired for this API.</p> : <AlertEventsList events={events} highlight={highlight} />}
      </section>
      {creating ? <AlertRuleDialog apiId={api.id} onClose={() => setCreating(false)} /> : null}
    </div>
  );
}
