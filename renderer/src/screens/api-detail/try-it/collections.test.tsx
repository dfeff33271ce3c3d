// @vitest-environment jsdom
/** Try it's collections: OpenAPI operations by tag fill the request, parameters are checked before sending; saved requests run again and load into the editor. */
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { operationsFromOpenApi } from '../../../../../shared/collections/openapi-operations';
import type { Api } from '../../../../../shared/contract/models';
import { createFakeControlPlane } from '../../../testing/fake-control-plane';
import { renderWithApp } from '../../../testing/render-app';
import { TryItTab } from './try-it-tab';

afterEach(cleanup);

const api: Api = { id: 'api_1', name: 'Pets', version: 'v1', type: 'http', implementationUrl: 'http://127.0.0.1:3000', basePath: '/pets-api', gatewayId: 'gw_embedded', enabled: true, createdAt: 1, updatedAt: 1 };

const document = {
  openapi: '3.0.3',
  info: { title: 'Pet store', version: '1' },
  tags: [{ name: 'pets' }, { name: 'store' }],
  paths: {
    '/pets/{petId}': {
      get: {
        tags: ['pets'],
        summary: 'Find a pet',
        parameters: [
          { name: 'petId', in: 'path', schema: { type: 'integer' } },
          { name: 'status', in: 'query', required: true, schema: { type: 'string', enum: ['available', 'sold'] } },
          { name: 'X-Trace', in: 'header', schema: { type: 'string' } },
        ],
        responses: { '200': { description: 'ok' } },
      },
    },
    '/orders': { post: { tags: ['store'], summary: 'Place an order', requestBody: { content: { 'application/json': { example: { petId: 1, quantity: 2 } } } }, responses: { '201': { description: 'ok' } } } },
  },
};

function setup() {
  const plane = createFakeControlPlane({ apis: [api], operations: { [api.id]: operationsFromOpenApi(document, api.id) } });
  const sent: { method: string; path: string; headers?: Record<string, string>; body?: string }[] = [];
  plane.tryResult = (input) => {
    sent.push(input);
    return { url: `http://127.0.0.1:8081${api.basePath}${input.path}`, status: 200, headers: {}, body: `answer to ${input.path}`, bodyEncoding: 'utf8', timing: { totalMs: 1 }, source: 'upstream', trace: [] };
  };
  renderWithApp(<TryItTab api={api} />, plane);
  return { plane, sent };
}

describe('Try it with an OpenAPI document', () => {
  it('lists operations by tag and finds them by search; choosing one fills method, path template and a body from the example', async () => {
    setup();
    const operations = await screen.findByRole('region', { name: 'Operations' });
    expect(within(within(operations).getByRole('group', { name: 'pets' })).getByRole('button', { name: /Find a pet/ })).toBeTruthy();
    fireEvent.change(within(operations).getByLabelText('Search operations'), { target: { value: 'order' } });
    expect(within(operations).queryByRole('group', { name: 'pets' })).toBeNull();
    fireEvent.click(within(operations).getByRole('button', { name: /Place an order/ }));
    expect((screen.getByLabelText('Method') as HTMLSelectElement).value).toBe('POST');
    expect((screen.getByLabelText('Path') as HTMLInputElement).value).toBe('/orders');
    expect(JSON.parse((screen.getByLabelText(/^Body/) as HTMLTextAreaElement).value)).toEqual({ petId: 1, quantity: 2 });
    expect((screen.getByLabelText('Header 1 value') as HTMLInputElement).value).toBe('application/json');
    // A GET chosen next does not keep the Content-Type the POST's body brought.
    fireEvent.change(within(operations).getByLabelText('Search operations'), { target: { value: '' } });
    fireEvent.click(within(operations).getByRole('button', { name: /Find a pet/ }));
    expect((screen.getByLabelText('Header 1 name') as HTMLInputElement).value).toBe('');
  });

  it('marks required parameters, offers an enum as a select, refuses to send a wrong type, then sends the filled path, query and header', async () => {
    const { plane, sent } = setup();
    fireEvent.click(await screen.findByRole('button', { name: /Find a pet/ }));
    const petId = screen.getByLabelText(/^petId/) as HTMLInputElement;
    expect(petId.closest('.field')!.querySelector('.field-required')).not.toBeNull();
    const status = screen.getByLabelText(/^status/) as HTMLSelectElement;
    expect([...status.options].map((o) => o.value)).toEqual(['available', 'sold']);

    fireEvent.change(petId, { target: { value: 'rex' } });
    fireEvent.click(screen.getByRole('button', { name: 'Send' }));
    expect(await screen.findByText('"rex" is not an integer')).toBeTruthy();
    expect(plane.transport.calls.some((call) => call.method === 'try.send')).toBe(false);

    fireEvent.change(petId, { target: { value: '42' } });
    fireEvent.change(status, { target: { value: 'sold' } });
    fireEvent.change(screen.getByLabelText(/^X-Trace/), { target: { value: 't-1' } });
    expect(screen.getByTestId('sends-path').textContent).toContain('/pets/42?status=sold');
    fireEvent.click(screen.getByRole('button', { name: 'Send' }));
    await screen.findByText('answer to /pets/42?status=sold');
    expect(sent[0]).toMatchObject({ method: 'GET', path: '/pets/42?status=sold', headers: { 'X-Trace': 't-1' } });
  });
});

