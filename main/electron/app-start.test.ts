/**
 * app.ts before it starts anything: a second instance for the same data dir hands over to the
 * first (Electron sends it `second-instance`) and quits without opening a window or a port;
 * on Windows the notifications' AppUserModelID is the installer's. Only 'electron' is the stand-in.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { freePort, request } from '../testing/net';
import { WINDOWS_APP_USER_MODEL_ID } from './notifications';
import { FakeBrowserWindow, fakeElectron, FakeTray } from './testing/fake-electron';

vi.mock('electron', async () => (await import('./testing/fake-electron')).fakeElectron);

let dataDir: string;
let gatewayPort: number;
let adminPort: number;
const savedArgv = process.argv;
const savedPlatform = Object.getOwnPropertyDescriptor(process, 'platform')!;
const stderr: string[] = [];

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'gatehouse-app-start-'));
  [gatewayPort, adminPort] = [await freePort(), await freePort()];
  process.argv = [process.execPath, 'dist/electron/app.cjs', '--data-dir', dataDir, '--gateway-port', String(gatewayPort), '--port', String(adminPort)];
  // Another Gatehouse holds this data dir's lock; this one is the installed Windows app.
  fakeElectron.app.hasLock = false;
  fakeElectron.app.isPackaged = true;
  Object.defineProperty(process, 'platform', { ...savedPlatform, value: 'win32' });
  const write = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => (stderr.push(String(chunk)), true));
  try {
    await import('./app');
  } finally {
    Object.defineProperty(process, 'platform', savedPlatform);
    write.mockRestore();
  }
  // Anything main() would start would have started by now.
  await new Promise((resolve) => setTimeout(resolve, 200));
});

afterAll(() => {
  process.argv = savedArgv;
  rmSync(dataDir, { recursive: true, force: true });
});

describe('a second instance', () => {
  it('quits, saying the app is already running for that data dir, without a window, a tray or a port', async () => {
    expect(fakeElectron.app.quitCalls).toBe(1);
    expect(fakeElectron.app.quitted).toBe(true);
    expect(stderr.join('')).toContain(`Gatehouse is already running for ${dataDir}`);
    expect(FakeBrowserWindow.created).toEqual([]);
    expect(FakeTray.created).toEqual([]);
    await expect(request(`http://127.0.0.1:${gatewayPort}/.gatehouse/health`)).rejects.toThrow(/ECONNREFUSED/);
    await expect(request(`http://127.0.0.1:${adminPort}/api/v1/health`)).rejects.toThrow(/ECONNREFUSED/);
  });

  it('still takes the lock per data dir (userData) and the installed app ID on Windows', () => {
    expect(fakeElectron.app.getPath('userData')).toBe(dataDir);
    expect(fakeElectron.app.appUserModelId).toBe(WINDOWS_APP_USER_MODEL_ID);
  });
});
