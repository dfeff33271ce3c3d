/**
 * Test support for the admin server: a real server on a free port with a temp data dir, and a
 * request helper that speaks its auth.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ContractHandlers } from '../../shared/contract/methods';
import { EventBus } from '../control/event-bus';
import { request, type SimpleResponse } from '../testing/net';
import { startAdminServer, type AdminServer, type AdminServerOptions } from './server';

export interface TestAdmin {
  server: AdminServer;
  bus: EventBus;
  dataDir: string;
  /** A request to the admin server; bearer-authenticated unless `auth: false` or headers given. */
  call(method: string, urlPath: string, options?: { body?: unknown; headers?: Record<string, string>; auth?: boolean }): Promise<SimpleResponse>;
  close(): Promise<void>;
}

export async function startTestAdmin(handlers: Partial<ContractHandlers>, extra: Partial<AdminServerOptions> = {}): Promise<TestAdmin> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'gatehouse-server-'));
  const bus = new EventBus();
  const server = await startAdminServer({ port: 0, dataDir, handlers, bus, env: {}, version: 'test', ...extra });
  return {
    server,
    bus,
    dataDir,
    call(method, urlPath, options = {}) {
      const headers: Record<string, string> = { ...(options.auth === false ? {} : { authorization: `Bearer ${server.token}` }), ...options.headers };
      let body: string | undefined;
      if (options.body !== undefined) {
        body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
        headers['content-type'] ??= 'application/json';
      }
      return request(server.url + urlPath, { method, headers, body });
    },
    async close() {
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
