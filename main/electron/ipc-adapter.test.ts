import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type Transport } from '../../shared/contract/client';
import { ContractError } from '../../shared/contract/errors';
import { methodNames } from '../../shared/contract/methods';
import { eventNames } from '../../shared/contract/events';
import { startControlFixture, type ControlFixture } from '../control/testing/control-fixture';
import { createBridge } from './bridge';
import { EVENT_CHANNEL, methodChannel, OPEN_EXTERNAL_CHANNEL } from './ipc-channels';
import { FORBIDDEN_SENDER, registerIpcAdapter } from './ipc-adapter';
import { isTrustedSender } from './security';
import { FakeIpcMain, FakeIpcRenderer, FakeWebContents } from './testing/fake-electron';

let fixture: ControlFixture;
let ipcMain: FakeIpcMain;
let window: FakeWebContents;
let opened: string[];
let logged: string[];
let dispose: () => void;

beforeAll(async () => {
  fixture = await startControlFixture();
});
afterAll(async () => {
  await fixture.close();
});

function register(options: { handlers?: typeof fixture.plane.handlers; events?: Parameters<typeof registerIpcAdapter>[0]['events'] } = {}) {
  ipcMain = new FakeIpcMain();
  window = new FakeWebContents();
  opened = [];
  logged = [];
  dispose = registerIpcAdapter({
    ipcMain: ipcMain as never,
    handlers: options.handlers ?? fixture.plane.handlers,
    bus: fixture.plane.bus,
    isTrustedSender: (event) => isTrustedSender(event, window),
    eventTarget: () => window,
    openExternal: async (url) => void opened.push(url),
    logError: (message) => logged.push(message),
    ...(options.events ? { events: options.events } : {}),
  });
}
afterEach(() => dispose());

const upstream = () => fixture.upstream.url;

/** The renderer's view: the preload bridge over the fake IPC of `window` (as renderer/src/transport/ipc-transport.ts uses it). */
function bridgeTransport(): Transport {
  return createBridge(new FakeIpcRenderer(ipcMain, window), { methods: methodNames, events: eventNames }) as unknown as Transport;
}

describe('handlers', () => {
  it('registers one channel per contract method, plus the link opener, and removes them all', () => {
    register();
    expect([...ipcMain.handlers.keys()].sort()).toEqual([...methodNames.map(methodChannel), OPEN_EXTERNAL_CHANNEL].sort());
    dispose();
    expect(ipcMain.handlers.size).toBe(0);
    register();
  });

  it('serves the contract through the preload bridge end to end (create, list, events)', async () => {
    register();
    const client = createClient(bridgeTransport());
    const changes: unknown[] = [];
    const off = client.on('resource.changed', (change) => changes.push(change));
    const api = await client.apis.create({ name: 'IPC Orders', implementationUrl: upstream() });
    expect(api).toMatchObject({ name: 'IPC Orders', basePath: '/ipc-orders', enabled: true });
    expect((await client.apis.list()).map((a) => a.id)).toContain(api.id);
    expect(changes).toContainEqual(expect.objectContaining({ kind: 'api', id: api.id, action: 'created' }));
    off();
  });
});

describe('sender checks', () => {
  it.each([
    ['an iframe of the window', (contents: FakeWebContents) => ({ sender: contents, frame: { url: 'gatehouse://app/index.html', parent: contents.mainFrame } })],
    ['another webContents', () => ({ sender: new FakeWebContents() })],
    ['the window after it navigated away', (contents: FakeWebContents) => ({ sender: contents, frame: { url: 'https://evil.example/', parent: null } })],
    ['a destroyed frame', (contents: FakeWebContents) => ({ sender: contents, frame: null })],
  ])('refuses %s before anything runs', async (_name, from) => {
    register();
    const before = (await fixture.call('apis.list', {})).length;
    const reply = await ipcMain.invoke(methodChannel('apis.create'), from(window), { name: 'Sneaky', implementationUrl: upstream() });
    expect(reply).toEqual(FORBIDDEN_SENDER);
    expect((await fixture.call('apis.list', {})).length).toBe(before);
    expect(await ipcMain.invoke(OPEN_EXTERNAL_CHANNEL, from(window), 'https://example.com/')).toEqual(FORBIDDEN_SENDER);
    expect(opened).toEqual([]);
    expect(logged[0]).toMatch(/^refused IPC gatehouse:apis\.create from /);
  });
});

