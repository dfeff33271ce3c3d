/**
 * The control plane's typed event bus (the contract's events). Adapters (SSE, IPC) subscribe;
 * services publish. A listener that throws is reported and never stops the others.
 */
import type { ContractEventBus, EventListener, EventName, EventPayload } from '../../shared/contract/events';

export class EventBus implements ContractEventBus {
  private readonly listeners = new Map<EventName, Set<(payload: never) => void>>();

  constructor(private readonly onListenerError: (error: Error, event: EventName) => void = () => {}) {}

  emit<E extends EventName>(event: E, payload: EventPayload<E>): void {
    const set = this.listeners.get(event);
    if (!set) return;
    for (const listener of [...set]) {
      try {
        (listener as EventListener<E>)(payload);
      } catch (error) {
        this.onListenerError(error instanceof Error ? error : new Error(String(error)), event);
      }
    }
  }

  on<E extends EventName>(event: E, listener: EventListener<E>): () => void {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    set.add(listener as (payload: never) => void);
    return () => {
      set.delete(listener as (payload: never) => void);
    };
  }

  /** Resolves with the next payload of `event` that satisfies `match` (tests, try-it). */
  next<E extends EventName>(event: E, match: (payload: EventPayload<E>) => boolean = () => true, timeoutMs = 5000): Promise<EventPayload<E>> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        off();
        reject(new Error(`no ${event} event within ${timeoutMs} ms`));
      }, timeoutMs);
      const off = this.on(event, (payload) => {
        if (!match(payload)) return;
        clearTimeout(timer);
        off();
        resolve(payload);
      });
    });
  }

  listenerCount(event: EventName): number {
    return this.listeners.get(event)?.size ?? 0;
  }
}
