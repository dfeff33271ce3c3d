/**
 * The per-request object: what policies see (PolicyRequest) plus what the runtime needs to
 * forward the request and to report it. One allocation per request; everything a request may
 * not need (id, parsed query, abort signal, response headers) is created on first use.
 */
import { randomUUID } from 'node:crypto';
import type { ClientRequest, IncomingHttpHeaders, IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { BodyInspector, PolicyRequest, ResponseBodyCapture, ResponseHook, ResponseInterceptor, UnauthorizedHook } from '../policies/types';
import type { CompiledBreakpoint } from './breakpoints';
import type { CompiledApi, CompiledListener, CompiledRoute } from './compile';
import type { RouteTarget } from './routes';
import type { ListenerHost } from './listener';
import { readBodyForPolicy, replaceRequestBody } from './request-body';
import type { PolicyTraceEntry } from './telemetry';
import type { UpstreamWatch } from './upstream-deadlines';

/** Where the context hangs on Node's objects, so that shared handlers need no closures. */
export const CTX: unique symbol = Symbol('gatehouse.request');

export type WithContext<T> = T & { [CTX]?: GatewayRequest };

const NO_API = Object.freeze({ id: '', name: '', basePath: '/' });

/**
 * Request ids are UUID-shaped: a random prefix per process and a counter in the last group.
 * Unique across restarts (the request log outlives the process) without drawing random bytes
 * per request, which randomUUID's refills and formatting made visible in profiles.
 */
const ID_PREFIX = randomUUID().slice(0, 24);
let idCounter = 0;

export class GatewayRequest implements PolicyRequest, UpstreamWatch {
  // Fields are `declare`d and assigned in the constructor, in one place: class-field
  // initializers run as a separate function that defines each field before the constructor
  // assigns it again (measurable at one object per request).
  declare readonly req: IncomingMessage;
  /** The response, or undefined for a WebSocket upgrade (then `socket` is the client). */
  declare readonly res: ServerResponse | undefined;
  declare readonly socket: Socket;
  declare readonly listener: ListenerHost;
  declare readonly table: CompiledListener;
  declare readonly method: string;
  declare readonly path: string;
  /** The request's headers; replaced by a clean copy when hop-by-hop headers are dropped. */
  declare headers: IncomingHttpHeaders;
  declare readonly remoteAddress: string;
  declare readonly host: string;
  declare api: { readonly id: string; readonly name: string; readonly basePath: string };
  declare clientId: string | undefined;
  declare upstreamTimeoutMs: number | undefined;
  declare streamIdleTimeoutMs: number | undefined;
  declare upstreamIdleTimeoutMs: number | undefined;
  /** Set by request-handling (see PolicyRequest). */
  declare bodyBufferBytes: number | undefined;
  declare allowEncodedPathSeparators: boolean | undefined;

  /** `?…` as received, or ''. */
  declare readonly search: string;
  /** Path below the API's base path ('' when the request is exactly the base path). */
  declare relativePath: string;
  /** Epoch ms of arrival, and the monotonic clock at arrival. */
  declare readonly at: number;
  declare readonly startedAt: number;
  declare compiledApi: CompiledApi | undefined;
  declare route: CompiledRoute | undefined;
  /** The path below the destination the route forwards ('' or starting with `/`). */
  declare forwardPath: string;
  /** The upstream (of the route's targets) the request is sent to, once forwarded. */
  declare target: RouteTarget | undefined;
  declare trace: PolicyTraceEntry[] | undefined;
  declare hooks: ResponseHook[] | undefined;
  declare status: number;
  declare source: 'gateway' | 'upstream' | 'mock';
  declare errorCode: string | undefined;
  declare violatedPolicy: string | undefined;
  declare upstreamStartedAt: number;
  declare upstreamLatencyMs: number | undefined;
  declare bytesIn: number;
  declare bytesOut: number;
  /** The request arrived with a body (Content-Length other than 0, or Transfer-Encoding). */
  declare hasBody: boolean;
  /** It arrived chunked (Transfer-Encoding), else with `bodyLength` (Content-Length as received). */
  declare bodyChunked: boolean;
  declare bodyLength: string | undefined;
  /** The whole body, once buffered (see request-body.ts). */
  declare body: Buffer | undefined;
  /** Chunks read so far, while buffering or before streaming the rest. */
  declare bodyChunks: Buffer[] | undefined;
  declare bodyBuffered: number;
  /** Larger than the buffer: its first chunks, then the rest, go upstream as they arrive. */
  declare bodyStreaming: boolean;
  declare bodyTimer: NodeJS.Timeout | undefined;
  /** stream-idle-timeout-flex while the body is read: refreshed by each chunk. */
  declare bodyIdleTimer: NodeJS.Timeout | undefined;
  declare bodySend: ((ctx: GatewayRequest) => void) | undefined;
  /** Policies reading the body as it arrives (see request-body.ts). */
  declare bodyInspectors: BodyInspector[] | undefined;
  /** An inspector refused the body: the upstream request was aborted on purpose. */
  declare bodyRefused: boolean;
  /** The request was sent again on a fresh upstream connection (see forwarder.ts). */
  declare upstreamRetried: boolean;
  /** Renews a policy's credential after an upstream 401 (see forwarder.ts); cleared once used. */
  declare unauthorizedHook: UnauthorizedHook | undefined;
  /** A 'drain' listener waits on the response (the client reads slower than the upstream sends). */
  declare drainWatched: boolean;
  declare finished: boolean;
  /** Health checks and the like: not traffic, no RequestFact. */
  declare quiet: boolean;
  /** The head of the response as written (kept by reference; copied only when captured). */
  declare finalHeaders: OutgoingHttpHeaders | undefined;
  /** The client's headers as received (flattened copy), only when the runtime captures headers. */
  declare receivedHeaders: Record<string, string> | undefined;
  /** Bytes of each body kept for the traffic view (0: bodies are not captured; see body-capture.ts). */
  declare captureBytes: number;
  declare requestCapture: Buffer[] | undefined;
  declare requestCaptured: number;
  declare responseCapture: Buffer[] | undefined;
  declare responseCaptured: number;
  declare upstreamRequest: ClientRequest | undefined;
  /** Upstream idle timeout bookkeeping (see upstream-deadlines.ts). */
  declare upstreamDeadlineMs: number;
  declare upstreamActivity: number;
  declare upstreamIdleSince: number;
  declare upstreamWatchIndex: number;
  declare upstreamResponse: IncomingMessage | undefined;
  /** First bytes after an upgrade request's head. */
  declare head: Buffer | undefined;
  /** Policies keep a copy of the upstream body (see forwarder.ts); chunks kept so far. */
  declare bodyCaptures: ResponseBodyCapture[] | undefined;
  declare capturedMaxBytes: number;
  declare capturedChunks: Buffer[] | undefined;
  declare capturedBytes: number;
  /** A response hook's body, sent instead of the upstream's. */
  declare replacementBody: Buffer | undefined;
  /** Set by fault-injection's slowBody: the response body goes out at this rate. */
  declare bodyBytesPerSecond: number | undefined;
  /** The breakpoint rule this request matched (see breakpoints.ts), when any rule is set. */
  declare breakpoint: CompiledBreakpoint | undefined;
  /** Custom policies' onResponse, run before the response head is written (response-interception.ts). */
  declare interceptors: ResponseInterceptor[] | undefined;
  /** A policy's read of the whole body, while it is under way (request-body.ts). */
  declare bodyRead: Promise<Buffer | undefined> | undefined;

  declare private _id: string | undefined;
  declare private _query: URLSearchParams | undefined;
  declare private _abort: AbortController | undefined;
  declare private _responseHeaders: OutgoingHttpHeaders | undefined;

  constructor(req: IncomingMessage, res: ServerResponse | undefined, socket: Socket, listener: ListenerHost, table: CompiledListener, path: string, search: string) {
    this.req = req;
    this.res = res;
    this.socket = socket;
    this.listener = listener;
    this.table = table;
    this.method = req.method ?? 'GET';
    this.path = path;
    this.headers = req.headers;
    this.remoteAddress = socket.remoteAddress ?? '';
    this.host = req.headers.host ?? '';
    this.api = NO_API;
    this.clientId = undefined;
    this.upstreamTimeoutMs = undefined;
    this.streamIdleTimeoutMs = undefined;
    this.upstreamIdleTimeoutMs = undefined;
    this.bodyBufferBytes = undefined;
    this.allowEncodedPathSeparators = undefined;
    this.search = search;
    this.relativePath = '';
    this.at = Date.now();
    this.startedAt = performance.now();
    this.compiledApi = undefined;
    this.route = undefined;
    this.forwardPath = '';
    this.target = undefined;
    this.trace = undefined;
    this.hooks = undefined;
    this.status = 0;
    this.source = 'gateway';
    this.errorCode = undefined;
    this.violatedPolicy = undefined;
    this.upstreamStartedAt = 0;
    this.upstreamLatencyMs = undefined;
    this.bytesIn = 0;
    this.bytesOut = 0;
    this.hasBody = false;
    this.bodyChunked = false;
    this.bodyLength = undefined;
    this.body = undefined;
    this.bodyChunks = undefined;
    this.bodyBuffered = 0;
    this.bodyStreaming = false;
    this.bodyTimer = undefined;
    this.bodyIdleTimer = undefined;
    this.bodySend = undefined;
    this.bodyInspectors = undefined;
    this.bodyRefused = false;
    this.upstreamRetried = false;
    this.unauthorizedHook = undefined;
    this.drainWatched = false;
    this.finished = false;
    this.quiet = false;
    this.finalHeaders = undefined;
    this.receivedHeaders = undefined;
    this.captureBytes = 0;
    this.requestCapture = undefined;
    this.requestCaptured = 0;
    this.responseCapture = undefined;
    this.responseCaptured = 0;
    this.upstreamRequest = undefined;
    this.upstreamDeadlineMs = 0;
    this.upstreamActivity = -1;
    this.upstreamIdleSince = 0;
    this.upstreamWatchIndex = -1;
    this.upstreamResponse = undefined;
    this.head = undefined;
    this.bodyCaptures = undefined;
    this.capturedMaxBytes = 0;
    this.capturedChunks = undefined;
    this.capturedBytes = 0;
    this.replacementBody = undefined;
    this.bodyBytesPerSecond = undefined;
    this.breakpoint = undefined;
    this.interceptors = undefined;
    this.bodyRead = undefined;
    this._id = undefined;
    this._query = undefined;
    this._abort = undefined;
    this._responseHeaders = undefined;
  }

  get id(): string {
    return (this._id ??= ID_PREFIX + (++idCounter).toString(16).padStart(12, '0'));
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

  onUpstreamUnauthorized(hook: UnauthorizedHook): void {
    this.unauthorizedHook = hook;
  }

  inspectBody(inspector: BodyInspector): void {
    (this.bodyInspectors ??= []).push(inspector);
  }

  traceNote(binding: { readonly id: string; readonly name: string }, detail: string): void {
    this.trace?.push({ policy: binding.name, bindingId: binding.id, verdict: 'allow', detail, durationMs: 0 });
  }

  captureResponseBody(capture: ResponseBodyCapture): void {
    (this.bodyCaptures ??= []).push(capture);
  }

  interceptResponse(interceptor: ResponseInterceptor): void {
    (this.interceptors ??= []).push(interceptor);
  }

  readBody(limit: number): Promise<Buffer | undefined> {
    return readBodyForPolicy(this, limit);
  }

  replaceBody(body: Buffer): void {
    replaceRequestBody(this, body);
  }

  throttleResponseBody(bytesPerSecond: number): void {
    this.bodyBytesPerSecond = bytesPerSecond;
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
