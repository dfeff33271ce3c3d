// @vitest-environment jsdom
/**
 * A desktop notification opens the alert it was about: `#/apis/<id>/alerts?event=<id>` (or
 * `#/alerts?event=<id>` for a gateway alert). The window scrolls to that event, marks it and
 * focuses it; an event no longer in the history is said to be gone.
 */
import { cleanup, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AlertEvent, AlertRule, Api } from '../../../../shared/contract/models';
import { App } from '../../app';
import { createAppContext } from '../../state/store';
import { createFakeControlPlane } from '../../testing/fake-control-plane';

const api: Api = { id: 'api_orders', name: 'Orders', version: 'v1', type: 'http', implementationUrl: 'http://127.0.0.1:3000', basePath: '/orders', gatewayId: 'gw_embedded', enabled: true, createdAt: 1, updatedAt: 1 };
const rule: AlertRule = { id: 'rule_5xx', name: 'Too many 5xx', kind: 'response-codes', apiId: api.id, codes: ['5xx'], threshold: 1, severity: 'critical', enabled: true, state: 'alerting', createdAt: 1, updatedAt: 1 } as AlertRule;
const event = (id: string, at: number, patch: Partial<AlertEvent> = {}): AlertEvent => ({ id, ruleId: rule.id, ruleName: rule.name, apiId: api.id, state: 'fired', value: 5, threshold: 1, at, severity: 'critical', ...patch });
const events = Array.from({ length: 12 }, (_, i) => event(`ev_${i}`, Date.now() - i * 60_000, i === 7 ? { message: 'Orders answered 9 5xx in a minute' } : {}));

const scrolled: Element[] = [];
beforeEach(() => {
  scrolled.length = 0;
  // jsdom lays nothing out, so it has no scrollIntoView: record which element asked to be shown.
  Element.prototype.scrollIntoView = vi.fn(function (this: Element) {
    scrolled.push(this);
  });
});
afterEach(cleanup);

function open(hash: string) {
  window.location.hash = hash;
  const plane = createFakeControlPlane({ apis: [api], alertRules: [rule], alertEvents: events });
  render(<App context={createAppContext(plane.transport)} />);
}

describe('opening an alert from a notification', () => {
  it("scrolls to, marks and focuses the event on the API's Alerts tab", async () => {
    open(`#/apis/${api.id}/alerts?event=ev_7`);
    const row = await screen.findByTestId('highlighted-alert-event');
    expect(row.getAttribute('aria-current')).toBe('true');
    expect(row.className).toContain('event-row-highlight');
    expect(row.textContent).toContain('Orders answered 9 5xx in a minute');
    // Exactly one row is marked.
    expect(document.querySelectorAll('[aria-current="true"].event-row')).toHaveLength(1);
    await waitFor(() => expect(scrolled).toContain(row));
    await waitFor(() => expect(document.activeElement).toBe(row));
  });

  it('does the same on the Alerts screen', async () => {
    open('#/alerts?event=ev_3');
    const row = await screen.findByTestId('highlighted-alert-event');
    expect(row.getAttribute('aria-current')).toBe('true');
    await waitFor(() => expect(scrolled).toContain(row));
    expect(screen.queryByText(/no longer in the recent history/)).toBeNull();
  });

  it('marks nothing without an event, and says so when the event is gone', async () => {
    open(`#/apis/${api.id}/alerts`);
    await screen.findAllByText('Too many 5xx');
    expect(screen.queryByTestId('highlighted-alert-event')).toBeNull();
    expect(scrolled).toEqual([]);
    cleanup();

    open(`#/apis/${api.id}/alerts?event=ev_missing`);
    expect(await screen.findByText('The alert you opened is no longer in the recent history.')).toBeTruthy();
    expect(screen.queryByTestId('highlighted-alert-event')).toBeNull();
  });
});
