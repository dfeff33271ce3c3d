// @vitest-environment jsdom
/**
 * Custom policies in the app: the policies library lists each with version, source, load error
 * (file:line), config fields and the APIs using it, and adds one from a path; an API's
 * "Add policy" offers it with a form rendered from its JSON Schema, validated like a built-in's
 * (errors name the field).
 */
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { CustomPolicyInfo } from '../../../../shared/contract/custom-policies';
import type { Api } from '../../../../shared/contract/models';
import { createFakeControlPlane } from '../../testing/fake-control-plane';
import { describedErrorOf, renderWithApp } from '../../testing/render-app';
import { AddPolicyDialog } from '../api-detail/policies/add-policy-dialog';
import { PoliciesLibraryScreen } from './policies-library-screen';

afterEach(cleanup);

const api: Api = { id: 'api_1', name: 'Orders', version: 'v1', type: 'http', implementationUrl: 'http://127.0.0.1:3000', basePath: '/orders', gatewayId: 'gw_embedded', enabled: true, createdAt: 1, updatedAt: 1 };

const tagger = (patch: Partial<CustomPolicyInfo> = {}): CustomPolicyInfo => ({
  id: 'cpol_1',
  source: '/home/dev/policies/tagger.ts',
  status: 'ok',
  name: 'tagger',
  version: '1.0.0',
  title: 'Tagger',
  description: 'Adds a header to every request',
  schema: {
    type: 'object',
    properties: { header: { type: 'string', minLength: 1, default: 'x-tag' }, value: { type: 'string', minLength: 1 }, mode: { type: 'string', enum: ['append', 'replace'], default: 'replace' } },
    required: ['value'],
  },
  fields: { value: { label: 'Tag value', help: 'Sent upstream' } },
  defaults: { header: 'x-tag', mode: 'replace' },
  checksum: 'a'.repeat(64),
  usedBy: [],
  blocking: [],
  addedAt: 1,
  ...patch,
});

describe('Policies library screen', () => {
  it('shows a custom policy with its version, source, load error as file:line, fields and the APIs using it', async () => {
    const plane = createFakeControlPlane({ apis: [api] });
    plane.state.customPolicies.push(
      tagger({ status: 'error', error: { file: '/home/dev/policies/tagger.ts', line: 6, column: 3, message: 'Expected "}" but found "schema"', text: '/home/dev/policies/tagger.ts:6:3: Expected "}" but found "schema"' } }),
    );
    plane.state.policies.push({ id: 'p1', apiId: api.id, policyRef: 'tagger', config: { value: 'blue' }, order: 10, enabled: true, createdAt: 1, updatedAt: 1 });
    renderWithApp(<PoliciesLibraryScreen />, plane);
    const card = within(await screen.findByTestId('custom-policy-tagger'));
    expect(card.getByText('v1.0.0')).toBeTruthy();
    expect(card.getByTestId('custom-policy-source').textContent).toBe('/home/dev/policies/tagger.ts');
    expect(card.getByTestId('custom-policy-error').textContent).toBe('/home/dev/policies/tagger.ts:6:3: Expected "}" but found "schema"');
    expect(card.getByText(/version 1.0.0 goes on serving/)).toBeTruthy();
    const fields = within(card.getByRole('list', { name: 'Tagger config fields' }));
    expect(fields.getByText('Tag value')).toBeTruthy();
    expect(fields.getByText(/string, required/)).toBeTruthy();
    expect(fields.getByText(/one of "append", "replace"/)).toBeTruthy();
    expect(card.getByRole('link', { name: 'Orders' }).getAttribute('href')).toBe('#/apis/api_1/policies');
    // Built-ins are listed too.
    expect(screen.getByText('rate-limiting-flex')).toBeTruthy();
  });

  it('adds a custom policy from a path; an empty path or a file that does not load is refused on the field', async () => {
    const plane = createFakeControlPlane();
    renderWithApp(<PoliciesLibraryScreen />, plane);
    await screen.findByText('No custom policies yet');
    fireEvent.click(screen.getAllByRole('button', { name: 'Add custom policy' })[0]!);
    const dialog = within(screen.getByRole('dialog', { name: 'Add custom policy' }));
    const input = dialog.getByRole('textbox', { name: /Path/ });
    fireEvent.click(dialog.getByRole('button', { name: 'Add policy' }));
    expect(describedErrorOf(input)).toMatch(/Give the path/);

    fireEvent.change(input, { target: { value: '/nowhere/policy.ts' } });
    fireEvent.click(dialog.getByRole('button', { name: 'Add policy' }));
    await waitFor(() => expect(describedErrorOf(input)).toBe('/nowhere/policy.ts: no such file or folder'));

    plane.addCustomPolicy = (path) => tagger({ source: path });
    fireEvent.change(input, { target: { value: '/home/dev/policies/tagger.ts' } });
    fireEvent.click(dialog.getByRole('button', { name: 'Add policy' }));
    const card = within(await screen.findByTestId('custom-policy-tagger'));
    expect(card.getByTestId('custom-policy-source').textContent).toBe('/home/dev/policies/tagger.ts');
    expect(screen.queryByRole('dialog', { name: 'Add custom policy' })).toBeNull();
  });
});

describe('a custom policy in an API', () => {
  it('is offered under Custom with a form rendered from its JSON Schema; errors name the field; the config is stored as the schema normalizes it', async () => {
    const plane = createFakeControlPlane({ apis: [api] });
    plane.state.customPolicies.push(tagger());
    const onClose = vi.fn();
    renderWithApp(<AddPolicyDialog apiId={api.id} existing={[]} onClose={onClose} />, plane);
    const dialog = within(screen.getByRole('dialog', { name: 'Add policy' }));
    const group = within(await dialog.findByRole('group', { name: 'Custom (policies library)' }));
    fireEvent.click(group.getByRole('option', { name: /Tagger/ }));

    expect(dialog.getByRole('heading', { name: 'Tagger' })).toBeTruthy();
    expect(dialog.getByTestId('custom-policy-origin').textContent).toMatch(/1\.0\.0, from \/home\/dev\/policies\/tagger\.ts/);
    const value = dialog.getByRole('textbox', { name: /^Tag value/ }) as HTMLInputElement;
    const header = dialog.getByRole('textbox', { name: /^Header/ }) as HTMLInputElement;
    expect(header.value).toBe('x-tag');
    expect(value.value).toBe('');
    expect((dialog.getByRole('combobox', { name: /^Mode/ }) as HTMLSelectElement).value).toBe('replace');
    expect(dialog.getByText('Sent upstream')).toBeTruthy();

    fireEvent.click(dialog.getByRole('button', { name: 'Add policy' }));
    await waitFor(() => expect(describedErrorOf(value)).toBeTruthy());
    expect(plane.state.policies).toEqual([]);

    fireEvent.change(value, { target: { value: 'blue' } });
    fireEvent.click(dialog.getByRole('button', { name: 'Add policy' }));
    await waitFor(() => expect(onClose).toHaveBeenCalled());
    expect(plane.state.policies[0]).toMatchObject({ policyRef: 'tagger', config: { header: 'x-tag', value: 'blue', mode: 'replace' } });
  });
});
