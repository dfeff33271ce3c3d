/**
 * The contract's IPC adapter, generated from `contractMethods` by a loop, as the HTTP adapter
 * is: one `ipcMain.handle('gatehouse:<method>')` per method, all through one wrapper that first
 * rejects senders other than the app's own main frame. Contract events go to the window on
 * `gatehouse:event`, only those in the allowlist.
 */
import type { IpcMainInvokeEvent } from 'electron';
import { eventNames, isEventName, type ContractEventBus, type EventName } from '../../shared/contract/events';
import { methodNames, type ContractHandlers } from '../../shared/contract/methods';
import { callContract, type ErrorLogger } from './contract-call';
import { EVENT_CHANNEL, methodChannel, OPEN_EXTERNAL_CHANNEL, type IpcReply } from './ipc-channels';
import { isExternalWebUrl } from './security';

export interface IpcMainLike {
  handle(channel: string, listener: (event: IpcMainInvokeEvent, ...args: unknown[]) => Promise<unknown>): void;
  removeHandler(channel: string): void;
}

export interface EventTargetLike {
  isDestroyed(): boolean;
  send(channel: string, ...args: unknown[]): void;
}

export interface IpcAdapterOptions {
  ipcMain: IpcMainLike;
  handlers: Partial<ContractHandlers>;
  bus: ContractEventBus;
  /** True only for the app's own main frame (security.ts `isTrustedSender`). */
  isTrustedSender(event: IpcMainInvokeEvent): boolean;
  /** Where events go: the main window's webContents, when there is one. */
  eventTarget(): EventTargetLike | undefined;
  /** Opens an http(s) URL in the system browser (shell.openExternal). */
  openExternal(url: string): Promise<void>;
  /** Events forwarded to the renderer (default: every contract event). */
  events?: readonly EventName[];
  logError?: ErrorLogger;
}

export const FORBIDDEN_SENDER: IpcReply = { error: { code: 'FORBIDDEN', message: 'IPC calls are accepted only from the Gatehouse window' } };

/** Registers every handler and event forwarder; returns the function that removes them all. */
export function registerIpcAdapter(options: IpcAdapterOptions): () => void {
  const logError = options.logError ?? ((message, error) => console.error(`gatehouse: ${message}`, error));
  const channels: string[] = [];

  function guarded(channel: string, serve: (args: unknown[]) => Promise<IpcReply>): void {
    options.ipcMain.handle(channel, async (event, ...args) => {
      if (!options.isTrustedSender(event)) {
        logError(`refused IPC ${channel} from ${event.senderFrame?.url ?? 'an unknown frame'}`, undefined);
        return FORBIDDEN_SENDER;
      }
      return serve(args);
    });
    channels.push(channel);
  }

  for (const method of methodNames) guarded(methodChannel(method), ([input]) => callContract(options.handlers, method, input, { transport: 'ipc' }, logError));

  guarded(OPEN_EXTERNAL_CHANNEL, async ([url]) => {
    if (typeof url !== 'string' || !isExternalWebUrl(url))
      return { error: { code: 'VALIDATION_FAILED', message: 'only http and https links open in the browser', details: [{ path: 'url', message: 'must be an http(s) URL' }] } };
    await options.openExternal(url);
    return { result: null };
  });

  const forwarded = (options.events ?? eventNames).filter(isEventName);
  const offs = forwarded.map((event) =>
    options.bus.on(event, (payload) => {
      const target = options.eventTarget();
      if (target && !target.isDestroyed()) target.send(EVENT_CHANNEL, event, payload);
    }),
  );

  return () => {
    for (const channel of channels) options.ipcMain.removeHandler(channel);
    for (const off of offs) off();
  };
}
