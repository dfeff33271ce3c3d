/**
 * The per-request object: what policies see (PolicyRequest) plus what the runtime needs to
 * forward the request and to report it. One allocation per request; everything a request may
 * not need (id, parsed query, abort signal, response headers) is created on first use.
 */
import { randomUUID } from 'node:crypto';
import type { ClientRequest, IncomingHttpHeaders, IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { PolicyRequest, ResponseHook } from '../policies/types';
import type { CompiledApi, CompiledListener, CompiledRoute } from './compile';
import type { ListenerHost } from './listener';
import type { PolicyTraceEntry } from './telemetry';

/** Where the context hangs on Node's objects, so that shared handlers need no closures. */
export const CTX: unique symbol = Symbol('gatehouse.request');

export type WithContext<T> = T & { [CTX]?: GatewayRequest };

const NO_API = Object.freeze({ id: '', name: '', basePath: '/' });

export class GatewayRequest implements PolicyRequest {
  readonly method: string;
  readonly path: string;
  /** The request's headers; replaced by a clean copy when hop-by-hop headers are dropped. */
  headers: IncomingHttpHeaders;
  readonly remoteAddress: string;
  readonly host: string;
  api: { readonly id: string; readonly name: string; readonly basePath: string } = NO_API;
  clientId: string | undefined = undefined;
  upstreamTimeoutMs: number | undefined = undefined;

  /** `?…` as received, or ''. */
  readonly search: string;
  /** Path below the API's base path ('' when the request is exactly the base path). */
  relativePath = '';
  /** Epoch ms of arrival, and the monotonic clock at arrival. */
  readonly at: number;
  readonly startedAt: number;
  compiledApi: CompiledApi | undefined = undefined;
  route: CompiledRoute | undefined = undefined;
  trace: PolicyTraceEntry[] | undefined = undefined;
  hooks: ResponseHook[] | undefined = undefined;
  status = 0;
  source: 'gateway' | 'upstream' = 'gateway';
  errorCode: string | undefined = undefined;
  violatedPolicy: string | undefined = undefined;
  upstreamStartedAt = 0;
  upstreamLatencyMs: number | undefined = undefined;
  bytesIn = 0;
  bytesOut = 0;
  finished = false;
  /** Health checks and the like: not traffic, no RequestFact. */
  quiet = false;
  /** The head of the response as written (kept by reference; copied only when captured). */
  finalHeaders: OutgoingHttpHeaders | undefined = undefined;
  /** A copy of the client's headers as received, only when the runtime captures headers. */
  receivedHeaders: IncomingHttpHeaders | undefined = undefined;
  upstreamRequest: ClientRequest | undefined = undefined;
  upstreamResponse: IncomingMessage | undefined = undefined;
  /** First bytes after an upgrade request's head. */
  head: Buffer | undefined = undefined;

  private _id: string | undefined = undefined;
  private _query: URLSearchParams | undefined = undefined;
  private _abort: AbortController | undefined = undefined;
  private _responseHeaders: OutgoingHttpHeaders | undefined = undefined;

  constructor(
    readonly req: IncomingMessage,
    /** The response, or undefined for a WebSocket upgrade (then `socket` is the client). */
    readonly res: ServerResponse | undefined,
    readonly socket: Socket,
    readonly listener: ListenerHost,
    readonly table: CompiledListener,
    path: string,
    search: string,
  ) {
    this.method = req.method ?? 'GET';
    this.path = path;
    this.search = search;
    this.headers = req.headers;
    this.remoteAddress = socket.remoteAddress ?? '';
    this.host = req.headers.host ?? '';
    this.at = Date.now();
    this.startedAt = performance.now();
  }

  get id(): string {
    return (this._id ??= randomUUID());
  }

  get query(): URLSearchParams {
    return (this._query ??= new URLSearchParams(this.search));
  }

  get signal(): AbortSignal {
    this._abort ??= new AbortController();
    if (this.finished && !this._abort.signal.aborted) this._abort.abort();
    return this._abort.signal;
  }

  get responseHeaders(): OutgoingHttpHeaders {
    return (this._responseHeaders ??= {});
  }

  /** Response headers policies added, without creating the object when there are none. */
  get addedResponseHeaders(): OutgoingHttpHeaders | undefined {
    return this._responseHeaders;
  }

  onResponse(hook: ResponseHook): void {
    (this.hooks ??= []).push(hook);
  }

  /** The client went away or the exchange is over: wake anything waiting on `signal`. */
  end(): void {
    this.finished = true;
    if (this._abort && !this._abort.signal.aborted) this._abort.abort();
  }

  /** The relative path as rules and policies expect it: never empty. */
  get relativeOrRoot(): string {
    return this.relativePath === '' ? '/' : this.relativePath;
  }
}
