/**
 * The web project's fixtures: one real `gatehouse serve` (temp data dir, free ports) and one
 * demo upstream per worker, started from the built CLI and stopped after. Each page opens the UI
 * with a fresh one-time login link minted with the admin token (the printed one is single-use,
 * and the admin token itself is refused in a URL).
 */
import { test as base, expect, type Page } from '@playwright/test';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export interface GatehouseServer {
  /** `http://127.0.0.1:PORT` of the admin server / web UI. */
  url: string;
  /** The login link `serve` printed (single use). */
  loginUrl: string;
  token: string;
  gatewayPort: number;
  dataDir: string;
  /** The demo upstream, e.g. `http://127.0.0.1:43123`. */
  upstreamUrl: string;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Starts a CLI command and resolves when its stdout matches `ready`. */
function startCli(args: string[], ready: RegExp, timeoutMs = 20_000): Promise<{ child: ChildProcess; match: RegExpMatchArray }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.resolve('bin/gatehouse.cjs'), ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, GATEHOUSE_ADMIN_TOKEN: '' } });
    let output = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`gatehouse ${args[0]} did not start within ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = output.match(ready);
      if (match) {
        clearTimeout(timer);
        resolve({ child, match });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`gatehouse ${args[0]} exited with ${code}:\n${output}`));
    });
  });
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

export const test = base.extend<{ app: Page }, { gatehouse: GatehouseServer; freshServer: boolean }>({
  /**
   * `test.use({ freshServer: true })` in a spec file gives it a worker of its own, hence a
   * server with an empty data dir (a first run), whatever ran before it.
   */
  freshServer: [false, { scope: 'worker', option: true }],
  gatehouse: [
    async ({ freshServer }, use) => {
      void freshServer;
      const dataDir = mkdtempSync(path.join(os.tmpdir(), 'gatehouse-e2e-'));
      const upstreamPort = await freePort();
      const upstream = await startCli(['demo-upstream', '--port', String(upstreamPort)], /listening on (http:\/\/\S+)/);
      const [port, gatewayPort] = [await freePort(), await freePort()];
      const serve = await startCli(['serve', '--data-dir', dataDir, '--port', String(port), '--gateway-port', String(gatewayPort)], /Web UI:\s+(http:\/\/\S+)/);
      const loginUrl = serve.match[1]!;
      const token = readFileSync(path.join(dataDir, 'admin-token'), 'utf8').trim();
      try {
        await use({ url: new URL(loginUrl).origin, loginUrl, token, gatewayPort, dataDir, upstreamUrl: upstream.match[1]! });
      } finally {
        await stop(serve.child);
        await stop(upstream.child);
        rmSync(dataDir, { recursive: true, force: true });
      }
    },
    { scope: 'worker', timeout: 60_000 },
  ],
  /** A page signed in to the UI through a one-time login link. */
  app: async ({ page, gatehouse }, use) => {
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));
    await page.goto(await freshLoginUrl(gatehouse));
    await expect(page.getByRole('navigation', { name: 'Main' })).toBeVisible();
    await use(page);
    expect(problems, 'uncaught errors in the page').toEqual([]);
  },
});

export { expect };

/** Calls the admin API with the bearer token (test setup that is not what a spec is about). */
export async function adminCall<T>(gatehouse: GatehouseServer, method: string, route: string, body?: unknown): Promise<T> {
  const response = await fetch(`${gatehouse.url}/api/v1${route}`, {
    method,
    headers: { authorization: `Bearer ${gatehouse.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${route}: ${response.status} ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

/** A new one-time login URL (`/?token=…`), minted with the admin token. */
export async function freshLoginUrl(gatehouse: GatehouseServer): Promise<string> {
  return (await adminCall<{ url: string }>(gatehouse, 'POST', '/session/login-link')).url;
}

/** Controls a screen reader could not name (no label, aria-label, labelledby, title or text). */
export function unlabeledControls(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const named = (el: Element): boolean => {
      const html = el as HTMLInputElement;
      if (el.getAttribute('aria-label')?.trim() || el.getAttribute('title')?.trim()) return true;
      const by = el.getAttribute('aria-labelledby');
      if (by && by.split(/\s+/).some((id) => document.getElementById(id)?.textContent?.trim())) return true;
      if (html.labels && [...html.labels].some((label) => label.textContent?.trim())) return true;
      if ((el.tagName === 'BUTTON' || el.tagName === 'A' || el.getAttribute('role') === 'option' || el.getAttribute('role') === 'radio') && el.textContent?.trim()) return true;
      return false;
    };
    const controls = [...document.querySelectorAll('input:not([type=hidden]), select, textarea, button, a[href], [role=switch], [role=option], [role=radio]')];
    return controls.filter((el) => !named(el)).map((el) => el.outerHTML.slice(0, 120));
  });
}
