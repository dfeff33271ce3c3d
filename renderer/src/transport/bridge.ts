/**
 * What the Electron preload exposes as `window.gatehouse` (main/electron/preload.ts). Kept
 * minimal on purpose: two generic calls generated from the contract, plus optional desktop
 * helpers that every caller must treat as optional (the UI also runs in a plain browser).
 */
export interface GatehouseBridge {
  invoke(method: string, input: unknown): Promise<unknown>;
  subscribe(event: string, listener: (payload: unknown) => void): () => void;
  platform: { isDesktop: true; openExternal?(url: string): void };
}

declare global {
  interface Window {
    gatehouse?: GatehouseBridge;
  }
}

/** True when `value` has the bridge's shape (a page must not trust a half-made global). */
export function isBridge(value: unknown): value is GatehouseBridge {
  if (!value || typeof value !== 'object') return false;
  const bridge = value as Partial<GatehouseBridge>;
  return typeof bridge.invoke === 'function' && typeof bridge.subscribe === 'function';
}
