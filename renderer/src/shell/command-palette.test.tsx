// @vitest-environment jsdom
/**
 * The command palette finds the things of the app, not only its actions: APIs, policies by
 * title or type (with the API each is on), applications, alert rules, gateways, Settings
 * sections, and requests in the traffic log by path. Choosing one goes where it is.
 */
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AlertRule, Api, Application, PolicyBinding } from '../../../shared/contract/models';
import type { TrafficEntry } from '../../../shared/contract/telemetry-models';
import { App } from '../app';
import { createAppContext } from '../state/store';
import { createFakeControlPlane } from '../testing/fake-control-plane';

const api = (id: string, name: string, basePath: string): Api => ({ id, name, version: 'v1', type: 'http', implementationUrl: 'http://127.0.0.1:3000', basePath, gatewayId: 'gw_embedded', enabled: true, createdAt: 1, updatedAt: 1 });
const orders = api('api_orders', 'Orders', '/orders');
const users = api('api_users', 'Users', '/users');
const binding = (id: string, apiId: string, policyRef: string, order: number, config: Record<string, unknown>): PolicyBinding => ({ id, apiId, policyRef, config, order, enabled: true, createdAt: 1, updatedAt: 1 });
const rule = { id: 'rule_5xx', name: 'Orders failing', kind: 'response-codes', apiId: orders.id, codes: ['5xx'], threshold: 5, windowSeconds: 60, severity: 'warning', enabled: true, state: 'ok', createdAt: 1, updatedAt: 1 } as AlertRule;
const mobile: Application = { id: 'app_mobile', name: 'Mobile app', clientId: 'c0ffee0123456789', description: 'iOS and Android', createdAt: 1 };

const request = (id: string, path: string, status: number, at: number): TrafficEntry => ({ id, at, apiId: orders.id, apiName: 'Orders', method: 'GET', path, status, latencyMs: 4, clientId: null, source: 'upstream', trace: [] });

function open() {
  const plane = createFakeControlPlane({
    apis: [orders, users],
    policies: [
      binding('p_rate_orders', orders.id, 'rate-limiting-flex', 10, { rateLimits: [{ maximumRequests: 3, timePeriodInMilliseconds: 60_000 }] }),
      binding('p_cors_orders', orders.id, 'cors-flex', 20, { publicResource: true }),
      binding('p_sla_users', users.id, 'rate-limiting-sla-based-flex', 10, {}),
      binding('p_basic_users', users.id, 'http-basic-authentication-flex', 20, {}),
    ],
    applications: [mobile],
    alertRules: [rule],
    // The server's request log: the palette asks it by path, whatever the live window holds.
    traffic: [request('r3', '/orders/42', 503, Date.now() - 1000), request('r2', '/orders/42', 200, Date.now() - 5000), request('r1', '/orders/7', 200, Date.now() - 9000)],
  });
  context = createAppContext(plane.transport);
  render(<App context={context} />);
  return plane;
}

let context: ReturnType<typeof createAppContext>;

async function palette(query: string) {
  // Pressed again only while the palette is closed (Ctrl+K toggles it): a busy test worker may
  // attach the app's key listener after the first press.
  const input = await waitFor(
    () => {
      if (!context.store.getState().paletteOpen) fireEvent.keyDown(window, { key: 'k', ctrlKey: true });
      return screen.getByRole('combobox', { name: 'Command' });
    },
    { timeout: 10_000 },
  );
  fireEvent.change(input, { target: { value: query } });
  return { input, list: screen.getByRole('listbox', { name: 'Commands' }) };
}

const optionTexts = (list: HTMLElement) => within(list).queryAllByRole('option').map((option) => option.textContent);

beforeEach(() => {
  window.location.hash = '#/';
  Element.prototype.scrollIntoView = vi.fn();
});
afterEach(cleanup);

