import { describe, expect, it, vi } from 'vitest';
import { createBridge, type IpcRendererLike } from './bridge';
import { EVENT_CHANNEL, OPEN_EXTERNAL_CHANNEL } from './ipc-channels';

/** Records what the bridge sends; `emit` plays main sending an event. */
function recordingIpc(reply: (channel: string, args: unknown[]) => unknown = () => ({ result: 'ok' })) {
  const invoked: Array<{ channel: string; args: unknown[] }> = [];
  const listeners = new Map<string, Set<(event: unknown, ...args: unknown[]) => void>>();
  const ipc: IpcRendererLike = {
    async invoke(channel, ...args) {
      invoked.push({ channel, args });
      return reply(channel, args);
    },
    on(channel, listener) {
      if (!listeners.has(channel)) listeners.set(channel, new Set());
      listeners.get(channel)!.add(listener);
    },
    removeListener(channel, listener) {
      listeners.get(channel)?.delete(listener);
    },
  };
  const emit = (...args: unknown[]) => {
    for (const listener of listeners.get(EVENT_CHANNEL) ?? []) listener({ sender: 'the raw ipcRenderer' }, ...args);
  };
  return { ipc, invoked, emit, listenerCount: () => listeners.get(EVENT_CHANNEL)?.size ?? 0 };
}

const names = { methods: ['apis.list', 'apis.create'], events: ['resource.changed', 'traffic.tick'] };

describe('invoke', () => {
  it('sends allowed methods on their channel and unwraps the result', async () => {
    const { ipc, invoked } = recordingIpc(() => ({ result: [{ id: 'a1' }] }));
    const bridge = createBridge(ipc, names);
    expect(await bridge.invoke('apis.list', { gatewayId: 'g' })).toEqual([{ id: 'a1' }]);
    expect(invoked).toEqual([{ channel: 'gatehouse:apis.list', args: [{ gatewayId: 'g' }] }]);
  });

  it('passes an error envelope through as data', async () => {
    const error = { code: 'VALIDATION_FAILED', message: 'name: must not be empty', details: [{ path: 'name', message: 'must not be empty' }] };
    const bridge = createBridge(recordingIpc(() => ({ error })).ipc, names);
    expect(await bridge.invoke('apis.create', { name: '' })).toEqual({ error });
  });

  it('refuses a method outside the contract without sending anything', async () => {
    const { ipc, invoked } = recordingIpc();
    const bridge = createBridge(ipc, names);
    expect(await bridge.invoke('shell.exec', { cmd: 'rm -rf /' })).toEqual({ error: { code: 'NOT_FOUND', message: 'unknown method "shell.exec"' } });
    expect(await bridge.invoke('__proto__')).toMatchObject({ error: { code: 'NOT_FOUND' } });
    expect(invoked).toEqual([]);
  });
});

describe('subscribe', () => {
  it('delivers only the payload of the subscribed event, never the IPC event object', () => {
    const { ipc, emit } = recordingIpc();
    const bridge = createBridge(ipc, names);
    const seen: unknown[] = [];
    bridge.subscribe('resource.changed', (payload) => seen.push(payload));
    emit('resource.changed', { kind: 'api', id: 'a1', action: 'created' });
    emit('traffic.tick', { t: 1, apis: [] });
    expect(seen).toEqual([{ kind: 'api', id: 'a1', action: 'created' }]);
  });

  it('refuses events outside the contract', () => {
    const bridge = createBridge(recordingIpc().ipc, names);
    expect(() => bridge.subscribe('gatehouse:apis.list', () => {})).toThrow('unknown event "gatehouse:apis.list"');
  });

  it('detaches from IPC when the last listener unsubscribes', () => {
    const { ipc, emit, listenerCount } = recordingIpc();
    const bridge = createBridge(ipc, names);
    const listener = vi.fn();
    const off1 = bridge.subscribe('resource.changed', listener);
    const off2 = bridge.subscribe('traffic.tick', () => {});
    expect(listenerCount()).toBe(1);
    off1();
    emit('resource.changed', {});
    expect(listener).not.toHaveBeenCalled();
    off2();
    expect(listenerCount()).toBe(0);
  });

  it('keeps delivering to the other listeners when one throws', () => {
    const { ipc, emit } = recordingIpc();
    const log = vi.fn();
    const bridge = createBridge(ipc, names, log);
    const good = vi.fn();
    bridge.subscribe('traffic.tick', () => {
      throw new Error('boom');
    });
    bridge.subscribe('traffic.tick', good);
    emit('traffic.tick', { t: 1, apis: [] });
    expect(good).toHaveBeenCalledWith({ t: 1, apis: [] });
    expect(log).toHaveBeenCalledOnce();
  });
});

describe('platform', () => {
  it('is the desktop, and opens links through main (which checks the scheme)', async () => {
    const { ipc, invoked } = recordingIpc((channel, args) => (String(args[0]).startsWith('https:') ? { result: null } : { error: { code: 'VALIDATION_FAILED', message: 'only http and https links open in the browser' } }));
    const bridge = createBridge(ipc, names);
    expect(bridge.platform.isDesktop).toBe(true);
    await bridge.platform.openExternal('https://example.com/');
    await expect(bridge.platform.openExternal('file:///etc/passwd')).rejects.toThrow('only http and https');
    expect(invoked.map((call) => call.channel)).toEqual([OPEN_EXTERNAL_CHANNEL, OPEN_EXTERNAL_CHANNEL]);
  });
});
