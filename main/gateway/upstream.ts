/**
 * One upstream service: its keep-alive agent (shared across snapshots while its address and
 * TLS settings stay the same, so a reload keeps warm connections) and its http-proxy instance.
 * HTTPS upstreams are verified against the system CAs (or service.tls.trustedCA) with SNI.
 */
import http from 'node:http';
import https from 'node:https';
import { createSecureContext } from 'node:tls';
import httpProxy from 'http-proxy';
import type { GatewayLog } from './compile';
import { attachForwarder, requestBodySource } from './forwarder';
import type { ServiceSnapshot, SourceLocation } from './snapshot';
import { SnapshotError } from './snapshot-error';

export interface Upstream {
  readonly name: string;
  readonly url: string;
  /** Host header sent upstream: the service's host (and port when not the default). */
  readonly hostHeader: string;
  /** The service URL's path without a trailing slash. */
  readonly pathPrefix: string;
  readonly agentKey: string;
  /** Plain HTTP exchanges. */
  readonly proxy: httpProxy;
  /** WebSocket upgrades (http-proxy builds their upstream path itself). */
  readonly wsProxy: httpProxy;
}

/** Sockets per upstream: far above what one laptop gateway needs, low enough to stay polite. */
const MAX_SOCKETS = 256;

/**
 * An idle upstream connection is closed after this long, below the keep-alive timeout of common
 * servers (Node, Apache, uvicorn: 5 s), so that the gateway rarely sends on a connection the
 * server is closing; Node's agent also honours a shorter `Keep-Alive: timeout=N` the upstream
 * announces (minus 1 s). The rare race that remains is retried (forwarder.ts).
 */
export const UPSTREAM_IDLE_MS = 4000;

export class AgentPool {
  private readonly agents = new Map<string, http.Agent>();

  acquire(key: string, create: () => http.Agent): http.Agent {
    let agent = this.agents.get(key);
    if (!agent) {
      agent = create();
      this.agents.set(key, agent);
    }
    return agent;
  }

  /** Destroys the agents no live snapshot uses any more. */
  retain(keys: ReadonlySet<string>): void {
    for (const [key, agent] of this.agents) {
      if (keys.has(key)) continue;
      agent.destroy();
      this.agents.delete(key);
    }
  }

  destroyAll(): void {
    this.retain(new Set());
  }
}

export function buildUpstream(service: ServiceSnapshot, field: string, source: SourceLocation | undefined, pool: AgentPool, log: GatewayLog): Upstream {
  let url: URL;
  try {
    url = new URL(service.url);
  } catch {
    throw SnapshotError.at(`${field}.url`, `service "${service.name}": not an absolute URL: "${String(service.url)}"`, source);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw SnapshotError.at(`${field}.url`, `service "${service.name}": expected http:// or https://, got ${url.protocol}`, source);
  const secure = url.protocol === 'https:';
  const port = Number(url.port || (secure ? 443 : 80));
  const hostname = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  const tls = service.tls;
  if (tls && !secure) log('warn', `service "${service.name}" has tls-outbound settings but ${url.origin} is plain http; they are ignored`);

  let agentOptions: https.AgentOptions | undefined;
  if (secure) {
    agentOptions = {
      rejectUnauthorized: !tls?.skipValidation,
      ca: tls?.trustedCA,
      cert: tls?.certificate?.crt,
      key: tls?.certificate?.key,
      minVersion: tls?.minVersion,
      maxVersion: tls?.maxVersion,
      ciphers: tls?.ciphers?.join(':'),
    };
    try {
      createSecureContext(agentOptions);
    } catch (error) {
      throw SnapshotError.at(`${field}.tls`, `service "${service.name}": unusable TLS settings: ${(error as Error).message}`, source);
    }
    if (tls?.skipValidation)
      log('warn', `TLS certificate validation is OFF for upstream ${url.origin} (service "${service.name}", skipValidation): traffic to it can be intercepted`, { service: service.name });
  }
  const agentKey = `${url.protocol}//${hostname}:${port}|${secure ? JSON.stringify(tls ?? {}) : ''}`;
  const agent = pool.acquire(agentKey, () =>
    secure
      ? new https.Agent({ keepAlive: true, maxSockets: MAX_SOCKETS, timeout: UPSTREAM_IDLE_MS, ...agentOptions })
      : new http.Agent({ keepAlive: true, maxSockets: MAX_SOCKETS, timeout: UPSTREAM_IDLE_MS }),
  );
  const target = { protocol: url.protocol, host: hostname, hostname, port } as unknown as httpProxy.ProxyTarget;
  const proxy = httpProxy.createProxyServer({
    target,
    agent,
    secure: !tls?.skipValidation,
    selfHandleResponse: true,
    // The body source ends bodyless requests instead of piping an empty stream, and sets the
    // upstream path we built (req.url) as sent: http-proxy's own path join parses and
    // rewrites it per request (collapsing `//`), so it is skipped.
    buffer: requestBodySource as unknown as httpProxy.ServerOptions['buffer'],
    ignorePath: true,
    toProxy: true,
  });
  // req.url is already the upstream path we built: skip http-proxy's per-request url.parse.
  const wsProxy = httpProxy.createProxyServer({ target, agent, secure: !tls?.skipValidation, toProxy: true });
  attachForwarder(proxy);
  attachForwarder(wsProxy);
  return {
    name: service.name,
    url: url.origin,
    hostHeader: url.host,
    pathPrefix: url.pathname.replace(/\/+$/, ''),
    agentKey,
    proxy,
    wsProxy,
  };
}
