/**
 * Picks the transport once, at start (Mockoon's pattern): the Electron preload's bridge when
 * present, else HTTP + SSE to the server that served the page. Components never see window.*.
 */
import type { AppTransport } from './app-transport';
import { isBridge } from './bridge';
import { createHttpTransport } from './http-transport';
import { createIpcTransport } from './ipc-transport';

export function createTransport(bridge: unknown): AppTransport {
  return isBridge(bridge) ? createIpcTransport(bridge) : createHttpTransport();
}
