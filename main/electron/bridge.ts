/**
 * `window.gatehouse`: the one narrow bridge the preload exposes. Calls and subscriptions are
 * checked against the contract's method and event names before anything is sent, and raw
 * ipcRenderer (or its event objects) never reaches the page.
 */
import { EVENT_CHANNEL, METHOD_CHANNEL_PREFIX, OPEN_EXTERNAL_CHANNEL } from './ipc-channels';

export interface IpcRendererLike {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  on(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
  removeListener(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
}

export interface GatehouseBridge {
  /** Resolves with the method's result, or with the error envelope `{ error: { code, message, details? } }`. */
  invoke(method: string, input?: unknown): Promise<unknown>;
  /** Returns the unsubscribe function. */
  subscribe(event: string, listener: (payload: unknown) => void): () => void;
  platform: { isDesktop: true; openExternal(url: string): Promise<void> };
}

export interface BridgeNames {
  methods: readonly string[];
  events: readonly string[];
}

export function createBridge(ipc: IpcRendererLike, names: BridgeNames, log: (message: string, error: unknown) => void = console.error): GatehouseBridge {
  const methods = new Set(names.methods);
  const events = new Set(names.events);
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  let attached = false;

  // One IPC listener for all events, attached on the first subscription.
  const onEvent = (_event: unknown, name: unknown, payload: unknown) => {
    if (typeof name !== 'string') return;
    for (const listener of [...(listeners.get(name) ?? [])]) {
      try {
        listener(payload);
      } catch (error) {
        log(`gatehouse: a listener of ${name} failed`, error);
      }
    }
  };

  async function invoke(method: string, input?: unknown): Promise<unknown> {
    if (typeof method !== 'string' || !methods.has(method)) return { error: { code: 'NOT_FOUND', message: `unknown method "${String(method)}"` } };
    const reply = await ipc.invoke(METHOD_CHANNEL_PREFIX + method, input ?? {});
    if (reply && typeof reply === 'object') {
      if ('error' in reply) return { error: (reply as { error: unknown }).error };
      if ('result' in reply) return (reply as { result: unknown }).result;
    }
    throw new Error(`unexpected reply to ${method}`);
  }

  function subscribe(event: string, listener: (payload: unknown) => void): () => void {
    if (typeof event !== 'string' || !events.has(event)) throw new TypeError(`unknown event "${String(event)}"`);
    if (typeof listener !== 'function') throw new TypeError('listener must be a function');
    let set = listeners.get(event);
    if (!set) listeners.set(event, (set = new Set()));
    set.add(listener);
    if (!attached) {
      ipc.on(EVENT_CHANNEL, onEvent as (event: unknown, ...args: unknown[]) => void);
      attached = true;
    }
    return () => {
      set.delete(listener);
      if (set.size === 0) listeners.delete(event);
      if (listeners.size === 0 && attached) {
        ipc.removeListener(EVENT_CHANNEL, onEvent as (event: unknown, ...args: unknown[]) => void);
        attached = false;
      }
    };
  }

  async function openExternal(url: string): Promise<void> {
    const reply = (await ipc.invoke(OPEN_EXTERNAL_CHANNEL, String(url))) as { error?: { message: string } } | undefined;
    if (reply?.error) throw new Error(reply.error.message);
  }

  return { invoke, subscribe, platform: { isDesktop: true, openExternal } };
}
