// @vitest-environment jsdom
/** Edit and resend: a logged request fills Try it (query, JSON body, safe headers); Compare shows both answers. */
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { TrafficBodies } from '../../../../../shared/contract/capture-models';
import type { Api, TryResult } from '../../../../../shared/contract/models';
import type { TrafficEntry } from '../../../../../shared/contract/telemetry-models';
import { createFakeControlPlane } from '../../../testing/fake-control-plane';
import { renderWithApp } from '../../../testing/render-app';
import { draftFromTraffic, handOverDraft, peekDraft } from './request-draft';
import { TryItTab } from './try-it-tab';

afterEach(cleanup);

const api: Api = { id: 'api_1', name: 'Orders', version: 'v1', type: 'http', implementationUrl: 'http://127.0.0.1:3000', basePath: '/orders', gatewayId: 'gw_embedded', enabled: true, createdAt: 1, updatedAt: 1 };
const json = '{"item":"tea","qty":2}';
const base64 = (text: string) => btoa(text);

const entry: TrafficEntry = {
  id: 'req_1',
  at: 1,
  apiId: api.id,
  method: 'POST',
  path: '/orders/items',
  query: 'userId=3&_limit=2',
  status: 201,
  latencyMs: 4,
  clientId: null,
  source: 'upstream',
  trace: [],
  requestHeaders: {
    host: '127.0.0.1:8081',
    'content-type': 'application/json',
    'content-length': String(json.length),
    connection: 'keep-alive',
    'x-trace': 'abc',
    authorization: '[redacted]',
    'x-forwarded-for': '127.0.0.1',
    'x-gatehouse-try-id': 't1',
  },
  bytesIn: json.length,
  captured: { request: json.length, response: 0 },
};
const bodies: TrafficBodies = { request: { size: json.length, captured: json.length, truncated: false, contentType: 'application/json', base64: base64(json) }, response: null };

function result(source: 'gateway' | 'upstream', status: number, headers: Record<string, string>, body: string): TryResult {
  return { url: `http://127.0.0.1/${source}`, status, headers, body, bodyEncoding: 'utf8', timing: { totalMs: 1 }, source, trace: [] };
}

describe('Edit and resend', () => {
  it('fills Try it with method, path and query below the base path, safe headers and the JSON body; names the redacted header', async () => {
    const plane = createFakeControlPlane({ apis: [api] });
    const sent: unknown[] = [];
    plane.tryResult = (input) => {
      sent.push(input);
      return result('upstream', 200, {}, '{}');
    };
    handOverDraft(draftFromTraffic(entry, api, bodies));
    renderWithApp(<TryItTab api={api} />, plane);

    expect((screen.getByLabelText('Method') as HTMLSelectElement).value).toBe('POST');
    expect((screen.getByLabelText('Path') as HTMLInputElement).value).toBe('/items?userId=3&_limit=2');
    expect((screen.getByLabelText('Header 1 name') as HTMLInputElement).value).toBe('content-type');
    expect((screen.getByLabelText('Header 2 name') as HTMLInputElement).value).toBe('x-trace');
    expect((screen.getByLabelText('Header 2 value') as HTMLInputElement).value).toBe('abc');
    // Hop-by-hop, proxy and Gatehouse's own headers are not carried over; the redacted one is named.
    expect(screen.queryByLabelText('Header 4 name')).toBeNull();
    expect(screen.getByText(/Left out because the traffic log redacted their values: authorization/)).toBeTruthy();
    expect((screen.getByLabelText('Body') as HTMLTextAreaElement).value).toBe(json);

    // Editable, and sent as edited.
    fireEvent.change(screen.getByLabelText('Header 2 value'), { target: { value: 'changed' } });
    fireEvent.click(screen.getByRole('button', { name: 'Send' }));
    await waitFor(() => expect(sent).toHaveLength(1));
    expect(sent[0]).toMatchObject({ apiId: api.id, method: 'POST', path: '/items?userId=3&_limit=2', headers: { 'content-type': 'application/json', 'x-trace': 'changed' }, body: json, target: 'gateway' });
    // The draft fills the form once: Try it opened later starts empty.
    expect(peekDraft(api.id)).toBeUndefined();
  });

  it('says why a body cut by the capture limit is not filled in', () => {
    const cut: TrafficBodies = { request: { size: 500_000, captured: 10, truncated: true, contentType: 'application/json', base64: base64('{"item":"t') }, response: null };
    const draft = draftFromTraffic(entry, api, cut);
    expect(draft.body).toBe('');
    expect(draft.bodyNote).toMatch(/cut at 10 of 500000 bytes/);
  });

  it('Compare sends through the gateway and straight to the upstream and shows both answers with the headers that differ', async () => {
    const plane = createFakeControlPlane({ apis: [api] });
    const targets: string[] = [];
    const inputs: Record<string, unknown>[] = [];
    plane.tryResult = (input) => {
      const target = (input as { target?: string }).target ?? 'gateway';
      targets.push(target);
      inputs.push(input as Record<string, unknown>);
      return target === 'gateway'
        ? result('gateway', 401, { 'content-type': 'application/json', 'www-authenticate': 'Basic' }, '{"error":"unauthorized"}')
        : result('upstream', 200, { 'content-type': 'application/json', 'x-upstream': 'echo' }, '{"ok":true}');
    };
    renderWithApp(<TryItTab api={api} />, plane);
    fireEvent.click(screen.getByLabelText(/^Dry run/));
    fireEvent.change(screen.getByLabelText('Send to'), { target: { value: 'compare' } });
    fireEvent.click(screen.getByRole('button', { name: 'Compare' }));

    const compare = await screen.findByTestId('try-compare');
    expect(targets).toEqual(['gateway', 'upstream']);
    // The dry run is the gateway's: the direct send goes without it.
    expect(inputs[0]).toMatchObject({ dryRun: true });
    expect(inputs[1]).toMatchObject({ dryRun: false });
    expect(compare.textContent).toMatch(/The gateway answered 401; the upstream alone answered 200/);
    const differences = within(screen.getByRole('region', { name: 'Header differences' }));
    expect(differences.getByText('www-authenticate')).toBeTruthy();
    expect(differences.getByText('x-upstream')).toBeTruthy();
    expect(differences.queryByText('content-type')).toBeNull();
    expect(within(screen.getByTestId('compare-gateway')).getByText(/unauthorized/)).toBeTruthy();
    expect(within(screen.getByTestId('compare-upstream')).getByText(/"ok": true/)).toBeTruthy();
  });
});
