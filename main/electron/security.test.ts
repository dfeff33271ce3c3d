import { beforeEach, describe, expect, it, vi } from 'vitest';
import { FakeBrowserWindow, FakeWebContents, fakeEvent, resetFakeElectron } from './testing/fake-electron';

vi.mock('electron', async () => (await import('./testing/fake-electron')).fakeElectron);

const { APP_CONTENT_SECURITY_POLICY, isTrustedSender, navigationDecision, permissionAllowed, secureWebPreferences, windowOpenDecision } = await import('./security');
const { appRouteUrl, createMainWindow, guardContents, guardSession } = await import('./window');

beforeEach(() => resetFakeElectron());

describe('webPreferences', () => {
  it('isolates and sandboxes the renderer, without Node, with web security and no devtools by default', () => {
    const prefs = secureWebPreferences('/app/dist/electron/preload.cjs');
    expect(prefs).toMatchObject({
      preload: '/app/dist/electron/preload.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      devTools: false,
    });
  });

  it('is what the main window is created with, loading the app scheme (no remote content)', () => {
    const opened: string[] = [];
    createMainWindow({ preloadPath: '/p/preload.cjs', show: true, openExternal: (url) => opened.push(url) });
    const window = FakeBrowserWindow.created[0]!;
    expect(window.options.webPreferences).toEqual(secureWebPreferences('/p/preload.cjs'));
    expect(window.loaded).toEqual(['gatehouse://app/index.html']);
    expect(window.options.show).toBe(false);
    window.emit('ready-to-show');
    expect(window.visible).toBe(true);
  });

  it('keeps a window started hidden (login, tray) hidden', () => {
    createMainWindow({ preloadPath: '/p/preload.cjs', show: false, openExternal: () => {} });
    FakeBrowserWindow.created[0]!.emit('ready-to-show');
    expect(FakeBrowserWindow.created[0]!.visible).toBe(false);
  });

  it('has a CSP that allows scripts only from the app', () => {
    expect(APP_CONTENT_SECURITY_POLICY).toContain("script-src 'self'");
    expect(APP_CONTENT_SECURITY_POLICY).toContain("object-src 'none'");
    expect(APP_CONTENT_SECURITY_POLICY).not.toMatch(/script-src[^;]*unsafe-(inline|eval)/);
  });
});

describe('navigation rules', () => {
  it.each([
    ['gatehouse://app/index.html#/apis', 'allow'],
    ['gatehouse://app/assets/index.js', 'allow'],
    ['https://example.com/docs', 'external'],
    ['http://127.0.0.1:8081/orders', 'external'],
    ['gatehouse://evil/index.html', 'deny'],
    ['gatehouse://user:pw@app/index.html', 'deny'],
    ['file:///etc/passwd', 'deny'],
    ['javascript:alert(1)', 'deny'],
    ['data:text/html,<script>1</script>', 'deny'],
    ['smb://server/share', 'deny'],
    ['not a url', 'deny'],
  ])('%s → %s', (url, decision) => {
    expect(navigationDecision(url)).toBe(decision);
  });

  it('never lets window.open create a window', () => {
    expect(windowOpenDecision('https://example.com')).toBe('external');
    expect(windowOpenDecision('gatehouse://app/index.html')).toBe('deny');
    expect(windowOpenDecision('file:///tmp/x')).toBe('deny');
  });

  it('sends web links to the system browser and blocks everything else, on the real listeners', () => {
    const contents = new FakeWebContents();
    const opened: string[] = [];
    guardContents(contents as never, (url) => opened.push(url));

    const inside = fakeEvent({ url: 'gatehouse://app/index.html#/traffic', isMainFrame: true });
    contents.emit('will-frame-navigate', inside);
    expect(inside.defaultPrevented).toBe(false);

    const web = fakeEvent({ url: 'https://docs.mulesoft.com/', isMainFrame: true });
    contents.emit('will-frame-navigate', web);
    expect(web.defaultPrevented).toBe(true);

    const file = fakeEvent({ url: 'file:///etc/passwd', isMainFrame: true });
    contents.emit('will-frame-navigate', file);
    expect(file.defaultPrevented).toBe(true);

    // A subframe never opens the browser, and a redirect out of the app is stopped too.
    const sub = fakeEvent({ url: 'https://ads.example/', isMainFrame: false });
    contents.emit('will-frame-navigate', sub);
    expect(sub.defaultPrevented).toBe(true);
    const redirect = fakeEvent({ url: 'https://elsewhere.example/', isMainFrame: true });
    contents.emit('will-redirect', redirect);
    expect(redirect.defaultPrevented).toBe(true);

    expect(contents.windowOpenHandler!({ url: 'https://github.com/' })).toEqual({ action: 'deny' });
    expect(contents.windowOpenHandler!({ url: 'javascript:alert(1)' })).toEqual({ action: 'deny' });
    expect(opened).toEqual(['https://docs.mulesoft.com/', 'https://elsewhere.example/', 'https://github.com/']);

    const webview = fakeEvent({});
    contents.emit('will-attach-webview', webview);
    expect(webview.defaultPrevented).toBe(true);
  });

  it('builds hash routes of the app', () => {
    expect(appRouteUrl('/alerts?event=e1')).toBe('gatehouse://app/index.html#/alerts?event=e1');
    expect(navigationDecision(appRouteUrl('/apis/a1/alerts'))).toBe('allow');
  });
});

