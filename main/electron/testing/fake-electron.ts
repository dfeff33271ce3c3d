/**
 * FAKE ELECTRON: a thin stand-in for the 'electron' module, the only fake in these tests (the
 * Electron binary cannot run here). It records what the code asks of Electron and lets a test
 * play the other side: invoke an IPC handler as a given frame, receive what main sends, click a
 * menu item. Use with `vi.mock('electron', async () => (await import('./testing/fake-electron')).fakeElectron)`.
 */
type Listener = (...args: unknown[]) => unknown;

class Emitter {
  private readonly listeners = new Map<string, Set<Listener>>();
  on(event: string, listener: Listener): this {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    set.add(listener);
    return this;
  }
  once(event: string, listener: Listener): this {
    const wrapped: Listener = (...args) => {
      this.removeListener(event, wrapped);
      return listener(...args);
    };
    return this.on(event, wrapped);
  }
  removeListener(event: string, listener: Listener): this {
    this.listeners.get(event)?.delete(listener);
    return this;
  }
  emit(event: string, ...args: unknown[]): boolean {
    const set = this.listeners.get(event);
    for (const listener of [...(set ?? [])]) listener(...args);
    return Boolean(set && set.size > 0);
  }
  listenerCount(event: string): number {
    return this.listeners.get(event)?.size ?? 0;
  }
}

export interface FakeFrame {
  url: string;
  parent: FakeFrame | null;
}

/** A preventable event as Electron passes to `will-*` listeners. */
export function fakeEvent<T extends object>(fields: T): T & { defaultPrevented: boolean; preventDefault(): void } {
  const event = { ...fields, defaultPrevented: false, preventDefault: () => void (event.defaultPrevented = true) };
  return event;
}

export class FakeWebContents extends Emitter {
  readonly sent: Array<{ channel: string; args: unknown[] }> = [];
  destroyed = false;
  mainFrame: FakeFrame;
  windowOpenHandler: ((details: { url: string }) => { action: 'allow' | 'deny' }) | undefined;
  /** The renderer side listening on this contents (see FakeIpcRenderer). */
  renderer: FakeIpcRenderer | undefined;

  constructor(url = 'gatehouse://app/index.html') {
    super();
    this.mainFrame = { url, parent: null };
  }
  send(channel: string, ...args: unknown[]): void {
    this.sent.push({ channel, args: structuredClone(args) });
    this.renderer?.deliver(channel, structuredClone(args));
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  getURL(): string {
    return this.mainFrame.url;
  }
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'allow' | 'deny' }): void {
    this.windowOpenHandler = handler;
  }
}

