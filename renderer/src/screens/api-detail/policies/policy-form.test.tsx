// @vitest-environment jsdom
/**
 * The policy form generated from the catalogue schema: fields with their descriptions, inline
 * errors under the field as you type, server errors on the same fields, lists of values.
 */
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ContractError } from '../../../../../shared/contract/errors';
import { createFakeControlPlane } from '../../../testing/fake-control-plane';
import { describedErrorOf, renderWithApp } from '../../../testing/render-app';
import { AddPolicyDialog } from './add-policy-dialog';

afterEach(cleanup);

function setup() {
  const plane = createFakeControlPlane();
  plane.state.apis.push({ id: 'api_1', name: 'Orders', version: 'v1', type: 'http', implementationUrl: 'http://127.0.0.1:3000', basePath: '/orders', gatewayId: 'gw_embedded', enabled: true, createdAt: 1, updatedAt: 1 });
  const onClose = vi.fn();
  const view = renderWithApp(<AddPolicyDialog apiId="api_1" existing={[]} onClose={onClose} />, plane);
  return { ...view, onClose, dialog: within(screen.getByRole('dialog', { name: 'Add policy' })) };
}

describe('generated policy form', () => {
  it('renders rate limiting from its schema with defaults and descriptions', () => {
    const { dialog } = setup();
    expect(dialog.getByRole('heading', { name: 'Rate limiting' })).toBeTruthy();
    expect((dialog.getByRole('spinbutton', { name: /Maximum requests/ }) as HTMLInputElement).value).toBe('100');
    expect((dialog.getByRole('spinbutton', { name: /Time period in milliseconds/ }) as HTMLInputElement).value).toBe('60000');
    expect(dialog.getByText('= 1 min')).toBeTruthy();
    const expose = dialog.getByRole('checkbox', { name: 'Expose headers' }) as HTMLInputElement;
    expect(expose.checked).toBe(true);
    expect(dialog.getByText(/Add X-Ratelimit-Limit, X-Ratelimit-Remaining/)).toBeTruthy();
    expect(dialog.getByRole('textbox', { name: 'Key selector' })).toBeTruthy();
  });

  it('shows an invalid value inline under its field, blocks the submit, and sends the fixed config', async () => {
    const { dialog, plane, onClose } = setup();
    const maximum = dialog.getByRole('spinbutton', { name: /Maximum requests/ });
    fireEvent.change(maximum, { target: { value: '0' } });
    expect(describedErrorOf(maximum)).toMatch(/Too small: expected number to be >0/);
    fireEvent.change(maximum, { target: { value: '' } });
    expect(describedErrorOf(maximum)).toBe('required');

    fireEvent.click(dialog.getByRole('button', { name: 'Add policy' }));
    expect(await dialog.findByText('Fix the highlighted fields first.')).toBeTruthy();
    expect(plane.transport.calls.some((c) => c.method === 'policies.add')).toBe(false);

    fireEvent.change(maximum, { target: { value: '3' } });
    expect(describedErrorOf(maximum)).toBeUndefined();
    fireEvent.click(dialog.getByRole('button', { name: 'Add policy' }));
    await waitFor(() => expect(onClose).toHaveBeenCalled());
    expect(plane.state.policies[0]).toMatchObject({
      policyRef: 'rate-limiting-flex',
      config: { rateLimits: [{ maximumRequests: 3, timePeriodInMilliseconds: 60_000 }], exposeHeaders: true, clusterizable: true },
    });
  });

  it('validates expressions as the server does, and puts server errors on the named field', async () => {
    const { dialog, plane } = setup();
    const key = dialog.getByRole('textbox', { name: 'Key selector' });
    fireEvent.change(key, { target: { value: '#[payload.id]' } });
    expect(describedErrorOf(key)).toMatch(/supported|expression/i);
    fireEvent.change(key, { target: { value: "#[attributes.headers['x-api-key']]" } });
    expect(describedErrorOf(key)).toBeUndefined();

    plane.transport.handlers['policies.add'] = () => {
      throw ContractError.validation([{ path: 'config.keySelector', message: 'header x-api-key is reserved here' }]);
    };
    fireEvent.click(dialog.getByRole('button', { name: 'Add policy' }));
    await waitFor(() => expect(describedErrorOf(key)).toBe('header x-api-key is reserved here'));
  });

  it('edits lists of values (IP allowlist) with an error on the bad item', () => {
    const { dialog } = setup();
    fireEvent.click(dialog.getByRole('option', { name: /IP allowlist/ }));
    const first = dialog.getByRole('textbox', { name: 'IPs 1' });
    expect((first as HTMLInputElement).value).toBe('127.0.0.1');
    fireEvent.change(first, { target: { value: '999.1.1.1' } });
    expect(describedErrorOf(first)).toBe('"999.1.1.1" is not an IPv4/IPv6 address or CIDR range');
    fireEvent.click(dialog.getByRole('button', { name: 'Remove IPs 2' }));
    fireEvent.click(dialog.getByRole('button', { name: 'Remove IPs 1' }));
    expect(dialog.getByText('at least one address or CIDR range is required')).toBeTruthy();
    fireEvent.click(dialog.getByRole('button', { name: 'Add' }));
    expect(dialog.getByRole('textbox', { name: 'IPs 1' })).toBeTruthy();
  });
});
