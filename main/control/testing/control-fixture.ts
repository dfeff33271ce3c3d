/**
 * Test support: a real control plane on a temp data dir, its embedded gateway on a free
 * loopback port, and a real echo upstream. `call` goes through the handlers the way the
 * adapters do (input parsed by the contract's schema first).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseInput, type MethodInput, type MethodName, type MethodOutput } from '../../../shared/contract/methods';
import { freePort, startEchoUpstream, type TestServer } from '../../testing/net';
import { createControlPlane, type ControlPlane, type ControlPlaneOptions } from '../control-plane';

export interface ControlFixture {
  plane: ControlPlane;
  dataDir: string;
  gatewayPort: number;
  upstream: TestServer;
  /** `http://127.0.0.1:<gatewayPort>` */
  gatewayUrl: string;
  call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>>;
  /** Stops the plane and starts a new one on the same data dir and port. */
  restart(): Promise<void>;
  close(): Promise<void>;
}

export async function startControlFixture(options: Partial<ControlPlaneOptions> = {}): Promise<ControlFixture> {
  const dataDir = options.dataDir ?? mkdtempSync(path.join(tmpdir(), 'gatehouse-control-'));
  const gatewayPort = options.gatewayPort ?? (await freePort());
  const upstream = await startEchoUpstream();
  const logs: string[] = [];
  const open = async () => {
    const plane = await createControlPlane({ log: (level, message) => logs.push(`${level}: ${message}`), watchIntervalMs: 100, ...options, dataDir, gatewayPort });
    await plane.start();
    return plane;
  };
  const fixture: ControlFixture = {
    plane: await open(),
    dataDir,
    gatewayPort,
    upstream,
    gatewayUrl: `http://127.0.0.1:${gatewayPort}`,
    call(method, input) {
      const handler = fixture.plane.handlers[method] as (input: unknown, context: { transport: 'internal' }) => Promise<MethodOutput<typeof method>>;
      return Promise.resolve().then(() => handler(parseInput(method, input), { transport: 'internal' }));
    },
    async restart() {
      await fixture.plane.stop();
      fixture.plane = await open();
    },
    async close() {
      await fixture.plane.stop();
      await upstream.close();
      if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return fixture;
}

/** Awaits a rejected promise and returns the error (fails when it resolves). */
export async function rejection(promise: Promise<unknown>): Promise<{ code: string; status: number; message: string; details?: { path: string; message: string; line?: number; file?: string }[] }> {
  try {
    await promise;
  } catch (error) {
    return error as never;
  }
  throw new Error('expected the call to fail, but it succeeded');
}
