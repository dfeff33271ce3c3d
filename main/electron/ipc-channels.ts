/**
 * IPC channel names and the reply shape shared by the main-process adapter and the preload.
 * Type-only imports from the contract: the preload bundle takes the names from the contract
 * itself (see bridge.ts), this file adds no runtime dependency.
 */
import type { ErrorBody } from '../../shared/errors';
import type { EventName } from '../../shared/contract/events';
import type { MethodName } from '../../shared/contract/methods';

/** Every contract method is invoked on `gatehouse:<method>`, e.g. `gatehouse:apis.list`. */
export const METHOD_CHANNEL_PREFIX = 'gatehouse:';
/** Main → renderer: `(eventName, payload)` for each forwarded contract event. */
export const EVENT_CHANNEL = 'gatehouse:event';
/** Renderer → main: open an http(s) URL in the system browser. */
export const OPEN_EXTERNAL_CHANNEL = 'gatehouse-shell:open-external';

export function methodChannel(method: MethodName): string {
  return METHOD_CHANNEL_PREFIX + method;
}

/** What every `gatehouse:<method>` handler resolves with: never a thrown Error, never a stack. */
export type IpcReply = { result: unknown } | { error: ErrorBody };

export type EventMessage = [event: EventName, payload: unknown];
