// `npm start` where Electron cannot run (here: no display, no binary): one line saying why,
// then `gatehouse serve` with the flags passed through, stopped cleanly by SIGTERM. Whether a
// missing binary is downloaded first is decided by electronLaunchCheck, tested below.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, request } from '../main/testing/net';
import { downloadElectronBinary, electronLaunchCheck } from './electron-native.cjs';

const root = path.resolve(__dirname, '..');
let dataDir: string;

beforeAll(() => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'gatehouse-start-'));
  // npm test builds first; on its own, make sure the CLI bundle exists.
  if (!existsSync(path.join(root, 'dist', 'cli.cjs'))) spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: root, stdio: 'inherit' });
});
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('electronLaunchCheck', () => {
  it('says what is missing; a missing binary can be downloaded, but not for a machine without a display', () => {
    expect(electronLaunchCheck({ GATEHOUSE_HEADLESS: '1' })).toEqual({ ok: false, reason: 'GATEHOUSE_HEADLESS=1 is set' });
    expect(electronLaunchCheck({ ELECTRON_OVERRIDE_DIST_PATH: '/nowhere', DISPLAY: ':0' }, 'linux')).toEqual({ ok: false, downloadable: true, reason: expect.stringContaining('Electron binary not installed') });
    expect(electronLaunchCheck({ ELECTRON_OVERRIDE_DIST_PATH: '/nowhere' }, 'linux')).toEqual({ ok: false, reason: expect.stringContaining('no display') });
    expect(electronLaunchCheck({ ELECTRON_OVERRIDE_DIST_PATH: '/nowhere' }, 'darwin')).toMatchObject({ ok: false, downloadable: true });
    // A binary that exists but no display to show it on.
    const dist = path.join(dataDir, 'electron-dist');
    mkdirSync(dist);
    writeFileSync(path.join(dist, 'electron'), '');
    expect(electronLaunchCheck({ ELECTRON_OVERRIDE_DIST_PATH: dist }, 'linux')).toMatchObject({ ok: false, reason: expect.stringContaining('no display') });
    expect(electronLaunchCheck({ ELECTRON_OVERRIDE_DIST_PATH: dist, DISPLAY: ':0' }, 'linux')).toEqual({ ok: true, binary: path.join(dist, 'electron') });
  });
});

describe('downloadElectronBinary', () => {
  // Stand-ins for electron's installer (the real one would fetch ~100 MB from GitHub).
  const installer = (name: string, source: string) => {
    const file = path.join(dataDir, `${name}.cjs`);
    writeFileSync(file, source);
    return file;
  };

  it('reports success when the installer succeeds', () => {
    expect(downloadElectronBinary({ installer: installer('ok', 'process.exit(0)') })).toEqual({ ok: true });
  });

  it("gives the installer's error in one line", () => {
    const failing = installer('fails', "console.error('RequestError: getaddrinfo ENOTFOUND github.com\\n    at ClientRequest.<anonymous> (got/index.js:1:1)'); process.exit(1)");
    expect(downloadElectronBinary({ installer: failing })).toEqual({ ok: false, reason: 'Electron binary could not be downloaded (RequestError: getaddrinfo ENOTFOUND github.com)' });
  });

  it('gives up on an installer that hangs', () => {
    const hangs = installer('hangs', 'setInterval(() => {}, 1000)');
    expect(downloadElectronBinary({ installer: hangs, timeoutMs: 1_000 })).toEqual({ ok: false, reason: 'Electron binary could not be downloaded (no answer within 1 s)' });
  });
});

describe('npm start fallback', () => {
  it('explains in one line, serves the UI on the given ports, and stops on SIGTERM with exit 0', async () => {
    const [port, gatewayPort] = [await freePort(), await freePort()];
    const env: NodeJS.ProcessEnv = { ...process.env, GATEHOUSE_DATA_DIR: dataDir };
    // Where Electron could run, or would be downloaded first, force the fallback this test is about.
    const check = electronLaunchCheck();
    if (check.ok || check.downloadable) env.GATEHOUSE_HEADLESS = '1';
    const child = spawn(process.execPath, ['scripts/start.mjs', '--no-build', '--port', String(port), '--gateway-port', String(gatewayPort)], { cwd: root, env });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));

    const deadline = Date.now() + 15_000;
    while (!/Web UI: +http:\/\/127\.0\.0\.1:\d+\/\?token=\S+/.test(stdout)) {
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`no URL printed:\n${stdout}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const lines = stdout.split('\n');
    expect(lines[0]).toMatch(/^(Electron binary not installed|no display|GATEHOUSE_HEADLESS=1 is set).* — starting the headless UI instead \(gatehouse serve\)$/);
    const url = /Web UI: +(\S+)/.exec(stdout)![1]!;
    expect(new URL(url).port).toBe(String(port));

    const health = await request(`http://127.0.0.1:${port}/api/v1/health`);
    expect(health.status).toBe(200);
    expect(health.json()).toMatchObject({ status: 'ok', gateway: { port: gatewayPort } });
    const gateway = await request(`http://127.0.0.1:${gatewayPort}/.gatehouse/health`);
    expect(gateway.status).toBe(200);

    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(stdout).toContain('stopped');
    expect(existsSync(path.join(dataDir, 'gatehouse.sqlite'))).toBe(true);
  });
});
