/**
 * Local mode's status ports, beside the API listeners: the health port (`--health-port`, or
 * 127.0.0.1:4681 when the gateway starts with no API, so that an empty conf.d still answers
 * `GET /.gatehouse/health`) and the readiness probe of a Configuration's `probe` section.
 * Readiness follows Flex: false until an API is deployed, then true for the life of the process
 * (later config changes, valid or not, do not take it away).
 */
import http from 'node:http';
import { HEALTH_PATH } from '../gateway/health';
import type { GatewayRuntime } from '../gateway/runtime';

export const DEFAULT_HEALTH_PORT = 4681;

interface Bound {
  server: http.Server;
  port: number;
  /** Readiness path (probe port only). */
  path?: string;
}

export class StatusPorts {
  private ready = false;
  private health: Bound | undefined;
  private probe: Bound | undefined;

  constructor(
    private readonly runtime: GatewayRuntime,
    /** Health on loopback unless told otherwise; the probe where a kubelet or load balancer can reach it. */
    private readonly hosts: { health: string; probe: string },
  ) {}

  /** Call after each applied config: readiness latches once an API is served. */
  noteApplied(): void {
    if (!this.ready) this.ready = (this.runtime.currentSnapshot()?.listeners ?? []).some((listener) => listener.apis.length > 0);
  }

  /** Opens the health port; throws when it cannot be bound. Returns the bound port. */
  async openHealth(port: number): Promise<number> {
    this.health = await this.listen(this.hosts.health, port);
    return this.health.port;
  }

  /** Follows the Configuration's probe: opens, moves or closes the probe port. Returns a message for the log. */
  async setProbe(probe: { port: number; path: string } | undefined): Promise<string | undefined> {
    const current = this.probe;
    if (current && probe && current.port === probe.port) {
      current.path = probe.path;
      return undefined;
    }
    if (!current && !probe) return undefined;
    if (current) {
      this.probe = undefined;
      await close(current.server);
    }
    if (!probe) return 'readiness probe closed';
    try {
      const bound = await this.listen(this.hosts.probe, probe.port);
      bound.path = probe.path;
      this.probe = bound;
      return `readiness probe on http://${hostLabel(this.hosts.probe)}:${bound.port}${probe.path}`;
    } catch (error) {
      return `readiness probe: cannot listen on ${this.hosts.probe}:${probe.port}: ${(error as Error).message}`;
    }
  }

  async close(): Promise<void> {
    const servers = [this.health, this.probe].filter((bound): bound is Bound => bound !== undefined);
    this.health = this.probe = undefined;
    await Promise.all(servers.map((bound) => close(bound.server)));
  }

  private answer(bound: Bound, req: http.IncomingMessage, res: http.ServerResponse): void {
    const pathname = (req.url ?? '/').split('?')[0];
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json', 'x-gatehouse-source': 'gateway', 'cache-control': 'no-store' });
      res.end(req.method === 'HEAD' ? undefined : JSON.stringify(body));
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, { error: { code: 'METHOD_NOT_ALLOWED', message: 'GET only' } });
    if (pathname === HEALTH_PATH) return send(200, { ...this.runtime.health(), ready: this.ready });
    if (bound.path !== undefined && pathname === bound.path) {
      return this.ready ? send(200, { ready: true }) : send(503, { ready: false, reason: 'no API deployed yet' });
    }
    send(404, { error: { code: 'NOT_FOUND', message: `this port answers ${[HEALTH_PATH, bound.path].filter(Boolean).join(' and ')}` } });
  }

  private listen(host: string, port: number): Promise<Bound> {
    const bound: Bound = { server: http.createServer((req, res) => this.answer(bound, req, res)), port };
    bound.server.keepAliveTimeout = 5_000;
    return new Promise((resolve, reject) => {
      bound.server.once('error', reject);
      bound.server.listen({ host, port }, () => {
        bound.server.off('error', reject);
        const address = bound.server.address();
        if (address && typeof address === 'object') bound.port = address.port;
        resolve(bound);
      });
    });
  }
}

export function hostLabel(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

function close(server: http.Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
