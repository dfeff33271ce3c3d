/**
 * The desktop transport: contract calls and events through the preload's `window.gatehouse`
 * bridge (IPC). The main process answers with the output or an error envelope.
 */
import type { EventName, EventPayload } from '../../../shared/contract/events';
import type { MethodName } from '../../../shared/contract/methods';
import { createConnectionSignal, type AppTransport } from './app-transport';
import type { GatehouseBridge } from './bridge';

export function createIpcTransport(bridge: GatehouseBridge): AppTransport {
  // IPC has no stream to drop: the connection is open for the life of the window.
  const connection = createConnectionSignal('open');
  return {
    kind: 'ipc',
    platform: { isDesktop: true, openExternal: bridge.platform?.openExternal?.bind(bridge.platform) },
    invoke: (method: MethodName, input: unknown) => bridge.invoke(method, input),
    subscribe: <E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void) =>
      bridge.subscribe(event, listener as (payload: unknown) => void),
    onConnection: connection.on,
    get connection() {
      return connection.state;
    },
  };
}