export class FakeIpcMain {
  readonly handlers = new Map<string, Listener>();
  handle(channel: string, listener: Listener): void {
    if (this.handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
    this.handlers.set(channel, listener);
  }
  removeHandler(channel: string): void {
    this.handlers.delete(channel);
  }
  /** Calls a handler as Electron would for `ipcRenderer.invoke` from `frame` of `sender`. */
  async invoke(channel: string, from: { sender: FakeWebContents; frame?: FakeFrame | null }, ...args: unknown[]): Promise<unknown> {
    const handler = this.handlers.get(channel);
    if (!handler) throw new Error(`Error invoking remote method '${channel}': Error: No handler registered for '${channel}'`);
    const event = { sender: from.sender, senderFrame: from.frame === undefined ? from.sender.mainFrame : from.frame };
    // Arguments and results cross the process boundary as structured clones.
    return structuredClone(await handler(event, ...structuredClone(args)));
  }
}

/** The renderer end of IPC for one webContents, talking to a FakeIpcMain. */
export class FakeIpcRenderer extends Emitter {
  constructor(
    private readonly ipcMain: FakeIpcMain,
    readonly contents: FakeWebContents,
    private readonly frame: FakeFrame | null = contents.mainFrame,
  ) {
    super();
    contents.renderer = this;
  }
  invoke(channel: string, ...args: unknown[]): Promise<unknown> {
    return this.ipcMain.invoke(channel, { sender: this.contents, frame: this.frame }, ...args);
  }
  deliver(channel: string, args: unknown[]): void {
    this.emit(channel, { sender: this }, ...args);
  }
}

export class FakeBrowserWindow extends Emitter {
  static created: FakeBrowserWindow[] = [];
  readonly webContents = new FakeWebContents();
  readonly loaded: string[] = [];
  visible = false;
  destroyed = false;
  constructor(readonly options: Record<string, unknown>) {
    super();
    FakeBrowserWindow.created.push(this);
  }
  async loadURL(url: string): Promise<void> {
    this.loaded.push(url);
    this.webContents.mainFrame.url = url;
  }
  show(): void {
    this.visible = true;
  }
  hide(): void {
    this.visible = false;
  }
  isVisible(): boolean {
    return this.visible;
  }
  /** As the user closing it: listeners may prevent it (close to tray). */
  close(): void {
    const event = fakeEvent({});
    this.emit('close', event);
    if (event.defaultPrevented) return;
    this.destroyed = true;
    this.webContents.destroyed = true;
    this.emit('closed');
    // As Electron: the last window closing emits window-all-closed, except while quitting.
    const app = fakeElectron.app;
    if (!app.quitting && FakeBrowserWindow.created.every((window) => window.destroyed)) app.emit('window-all-closed');
  }
  focus(): void {}
  isMinimized(): boolean {
    return false;
  }
  restore(): void {}
  isDestroyed(): boolean {
    return this.destroyed;
  }
}

export interface FakeMenuItem {
  label?: string;
  type?: string;
  checked?: boolean;
  enabled?: boolean;
  click?: () => void;
  submenu?: FakeMenuItem[];
}

export class FakeMenu {
  constructor(readonly items: FakeMenuItem[]) {}
  static buildFromTemplate(template: FakeMenuItem[]): FakeMenu {
    return new FakeMenu(template);
  }
}

export class FakeTray extends Emitter {
  static created: FakeTray[] = [];
  image: unknown;
  tooltip = '';
  menu: FakeMenu | null = null;
  menuBuilds = 0;
  destroyed = false;
  constructor(image: unknown) {
    super();
    this.image = image;
    FakeTray.created.push(this);
  }
  setImage(image: unknown): void {
    this.image = image;
  }
  setToolTip(text: string): void {
    this.tooltip = text;
  }
  setContextMenu(menu: FakeMenu | null): void {
    this.menu = menu;
    this.menuBuilds++;
  }
  destroy(): void {
    this.destroyed = true;
  }
}

export class FakeNativeImage {
  readonly representations: Array<{ scaleFactor: number; buffer: Buffer }> = [];
  static createFromBuffer(buffer: Buffer, options: { scaleFactor?: number } = {}): FakeNativeImage {
    const image = new FakeNativeImage();
    image.representations.push({ scaleFactor: options.scaleFactor ?? 1, buffer });
    return image;
  }
  addRepresentation(options: { scaleFactor: number; buffer: Buffer }): void {
    this.representations.push(options);
  }
}

/** Electron's `app`: paths, the single-instance lock, and quit with a preventable before-quit. */
export class FakeApp extends Emitter {
  name = 'Electron';
  readonly paths = new Map<string, string>([['appData', '/tmp/fake-electron-appdata']]);
  isPackaged = false;
  quitCalls = 0;
  quitting = false;
  quitted = false;
  appUserModelId: string | undefined;
  exitCode: number | undefined;
  hasLock = true;
  loginItem = { openAtLogin: false };
  setName(name: string): void {
    this.name = name;
  }
  getPath(name: string): string {
    const value = this.paths.get(name);
    if (!value) throw new Error(`Failed to get '${name}' path`);
    return value;
  }
  setPath(name: string, value: string): void {
    this.paths.set(name, value);
  }
  requestSingleInstanceLock(): boolean {
    return this.hasLock;
  }
  whenReady(): Promise<void> {
    return Promise.resolve();
  }
  quit(): void {
    this.quitCalls++;
    const event = fakeEvent({});
    this.emit('before-quit', event);
    if (event.defaultPrevented) return;
    this.quitting = true;
    for (const window of FakeBrowserWindow.created) if (!window.destroyed) window.close();
    this.emit('will-quit', fakeEvent({}));
    this.quitted = true;
  }
  setAppUserModelId(id: string): void {
    this.appUserModelId = id;
  }
  exit(code = 0): void {
    this.exitCode = code;
  }
  getLoginItemSettings(): { openAtLogin: boolean } {
    return this.loginItem;
  }
  setLoginItemSettings(settings: { openAtLogin: boolean }): void {
    this.loginItem = { openAtLogin: settings.openAtLogin };
  }
}

export class FakeNotification extends Emitter {
  static shown: FakeNotification[] = [];
  static isSupported(): boolean {
    return true;
  }
  constructor(readonly options: { title: string; body: string }) {
    super();
  }
  show(): void {
    FakeNotification.shown.push(this);
  }
}

/**
 * safeStorage: a "keychain" whose secret lives in this object, so data wrapped by one instance
 * opens only with that instance (`new FakeSafeStorage()` plays another machine or user).
 * `backend = 'basic_text'` plays Linux without a keychain.
 */
export class FakeSafeStorage {
  available = true;
  backend = 'gnome_libsecret';
  private readonly secret = Math.random().toString(36).slice(2);

