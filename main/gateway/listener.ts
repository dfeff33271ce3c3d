/**
 * One bound port: an http or https server whose routing table is swapped on reload, with the
 * timeouts that cut off slow clients (slowloris headers, slow bodies, idle keep-alive) and
 * per-socket tracking so that a drain can finish in-flight requests and then close the rest.
 */
import http from 'node:http';
import https from 'node:https';
import type { Socket } from 'node:net';
import type { BreakpointController } from './breakpoints';
import type { CompiledListener, GatewayLog } from './compile';
import type { GatewayRequest } from './context';
import type { RecordedResponseListener } from './mock';

/** What listeners and forwarding need from the runtime. */
export interface GatewayServices {
  readonly log: GatewayLog;
  /** Default upstream timeout when no response-timeout policy set one. */
  readonly upstreamTimeoutMs: number;
  handleRequest(host: ListenerHost, req: http.IncomingMessage, res: http.ServerResponse): void;
  handleUpgrade(host: ListenerHost, req: http.IncomingMessage, socket: Socket, head: Buffer): void;
  /** The exchange is over (or the client left): release the snapshot, emit the RequestFact. */
  complete(ctx: GatewayRequest): void;
  /** Gets upstream responses of APIs whose recording switch is on (see mock.ts). */
  readonly onRecorded?: RecordedResponseListener;
  /** Breakpoints (embedded gateway and local mode only). */
  readonly breakpoints?: BreakpointController;
}

export interface ListenerTimeouts {
  headersMs: number;
  requestBodyMs: number;
  keepAliveMs: number;
}

export class ListenerHost {
  table: CompiledListener;
  draining = false;
  readonly key: string;
  readonly host: string;
  readonly protocol: 'http' | 'https';
  /** `host:port` for request facts. */
  label: string;
  /** A request's body must have arrived this long after the request did (else 408). */
  readonly bodyDeadlineMs: number;
  readonly server: http.Server;
  private readonly sockets = new Set<Socket>();
  private closing: Promise<void> | undefined;
  private deadline = Infinity;

  constructor(
    table: CompiledListener,
    readonly services: GatewayServices,
    timeouts: ListenerTimeouts,
  ) {
    this.table = table;
    this.key = table.key;
    this.host = table.host;
    this.protocol = table.protocol;
    this.label = table.key;
    this.bodyDeadlineMs = Math.max(1, timeouts.requestBodyMs);
    // Node's own whole-request timeout is only a backstop: the gateway answers a late body
    // itself first (request-body.ts), with a JSON 408 that says what happened.
    const requestTimeout = this.bodyDeadlineMs + Math.max(1000, Math.floor(this.bodyDeadlineMs / 4));
    const headersTimeout = Math.min(Math.max(1, timeouts.headersMs), this.bodyDeadlineMs);
    const common: http.ServerOptions = {
      headersTimeout,
      requestTimeout,
      keepAliveTimeout: timeouts.keepAliveMs,
      // Node checks header/request deadlines on this interval (default 30 s): keep it well below them.
      connectionsCheckingInterval: Math.max(25, Math.min(1000, Math.floor(headersTimeout / 4))),
    };
    this.server = table.tls
      ? https.createServer({ ...common, ...table.tls, handshakeTimeout: headersTimeout })
      : http.createServer(common);
    this.server.keepAliveTimeout = timeouts.keepAliveMs;
    this.server.on('request', (req, res) => services.handleRequest(this, req, res));
    this.server.on('upgrade', (req, socket, head) => services.handleUpgrade(this, req, socket as Socket, head));
    this.server.on('connection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
    });
    if (table.tls) this.server.on('tlsClientError', () => {});
  }

  listen(): Promise<void> {
    return new Promise((resolve, reject) => {
      const onError = (error: Error) => {
        this.server.off('listening', onListening);
        reject(error);
      };
      const onListening = () => {
        this.server.off('error', onError);
        this.label = `${this.host}:${this.port}`;
        resolve();
      };
      this.server.once('error', onError);
      this.server.once('listening', onListening);
      this.server.listen({ host: this.host, port: this.table.port });
    });
  }

  get port(): number {
    const address = this.server.address();
    return address && typeof address === 'object' ? address.port : this.table.port;
  }

  /** Applies a kept listener's new TLS settings to new connections. */
  updateTls(table: CompiledListener): void {
    if (!table.tls || !(this.server instanceof https.Server)) return;
    this.server.setSecureContext(table.tls);
    // tls.Server reads these per connection.
    const server = this.server as https.Server & { requestCert: boolean; rejectUnauthorized: boolean };
    server.requestCert = table.tls.requestCert;
    server.rejectUnauthorized = table.tls.rejectUnauthorized;
  }

  /**
   * Stops accepting, lets in-flight requests finish (their responses close the connection),
   * closes idle keep-alive connections as they become idle, and destroys what is left after
   * the grace period. Calling it again can only shorten the grace period.
   */
  close(graceMs: number): Promise<void> {
    this.deadline = Math.min(this.deadline, Date.now() + Math.max(0, graceMs));
    if (this.closing) return this.closing;
    this.draining = true;
    this.closing = new Promise<void>((resolve) => {
      const sweep = () => {
        if (Date.now() >= this.deadline) {
          for (const socket of this.sockets) socket.destroy();
          this.server.closeAllConnections();
        } else {
          this.server.closeIdleConnections();
        }
      };
      const timer = setInterval(sweep, 20);
      this.server.close(() => {
        clearInterval(timer);
        resolve();
      });
      sweep();
    });
    return this.closing;
  }
}
