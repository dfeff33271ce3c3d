// @vitest-environment jsdom
/** Creating and editing an alert rule: fields per kind, codes parsed, errors on the right field. */
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createFakeControlPlane } from '../../testing/fake-control-plane';
import { describedErrorOf, renderWithApp } from '../../testing/render-app';
import type { AlertRule } from '../../../../shared/contract/models';
import { AlertRulesTable } from './alert-lists';
import { AlertRuleDialog } from './alert-rule-dialog';

afterEach(cleanup);

function setup() {
  const plane = createFakeControlPlane();
  plane.state.apis.push({ id: 'api_1', name: 'Orders', version: 'v1', type: 'http', implementationUrl: 'http://127.0.0.1:3000', basePath: '/orders', gatewayId: 'gw_embedded', enabled: true, createdAt: 1, updatedAt: 1 });
  const onClose = vi.fn();
  const view = renderWithApp(<AlertRuleDialog apiId="api_1" onClose={onClose} />, plane);
  return { ...view, onClose, dialog: within(screen.getByRole('dialog', { name: 'New alert rule' })) };
}

describe('AlertRuleDialog', () => {
  it('creates a response-codes rule with classes and codes, and says what it watches', async () => {
    const { dialog, plane, onClose, context } = setup();
    await context.store.getState().loadApis();
    fireEvent.change(dialog.getByRole('textbox', { name: 'Name' }), { target: { value: 'Orders errors' } });
    fireEvent.change(dialog.getByRole('textbox', { name: 'Codes' }), { target: { value: '5xx, 429' } });
    fireEvent.change(dialog.getByRole('spinbutton', { name: /Threshold/ }), { target: { value: '3' } });
    expect(dialog.getByText('5xx, 429 responses > 3 in 1 min')).toBeTruthy();
    fireEvent.click(dialog.getByRole('button', { name: 'Create rule' }));
    await waitFor(() => expect(onClose).toHaveBeenCalled());
    expect(plane.state.alertRules[0]).toMatchObject({ name: 'Orders errors', kind: 'response-codes', apiId: 'api_1', codes: ['5xx', 429], threshold: 3, comparator: 'gt', windowSeconds: 60 });
  });

  it('shows invalid values under their fields and creates nothing', async () => {
    const { dialog, plane } = setup();
    fireEvent.change(dialog.getByRole('textbox', { name: 'Codes' }), { target: { value: '5xx, 999' } });
    fireEvent.change(dialog.getByRole('spinbutton', { name: 'Window (s)' }), { target: { value: '0' } });
    fireEvent.change(dialog.getByRole('textbox', { name: 'Webhook URL' }), { target: { value: 'hooks.example.com' } });
    fireEvent.click(dialog.getByRole('button', { name: 'Create rule' }));
    await waitFor(() => expect(describedErrorOf(dialog.getByRole('textbox', { name: 'Name' }))).toBe('must not be empty'));
    expect(describedErrorOf(dialog.getByRole('textbox', { name: 'Codes' }))).toBeTruthy();
    expect(describedErrorOf(dialog.getByRole('spinbutton', { name: 'Window (s)' }))).toMatch(/>=1/);
    expect(describedErrorOf(dialog.getByRole('textbox', { name: 'Webhook URL' }))).toMatch(/absolute http\(s\) URL/);
    expect(plane.state.alertRules).toEqual([]);
  });

  it('edits a rule in place from the rules table: same rule, new values, nothing re-created', async () => {
    const plane = createFakeControlPlane();
    plane.state.apis.push({ id: 'api_1', name: 'Orders', version: 'v1', type: 'http', implementationUrl: 'http://127.0.0.1:3000', basePath: '/orders', gatewayId: 'gw_embedded', enabled: true, createdAt: 1, updatedAt: 1 });
    const rule: AlertRule = { id: 'rule_1', name: 'Orders errors', kind: 'response-codes', apiId: 'api_1', codes: ['5xx'], comparator: 'gt', threshold: 10, windowSeconds: 60, periods: 1, severity: 'warning', enabled: true, webhookUrl: 'https://hooks.example.com/a', state: 'ok', createdAt: 1, updatedAt: 1 };
    plane.state.alertRules.push(rule);
    const { context } = renderWithApp(<AlertRulesTable rules={[rule]} />, plane);
    await context.store.getState().loadApis();
    fireEvent.click(screen.getByRole('button', { name: 'Edit Orders errors' }));
    const dialog = within(await screen.findByRole('dialog', { name: 'Edit alert rule Orders errors' }));
    expect((dialog.getByRole('textbox', { name: 'Name' }) as HTMLInputElement).value).toBe('Orders errors');
    expect((dialog.getByRole('textbox', { name: 'Codes' }) as HTMLInputElement).value).toBe('5xx');
    expect((dialog.getByRole('textbox', { name: 'Webhook URL' }) as HTMLInputElement).value).toBe('https://hooks.example.com/a');
    fireEvent.change(dialog.getByRole('textbox', { name: 'Codes' }), { target: { value: '5xx, 429' } });
    fireEvent.change(dialog.getByRole('spinbutton', { name: /Threshold/ }), { target: { value: '3' } });
    fireEvent.change(dialog.getByRole('combobox', { name: 'Severity' }), { target: { value: 'critical' } });
    fireEvent.click(dialog.getByRole('button', { name: 'Save rule' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(plane.state.alertRules).toHaveLength(1);
    expect(plane.state.alertRules[0]).toMatchObject({ id: 'rule_1', codes: ['5xx', 429], threshold: 3, severity: 'critical', webhookUrl: 'https://hooks.example.com/a' });
    expect(plane.transport.calls.map((c) => c.method)).not.toContain('alertRules.create');
    expect(await screen.findByText('Alert rule Orders errors saved')).toBeTruthy();
  });

  it('an invalid edit stays in the dialog with the error under the field', async () => {
    const plane = createFakeControlPlane();
    plane.state.apis.push({ id: 'api_1', name: 'Orders', version: 'v1', type: 'http', implementationUrl: 'http://127.0.0.1:3000', basePath: '/orders', gatewayId: 'gw_embedded', enabled: true, createdAt: 1, updatedAt: 1 });
    const rule: AlertRule = { id: 'rule_1', name: 'Slow', kind: 'response-time', apiId: 'api_1', statistic: 'p95', comparator: 'gt', threshold: 500, windowSeconds: 60, periods: 2, severity: 'warning', enabled: true, createdAt: 1, updatedAt: 1 };
    plane.state.alertRules.push(rule);
    renderWithApp(<AlertRuleDialog rule={rule} onClose={vi.fn()} />, plane);
    const dialog = within(screen.getByRole('dialog', { name: 'Edit alert rule Slow' }));
    expect((dialog.getByRole('spinbutton', { name: 'Periods' }) as HTMLInputElement).value).toBe('2');
    fireEvent.change(dialog.getByRole('spinbutton', { name: 'Window (s)' }), { target: { value: '0' } });
    fireEvent.click(dialog.getByRole('button', { name: 'Save rule' }));
    await waitFor(() => expect(describedErrorOf(dialog.getByRole('spinbutton', { name: 'Window (s)' }))).toMatch(/>=1/));
    expect(plane.state.alertRules[0]!.windowSeconds).toBe(60);
  });
});