describe('command palette', () => {
  it('finds every rate-limiting policy by type, each with its API, and opens its API’s policies', async () => {
    open();
    await screen.findByRole('heading', { name: 'Overview' });
    const { list } = await palette('rate');
    // Policies are loaded per API when the palette opens.
    await waitFor(() => expect(optionTexts(list).filter((text) => /^Rate limiting|^SLA-based rate limiting/.test(text!))).toHaveLength(2));
    const texts = optionTexts(list);
    expect(texts).toContainEqual(expect.stringMatching(/^Rate limiting on Orders v1/));
    expect(texts).toContainEqual(expect.stringMatching(/^SLA-based rate limiting on Users v1/));
    expect(texts.some((text) => /CORS|Basic/i.test(text!))).toBe(false);

    fireEvent.click(within(list).getByRole('option', { name: /SLA-based rate limiting on Users v1/ }));
    await waitFor(() => expect(window.location.hash).toBe('#/apis/api_users/policies'));
    expect(screen.queryByRole('dialog', { name: 'Command palette' })).toBeNull();
  });

  it('finds a policy by its catalogue name and by its category, and narrows by API', async () => {
    open();
    await screen.findByRole('heading', { name: 'Overview' });
    const { input, list } = await palette('cors-flex');
    await waitFor(() => expect(optionTexts(list)).toContainEqual(expect.stringMatching(/^CORS on Orders v1/)));
    // "security" is the catalogue category of basic authentication; "users" the API it is on.
    fireEvent.change(input, { target: { value: 'security users' } });
    await waitFor(() => expect(optionTexts(list)).toEqual([expect.stringMatching(/^HTTP Basic authentication on Users v1/)]));
  });

  it('finds applications, alert rules, gateways and Settings sections; a section opens scrolled into view', async () => {
    open();
    await screen.findByRole('heading', { name: 'Overview' });
    const { input, list } = await palette('mobile');
    await waitFor(() => expect(within(list).getByRole('option', { name: /Mobile app c0ffee0123456789/ })).toBeTruthy());

    fireEvent.change(input, { target: { value: 'failing' } });
    await waitFor(() => expect(within(list).getByRole('option', { name: /Orders failing on Orders v1/ })).toBeTruthy());

    fireEvent.change(input, { target: { value: 'embedded' } });
    expect(within(list).getByRole('option', { name: /embedded embedded · :8081/ })).toBeTruthy();

    fireEvent.change(input, { target: { value: 'retention' } });
    expect(within(list).getByText('Settings', { selector: '.palette-group' })).toBeTruthy();
    fireEvent.keyDown(input, { key: 'Enter' });
    await waitFor(() => expect(window.location.hash).toBe('#/settings?section=retention'));
    const section = await screen.findByRole('heading', { name: 'Data retention' });
    // The palette scrolls its own options too: what counts is that the section was scrolled to.
    const scrolledTo = () => vi.mocked(Element.prototype.scrollIntoView).mock.contexts as Element[];
    await waitFor(() => expect(scrolledTo().some((element) => element.contains(section))).toBe(true), { timeout: 10_000 });
  });

  it('finds requests by path in the stored log, one per path, and opens the newest in Traffic with its details', async () => {
    const plane = open();
    await screen.findByRole('heading', { name: 'Overview' });
    const { input, list } = await palette('orders/42');
    await waitFor(() => expect(optionTexts(list)).toContainEqual(expect.stringMatching(/^GET \/orders\/42/)));
    expect(optionTexts(list).filter((text) => text!.startsWith('GET /orders/42'))).toHaveLength(1);
    expect(within(list).getByRole('option', { name: /GET \/orders\/42/ }).textContent).toContain('503');
    expect(plane.transport.calls.some((call) => call.method === 'traffic.list' && (call.input as { path?: string }).path === 'orders/42')).toBe(true);

    fireEvent.keyDown(input, { key: 'Enter' });
    const drawer = await screen.findByRole('complementary', { name: 'Request details' });
    expect(within(drawer).getByTestId('drawer-target').textContent).toBe('/orders/42');
    expect(within(drawer).getByText('503')).toBeTruthy();
    expect((screen.getByLabelText('Search') as HTMLInputElement).value).toBe('/orders/42');
  });

  it('lists actions, places and APIs before anything is typed, not every policy', async () => {
    open();
    await screen.findByRole('heading', { name: 'Overview' });
    const { list } = await palette('');
    const texts = optionTexts(list);
    expect(texts).toContain('Add API');
    expect(texts).toContainEqual(expect.stringMatching(/^TrafficG T/));
    expect(texts).toContainEqual(expect.stringMatching(/^Orders v1/));
    expect(texts.some((text) => /rate limiting/i.test(text!))).toBe(false);
  });
});
