/**
 * The renderer's view of a transport: the contract's `Transport` plus what the shell needs to
 * show (connection state of the event stream, login for the web build, desktop helpers).
 */
import type { Transport } from '../../../shared/contract/client';

export type ConnectionState = 'connecting' | 'open' | 'closed';

export interface PlatformInfo {
  isDesktop: boolean;
  /** Opens a URL in the system browser (desktop only). */
  openExternal?(url: string): void;
}

export interface AppTransport extends Transport {
  readonly kind: 'http' | 'ipc' | 'memory';
  readonly platform: PlatformInfo;
  /** Event-stream state; a reopen after `closed` means events were missed: refresh everything. */
  onConnection(listener: (state: ConnectionState) => void): () => void;
  readonly connection: ConnectionState;
  /** Web only: trade a login or admin token for a session cookie. */
  login?(token: string): Promise<void>;
}

/** Tiny listener set shared by the transports. */
export function createConnectionSignal(initial: ConnectionState) {
  let state = initial;
  const listeners = new Set<(state: ConnectionState) => void>();
  return {
    get state() {
      return state;
    },
    set(next: ConnectionState) {
      if (next === state) return;
      state = next;
      for (const listener of [...listeners]) listener(next);
    },
    on(listener: (state: ConnectionState) => void): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