  isEncryptionAvailable(): boolean {
    return this.available;
  }
  getSelectedStorageBackend(): string {
    return this.backend;
  }
  encryptString(plainText: string): Buffer {
    if (!this.available) throw new Error('Encryption is not available.');
    return Buffer.from(`fake-keychain:${this.secret}:${Buffer.from(plainText).toString('hex')}`);
  }
  decryptString(encrypted: Buffer): string {
    const [tag, secret, hex] = encrypted.toString().split(':');
    if (tag !== 'fake-keychain' || secret !== this.secret || hex === undefined) throw new Error('Error while decrypting the ciphertext provided to safeStorage.decryptString.');
    return Buffer.from(hex, 'hex').toString();
  }
}

const exposed = new Map<string, unknown>();
const ipcMain = new FakeIpcMain();
const rendererContents = new FakeWebContents();

/** What `vi.mock('electron')` returns. Call `resetFakeElectron()` between tests. */
export const fakeElectron = {
  ipcMain,
  ipcRenderer: new FakeIpcRenderer(ipcMain, rendererContents),
  contextBridge: {
    exposed,
    exposeInMainWorld(key: string, api: unknown): void {
      if (exposed.has(key)) throw new Error(`Cannot bind an API on top of an existing property on the window object: ${key}`);
      exposed.set(key, api);
    },
  },
  app: new FakeApp(),
  protocol: {
    privileged: [] as unknown[],
    handlers: new Map<string, (request: { url: string }) => Promise<Response> | Response>(),
    registerSchemesAsPrivileged(schemes: unknown[]): void {
      fakeElectron.protocol.privileged.push(...schemes);
    },
    handle(scheme: string, handler: (request: { url: string }) => Promise<Response> | Response): void {
      fakeElectron.protocol.handlers.set(scheme, handler);
    },
  },
  session: {
    defaultSession: {
      requestHandler: undefined as unknown,
      checkHandler: undefined as unknown,
      setPermissionRequestHandler(handler: unknown): void {
        fakeElectron.session.defaultSession.requestHandler = handler;
      },
      setPermissionCheckHandler(handler: unknown): void {
        fakeElectron.session.defaultSession.checkHandler = handler;
      },
    },
  },
  dialog: {
    errors: [] as Array<{ title: string; content: string }>,
    showErrorBox(title: string, content: string): void {
      fakeElectron.dialog.errors.push({ title, content });
    },
  },
  Notification: FakeNotification,
  BrowserWindow: FakeBrowserWindow,
  Menu: FakeMenu,
  Tray: FakeTray,
  nativeImage: FakeNativeImage,
  safeStorage: new FakeSafeStorage(),
  shell: {
    opened: [] as string[],
    async openExternal(url: string): Promise<void> {
      fakeElectron.shell.opened.push(url);
    },
  },
};

export function resetFakeElectron(): void {
  exposed.clear();
  ipcMain.handlers.clear();
  FakeBrowserWindow.created.length = 0;
  FakeTray.created.length = 0;
  FakeNotification.shown.length = 0;
  fakeElectron.shell.opened.length = 0;
}
