/**
 * The Traffic screen's Breakpoints panel (issue 15): rules that pause requests (before the
 * upstream) and/or responses (before the client) on the embedded gateway, the messages paused
 * right now, and the editor of the one selected. Rules live in memory: a restart clears them.
 */
import { useState } from 'react';
import type { BreakpointRuleInput, BreakpointState } from '../../../../shared/contract/breakpoints';
import { errorMessage, fieldErrorsOf, type FieldErrors } from '../../lib/errors';
import { formatTime } from '../../lib/format';
import { Banner } from '../../ui/banner';
import { Button, IconButton } from '../../ui/button';
import { Field } from '../../ui/field';
import { Badge } from '../../ui/status-badge';
import { useClient } from '../../state/store';
import { PausedMessageEditor } from './paused-message-editor';
import { describeRule, ruleInput, type BreakpointsView } from './use-breakpoints';
import './breakpoints.css';

const METHODS = ['', 'GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'];

interface RuleDraft {
  method: string;
  path: string;
  headerName: string;
  headerValue: string;
  request: boolean;
  response: boolean;
}

const EMPTY_RULE: RuleDraft = { method: '', path: '', headerName: '', headerValue: '', request: true, response: false };

export function BreakpointsPanel({ view }: { view: BreakpointsView }) {
  const client = useClient();
  const { state, loadError, apply } = view;
  const [draft, setDraft] = useState<RuleDraft>(EMPTY_RULE);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [saving, setSaving] = useState(false);
  const [selectedId, setSelectedId] = useState<string>();
  const [timeoutSeconds, setTimeoutSeconds] = useState<string>();

  if (loadError) return <Banner kind="error" title="Could not load breakpoints">{loadError}</Banner>;
  if (!state) return <p className="muted small">{'Loading breakpoints\u2026'}</p>;

  async function save(rules: BreakpointRuleInput[], timeoutMs?: number): Promise<boolean> {
    setSaving(true);
    try {
      apply(await client.breakpoints.set({ rules, ...(timeoutMs !== undefined ? { timeoutMs } : {}) }));
      setErrors({});
      return true;
    } catch (error) {
      const fields = fieldErrorsOf(error);
      setErrors(Object.keys(fields).length > 0 ? fields : { '': errorMessage(error) });
      return false;
    } finally {
      setSaving(false);
    }
  }

  const current = state.rules.map(ruleInput);
  const newIndex = current.length;
  const fieldError = (field: string) => errors[`rules[${newIndex}].${field}`];

  async function addRule() {
    const rule: BreakpointRuleInput = {
      request: draft.request,
      response: draft.response,
      ...(draft.method ? { method: draft.method } : {}),
      ...(draft.path.trim() ? { path: draft.path.trim() } : {}),
      ...(draft.headerName.trim() ? { header: { name: draft.headerName.trim(), ...(draft.headerValue !== '' ? { value: draft.headerValue } : {}) } } : {}),
    };
    if (await save([...current, rule])) setDraft(EMPTY_RULE);
  }

  const selected = state.paused.find((paused) => paused.id === selectedId);
  const timeoutText = timeoutSeconds ?? String(Math.round(state.timeoutMs / 1000));

  return (
    <section className="card breakpoints-panel" aria-label="Breakpoints">
      <div className="card-header card-header-padded">
        <div>
          <h2 className="card-title">Breakpoints</h2>
          <p className="muted small">
            Pause requests before they reach the upstream, or responses before they reach the client, on the embedded gateway. Rules are kept until Gatehouse restarts.
          </p>
        </div>
      </div>
      {errors[''] ? <Banner kind="error" title="Could not save">{errors['']}</Banner> : null}

      <div className="breakpoints-grid">
        <div className="breakpoints-rules">
          <h3 className="subheading">Rules</h3>
          {state.rules.length === 0 ? (
            <p className="muted small">No rule: nothing is paused.</p>
          ) : (
            <ul className="breakpoint-rule-list">
              {state.rules.map((rule, index) => (
                <li key={rule.id} className="breakpoint-rule">
                  <label className="switch" title={rule.enabled ? 'Enabled' : 'Disabled'}>
                    <input
                      type="checkbox"
                      role="switch"
                      checked={rule.enabled}
                      aria-label={`Rule ${describeRule(rule)} enabled`}
                      onChange={(e) => void save(current.map((r, i) => (i === index ? { ...r, enabled: e.target.checked } : r)))}
                    />
                    <span className="switch-track" aria-hidden="true" />
                  </label>
                  <span className="mono small breakpoint-rule-text">{describeRule(rule)}</span>
                  <IconButton icon="trash" label={`Remove rule ${describeRule(rule)}`} onClick={() => void save(current.filter((_, i) => i !== index))} />
                </li>
              ))}
            </ul>
          )}

          <form
            className="breakpoint-rule-form"
            aria-label="Add a breakpoint rule"
            onSubmit={(e) => {
              e.preventDefault();
              void addRule();
            }}
          >
            <div className="form-row">
              <Field label="Method" className="field-narrow" error={fieldError('method')}>
                <select className="select" value={draft.method} onChange={(e) => setDraft({ ...draft, method: e.target.value })}>
                  {METHODS.map((method) => (
                    <option key={method} value={method}>
                      {method || 'Any'}
                    </option>
                  ))}
                </select>
              </Field>
              <Field label="Path (regular expression)" hint="Tested on the path the client sent, e.g. ^/orders/" error={fieldError('path')}>
                <input className="input mono" value={draft.path} placeholder="^/orders/" onChange={(e) => setDraft({ ...draft, path: e.target.value })} />
              </Field>
            </div>
            <div className="form-row">
              <Field label="Header name" hint="Optional" error={fieldError('header.name')}>
                <input className="input mono" value={draft.headerName} placeholder="x-debug" onChange={(e) => setDraft({ ...draft, headerName: e.target.value })} />
              </Field>
              <Field label="Header value" hint="Optional: any value when empty" error={fieldError('header.value')}>
                <input className="input mono" value={draft.headerValue} onChange={(e) => setDraft({ ...draft, headerValue: e.target.value })} />
              </Field>
            </div>
            <div className="form-row breakpoint-phases">
              <Field label="Pause the request (before the upstream)" inline error={fieldError('request')}>
                <input type="checkbox" className="checkbox" checked={draft.request} onChange={(e) => setDraft({ ...draft, request: e.target.checked })} />
              </Field>
              <Field label="Pause the response (before the client)" inline>
                <input type="checkbox" className="checkbox" checked={draft.response} onChange={(e) => setDraft({ ...draft, response: e.target.checked })} />
              </Field>
              <Button type="submit" variant="primary" icon="plus" pending={saving}>
                Add rule
              </Button>
            </div>
          </form>

          <form
            className="form-row breakpoint-timeout"
            aria-label="Paused message timeout"
            onSubmit={(e) => {
              e.preventDefault();
              void save(current, Math.round(Number(timeoutText) * 1000)).then((ok) => ok && setTimeoutSeconds(undefined));
            }}
          >
            <Field label="Resume unchanged after (seconds)" className="field-narrow" error={errors.timeoutMs}>
              <input className="input input-number" inputMode="numeric" value={timeoutText} onChange={(e) => setTimeoutSeconds(e.target.value)} />
            </Field>
            <Button type="submit" size="sm" disabled={timeoutSeconds === undefined}>
              Save timeout
            </Button>
          </form>
        </div>

        <div className="breakpoints-paused">
          <h3 className="subheading">
            Paused now <Badge tone={state.paused.length > 0 ? 'warning' : 'neutral'}>{state.paused.length}</Badge>
          </h3>
          {state.paused.length === 0 ? (
            <p className="muted small">Nothing is paused. Matching requests appear here as they arrive.</p>
          ) : (
            <ul className="paused-list" aria-label="Paused messages">
              {state.paused.map((paused) => (
                <li key={`${paused.id}:${paused.phase}`}>
                  <button type="button" className={`paused-item ${paused.id === selectedId ? 'paused-item-selected' : ''}`} onClick={() => setSelectedId(paused.id)} aria-pressed={paused.id === selectedId}>
                    <Badge tone={paused.phase === 'request' ? 'info' : 'accent'}>{paused.phase}</Badge>
                    <span className="mono truncate">
                      {paused.method} {paused.target}
                    </span>
                    <span className="muted small">
                      {paused.status !== undefined ? `${paused.status} · ` : ''}
                      {paused.apiName ?? ''} · until {formatTime(paused.expiresAt)}
                    </span>
                  </button>
                </li>
              ))}
            </ul>
          )}
        </div>
      </div>
      {selected ? (
        <PausedMessageEditor
          key={`${selected.id}:${selected.phase}`}
          summary={selected}
          onDone={(next) => {
            apply(next);
            setSelectedId(undefined);
          }}
          onClose={() => setSelectedId(undefined)}
        />
      ) : null}
    </section>
  );
}
