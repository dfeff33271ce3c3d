// @vitest-environment jsdom
/** An entry imported from a HAR file is edited and resent like a captured one, through the API it most likely went to (or the one chosen). */
import { cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { Api } from '../../../../shared/contract/models';
import { importHar } from '../../lib/har-import';
import { createFakeControlPlane } from '../../testing/fake-control-plane';
import { renderWithApp } from '../../testing/render-app';
import { TryItTab } from '../api-detail/try-it/try-it-tab';
import { clearDraft, peekDraft } from '../api-detail/try-it/request-draft';
import { TrafficDrawer } from './traffic-drawer';

afterEach(() => {
  cleanup();
  window.location.hash = '';
});

const orders: Api = { id: 'api_orders', name: 'Orders', version: 'v1', type: 'http', implementationUrl: 'http://127.0.0.1:3000', basePath: '/orders', gatewayId: 'gw_embedded', enabled: true, createdAt: 1, updatedAt: 1 };
const users: Api = { ...orders, id: 'api_users', name: 'Users', basePath: '/users' };

// As a browser exports it: HTTP/2 pseudo-headers among the headers, a JSON body, a query.
const har = JSON.stringify({
  log: {
    version: '1.2',
    creator: { name: 'WebInspector', version: '537.36' },
    entries: [
      {
        startedDateTime: '2026-12-01T10:00:00.000Z',
        time: 12,
        cache: {},
        timings: { send: 1, wait: 10, receive: 1 },
        request: {
          method: 'POST',
          url: 'http://127.0.0.1:8081/orders/items?express=true',
          httpVersion: 'HTTP/2',
          cookies: [],
          headers: [
            { name: ':authority', value: '127.0.0.1:8081' },
            { name: ':method', value: 'POST' },
            { name: 'content-type', value: 'application/json' },
            { name: 'x-trace', value: 'from-har' },
          ],
          queryString: [{ name: 'express', value: 'true' }],
          postData: { mimeType: 'application/json', text: '{"item":"tea"}' },
          headersSize: -1,
          bodySize: 14,
        },
        response: { status: 201, statusText: 'Created', httpVersion: 'HTTP/2', cookies: [], headers: [], content: { size: 0, mimeType: 'application/json' }, redirectURL: '', headersSize: -1, bodySize: 0 },
      },
    ],
  },
});

describe('Edit and resend from an imported HAR', () => {
  it('opens Try it of the API whose base path the entry is under, with method, path and query, headers (no pseudo-headers) and body; sends it there', async () => {
    const imported = importHar(har);
    const entry = imported.entries[0]!;
    const plane = createFakeControlPlane({ apis: [users, orders] });
    const view = renderWithApp(<TrafficDrawer entry={entry} onClose={() => undefined} imported={{ bodies: imported.bodies.get(entry.id), file: 'session.har' }} />, plane);
    await view.context.store.getState().loadApis();

    const through = (await screen.findByLabelText('Resend through API')) as HTMLSelectElement;
    await waitFor(() => expect(through.value).toBe(orders.id));
    fireEvent.click(screen.getByRole('button', { name: 'Edit and resend' }));
    expect(window.location.hash).toBe(`#/apis/${orders.id}/try`);
    const draft = peekDraft(orders.id)!;
    expect(draft).toMatchObject({ method: 'POST', path: '/items?express=true', body: '{"item":"tea"}', headers: [{ name: 'content-type', value: 'application/json' }, { name: 'x-trace', value: 'from-har' }] });
    cleanup();

    const sent: unknown[] = [];
    plane.tryResult = (input) => {
      sent.push(input);
      return { url: 'http://127.0.0.1:8081/orders/items?express=true', status: 201, headers: {}, body: '{}', bodyEncoding: 'utf8', timing: { totalMs: 1 }, source: 'upstream', trace: [] };
    };
    renderWithApp(<TryItTab api={orders} />, plane);
    expect((screen.getByLabelText('Path') as HTMLInputElement).value).toBe('/items?express=true');
    fireEvent.click(screen.getByRole('button', { name: 'Send' }));
    await waitFor(() => expect(sent).toHaveLength(1));
    expect(sent[0]).toMatchObject({ apiId: orders.id, method: 'POST', path: '/items?express=true', headers: { 'content-type': 'application/json', 'x-trace': 'from-har' }, body: '{"item":"tea"}' });
  });

  it('lets the user choose the API when none is likely, and replays through it', async () => {
    const imported = importHar(har.replace('/orders/items', '/elsewhere/items'));
    const entry = imported.entries[0]!;
    const plane = createFakeControlPlane({ apis: [users, orders] });
    const replayed: { apiId: string; path: string; headers?: Record<string, string> }[] = [];
    plane.tryResult = (input) => {
      replayed.push(input);
      return { url: '', status: 200, headers: {}, body: '', bodyEncoding: 'utf8', timing: { totalMs: 1 }, source: 'upstream', trace: [] };
    };
    const view = renderWithApp(<TrafficDrawer entry={entry} onClose={() => undefined} imported={{ bodies: imported.bodies.get(entry.id), file: 'session.har' }} />, plane);
    await view.context.store.getState().loadApis();
    const through = (await screen.findByLabelText('Resend through API')) as HTMLSelectElement;
    expect(through.value).toBe('');
    expect((screen.getByRole('button', { name: 'Replay' }) as HTMLButtonElement).disabled).toBe(true);
    expect(screen.queryByRole('button', { name: 'Edit and resend' })).toBeNull();

    fireEvent.change(through, { target: { value: users.id } });
    fireEvent.click(screen.getByRole('button', { name: 'Replay' }));
    await screen.findByText(/Replayed: 200/);
    expect(replayed[0]).toMatchObject({ apiId: users.id, path: '/elsewhere/items?express=true' });
    expect(Object.keys(replayed[0]!.headers ?? {}).some((name) => name.startsWith(':'))).toBe(false);
    const draftless = peekDraft(users.id);
    if (draftless) clearDraft(draftless);
  });
});
