// @vitest-environment jsdom
/** The Docker part of the Gateways screen: replicas, counters, scale, logs, Redis and leftover containers. */
import { act, cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { Gateway } from '../../../../shared/contract/models';
import { createFakeControlPlane, embeddedGateway } from '../../testing/fake-control-plane';
import { describedErrorOf, renderWithApp } from '../../testing/render-app';
import { GatewayDialog } from './gateway-dialog';
import { GatewaysScreen } from './gateways-screen';

afterEach(cleanup);

const COUNTERS = 'Counters are per replica: each of the 3 replicas enforces rate limits on its own, so a limit of 10 per minute admits up to 30 per minute in total.';

function dockerGateway(patch: Partial<Gateway> = {}): Gateway {
  return {
    id: 'gw_docker',
    name: 'edge',
    kind: 'docker',
    port: 9100,
    desiredReplicas: 3,
    replicas: [
      { index: 0, containerId: 'aaaaaaaaaaaa1111', hostPort: 9100, status: 'connected', lastHeartbeatAt: Date.now() - 5_000, counters: 'local', name: 'replica-0' },
      { index: 1, containerId: 'bbbbbbbbbbbb2222', hostPort: 9101, status: 'disconnected', lastHeartbeatAt: Date.now() - 120_000, detail: 'exited', name: 'replica-1' },
      { index: 2, containerId: 'cccccccccccc3333', hostPort: 9102, status: 'starting', name: 'replica-2' },
    ],
    status: 'degraded',
    sharedCounters: false,
    countersMessage: COUNTERS,
    networkMode: 'host',
    networkModeMessage: 'Host networking: upstreams and the control plane on 127.0.0.1 are reached directly.',
    createdAt: 1,
    updatedAt: 1,
    ...patch,
  };
}

async function renderScreen(gateway = dockerGateway(), extra: Parameters<typeof createFakeControlPlane>[0] = {}) {
  const plane = createFakeControlPlane({ gateways: [embeddedGateway(), gateway], ...extra });
  const view = renderWithApp(<GatewaysScreen />, plane);
  await act(() => view.context.store.getState().loadGateways());
  return { ...view, card: within(screen.getByRole('region', { name: gateway.name })) };
}

describe('Gateways screen, docker gateways', () => {
  it('lists replicas with status, port, short container id, heartbeat and counters, and says how counters and networking work', async () => {
    const { card } = await renderScreen();
    const rows = within(card.getByRole('table', { name: 'Replicas of edge' })).getAllByRole('row').slice(1);
    expect(rows).toHaveLength(3);
    expect(rows[0]!.textContent).toContain('#0');
    expect(rows[0]!.textContent).toContain('aaaaaaaaaaaa');
    expect(rows[0]!.textContent).not.toContain('aaaaaaaaaaaa1111');
    expect(rows[0]!.textContent).toContain('9100');
    expect(rows[0]!.textContent).toMatch(/connected/);
    expect(rows[0]!.textContent).toMatch(/\d+s ago|just now/);
    expect(rows[0]!.textContent).toContain('local');
    expect(rows[1]!.textContent).toMatch(/disconnected/);
    expect(rows[1]!.textContent).toContain('exited');
    expect(rows[2]!.textContent).toMatch(/starting/);
    expect(rows[2]!.textContent).toContain('never');
    expect(card.getByText(/1\/3 replicas connected/)).toBeTruthy();
    expect(card.getByText(COUNTERS, { exact: false })).toBeTruthy();
    expect(card.getByText('counters per replica')).toBeTruthy();
    expect(card.getByText('host network')).toBeTruthy();
  });

  it('shows the Redis status when counters are shared, and the fallback sentence when the server gives none', async () => {
    const shared = await renderScreen(dockerGateway({ sharedCounters: true, countersMessage: 'Counters are shared by all replicas through Redis at 127.0.0.1:6379.', sharedStorage: { redis: { address: '127.0.0.1:6379', hasPassword: false } } }));
    expect(shared.card.getByText('shared counters (Redis)')).toBeTruthy();
    expect(shared.card.getByText(/through Redis at 127\.0\.0\.1:6379/)).toBeTruthy();
    cleanup();
    const plain = await renderScreen(dockerGateway({ countersMessage: undefined, networkMode: undefined, networkModeMessage: undefined }));
    expect(plain.card.getByText(/a 10\/min limit on 3 replicas admits up to 30\/min/)).toBeTruthy();
  });

  it('scales through gateways.update with desiredReplicas, and shows a bad count next to the field', async () => {
    const { card, plane } = await renderScreen();
    const scale = within(card.getByRole('form', { name: 'Scale edge' }));
    const input = scale.getByRole('spinbutton', { name: 'Replicas' });
    fireEvent.change(input, { target: { value: '25' } });
    fireEvent.click(scale.getByRole('button', { name: 'Scale' }));
    await waitFor(() => expect(describedErrorOf(input)).toMatch(/20/));
    expect(plane.transport.calls.filter((c) => c.method === 'gateways.update')).toHaveLength(0);

    fireEvent.change(input, { target: { value: '5' } });
    fireEvent.click(scale.getByRole('button', { name: 'Scale' }));
    await waitFor(() => expect(plane.state.gateways[1]!.desiredReplicas).toBe(5));
    expect(plane.transport.calls.find((c) => c.method === 'gateways.update')?.input).toEqual({ id: 'gw_docker', desiredReplicas: 5 });
    await waitFor(() => expect(card.getByText(/1\/5 replicas connected/)).toBeTruthy());
  });

  it("opens a replica's logs, shows its lines, and refreshes them", async () => {
    const { card, plane } = await renderScreen(dockerGateway(), {
      logs: { 'gw_docker/1': [{ stream: 'stdout', at: '2026-11-26T06:00:01.000Z', text: 'gateway listening on 9101' }, { stream: 'stderr', at: '2026-11-26T06:00:02.000Z', text: 'control plane unreachable, retrying' }] },
    });
    fireEvent.click(card.getByRole('button', { name: 'Logs of replica 1' }));
    const drawer = within(await screen.findByRole('complementary', { name: 'Logs of replica 1' }));
    await waitFor(() => expect(drawer.getByText('gateway listening on 9101')).toBeTruthy());
    expect(drawer.getByText('control plane unreachable, retrying')).toBeTruthy();
    expect(drawer.getByLabelText('Log lines').className).toContain('mono');
    expect(plane.transport.calls.find((c) => c.method === 'gateways.logs')?.input).toMatchObject({ id: 'gw_docker', index: 1 });

    plane.state.logs['gw_docker/1']!.push({ stream: 'stdout', at: '2026-11-26T06:00:03.000Z', text: 'connected as replica-1' });
    fireEvent.click(drawer.getByRole('button', { name: 'Refresh' }));
    await waitFor(() => expect(drawer.getByText('connected as replica-1')).toBeTruthy());
    fireEvent.click(drawer.getByRole('button', { name: 'Close logs' }));
    expect(screen.queryByRole('complementary', { name: 'Logs of replica 1' })).toBeNull();
  });

  it('shows image build progress on a gateway that is starting, from docker.progress events', async () => {
    const { card, plane } = await renderScreen(dockerGateway({ status: 'starting', replicas: [] }));
    expect(card.queryByRole('status', { name: 'Image build progress' })).toBeNull();
    act(() => plane.transport.emit('docker.progress', { stage: 'build', line: 'Step 3/5 : COPY dist /app' }));
    const progress = card.getByRole('status', { name: 'Image build progress' });
    expect(progress.textContent).toContain('Building the gateway image');
    expect(progress.textContent).toContain('Step 3/5');
  });

  it('offers to remove leftover containers, and removes them only after the confirm', async () => {
    const { plane } = await renderScreen(dockerGateway(), {
      orphans: [
        { containerId: 'dead1', name: 'gatehouse-old-0', gatewayId: 'gw_gone', index: 0, state: 'running', foreign: false },
        { containerId: 'dead2', name: 'gatehouse-other-0', gatewayId: 'gw_elsewhere', index: 0, state: 'running', foreign: true },
      ],
    });
    const banner = (await screen.findByText(/1 leftover container from deleted gateways/)).closest('.banner') as HTMLElement;
    expect(banner.textContent).toContain('gatehouse-old-0');
    expect(banner.textContent).toContain('another Gatehouse data dir');
    fireEvent.click(within(banner).getByRole('button', { name: 'Remove them' }));
    const dialog = within(screen.getByRole('dialog', { name: 'Remove leftover containers?' }));
    expect(plane.transport.calls.some((c) => c.method === 'gateways.cleanupOrphans')).toBe(false);
    fireEvent.click(dialog.getByRole('button', { name: 'Remove 1 container' }));
    await waitFor(() => expect(screen.queryByText(/leftover container/)).toBeNull());
    expect(plane.state.orphans.map((o) => o.containerId)).toEqual(['dead2']);
  });
});

describe('GatewayDialog, shared storage', () => {
  it('sends the Redis fields to gateways.create as sharedStorage.redis, with a password field', async () => {
    const plane = createFakeControlPlane();
    renderWithApp(<GatewayDialog onClose={() => undefined} />, plane);
    fireEvent.change(screen.getByRole('textbox', { name: /Name/ }), { target: { value: 'edge' } });
    fireEvent.change(screen.getByRole('spinbutton', { name: 'Replicas' }), { target: { value: '3' } });
    fireEvent.click(screen.getByRole('checkbox', { name: 'Share rate-limit counters through Redis' }));
    fireEvent.change(screen.getByRole('textbox', { name: /Redis address/ }), { target: { value: 'not an address' } });
    fireEvent.click(screen.getByRole('button', { name: 'Create gateway' }));
    await waitFor(() => expect(describedErrorOf(screen.getByRole('textbox', { name: /Redis address/ }))).toMatch(/host:port/));
    expect(plane.transport.calls.some((c) => c.method === 'gateways.create')).toBe(false);

    fireEvent.change(screen.getByRole('textbox', { name: /Redis address/ }), { target: { value: '127.0.0.1:6379' } });
    fireEvent.change(screen.getByRole('textbox', { name: 'Redis username' }), { target: { value: 'gate' } });
    const password = screen.getByLabelText('Redis password');
    expect(password.getAttribute('type')).toBe('password');
    fireEvent.change(password, { target: { value: 's3cret' } });
    fireEvent.change(screen.getByRole('spinbutton', { name: /Database/ }), { target: { value: '2' } });
    fireEvent.click(screen.getByRole('button', { name: 'Create gateway' }));
    await waitFor(() => expect(plane.state.gateways).toHaveLength(2));
    expect(plane.transport.calls.find((c) => c.method === 'gateways.create')?.input).toEqual({
      name: 'edge',
      kind: 'docker',
      port: 8082,
      desiredReplicas: 3,
      sharedStorage: { redis: { address: '127.0.0.1:6379', username: 'gate', password: 's3cret', db: 2 } },
    });
  });

  it('leaves saved shared storage alone when editing other fields', async () => {
    const plane = createFakeControlPlane({ gateways: [embeddedGateway(), dockerGateway({ sharedCounters: true, sharedStorage: { redis: { address: '127.0.0.1:6379', hasPassword: true } } })] });
    renderWithApp(<GatewayDialog gateway={plane.state.gateways[1]} onClose={() => undefined} />, plane);
    expect((screen.getByRole('textbox', { name: /Redis address/ }) as HTMLInputElement).value).toBe('127.0.0.1:6379');
    fireEvent.change(screen.getByRole('textbox', { name: /Name/ }), { target: { value: 'edge-2' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(plane.state.gateways[1]!.name).toBe('edge-2'));
    expect(plane.transport.calls.find((c) => c.method === 'gateways.update')?.input).not.toHaveProperty('sharedStorage');
  });
});
