/**
 * Events the control plane pushes to the presentation (SSE over HTTP, IPC in Electron), so UI
 * slices refresh from events instead of polling. Payloads are plain JSON.
 */
import { z } from 'zod';
import { alertEventSchema, dockerInfoSchema, gatewaySchema, trafficStateSchema } from './models';
import { trafficEntrySchema, trafficTickSchema } from './telemetry-models';
import { breakpointStateSchema } from './breakpoints';

export const resourceKindSchema = z.enum([
  'api',
  'policy',
  'gateway',
  'application',
  'slaTier',
  'contract',
  'alertRule',
  'settings',
  /** A whole-config import: refresh everything. */
  'config',
]);
export type ResourceKind = z.infer<typeof resourceKindSchema>;

const alertNotificationSchema = alertEventSchema.extend({ ruleName: z.string() });

export const contractEvents = {
  /** A gateway (or replica) swapped in a new config snapshot. */
  'snapshot.applied': z.object({ gatewayId: z.string(), version: z.string() }),
  /** Once per second: the last full second per API with traffic. */
  'traffic.tick': trafficTickSchema,
  /** One request, as it enters the request log. */
  'traffic.request': trafficEntrySchema,
  /** All traffic was paused or resumed (from the window, the tray or the admin API). */
  'traffic.state': trafficStateSchema,
  'alert.fired': alertNotificationSchema,
  'alert.resolved': alertNotificationSchema,
  /** circuit-breaker-flex opened or closed an API's circuit on the embedded gateway. */
  'api.circuit': z.object({ apiId: z.string(), apiName: z.string(), state: z.enum(['open', 'closed']), detail: z.string(), at: z.number() }),
  /** A gateway's status, replicas or config version changed. */
  'gateway.status': gatewaySchema,
  /** The Docker engine appeared, went away, or the gateway image changed state. */
  'docker.status': dockerInfoSchema,
  /** One line of gateway image build or pull output. */
  'docker.progress': z.object({ stage: z.enum(['bundle', 'base', 'pull', 'build']), line: z.string() }),
  /** A custom policy was added, removed, or reloaded from its file (a new version or a load error). */
  'customPolicies.changed': z.object({ id: z.string(), action: z.enum(['created', 'updated', 'removed']) }),
  /** Breakpoint rules changed, or a message was paused or let go (embedded gateway). */
  'breakpoints.changed': breakpointStateSchema,
  /** Something was created, updated or removed; `apiId` is set for resources under an API. */
  'resource.changed': z.object({
    kind: resourceKindSchema,
    id: z.string(),
    action: z.enum(['created', 'updated', 'removed']),
    apiId: z.string().optional(),
  }),
};

export type ContractEventSchemas = typeof contractEvents;
export type EventName = keyof ContractEventSchemas;
export type EventPayload<E extends EventName> = z.output<ContractEventSchemas[E]>;
/** `{ 'traffic.tick': TrafficTick, … }`: the event map as plain types. */
export type ContractEventMap = { [E in EventName]: EventPayload<E> };

export const eventNames = Object.keys(contractEvents) as EventName[];

export function isEventName(value: string): value is EventName {
  return Object.prototype.hasOwnProperty.call(contractEvents, value);
}

export type EventListener<E extends EventName> = (payload: EventPayload<E>) => void;

/**
 * What the control plane publishes on and the adapters subscribe to. Main's implementation
 * (main/server/event-bus.ts) is a typed EventEmitter; anything with this shape works.
 */
export interface ContractEventBus {
  emit<E extends EventName>(event: E, payload: EventPayload<E>): void;
  /** Returns the unsubscribe function. */
  on<E extends EventName>(event: E, listener: EventListener<E>): () => void;
}
