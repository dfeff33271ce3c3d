import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { EventName, EventPayload } from '../../shared/contract/events';
import { request } from '../testing/net';
import { startControlFixture, type ControlFixture } from '../control/testing/control-fixture';
import { Store } from '../store/store';
import { FakeTray, resetFakeElectron, type FakeMenuItem } from './testing/fake-electron';
import type { TrayAction } from './tray-menu';

vi.mock('electron', async () => (await import('./testing/fake-electron')).fakeElectron);

const { createAppTray, toElectronMenu } = await import('./tray');
const { runTrayAction } = await import('./tray-actions');
const { TrayStateStore } = await import('./tray-state');

let fixture: ControlFixture;
let store: InstanceType<typeof TrayStateStore>;
let startAtLogin: boolean;

beforeAll(async () => {
  fixture = await startControlFixture();
});
afterAll(async () => {
  await fixture.close();
});
afterEach(() => {
  store?.dispose();
  resetFakeElectron();
});

function newStore(options: { rateStaleMs?: number } = {}) {
  startAtLogin = false;
  store = new TrayStateStore(
    { handlers: fixture.plane.handlers, bus: fixture.plane.bus, startAtLogin: () => startAtLogin },
    { refreshDelayMs: 10, ...options },
  );
  return store;
}

/** Resolves when the store's state satisfies `check`. */
function until(check: (state: typeof store.state) => boolean, timeoutMs = 3_000): Promise<void> {
  if (check(store.state)) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`tray state never matched; last: ${JSON.stringify(store.state)}`));
    }, timeoutMs);
    const off = store.onChange((state) => {
      if (!check(state)) return;
      clearTimeout(timer);
      off();
      resolve();
    });
  });
}

function nextEvent<E extends EventName>(event: E, match: (payload: EventPayload<E>) => boolean): Promise<EventPayload<E>> {
  return fixture.plane.bus.next(event, match, 3_000);
}

const deps = () => ({
  handlers: fixture.plane.handlers,
  showWindow: vi.fn(),
  setStartAtLogin: (enabled: boolean) => void (startAtLogin = enabled),
  quit: vi.fn(),
});

describe('tray state from the control plane', () => {
  it('shows the embedded gateway and its APIs', async () => {
    const api = await fixture.call('apis.create', { name: 'Tray Orders', implementationUrl: fixture.upstream.url });
    await newStore().refresh();
    const embedded = store.state.gateways.find((g) => g.kind === 'embedded')!;
    expect(embedded).toMatchObject({ status: 'running', port: fixture.gatewayPort });
    expect(embedded.apis).toContainEqual(expect.objectContaining({ id: api.id, name: 'Tray Orders', enabled: true }));
    expect(store.state.startAtLogin).toBe(false);
  });

  it('a toggle from the tray changes the API and tells the window (resource.changed) at once', async () => {
    const api = await fixture.call('apis.create', { name: 'Toggle me', implementationUrl: fixture.upstream.url });
    await newStore().refresh();
    const seenByWindow = nextEvent('resource.changed', (change) => change.id === api.id && change.action === 'updated');
    expect(await runTrayAction({ type: 'api.disable', apiId: api.id }, deps())).toEqual({ ok: true });
    await seenByWindow;
    expect((await fixture.call('apis.get', { id: api.id })).enabled).toBe(false);
    await until((state) => state.gateways.some((g) => g.apis.some((a) => a.id === api.id && !a.enabled)));
    // The gateway really stops routing to it.
    const response = await request(`${fixture.gatewayUrl}/toggle-me/x`);
    expect(response.status).toBe(503);
  });

  it('a change made in the window reaches the tray menu', async () => {
    const api = await fixture.call('apis.create', { name: 'From window', implementationUrl: fixture.upstream.url });
    await newStore().refresh();
    await fixture.call('apis.update', { id: api.id, enabled: false });
    await until((state) => state.gateways.some((g) => g.apis.some((a) => a.id === api.id && !a.enabled)));
    await fixture.call('apis.remove', { id: api.id });
    await until((state) => !state.gateways.some((g) => g.apis.some((a) => a.id === api.id)));
  });

  it('stops and starts a gateway from the tray', async () => {
    await newStore().refresh();
    const gatewayId = store.state.gateways.find((g) => g.kind === 'embedded')!.id;
    expect(await runTrayAction({ type: 'gateway.stop', gatewayId }, deps())).toEqual({ ok: true });
    await until((state) => state.gateways.find((g) => g.id === gatewayId)?.status === 'stopped');
    expect(await runTrayAction({ type: 'gateway.start', gatewayId }, deps())).toEqual({ ok: true });
    await until((state) => state.gateways.find((g) => g.id === gatewayId)?.status === 'running');
  });

  it('reports a failed action with the contract message', async () => {
    expect(await runTrayAction({ type: 'api.enable', apiId: 'missing' }, deps())).toEqual({ ok: false, message: expect.stringContaining('missing') });
  });

  it('pauses all traffic through the contract: the window hears it at once, the gateway answers 503', async () => {
    const api = await fixture.call('apis.create', { name: 'Paused API', implementationUrl: fixture.upstream.url });
    await newStore().refresh();
    expect(store.state.paused).toBe(false);
    const seenByWindow = nextEvent('traffic.state', (state) => state.paused);
    expect(await runTrayAction({ type: 'traffic.pause' }, deps())).toEqual({ ok: true });
    expect(await seenByWindow).toMatchObject({ paused: true, pausedAt: expect.any(Number) });
    // No refresh needed: the tray follows the event like the window does.
    expect(store.state.paused).toBe(true);
    expect((await fixture.call('system.info', {})).traffic.paused).toBe(true);
    const paused = await request(`${fixture.gatewayUrl}/paused-api/x`);
    expect(paused.status).toBe(503);
    expect(paused.body).toContain('TRAFFIC_PAUSED');
    // Pausing again is a no-op that still answers the state.
    expect(await runTrayAction({ type: 'traffic.pause' }, deps())).toEqual({ ok: true });

    // Resumed from the window (the same contract method): the tray shows it without a refresh.
    const resumed = nextEvent('traffic.state', (state) => !state.paused);
    expect(await fixture.call('traffic.resume', {})).toEqual({ paused: false });
    await resumed;
    expect(store.state.paused).toBe(false);
    expect((await request(`${fixture.gatewayUrl}/paused-api/x`)).status).toBe(200);

    // Paused from the window: the tray menu turns Pause into Resume.
    await fixture.call('traffic.pause', {});
    await until((state) => state.paused);
    expect(await runTrayAction({ type: 'traffic.resume' }, deps())).toEqual({ ok: true });
    await until((state) => !state.paused);
    await fixture.call('apis.remove', { id: api.id });
  });

  it('opens the window, sets Start at login (shown at the next refresh) and quits', async () => {
    await newStore().refresh();
    const d = deps();
    expect(await runTrayAction({ type: 'window.open' }, d)).toEqual({ ok: true });
    expect(d.showWindow).toHaveBeenCalledOnce();
    await runTrayAction({ type: 'startAtLogin.set', enabled: true }, d);
    await store.refresh();
    expect(store.state.startAtLogin).toBe(true);
    expect(d.quit).not.toHaveBeenCalled();
    await runTrayAction({ type: 'app.quit' }, d);
    expect(d.quit).toHaveBeenCalledOnce();
  });

  it('counts requests per second from traffic ticks and drops to 0 when traffic stops', async () => {
    newStore({ rateStaleMs: 100 });
    fixture.plane.bus.emit('traffic.tick', { t: Date.now(), apis: [{ apiId: 'a', requests: 7, errors: 0, p95: 1 }, { apiId: 'b', requests: 5, errors: 1, p95: 2 }] });
    expect(store.state.requestsPerSecond).toBe(12);
    await until((state) => state.requestsPerSecond === 0);
  });

  it('counts firing alert rules and updates when one fires or resolves', async () => {
    const api = await fixture.call('apis.create', { name: 'Alerting API', implementationUrl: fixture.upstream.url });
    const rule = await fixture.call('alertRules.create', { name: 'Too many 5xx', kind: 'response-codes', apiId: api.id, codes: ['5xx'], threshold: 1 });
    await newStore().refresh();
    expect(store.state.activeAlerts).toBe(0);
    // What the alert evaluator does: record the event in SQLite, then publish it.
    const writer = Store.open(fixture.dataDir, { migrate: false });
    try {
      const fire = (state: 'fired' | 'resolved', at: number) => {
        const event = writer.alertEvents.insert({ ruleId: rule.id, state, value: 5, threshold: 1, at });
        fixture.plane.bus.emit(state === 'fired' ? 'alert.fired' : 'alert.resolved', { ...event, ruleName: rule.name, apiId: api.id });
      };
      fire('fired', Date.now());
      await until((state) => state.activeAlerts === 1);
      fire('resolved', Date.now() + 1);
      await until((state) => state.activeAlerts === 0);
    } finally {
      writer.close();
    }
  });
});

