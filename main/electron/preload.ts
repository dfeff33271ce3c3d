/**
 * Preload (sandboxed, bundled to dist/electron/preload.cjs): exposes `window.gatehouse` and
 * nothing else. The allowlists are the contract's own method and event names.
 */
import { contextBridge, ipcRenderer } from 'electron';
import { createBridge } from './bridge';
import { eventNames, methodNames } from './contract-names';

contextBridge.exposeInMainWorld('gatehouse', createBridge(ipcRenderer, { methods: methodNames, events: eventNames }));
