import { describe, expect, it, vi } from 'vitest';
import { eventNames } from '../../shared/contract/events';
import { methodNames } from '../../shared/contract/methods';
import { fakeElectron } from './testing/fake-electron';

vi.mock('electron', async () => (await import('./testing/fake-electron')).fakeElectron);

describe('preload', () => {
  it('exposes exactly one bridge, window.gatehouse, with invoke, subscribe and platform', async () => {
    await import('./preload');
    expect([...fakeElectron.contextBridge.exposed.keys()]).toEqual(['gatehouse']);
    const bridge = fakeElectron.contextBridge.exposed.get('gatehouse') as Record<string, unknown>;
    expect(Object.keys(bridge).sort()).toEqual(['invoke', 'platform', 'subscribe']);
    expect(Object.keys(bridge.platform as object).sort()).toEqual(['isDesktop', 'openExternal']);
    expect(bridge).not.toHaveProperty('ipcRenderer');
  });

  it('allows every contract method and event, and nothing else', async () => {
    await import('./preload');
    const bridge = fakeElectron.contextBridge.exposed.get('gatehouse') as { invoke(m: string, i?: unknown): Promise<unknown>; subscribe(e: string, l: () => void): () => void };
    expect(methodNames.length).toBeGreaterThan(30);
    for (const event of eventNames) bridge.subscribe(event, () => {})();
    expect(() => bridge.subscribe('gatehouse:event', () => {})).toThrow();
    // Nothing handles the channels in this test, so an allowed method reaches IPC and fails there.
    await expect(bridge.invoke(methodNames[0]!, {})).rejects.toThrow(`No handler registered for 'gatehouse:${methodNames[0]}'`);
    expect(await bridge.invoke('app.relaunch', {})).toMatchObject({ error: { code: 'NOT_FOUND' } });
  });
});

describe('preload bundle', () => {
  it('carries the contract names as literals, without zod or the schemas', async () => {
    const { mkdtempSync, readFileSync, rmSync } = await import('node:fs');
    const os = await import('node:os');
    const path = await import('node:path');
    const dir = mkdtempSync(path.join(os.tmpdir(), 'gatehouse-preload-'));
    try {
      const { buildPreload } = (await import('../../scripts/electron-build.mjs' as string)) as { buildPreload(outfile: string): Promise<void> };
      await buildPreload(path.join(dir, 'preload.cjs'));
      const code = readFileSync(path.join(dir, 'preload.cjs'), 'utf8');
      for (const name of [...methodNames, ...eventNames]) expect(code).toContain(JSON.stringify(name));
      expect(code).not.toMatch(/zod|ZodError/);
      expect(code.length).toBeLessThan(20_000);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
