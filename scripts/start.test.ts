// `npm start` where Electron cannot run (here: no binary, no display): one line saying why,
// then `gatehouse serve` with the flags passed through, stopped cleanly by SIGTERM.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, request } from '../main/testing/net';
import { electronLaunchCheck } from './electron-native.cjs';

const root = path.resolve(__dirname, '..');
let dataDir: string;

beforeAll(() => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'gatehouse-start-'));
  // npm test builds first; on its own, make sure the CLI bundle exists.
  if (!existsSync(path.join(root, 'dist', 'cli.cjs'))) spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: root, stdio: 'inherit' });
});
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('electronLaunchCheck', () => {
  it('says what is missing', () => {
    expect(electronLaunchCheck({ GATEHOUSE_HEADLESS: '1' })).toEqual({ ok: false, reason: 'GATEHOUSE_HEADLESS=1 is set' });
    expect(electronLaunchCheck({ ELECTRON_OVERRIDE_DIST_PATH: '/nowhere' }, 'linux')).toMatchObject({ ok: false, reason: expect.stringContaining('Electron binary not installed') });
    // A binary that exists but no display to show it on.
    const dist = path.join(dataDir, 'electron-dist');
    mkdirSync(dist);
    writeFileSync(path.join(dist, 'electron'), '');
    expect(electronLaunchCheck({ ELECTRON_OVERRIDE_DIST_PATH: dist }, 'linux')).toMatchObject({ ok: false, reason: expect.stringContaining('no display') });
    expect(electronLaunchCheck({ ELECTRON_OVERRIDE_DIST_PATH: dist, DISPLAY: ':0' }, 'linux')).toEqual({ ok: true, binary: path.join(dist, 'electron') });
  });
});

describe('npm start fallback', () => {
  it('explains in one line, serves the UI on the given ports, and stops on SIGTERM with exit 0', async () => {
    const [port, gatewayPort] = [await freePort(), await freePort()];
    const env: NodeJS.ProcessEnv = { ...process.env, GATEHOUSE_DATA_DIR: dataDir };
    // Where Electron could run, force the fallback this test is about.
    if (electronLaunchCheck().ok) env.GATEHOUSE_HEADLESS = '1';
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
