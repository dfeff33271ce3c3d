/**
 * Test support: the real control plane and admin server (with the replica endpoints) on free
 * loopback ports and a temp data dir, as `gatehouse serve` runs them, plus a JSON client for
 * the admin API. `restart` brings both back on the same ports and data dir.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createControlPlane, type ControlPlane, type ControlPlaneOptions } from '../control/control-plane';
import { startAdminServer, type AdminServer } from '../server/server';
import { freePort, request } from './net';

export interface AdminPlane {
  plane: ControlPlane;
  admin: AdminServer;
  dataDir: string;
  /** `http://127.0.0.1:<admin port>` */
  url: string;
  gatewayPort: number;
  logs: string[];
  /** A JSON request to the admin API with the admin token (`path` below /api/v1). */
  api<T = any>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }>;
  /** Stops the admin server and the control plane (replicas lose their control plane). */
  stop(): Promise<void>;
  /** Starts them again on the same ports and data dir. */
  start(): Promise<void>;
  close(): Promise<void>;
}

export async function startAdminPlane(options: { docker?: ControlPlaneOptions['docker']; dataDir?: string } = {}): Promise<AdminPlane> {
  const dataDir = options.dataDir ?? mkdtempSync(path.join(tmpdir(), 'gatehouse-plane-'));
  const adminPort = await freePort();
  const gatewayPort = await freePort();
  const logs: string[] = [];
  let running: { plane: ControlPlane; admin: AdminServer } | undefined;

  const start = async () => {
    const plane = await createControlPlane({ dataDir, gatewayPort, log: (level, message) => logs.push(`${level}: ${message}`), watchIntervalMs: 200, docker: options.docker });
    const admin = await startAdminServer({ port: adminPort, dataDir, handlers: plane.handlers, bus: plane.bus, replicas: plane.replicaService, env: {}, version: 'test' });
    plane.setSystemInfo({ adminUrl: admin.url });
    await plane.start();
    running = { plane, admin };
    Object.assign(harness, running);
  };
  const stop = async () => {
    const current = running;
    running = undefined;
    if (!current) return;
    await current.admin.close();
    await current.plane.stop();
  };

  const harness = {
    dataDir,
    url: `http://127.0.0.1:${adminPort}`,
    gatewayPort,
    logs,
    async api(method: string, urlPath: string, body?: unknown) {
      const token = harness.admin.token;
      const response = await request(`http://127.0.0.1:${adminPort}/api/v1${urlPath}`, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
        body: body !== undefined ? JSON.stringify(body) : undefined,
      });
      return { status: response.status, body: response.body ? JSON.parse(response.body) : undefined };
    },
    start,
    stop,
    async close() {
      await stop();
      if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  } as AdminPlane;
  await start();
  return harness;
}

/** Polls `check` until it returns a truthy value (or throws the last error after `timeoutMs`). */
export async function eventually<T>(check: () => Promise<T> | T, timeoutMs = 10_000, intervalMs = 50): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) return value as NonNullable<T>;
      last = new Error(`condition still false: ${JSON.stringify(value)}`);
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw last instanceof Error ? last : new Error(String(last));
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
