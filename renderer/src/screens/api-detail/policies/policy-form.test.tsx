// @vitest-environment jsdom
/**
 * The policy form generated from the catalogue: human labels, help and units from the entry's
 * fields, lists as chips, errors only once a field is touched (or a submit is blocked, which
 * focuses the field), no pre-filled credentials, and server errors on the named field.
 */
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ContractError } from '../../../../../shared/contract/errors';
import type { PolicyBinding } from '../../../../../shared/contract/models';
import { policyCatalogue } from '../../../../../shared/policies/catalogue';
import { createFakeControlPlane } from '../../../testing/fake-control-plane';
import { describedErrorOf, renderWithApp } from '../../../testing/render-app';
import { AddPolicyDialog } from './add-policy-dialog';

afterEach(cleanup);

function setup(existing: PolicyBinding[] = []) {
  const plane = createFakeControlPlane();
  plane.state.apis.push({ id: 'api_1', name: 'Orders', version: 'v1', type: 'http', implementationUrl: 'http://127.0.0.1:3000', basePath: '/orders', gatewayId: 'gw_embedded', enabled: true, createdAt: 1, updatedAt: 1 });
  plane.state.policies.push(...existing);
  const onClose = vi.fn();
  const view = renderWithApp(<AddPolicyDialog apiId="api_1" existing={existing} onClose={onClose} />, plane);
  const dialog = within(screen.getByRole('dialog', { name: 'Add policy' }));
  const pick = (title: RegExp) => fireEvent.click(dialog.getByRole('option', { name: title }));
  const submit = () => fireEvent.click(dialog.getByRole('button', { name: 'Add policy' }));
  return { ...view, onClose, dialog, pick, submit };
}

const alerts = () => screen.queryAllByRole('alert').map((node) => node.textContent);