describe('IPC sender check', () => {
  const contents = { id: 1 };
  const appFrame = { url: 'gatehouse://app/index.html#/apis', parent: null };

  it('trusts only the main frame of the app window showing the app', () => {
    expect(isTrustedSender({ sender: contents, senderFrame: appFrame }, contents)).toBe(true);
  });

  it.each([
    ['another webContents', { sender: { id: 2 }, senderFrame: appFrame }],
    ['an iframe of the app window', { sender: contents, senderFrame: { url: 'gatehouse://app/frame.html', parent: appFrame } }],
    ['a remote page in the window', { sender: contents, senderFrame: { url: 'https://evil.example/', parent: null } }],
    ['a file:// page', { sender: contents, senderFrame: { url: 'file:///tmp/x.html', parent: null } }],
    ['a frame already gone', { sender: contents, senderFrame: null }],
  ])('rejects %s', (_name, event) => {
    expect(isTrustedSender(event, contents)).toBe(false);
  });

  it('rejects everything while there is no window', () => {
    expect(isTrustedSender({ sender: contents, senderFrame: appFrame }, undefined)).toBe(false);
  });
});

describe('permissions', () => {
  it('denies every permission request and check, except clipboard writes from the app', async () => {
    const session = { request: undefined as never as (...args: unknown[]) => void, check: undefined as never as (...args: unknown[]) => boolean };
    guardSession({
      setPermissionRequestHandler: (handler: never) => void (session.request = handler),
      setPermissionCheckHandler: (handler: never) => void (session.check = handler),
    } as never);
    const ask = (permission: string, url: string) =>
      new Promise<boolean>((resolve) => session.request({ getURL: () => url }, permission, resolve, { requestingUrl: url }));
    for (const permission of ['media', 'geolocation', 'notifications', 'openExternal', 'display-capture', 'fileSystem', 'unknown'])
      expect(await ask(permission, 'gatehouse://app/index.html')).toBe(false);
    expect(await ask('clipboard-sanitized-write', 'gatehouse://app/index.html')).toBe(true);
    expect(await ask('clipboard-sanitized-write', 'https://evil.example/')).toBe(false);
    expect(session.check(null, 'media', 'gatehouse://app', {})).toBe(false);
    expect(session.check(null, 'clipboard-sanitized-write', 'gatehouse://app', {})).toBe(true);
    expect(permissionAllowed('clipboard-read', 'gatehouse://app/index.html')).toBe(false);
  });
});

it('guards a webContents once, so a link never opens twice', () => {
  const contents = new FakeWebContents();
  const opened: string[] = [];
  guardContents(contents as never, (url) => opened.push(url));
  guardContents(contents as never, (url) => opened.push(url));
  contents.emit('will-frame-navigate', fakeEvent({ url: 'https://example.com/', isMainFrame: true }));
  expect(opened).toEqual(['https://example.com/']);
});