describe('Electron tray', () => {
  it('maps the menu data to Electron items whose clicks run the actions', () => {
    const clicked: TrayAction[] = [];
    const items = toElectronMenu(
      [
        { type: 'normal', label: 'Header', enabled: false },
        { type: 'separator' },
        { type: 'normal', label: 'gw', submenu: [{ type: 'checkbox', label: 'Running', checked: true, action: { type: 'gateway.stop', gatewayId: 'g' } }] },
      ],
      (action) => clicked.push(action),
    ) as FakeMenuItem[];
    expect(items[0]).toEqual({ label: 'Header', enabled: false });
    expect(items[1]).toEqual({ type: 'separator' });
    items[2]!.submenu![0]!.click!();
    expect(clicked).toEqual([{ type: 'gateway.stop', gatewayId: 'g' }]);
  });

  it('shows status icon, tooltip and menu, rebuilt only when what is shown changes', async () => {
    await newStore().refresh();
    const actions: TrayAction[] = [];
    const opened = vi.fn();
    const appTray = createAppTray(store, (action) => actions.push(action), opened);
    const tray = FakeTray.created[0]!;
    expect(tray.tooltip).toMatch(/^Gatehouse: All good · 0 req\/s$/);
    expect(tray.menuBuilds).toBe(1);
    const okIcon = tray.image;

    // Same state again: no new menu (an open menu would close).
    await store.refresh();
    expect(tray.menuBuilds).toBe(1);

    fixture.plane.bus.emit('traffic.tick', { t: Date.now(), apis: [{ apiId: 'a', requests: 3, errors: 0, p95: 1 }] });
    expect(tray.menuBuilds).toBe(2);
    expect(tray.tooltip).toContain('3.0 req/s');

    // A failed gateway turns the icon to "down".
    const gateway = store.state.gateways[0]!;
    fixture.plane.bus.emit('gateway.status', { ...(await fixture.call('gateways.get', { id: gateway.id })), status: 'error', lastError: 'port in use' });
    expect(tray.image).not.toBe(okIcon);
    expect(tray.tooltip).toContain('Gateway down');

    const open = tray.menu!.items.find((item) => item.label === 'Open Gatehouse')!;
    open.click!();
    expect(actions).toEqual([{ type: 'window.open' }]);
    tray.emit('click');
    expect(opened).toHaveBeenCalledOnce();
    appTray.dispose();
    expect(tray.destroyed).toBe(true);
  });
});
