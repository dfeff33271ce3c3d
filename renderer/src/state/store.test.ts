/**
 * The zustand slices over the in-memory transport: loads, writes, contract errors, and
 * freshness from events (resource changes coalesced, traffic in frame batches, alerts live,
 * a full refresh after a dropped stream).
 */
import { describe, expect, it } from 'vitest';
import { ContractError } from '../../../shared/contract/errors';
import type { TrafficEntry } from '../../../shared/contract/telemetry-models';
import { createFakeControlPlane } from '../testing/fake-control-plane';
import { connectEvents } from './events';
import { createAppContext } from './store';
import { TRAFFIC_CAP } from './traffic';

function setup() {
  const plane = createFakeControlPlane();
  const context = createAppContext(plane.transport);
  return { plane, context, state: () => context.store.getState() };
}

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function entry(i: number, extra: Partial<TrafficEntry> = {}): TrafficEntry {
  return { id: `r${i}`, at: 1_700_000_000_000 + i, apiId: 'api_1', method: 'GET', path: `/orders/${i}`, status: 200, latencyMs: 2, clientId: null, source: 'upstream', trace: [], ...extra };
}

describe('apis slice', () => {
  it('loads, creates (defaults filled by the contract) and removes APIs', async () => {
    const { state } = setup();
    await state().loadApis();
    expect(state().apisLoad.status).toBe('ready');
    expect(state().apis).toEqual([]);
    const api = await state().createApi({ name: 'Orders API', implementationUrl: 'http://127.0.0.1:3000' });
    expect(api).toMatchObject({ basePath: '/orders-api', version: 'v1', gatewayId: 'gw_embedded' });
    expect(state().apis.map((a) => a.name)).toEqual(['Orders API']);
    await state().removeApi(api.id);
    expect(state().apis).toEqual([]);
  });

  it('rejects bad input with a ContractError naming the field, and changes nothing', async () => {
    const { state } = setup();
    const error = await state().createApi({ name: '', implementationUrl: 'ftp://x' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ContractError);
    const details = (error as ContractError).details ?? [];
    expect(details.map((d) => d.path)).toEqual(expect.arrayContaining(['name', 'implementationUrl']));
    expect(details.find((d) => d.path === 'implementationUrl')?.message).toMatch(/http or https/);
    expect(state().apis).toEqual([]);
  });

  it('shows a load failure as an error state with the message', async () => {
    const { plane, state } = setup();
    plane.transport.handlers['apis.list'] = () => {
      throw new ContractError('UNAVAILABLE', 'database is locked');
    };
    await state().loadApis();
    expect(state().apisLoad).toEqual({ status: 'error', error: 'database is locked' });
  });
});

describe('policies slice', () => {
  it('removes a binding and restores it at its old position (Undo)', async () => {
    const { state } = setup();
    const api = await state().createApi({ name: 'A', implementationUrl: 'http://127.0.0.1:3000' });
    const first = await state().addPolicy(api.id, { policyRef: 'cors-flex', config: {} , order: 10 });
    await state().addPolicy(api.id, { policyRef: 'response-timeout-flex', config: { timeout: 5 }, order: 20 });
    await state().addPolicy(api.id, { policyRef: 'header-removal-flex', config: {}, order: 30 });
    await state().loadPolicies(api.id);
    const removed = await state().removePolicy(api.id, first.id);
    expect(state().policies[api.id]!.map((b) => b.policyRef)).toEqual(['response-timeout-flex', 'header-removal-flex']);
    await state().restorePolicy(removed!, 0);
    expect(state().policies[api.id]!.map((b) => b.policyRef)).toEqual(['cors-flex', 'response-timeout-flex', 'header-removal-flex']);
  });

  it('moves a binding at once and puts it back when the server refuses', async () => {
    const { plane, state } = setup();
    const api = await state().createApi({ name: 'A', implementationUrl: 'http://127.0.0.1:3000' });
    await state().addPolicy(api.id, { policyRef: 'cors-flex', config: {}, order: 10 });
    const second = await state().addPolicy(api.id, { policyRef: 'response-timeout-flex', config: {}, order: 20 });
    await state().movePolicy(api.id, second.id, -1);
    expect(state().policies[api.id]!.map((b) => b.policyRef)).toEqual(['response-timeout-flex', 'cors-flex']);

    plane.transport.handlers['policies.reorder'] = () => {
      throw new ContractError('CONFLICT', 'the policies changed meanwhile');
    };
    const moving = state().movePolicy(api.id, second.id, 1);
    expect(state().policies[api.id]!.map((b) => b.policyRef)).toEqual(['cors-flex', 'response-timeout-flex']);
    await expect(moving).rejects.toThrow('the policies changed meanwhile');
    expect(state().policies[api.id]!.map((b) => b.policyRef)).toEqual(['response-timeout-flex', 'cors-flex']);
  });

  it('reports a bad policy config with `config.` paths', async () => {
    const { state } = setup();
    const api = await state().createApi({ name: 'A', implementationUrl: 'http://127.0.0.1:3000' });
    const error = (await state()
      .addPolicy(api.id, { policyRef: 'rate-limiting-flex', config: { rateLimits: [{ maximumRequests: 0, timePeriodInMilliseconds: 1000 }] } })
      .catch((e: unknown) => e)) as ContractError;
    expect(error.details?.[0]?.path).toBe('config.rateLimits[0].maximumRequests');
  });
});

describe('events keep the store fresh', () => {
  it('reloads a slice once for a burst of resource.changed events', async () => {
    const { plane, context, state } = setup();
    await state().loadApis();
    const off = connectEvents(context, { refreshDelayMs: 10, schedule: (fn) => fn() });
    // A change made by someone else (another window, the CLI): only the event tells us.
    plane.state.apis.push({ id: 'api_x', name: 'From elsewhere', version: 'v1', type: 'http', implementationUrl: 'http://127.0.0.1:1', basePath: '/x', gatewayId: 'gw_embedded', enabled: true, createdAt: 1, updatedAt: 1 });
    const before = plane.transport.calls.filter((c) => c.method === 'apis.list').length;
    for (let i = 0; i < 5; i++) plane.transport.emit('resource.changed', { kind: 'api', id: 'api_x', action: 'created' });
    await wait(40);
    expect(plane.transport.calls.filter((c) => c.method === 'apis.list').length).toBe(before + 1);
    expect(state().apis.map((a) => a.name)).toEqual(['From elsewhere']);
    off();
  });

  it('reads what changed before it subscribed when the stream is already open (a pause from the tray as the window opens)', async () => {
    const { plane, context, state } = setup();
    await state().loadSystemInfo();
    expect(state().allTraffic.paused).toBe(false);
    // The tray pauses between the boot's loads and the subscription: its event reaches no one.
    await plane.transport.invoke('traffic.pause', {});
    expect(state().allTraffic.paused).toBe(false);
    const off = connectEvents(context, { schedule: (fn) => fn() });
    await expect.poll(() => state().allTraffic.paused).toBe(true);
    off();
  });

  it('delivers traffic in one store update per frame, newest first, capped', () => {
    const { plane, context, state } = setup();
    const frames: (() => void)[] = [];
    const off = connectEvents(context, { schedule: (fn) => frames.push(fn) });
    let updates = 0;
    const unsubscribe = context.store.subscribe((next, prev) => {
      if (next.traffic !== prev.traffic) updates++;
    });
    for (let i = 0; i < 1000; i++) plane.transport.emit('traffic.request', entry(i));
    expect(state().traffic).toHaveLength(0);
    expect(frames).toHaveLength(1);
    frames.shift()!();
    expect(updates).toBe(1);
    expect(state().traffic).toHaveLength(1000);
    expect(state().traffic[0]!.id).toBe('r999');

    for (let i = 1000; i < 1000 + TRAFFIC_CAP; i++) plane.transport.emit('traffic.request', entry(i));
    frames.shift()!();
    expect(state().traffic).toHaveLength(TRAFFIC_CAP);
    expect(state().traffic[0]!.id).toBe(`r${999 + TRAFFIC_CAP}`);
    unsubscribe();
    off();
  });

  it('holds traffic while paused and merges it on resume', () => {
    const { plane, context, state } = setup();
    const off = connectEvents(context, { schedule: (fn) => fn() });
    state().setTrafficPaused(true);
    plane.transport.emit('traffic.request', entry(1));
    plane.transport.emit('traffic.request', entry(2));
    expect(state().traffic).toHaveLength(0);
    expect(state().trafficHeld).toHaveLength(2);
    state().setTrafficPaused(false);
    expect(state().traffic.map((e) => e.id)).toEqual(['r2', 'r1']);
    off();
  });

  it('marks a rule alerting when it fires and ok when it resolves', async () => {
    const { plane, context, state } = setup();
    plane.state.alertRules.push({ id: 'rule_1', name: '5xx', kind: 'response-codes', comparator: 'gt', threshold: 1, windowSeconds: 60, periods: 1, severity: 'critical', enabled: true, state: 'ok', createdAt: 1, updatedAt: 1 });
    await state().loadAlertRules();
    const off = connectEvents(context);
    plane.transport.emit('alert.fired', { id: 'ev1', ruleId: 'rule_1', ruleName: '5xx', state: 'fired', value: 7, threshold: 1, at: 2 });
    expect(state().alertRules[0]!.state).toBe('alerting');
    expect(state().alertEvents.map((e) => e.id)).toEqual(['ev1']);
    plane.transport.emit('alert.resolved', { id: 'ev2', ruleId: 'rule_1', ruleName: '5xx', state: 'resolved', value: 0, threshold: 1, at: 3 });
    expect(state().alertRules[0]!.state).toBe('ok');
    expect(state().alertEvents.map((e) => e.id)).toEqual(['ev2', 'ev1']);
    off();
  });

  it('reloads what it had loaded when the event stream comes back after a drop', async () => {
    const { plane, context, state } = setup();
    await state().loadApis();
    const off = connectEvents(context);
    plane.transport.setConnection('closed');
    expect(state().connection).toBe('closed');
    plane.state.apis.push({ id: 'api_y', name: 'Missed', version: 'v1', type: 'http', implementationUrl: 'http://127.0.0.1:1', basePath: '/y', gatewayId: 'gw_embedded', enabled: true, createdAt: 1, updatedAt: 1 });
    plane.transport.setConnection('open');
    await wait(5);
    expect(state().apis.map((a) => a.name)).toEqual(['Missed']);
    // Slices never loaded stay untouched (no needless requests).
    expect(plane.transport.calls.some((c) => c.method === 'applications.list')).toBe(false);
    off();
  });

  it('reloads what a screen loaded before the event stream first opened (a change in between sent no event)', async () => {
    const { plane, context, state } = setup();
    plane.transport.setConnection('connecting');
    await state().loadApis();
    const off = connectEvents(context);
    plane.state.apis.push({ id: 'api_z', name: 'Before open', version: 'v1', type: 'http', implementationUrl: 'http://127.0.0.1:1', basePath: '/z', gatewayId: 'gw_embedded', enabled: true, createdAt: 1, updatedAt: 1 });
    plane.transport.setConnection('open');
    await wait(5);
    expect(state().apis.map((a) => a.name)).toEqual(['Before open']);
    off();
  });
});

describe('live ticks', () => {
  it('keeps ticks in time order and merges two reports of the same second', () => {
    const { state } = setup();
    state().applyTick({ t: 2000, apis: [] });
    state().applyTick({ t: 3000, apis: [{ apiId: 'a', requests: 1, errors: 0, p95: 1 }] });
    // History rebuilt from metrics: counted the second 2000 fully; the live tick had been short.
    state().seedTicks([
      { t: 1000, apis: [{ apiId: 'a', requests: 4, errors: 1, p95: 3 }] },
      { t: 2000, apis: [{ apiId: 'a', requests: 7, errors: 0, p95: 2 }] },
    ]);
    state().applyTick({ t: 2000, apis: [{ apiId: 'b', requests: 2, errors: 0, p95: 1 }] });
    expect(state().ticks.map((t) => t.t)).toEqual([1000, 2000, 3000]);
    expect(state().ticks[1]!.apis).toEqual([
      { apiId: 'a', requests: 7, errors: 0, p95: 2 },
      { apiId: 'b', requests: 2, errors: 0, p95: 1 },
    ]);
  });
});
