/**
 * An in-process transport for component and store tests: handlers per method, inputs checked
 * with the contract's own schemas (so validation errors are the real ones), events pushed with
 * `emit`. Handler errors become the same envelope the HTTP and IPC adapters send.
 */
import { toErrorBody } from '../../../shared/contract/errors';
import type { EventName, EventPayload } from '../../../shared/contract/events';
import { parseInput, type MethodName, type MethodOutput, type ParsedInput } from '../../../shared/contract/methods';
import { createConnectionSignal, type AppTransport, type ConnectionState } from './app-transport';

export type MemoryHandlers = { [M in MethodName]?: (input: ParsedInput<M>) => MethodOutput<M> | Promise<MethodOutput<M>> };

export interface MemoryTransport extends AppTransport {
  /** Pushes an event to subscribers, as the control plane would. */
  emit<E extends EventName>(event: E, payload: EventPayload<E>): void;
  setConnection(state: ConnectionState): void;
  /** Every call made, in order (method and raw input). */
  readonly calls: { method: MethodName; input: unknown }[];
  handlers: MemoryHandlers;
}

export function createMemoryTransport(handlers: MemoryHandlers = {}): MemoryTransport {
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  const connection = createConnectionSignal('open');
  const calls: { method: MethodName; input: unknown }[] = [];
  const transport: MemoryTransport = {
    kind: 'memory',
    platform: { isDesktop: false },
    handlers,
    calls,
    async invoke(method, input) {
      calls.push({ method, input });
      try {
        const parsed = parseInput(method, input);
        const handler = transport.handlers[method] as ((input: unknown) => unknown) | undefined;
        if (!handler) return { error: { code: 'NOT_IMPLEMENTED', message: `${method} is not implemented in this test` } };
        return await handler(parsed);
      } catch (error) {
        return { error: toErrorBody(error).body };
      }
    },
    subscribe(event, listener) {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      set.add(listener as (payload: unknown) => void);
      return () => set.delete(listener as (payload: unknown) => void);
    },
    emit(event, payload) {
      for (const listener of [...(listeners.get(event) ?? [])]) listener(payload);
    },
    setConnection: connection.set,
    onConnection: connection.on,
    get connection() {
      return connection.state;
    },
  };
  return transport;
}