describe('generated policy form', () => {
  it('shows rate limiting in human words, with the window as value + unit stored in milliseconds', async () => {
    const { dialog, plane, submit, onClose } = setup();
    expect(dialog.getByRole('heading', { name: 'Rate limiting' })).toBeTruthy();
    expect((dialog.getByRole('spinbutton', { name: /^Requests/ }) as HTMLInputElement).value).toBe('100');
    const per = dialog.getByRole('spinbutton', { name: /^Per/ }) as HTMLInputElement;
    const unit = dialog.getByRole('combobox', { name: 'Per unit' }) as HTMLSelectElement;
    expect(per.value).toBe('1');
    expect(unit.selectedOptions[0]!.textContent).toBe('minutes');
    expect(dialog.getByText(/60000 milliseconds in the config/)).toBeTruthy();
    expect((dialog.getByRole('checkbox', { name: 'Send rate-limit headers' }) as HTMLInputElement).checked).toBe(true);
    expect(dialog.getByRole('textbox', { name: 'Count separately by' })).toBeTruthy();
    expect(dialog.queryByText(/timePeriodInMilliseconds|maximumRequests/)).toBeNull();

    fireEvent.change(unit, { target: { value: '1000' } });
    fireEvent.change(per, { target: { value: '30' } });
    submit();
    await waitFor(() => expect(onClose).toHaveBeenCalled());
    expect(plane.state.policies[0]!.config).toMatchObject({ rateLimits: [{ maximumRequests: 100, timePeriodInMilliseconds: 30_000 }] });
  });

  it('shows no error on open, shows one once the field is touched, and a blocked submit focuses the field', async () => {
    const { dialog, plane, pick, submit, onClose } = setup();
    pick(/HTTP Basic authentication/);
    const user = dialog.getByRole('textbox', { name: /^User name/ }) as HTMLInputElement;
    const password = dialog.getByLabelText(/^Password/) as HTMLInputElement;
    // Nothing guessable is pre-filled, and an untouched empty form is not shouting.
    expect(user.value).toBe('');
    expect(password.value).toBe('');
    expect(alerts()).toEqual([]);

    fireEvent.focus(user);
    fireEvent.blur(user);
    expect(describedErrorOf(user)).toBe('required');
    expect(describedErrorOf(password)).toBeUndefined();

    submit();
    expect(await dialog.findByText('Fix the highlighted fields first.')).toBeTruthy();
    await waitFor(() => expect(document.activeElement).toBe(user));
    expect(describedErrorOf(password)).toBe('required');
    expect(plane.transport.calls.some((c) => c.method === 'policies.add')).toBe(false);

    fireEvent.change(user, { target: { value: 'ann' } });
    fireEvent.change(password, { target: { value: 'a-long-passphrase' } });
    submit();
    await waitFor(() => expect(onClose).toHaveBeenCalled());
    expect(plane.state.policies[0]).toMatchObject({ policyRef: 'http-basic-authentication-flex', config: { username: 'ann', password: 'a-long-passphrase' } });
  });

  it('generates a strong password, shows it once to copy, and sends it', async () => {
    const { dialog, plane, pick, submit, onClose } = setup();
    pick(/HTTP Basic authentication/);
    fireEvent.click(dialog.getByRole('button', { name: 'Generate a strong password' }));
    const shown = dialog.getByTestId('generated-password').textContent!;
    expect(shown).toMatch(/^[A-Za-z0-9]{24}$/);
    expect((dialog.getByLabelText(/^Password/) as HTMLInputElement).value).toBe(shown);
    expect(dialog.getByRole('button', { name: 'Copy the password' })).toBeTruthy();
    // Typing over it hides it: it was shown once.
    fireEvent.change(dialog.getByLabelText(/^Password/), { target: { value: 'other-password' } });
    expect(dialog.queryByTestId('generated-password')).toBeNull();
    fireEvent.click(dialog.getByRole('button', { name: 'Generate a strong password' }));
    const second = dialog.getByTestId('generated-password').textContent!;
    expect(second).not.toBe(shown);
    fireEvent.change(dialog.getByRole('textbox', { name: /^User name/ }), { target: { value: 'ann' } });
    submit();
    await waitFor(() => expect(onClose).toHaveBeenCalled());
    expect(plane.state.policies[0]!.config).toMatchObject({ password: second });
  });

  it('validates expressions as the server does, and puts server errors on the named field', async () => {
    const { dialog, plane, submit } = setup();
    const key = dialog.getByRole('textbox', { name: 'Count separately by' });
    fireEvent.change(key, { target: { value: '#[payload.id]' } });
    expect(describedErrorOf(key)).toMatch(/supported|expression/i);
    fireEvent.change(key, { target: { value: "#[attributes.headers['x-api-key']]" } });
    expect(describedErrorOf(key)).toBeUndefined();

    plane.transport.handlers['policies.add'] = () => {
      throw ContractError.validation([{ path: 'config.keySelector', message: 'header x-api-key is reserved here' }]);
    };
    submit();
    await waitFor(() => expect(describedErrorOf(key)).toBe('header x-api-key is reserved here'));
  });

  it('edits an IP list as chips: Enter or a pasted list adds, × removes, a bad address is named', () => {
    const { dialog, pick } = setup();
    pick(/IP allowlist/);
    const list = within(dialog.getByRole('list', { name: 'Addresses' }));
    expect(list.getAllByRole('listitem').map((li) => li.textContent)).toEqual(['127.0.0.1', '::1']);
    const input = dialog.getByRole('textbox', { name: 'Addresses' });
    fireEvent.change(input, { target: { value: '999.1.1.1' } });
    fireEvent.keyDown(input, { key: 'Enter' });
    expect(describedErrorOf(input)).toBe('"999.1.1.1" is not an IPv4/IPv6 address or CIDR range');
    expect(list.getAllByRole('listitem')[2]!.className).toContain('chip-invalid');
    for (const value of ['999.1.1.1', '127.0.0.1', '::1']) fireEvent.click(dialog.getByRole('button', { name: `Remove ${value} from Addresses` }));
    expect(describedErrorOf(input)).toBe('at least one address or CIDR range is required');
    fireEvent.change(input, { target: { value: '10.0.0.0/8, 192.168.1.1' } });
    fireEvent.blur(input);
    expect(within(dialog.getByRole('list', { name: 'Addresses' })).getAllByRole('listitem').map((li) => li.textContent)).toEqual(['10.0.0.0/8', '192.168.1.1']);
    expect(describedErrorOf(input)).toBeUndefined();
  });

  it('edits CORS origins, methods and headers as chips, never as JSON text', async () => {
    const { dialog, plane, pick, submit, onClose, container } = setup();
    pick(/CORS/);
    fireEvent.click(dialog.getByRole('button', { name: 'Add origin group' }));
    expect(container.querySelector('textarea')).toBeNull();
    fireEvent.change(dialog.getByRole('textbox', { name: /^Origins/ }), { target: { value: 'https://app.test' } });
    fireEvent.keyDown(dialog.getByRole('textbox', { name: /^Origins/ }), { key: 'Enter' });
    fireEvent.click(dialog.getByRole('button', { name: 'Add GET to Allowed methods' }));
    fireEvent.click(dialog.getByRole('button', { name: 'Add POST to Allowed methods' }));
    expect(dialog.queryByRole('button', { name: 'Add GET to Allowed methods' })).toBeNull();
    const headers = dialog.getByRole('textbox', { name: 'Allowed request headers' });
    fireEvent.change(headers, { target: { value: 'bad:header' } });
    fireEvent.keyDown(headers, { key: 'Enter' });
    expect(describedErrorOf(headers)).toBe('bad:header: not a valid HTTP header name');
    fireEvent.click(dialog.getByRole('button', { name: 'Remove bad:header from Allowed request headers' }));
    fireEvent.change(headers, { target: { value: 'content-type' } });
    fireEvent.keyDown(headers, { key: 'Enter' });
    expect(dialog.getByRole('spinbutton', { name: /Cache preflight for/ })).toBeTruthy();
    submit();
    await waitFor(() => expect(onClose).toHaveBeenCalled());
    expect(plane.state.policies[0]!.config).toMatchObject({ originGroups: [{ origins: ['https://app.test'], allowedMethods: ['GET', 'POST'], headers: ['content-type'], accessControlMaxAge: 30 }] });
  });

  it('scopes a policy to some methods with chips, not comma-separated text', async () => {
    const { dialog, plane, submit, onClose } = setup();
    fireEvent.click(dialog.getByRole('radio', { name: 'Only matching requests' }));
    fireEvent.change(dialog.getByRole('textbox', { name: 'Path (regex)' }), { target: { value: '/orders/.*' } });
    fireEvent.click(dialog.getByRole('button', { name: 'Add GET to Methods' }));
    const methods = dialog.getByRole('textbox', { name: 'Methods' });
    fireEvent.change(methods, { target: { value: 'delete' } });
    fireEvent.keyDown(methods, { key: 'Enter' });
    expect(within(dialog.getByRole('list', { name: 'Methods' })).getAllByRole('listitem').map((li) => li.textContent)).toEqual(['GET', 'DELETE']);
    submit();
    await waitFor(() => expect(onClose).toHaveBeenCalled());
    expect(plane.state.policies[0]!.rules).toEqual([{ path: '/orders/.*', methods: ['GET', 'DELETE'] }]);
  });

  it('client ID enforcement: option labels instead of camelCase, no alias field, expressions only when chosen', () => {
    const { dialog, pick } = setup();
    pick(/Client ID enforcement/);
    const origin = dialog.getByRole('combobox', { name: 'Credentials from' }) as HTMLSelectElement;
    expect([...origin.options].map((o) => o.textContent)).toEqual(['Default (Authorization: Basic header)', 'Custom expressions (headers, query)', 'Authorization: Basic header']);
    expect(dialog.queryByText(/alias/i)).toBeNull();
    expect(dialog.getAllByRole('combobox', { name: /Credentials from/ })).toHaveLength(1);
    expect(dialog.queryByRole('textbox', { name: 'Client ID from' })).toBeNull();
    fireEvent.change(origin, { target: { value: 'customExpression' } });
    expect((dialog.getByRole('textbox', { name: 'Client ID from' }) as HTMLInputElement).value).toBe("#[attributes.headers['client_id']]");
  });

  it('header injection labels the header name as such', () => {
    const { dialog, pick } = setup();
    pick(/Header injection/);
    expect((dialog.getByRole('textbox', { name: 'Header name' }) as HTMLInputElement).value).toBe('x-gateway');
    expect(dialog.queryByText('Private key')).toBeNull();
    expect(dialog.getByText('Request header 1')).toBeTruthy();
  });

  it('JWT validation starts without a key, offers key-length labels, and shows JWKS fields only for a JWKS', () => {
    const { dialog, pick } = setup();
    pick(/JWT validation/);
    expect((dialog.getByRole('textbox', { name: /^Key\b/ }) as HTMLInputElement).value).toBe('');
    const length = dialog.getByRole('combobox', { name: 'Key length' }) as HTMLSelectElement;
    expect(length.selectedOptions[0]!.textContent).toBe('SHA-256 (RS256, HS256, ES256)');
    expect(dialog.queryByRole('textbox', { name: 'JWKS URLs' })).toBeNull();
    fireEvent.change(dialog.getByRole('combobox', { name: 'Signing method' }), { target: { value: 'rsa' } });
    fireEvent.change(dialog.getByRole('combobox', { name: 'Key from' }), { target: { value: 'jwks' } });
    expect(dialog.queryByRole('textbox', { name: /^Key\b/ })).toBeNull();
    const urls = dialog.getByRole('textbox', { name: /JWKS URLs/ });
    fireEvent.change(urls, { target: { value: 'https://a.test/jwks.json, https://b.test/jwks.json' } });
    fireEvent.keyDown(urls, { key: 'Enter' });
    expect(within(dialog.getByRole('list', { name: 'JWKS URLs' })).getAllByRole('listitem')).toHaveLength(2);
    expect((dialog.getByRole('combobox', { name: 'Reuse fetched keys for unit' }) as HTMLSelectElement).selectedOptions[0]!.textContent).toBe('hours');
  });

  it.each(policyCatalogue.map((entry) => [entry.title] as const))('%s: the add form speaks human (no camelCase label or choice, no JSON box, no pre-filled secret)', (title) => {
    const { dialog, container } = setup();
    fireEvent.click(dialog.getAllByRole('option').find((option) => option.querySelector('.catalogue-item-title')?.textContent?.startsWith(title))!);
    const form = container.ownerDocument.querySelector('form.policy-config')!;
    expect(form.querySelector('textarea'), 'a raw JSON text area').toBeNull();
    // Labels and choices are words; help may quote YAML keys and expressions (attributes.requestPath).
    const words = [...form.querySelectorAll('.field-label, .fieldset-legend, option')].map((node) => node.textContent ?? '');
    for (const text of words) expect(text, `"${text}"`).not.toMatch(/\b[a-z]+[A-Z][a-zA-Z]*\b/);
    for (const input of form.querySelectorAll<HTMLInputElement>('input[type=password]')) expect(input.value).toBe('');
    expect(alerts()).toEqual([]);
  });
});
