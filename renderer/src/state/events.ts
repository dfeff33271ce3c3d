/**
 * Keeps the store fresh from contract events (no polling): resource changes reload the slice
 * they touch (coalesced), traffic arrives in per-frame batches, alerts and gateway status
 * patch in place, and every (re)opening of the stream reloads everything it may have missed.
 */
import type { ResourceKind } from '../../../shared/contract/events';
import type { TrafficEntry } from '../../../shared/contract/telemetry-models';
import { createFrameBatcher, type Scheduler } from '../lib/frame-batcher';
import type { AppContextValue, AppState } from './store';

export interface EventWiringOptions {
  /** Frame scheduler for traffic batches (tests pass a synchronous one). */
  schedule?: Scheduler;
  /** Coalescing delay for resource refreshes. */
  refreshDelayMs?: number;
}

/** Reloads everything a screen has looked at (slices still `idle` stay untouched). */
export function refreshLoaded(state: AppState): Promise<unknown> {
  const jobs: Promise<unknown>[] = [];
  if (state.apisLoad.status !== 'idle') jobs.push(state.loadApis());
  if (state.gatewaysLoad.status !== 'idle') jobs.push(state.loadGateways());
  if (state.applicationsLoad.status !== 'idle') jobs.push(state.loadApplications());
  if (state.contractsLoad.status !== 'idle') jobs.push(state.loadContracts());
  if (state.tiersLoad.status !== 'idle') jobs.push(state.loadTiers());
  if (state.alertRulesLoad.status !== 'idle') jobs.push(state.loadAlertRules());
  if (state.alertEventsLoad.status !== 'idle') jobs.push(state.loadAlertEvents());
  if (state.settingsLoad.status !== 'idle') jobs.push(state.loadSettings());
  // System info carries the paused state, which may have changed while the stream was down.
  if (state.systemInfo) jobs.push(state.loadSystemInfo());
  for (const apiId of Object.keys(state.policiesLoad)) jobs.push(state.loadPolicies(apiId));
  return Promise.all(jobs);
}

function reloadFor(state: AppState, kind: ResourceKind, apiId?: string): Promise<unknown> {
  const loaded = (status: string) => status !== 'idle';
  switch (kind) {
    case 'api':
      return loaded(state.apisLoad.status) ? state.loadApis() : Promise.resolve();
    case 'policy':
      return apiId && state.policiesLoad[apiId] ? state.loadPolicies(apiId) : Promise.resolve();
    case 'gateway':
      return loaded(state.gatewaysLoad.status) ? state.loadGateways() : Promise.resolve();
    case 'application':
      // Removing an application removes its contracts too.
      return Promise.all([
        loaded(state.applicationsLoad.status) ? state.loadApplications() : undefined,
        loaded(state.contractsLoad.status) ? state.loadContracts() : undefined,
      ]);
    case 'slaTier':
      return loaded(state.tiersLoad.status) ? state.loadTiers() : Promise.resolve();
    case 'contract':
      return loaded(state.contractsLoad.status) ? state.loadContracts() : Promise.resolve();
    case 'alertRule':
      return loaded(state.alertRulesLoad.status) ? state.loadAlertRules() : Promise.resolve();
    case 'settings':
      return state.loadSettings();
    case 'config':
      return refreshLoaded(state);
  }
}

export function connectEvents(context: AppContextValue, options: EventWiringOptions = {}): () => void {
  const { store, client, transport } = context;
  const delay = options.refreshDelayMs ?? 50;
  const pending = new Map<string, { kind: ResourceKind; apiId?: string }>();
  let timer: ReturnType<typeof setTimeout> | undefined;

  function scheduleRefresh(kind: ResourceKind, apiId?: string): void {
    pending.set(`${kind}:${apiId ?? ''}`, { kind, apiId });
    if (timer) return;
    timer = setTimeout(() => {
      timer = undefined;
      const jobs = [...pending.values()];
      pending.clear();
      for (const job of jobs) void reloadFor(store.getState(), job.kind, job.apiId);
    }, delay);
  }

  const batcher = createFrameBatcher<TrafficEntry>((entries) => store.getState().ingestTraffic(entries), options.schedule);

  const offs = [
    client.on('traffic.request', (entry) => batcher.push(entry)),
    client.on('traffic.tick', (tick) => store.getState().applyTick(tick)),
    client.on('traffic.state', (state) => store.getState().applyAllTraffic(state)),
    client.on('alert.fired', (event) => store.getState().applyAlertEvent(event)),
    client.on('alert.resolved', (event) => store.getState().applyAlertEvent(event)),
    client.on('gateway.status', (gateway) => store.getState().applyGatewayStatus(gateway)),
    client.on('snapshot.applied', () => scheduleRefresh('gateway')),
    client.on('resource.changed', (change) => scheduleRefresh(change.kind, change.apiId)),
    transport.onConnection((state) => {
      store.getState().setConnection(state);
      // Whatever changed before the stream (re)opened came as no event: the first open too,
      // since a screen may have loaded before it and a change landed in between.
      if (state === 'open') void refreshLoaded(store.getState());
    }),
  ];
  store.getState().setConnection(transport.connection);
  // Already open (IPC, or a stream another screen opened): what changed between the boot's loads
  // and these subscriptions came as events nobody heard (a pause from the tray as the window
  // opened), so read it once now.
  if (transport.connection === 'open') void refreshLoaded(store.getState());

  return () => {
    clearTimeout(timer);
    batcher.flush();
    for (const off of offs) off();
  };
}