describe('saved requests', () => {
  it('saves the filled request under a name, runs it again, loads it into the editor, renames and deletes it after a confirm', async () => {
    const { plane, sent } = setup();
    fireEvent.click(await screen.findByRole('button', { name: /Find a pet/ }));
    fireEvent.change(screen.getByLabelText(/^petId/), { target: { value: '7' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    const name = screen.getByLabelText('Saved request name') as HTMLInputElement;
    expect(name.value).toBe('Find a pet');
    fireEvent.click(screen.getByRole('button', { name: 'Save request' }));
    const savedList = screen.getByRole('region', { name: 'Saved requests' });
    await within(savedList).findByRole('listitem', { name: 'Find a pet' });
    expect(plane.state.savedRequests[0]).toMatchObject({ method: 'GET', path: '/pets/7?status=available', operation: 'GET /pets/{petId}' });

    fireEvent.click(within(savedList).getByRole('button', { name: 'Run Find a pet' }));
    await screen.findByText('answer to /pets/7?status=available');
    expect(sent.at(-1)).toMatchObject({ method: 'GET', path: '/pets/7?status=available' });

    fireEvent.change(screen.getByLabelText('Method'), { target: { value: 'DELETE' } });
    fireEvent.click(within(savedList).getByRole('button', { name: 'Load Find a pet into the editor' }));
    expect((screen.getByLabelText('Method') as HTMLSelectElement).value).toBe('GET');
    expect((screen.getByLabelText('Path') as HTMLInputElement).value).toBe('/pets/7?status=available');
    expect(screen.queryByLabelText(/^petId/)).toBeNull();

    fireEvent.click(within(savedList).getByRole('button', { name: 'Rename Find a pet' }));
    const rename = within(savedList).getByLabelText('New name for Find a pet');
    fireEvent.change(rename, { target: { value: 'Pet 7' } });
    fireEvent.keyDown(rename, { key: 'Enter' });
    await within(savedList).findByRole('listitem', { name: 'Pet 7' });

    fireEvent.click(within(savedList).getByRole('button', { name: 'Delete Pet 7' }));
    fireEvent.click(await screen.findByRole('button', { name: 'Delete' }));
    await waitFor(() => expect(within(savedList).queryByRole('listitem', { name: 'Pet 7' })).toBeNull());
    expect(plane.state.savedRequests).toEqual([]);
  });

  it('asks before replacing a saved request of the same name', async () => {
    const { plane } = setup();
    fireEvent.change(await screen.findByLabelText('Path'), { target: { value: '/pets/1' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    fireEvent.change(screen.getByLabelText('Saved request name'), { target: { value: 'one' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save request' }));
    await screen.findByRole('listitem', { name: 'one' });
    fireEvent.change(screen.getByLabelText('Path'), { target: { value: '/pets/2' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    fireEvent.change(screen.getByLabelText('Saved request name'), { target: { value: 'one' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save request' }));
    fireEvent.click(await screen.findByRole('button', { name: 'Replace' }));
    await waitFor(() => expect(plane.state.savedRequests.map((r) => r.path)).toEqual(['/pets/2']));
  });
});
