/**
 * What every handler group gets: the store (writes go through `live.write`, which applies the
 * gateway config before committing), the runtime, telemetry, the event bus, and lookups with
 * the contract's errors (404 for a missing path id, 400 naming the field for a missing
 * reference, 409 for a clash).
 */
import { ContractError } from '../../../shared/contract/errors';
import type { SystemInfo } from '../../../shared/contract/models';
import type { BreakpointController } from '../../gateway/breakpoints';
import type { GatewayRuntime } from '../../gateway/runtime';
import type { ApiRecord } from '../../store/apis';
import type { GatewayRecord } from '../../store/gateways';
import type { Store } from '../../store/store';
import type { EventBus } from '../event-bus';
import type { LiveConfig } from '../live-config';
import type { GatewayLiveState } from '../models';
import type { Telemetry } from '../telemetry/telemetry';
import type { TryTraces } from '../try-traces';
import type { DemoUpstreamService } from '../demo-upstream-service';
import type { TrafficPause } from '../traffic-pause';
import type { CustomPolicies } from '../custom-policies';

export interface HandlerContext {
  store: Store;
  live: LiveConfig;
  runtime: GatewayRuntime;
  telemetry: Telemetry;
  bus: EventBus;
  dataDir: string;
  /** Plain secrets of applications created or regenerated in this process (for Try it); never stored. */
  sessionSecrets: Map<string, string>;
  tryTraces: TryTraces;
  gatewayState(gateway: GatewayRecord): GatewayLiveState;
  systemInfo(): SystemInfo;
  demoUpstream: DemoUpstreamService;
  trafficPause: TrafficPause;
  /** Custom policies added in the app (the policies library). */
  customPolicies: CustomPolicies;
  /** The embedded gateway's breakpoints (rules in memory). */
  breakpoints: BreakpointController;
}

export function notFound(kind: string, id: string): ContractError {
  return ContractError.notFound(kind, id);
}

/** A body field names something that does not exist: 400, naming the field. */
export function missingReference(field: string, kind: string, id: string): ContractError {
  return ContractError.validation([{ path: field, message: `no ${kind} with id "${id}"` }]);
}

export function conflict(message: string, field?: string): ContractError {
  return ContractError.conflict(message, field ? [{ path: field, message }] : undefined);
}

export function requireFound<T>(value: T | undefined, kind: string, id: string): T {
  if (value === undefined) throw notFound(kind, id);
  return value;
}

/** Two APIs may not claim the same base path on one port (gateways sharing a port included). */
export function assertBasePathFree(store: Store, gateway: GatewayRecord, basePath: string, exceptApiId?: string): void {
  const samePort = new Set(store.gateways.findByPort(gateway.port).map((g) => g.id));
  samePort.add(gateway.id);
  for (const gatewayId of samePort) {
    const clash = store.apis.listByGateway(gatewayId).find((api) => api.basePath === basePath && api.id !== exceptApiId);
    if (clash) throw conflict(`API "${clash.name}" already serves ${basePath} on port ${gateway.port}`, 'basePath');
  }
}

export function assertApiNameFree(store: Store, name: string, exceptApiId?: string): void {
  const clash = store.apis.findByName(name);
  if (clash && clash.id !== exceptApiId) throw conflict(`an API named "${name}" already exists`, 'name');
}

export function requireApi(store: Store, id: string): ApiRecord {
  return requireFound(store.apis.get(id), 'API', id);
}
