/**
 * The desktop transport over a stand-in for the preload bridge (the Electron binary cannot run
 * here): calls go through `invoke` by contract name, envelopes become ContractErrors, events
 * arrive through `subscribe`. The factory picks IPC only for a complete bridge.
 */
import { describe, expect, it } from 'vitest';
import { createClient } from '../../../shared/contract/client';
import { ContractError } from '../../../shared/contract/errors';
import type { GatehouseBridge } from './bridge';
import { createTransport } from './create-transport';
import { createIpcTransport } from './ipc-transport';

function bridge() {
  const calls: { method: string; input: unknown }[] = [];
  const listeners = new Map<string, (payload: unknown) => void>();
  const opened: string[] = [];
  const value: GatehouseBridge = {
    async invoke(method, input) {
      calls.push({ method, input });
      if (method === 'apis.get') return { error: { code: 'NOT_FOUND', message: 'API "x" does not exist' } };
      return [];
    },
    subscribe(event, listener) {
      listeners.set(event, listener);
      return () => listeners.delete(event);
    },
    platform: { isDesktop: true, openExternal: (url) => void opened.push(url) },
  };
  return { value, calls, listeners, opened };
}

describe('ipc transport', () => {
  it('invokes contract methods by name and rebuilds errors', async () => {
    const b = bridge();
    const client = createClient(createIpcTransport(b.value));
    expect(await client.apis.list({ gatewayId: 'g' })).toEqual([]);
    expect(b.calls).toEqual([{ method: 'apis.list', input: { gatewayId: 'g' } }]);
    const error = await client.apis.get({ id: 'x' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ContractError);
    expect(error).toMatchObject({ code: 'NOT_FOUND', status: 404 });
  });

  it('passes events through and unsubscribes', () => {
    const b = bridge();
    const transport = createIpcTransport(b.value);
    const got: unknown[] = [];
    const off = transport.subscribe('traffic.tick', (tick) => got.push(tick));
    b.listeners.get('traffic.tick')!({ t: 1, apis: [] });
    expect(got).toEqual([{ t: 1, apis: [] }]);
    off();
    expect(b.listeners.has('traffic.tick')).toBe(false);
    expect(transport.connection).toBe('open');
    expect(transport.platform.isDesktop).toBe(true);
    transport.platform.openExternal?.('https://example.com');
    expect(b.opened).toEqual(['https://example.com']);
  });

  it('is chosen only when the bridge is really there', () => {
    expect(createTransport(bridge().value).kind).toBe('ipc');
    expect(createTransport(undefined).kind).toBe('http');
    expect(createTransport({ invoke: 'not a function' }).kind).toBe('http');
  });
});
