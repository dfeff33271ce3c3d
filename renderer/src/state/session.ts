/** Connection and login state of the shell. */
import type { ConnectionState } from '../transport/app-transport';
import type { Slice } from './store';

export interface SessionSlice {
  connection: ConnectionState;
  /** The server refused us (no or expired session cookie): show the sign-in screen. */
  needsLogin: boolean;
  booted: boolean;
  setConnection(state: ConnectionState): void;
  setNeedsLogin(value: boolean): void;
  setBooted(value: boolean): void;
}

export const createSessionSlice = (): Slice<SessionSlice> => (set) => ({
  connection: 'connecting',
  needsLogin: false,
  booted: false,
  setConnection: (connection) => set({ connection }),
  setNeedsLogin: (needsLogin) => set({ needsLogin }),
  setBooted: (booted) => set({ booted }),
});