describe('error envelope', () => {
  it('names the bad fields of invalid input, like the HTTP adapter', async () => {
    register();
    const reply = await ipcMain.invoke(methodChannel('apis.create'), { sender: window }, { name: '', implementationUrl: 'ftp://x', colour: 'red' });
    expect(reply).toEqual({
      error: {
        code: 'VALIDATION_FAILED',
        message: expect.any(String),
        details: expect.arrayContaining([
          { path: 'name', message: 'must not be empty' },
          { path: 'implementationUrl', message: 'must use http or https, got "ftp"' },
          { path: 'colour', message: 'unknown field' },
        ]),
      },
    });
  });

  it('answers NOT_FOUND for an unknown id, and the client rebuilds a ContractError', async () => {
    register();
    expect(await ipcMain.invoke(methodChannel('apis.get'), { sender: window }, { id: 'nope' })).toEqual({ error: { code: 'NOT_FOUND', message: expect.stringContaining('nope') } });
    const client = createClient(bridgeTransport());
    const error = await client.apis.get({ id: 'nope' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ContractError);
    expect(error).toMatchObject({ code: 'NOT_FOUND', status: 404 });
  });

  it('hides internal failures: code and a plain message, no stack, details only in the log', async () => {
    register({
      handlers: {
        ...fixture.plane.handlers,
        'system.info': async () => {
          throw new Error('ENOENT: /home/me/.config/Gatehouse/secret at Object.openSync (node:fs:1)');
        },
      },
    });
    const reply = await ipcMain.invoke(methodChannel('system.info'), { sender: window }, {});
    expect(reply).toEqual({ error: { code: 'INTERNAL_ERROR', message: 'internal error' } });
    expect(JSON.stringify(reply)).not.toMatch(/ENOENT|stack|node:fs/);
    expect(logged).toEqual(['system.info failed']);
  });

  it('strips fields the contract does not show from results', async () => {
    register();
    const created = await ipcMain.invoke(methodChannel('applications.create'), { sender: window }, { name: 'Shown once' });
    const id = (created as { result: { id: string; clientSecret: string } }).result.id;
    expect((created as { result: { clientSecret: string } }).result.clientSecret).toBeTruthy();
    const got = (await ipcMain.invoke(methodChannel('applications.get'), { sender: window }, { id })) as { result: Record<string, unknown> };
    expect(got.result).not.toHaveProperty('clientSecret');
    expect(JSON.stringify(got.result)).not.toMatch(/hash/i);
  });
});

describe('events', () => {
  it('forwards contract events to the window on one channel, with the payload as data', () => {
    register();
    fixture.plane.bus.emit('resource.changed', { kind: 'api', id: 'a1', action: 'updated' });
    expect(window.sent).toEqual([{ channel: EVENT_CHANNEL, args: ['resource.changed', { kind: 'api', id: 'a1', action: 'updated' }] }]);
  });

  it('forwards only the allowlisted events', () => {
    register({ events: ['resource.changed'] });
    fixture.plane.bus.emit('traffic.tick', { t: 1, apis: [] });
    fixture.plane.bus.emit('resource.changed', { kind: 'settings', id: 'settings', action: 'updated' });
    expect(window.sent.map((m) => m.args[0])).toEqual(['resource.changed']);
  });

  it('sends nothing to a destroyed window, and nothing after dispose', () => {
    register();
    window.destroyed = true;
    fixture.plane.bus.emit('resource.changed', { kind: 'api', id: 'a1', action: 'updated' });
    window.destroyed = false;
    dispose();
    fixture.plane.bus.emit('resource.changed', { kind: 'api', id: 'a1', action: 'updated' });
    expect(window.sent).toEqual([]);
    register();
  });
});

describe('links', () => {
  it('opens only http(s) links in the system browser', async () => {
    register();
    expect(await ipcMain.invoke(OPEN_EXTERNAL_CHANNEL, { sender: window }, 'https://docs.example.com/')).toEqual({ result: null });
    for (const url of ['file:///etc/passwd', 'javascript:alert(1)', 'ms-settings:', 42])
      expect(await ipcMain.invoke(OPEN_EXTERNAL_CHANNEL, { sender: window }, url)).toMatchObject({ error: { code: 'VALIDATION_FAILED' } });
    expect(opened).toEqual(['https://docs.example.com/']);
  });
});
