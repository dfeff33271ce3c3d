/**
 * The per-request path: health, pause, routing (longest base path, then the API's routes),
 * the policy pipeline, then forwarding or a gateway-made answer; and the RequestFact at the
 * end. Kept free of per-request closures, awaits and string formatting on the success path.
 */
import type { IncomingHttpHeaders, IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { GatewayErrorCode } from '../../shared/errors';
import { joinCapture } from './body-capture';
import type { BreakpointController } from './breakpoints';
import type { CompiledApi, GatewayLog } from './compile';
import { CTX, GatewayRequest, type WithContext } from './context';
import { abortUpstream, forward } from './forwarder';
import type { GatewayHealth } from './health';
import { HEALTH_PATH } from './health';
import { requestEndToEnd, stripRequestHopByHop } from './hop-by-hop';
import type { GatewayServices, ListenerHost } from './listener';
import { answerFromMock, type RecordedResponseListener } from './mock';
import { runPipeline, type PipelineOutcome } from './pipeline';
import { clearBodyDeadline } from './request-body';
import { dotSegmentProblem, encodedSeparatorProblem, headProblem } from './request-checks';
import { sendGatewayError, sendGatewayResponse } from './responses';
import type { PolicyTraceEntry, RequestFact, RequestFactListener } from './telemetry';

const EMPTY_TRACE: PolicyTraceEntry[] = [];

export interface DispatcherOptions {
  log: GatewayLog;
  upstreamTimeoutMs: number;
  onRequest: RequestFactListener | undefined;
  captureHeaders: boolean;
  /** Bytes of each request and response body kept in its RequestFact (0: none). */
  captureBodyBytes?: number;
  health: () => GatewayHealth;
  /** Requests carrying `x-gatehouse-dry-run: <this token>` run the policies but never reach the upstream. */
  dryRunToken?: string;
  /** Gets the upstream responses of APIs that record (mock.ts). */
  onRecorded?: RecordedResponseListener;
  /** Pauses requests and responses that match its rules (breakpoints.ts). */
  breakpoints?: BreakpointController;
}

/** Try it's dry run: the policies decide, the gateway answers instead of the upstream. */
export const DRY_RUN_HEADER = 'x-gatehouse-dry-run';
/** Marks a request sent by Try it, to find its fact; never forwarded. */
export const TRY_ID_HEADER = 'x-gatehouse-try-id';

export class Dispatcher implements GatewayServices {
  paused = false;
  readonly log: GatewayLog;
  readonly upstreamTimeoutMs: number;
  private readonly onRequest: RequestFactListener | undefined;
  private readonly captureHeaders: boolean;
  /** Changed by the app's settings while running; requests already in flight keep theirs. */
  captureBodyBytes: number;
  private readonly health: () => GatewayHealth;
  private readonly dryRunToken: string | undefined;
  readonly onRecorded: RecordedResponseListener | undefined;
  readonly breakpoints: BreakpointController | undefined;

  constructor(options: DispatcherOptions) {
    this.breakpoints = options.breakpoints;
    this.dryRunToken = options.dryRunToken;
    this.onRecorded = options.onRecorded;
    this.log = options.log;
    this.upstreamTimeoutMs = options.upstreamTimeoutMs;
    this.onRequest = options.onRequest;
    this.captureHeaders = options.captureHeaders;
    this.captureBodyBytes = options.onRequest === undefined ? 0 : (options.captureBodyBytes ?? 0);
    this.health = options.health;
  }

  handleRequest(host: ListenerHost, req: IncomingMessage, res: ServerResponse): void {
    const ctx = this.begin(host, req, res, req.socket);
    (res as WithContext<ServerResponse>)[CTX] = ctx;
    res.on('close', onResponseClose);
    if (req.headers['transfer-encoding'] !== undefined) {
      ctx.hasBody = true;
      ctx.bodyChunked = true;
      req.on('data', countBytesIn);
    } else {
      const length = req.headers['content-length'];
      if (length !== undefined) {
        ctx.bytesIn = Number(length) || 0;
        ctx.hasBody = length !== '0';
        ctx.bodyLength = length;
      }
    }
    this.dispatchSafely(ctx);
  }

  handleUpgrade(host: ListenerHost, req: IncomingMessage, socket: Socket, head: Buffer): void {
    // Node hands the socket over without an error listener; a client reset must not crash us.
    socket.on('error', ignore);
    const ctx = this.begin(host, req, undefined, socket);
    ctx.head = head;
    (socket as WithContext<Socket>)[CTX] = ctx;
    socket.on('close', onUpgradeSocketClose);
    this.dispatchSafely(ctx);
  }

  /** An exception here would escape into Node's 'request' event and kill the process. */
  private dispatchSafely(ctx: GatewayRequest): void {
    try {
      this.dispatch(ctx);
    } catch (error) {
      this.failed(ctx, error);
    }
  }

  private begin(host: ListenerHost, req: IncomingMessage, res: ServerResponse | undefined, socket: Socket): GatewayRequest {
    const table = host.table;
    table.owner.inFlight++;
    let url = req.url ?? '/';
    if (url.charCodeAt(0) !== 47 /* / */ && /^https?:\/\//i.test(url)) {
      // Absolute-form request target (a client configured to use us as a proxy).
      const parsed = new URL(url);
      url = parsed.pathname + parsed.search;
    }
    const q = url.indexOf('?');
    const ctx = new GatewayRequest(req, res, socket, host, table, q < 0 ? url : url.slice(0, q), q < 0 ? '' : url.slice(q));
    (req as WithContext<IncomingMessage>)[CTX] = ctx;
    // Flattened once, as received (before hop-by-hop stripping and policies change them).
    if (this.captureHeaders) ctx.receivedHeaders = flatten(req.headers);
    ctx.captureBytes = this.captureBodyBytes;
    return ctx;
  }

  private dispatch(ctx: GatewayRequest): void {
    const path = ctx.path;
    const head = headProblem(ctx.req);
    if (head !== undefined) return refuse(ctx, head);
    if (path === HEALTH_PATH) return this.answerHealth(ctx);
    if (this.paused) return sendGatewayError(ctx, 503, GatewayErrorCode.trafficPaused, 'traffic is paused on this gateway; resume it in Gatehouse');
    const dots = dotSegmentProblem(path);
    if (dots !== undefined) return refuse(ctx, dots);
    const api = findApi(ctx.table.apis, path);
    if (api === undefined) return sendGatewayError(ctx, 404, GatewayErrorCode.noRoute, `no API on this gateway serves ${path}`);
    ctx.compiledApi = api;
    ctx.api = api.info;
    ctx.relativePath = api.basePath === '/' ? path : path.slice(api.basePath.length);
    if (!api.enabled) return sendGatewayError(ctx, 503, GatewayErrorCode.apiDisabled, `API "${api.name}" is disabled; enable it in Gatehouse to serve traffic`);
    if (!findRoute(api, ctx) && api.mock?.mode !== 'only') return sendGatewayError(ctx, 404, GatewayErrorCode.noRoute, `no route of API "${api.name}" matches ${ctx.method} ${path}`);
    // Captures joined from several groups can form a dot segment the request path did not have.
    if (ctx.forwardPath !== ctx.relativePath) {
      const joined = dotSegmentProblem(ctx.forwardPath || '/');
      if (joined !== undefined) return refuse(ctx, `${joined} (in the path the route forwards)`);
    }
    if (ctx.res === undefined) stripRequestHopByHop(ctx.headers, true);
    else {
      const headers = requestEndToEnd(ctx.headers);
      if (headers !== ctx.headers) ctx.headers = ctx.req.headers = headers;
    }
    if (api.bindings.length === 0) {
      // A mock's answer still leaves its trace line (Try it and the traffic view say who answered).
      if (api.mock !== undefined && this.onRequest !== undefined) ctx.trace = [];
      return this.proceed(ctx);
    }
    // The trace is only kept when something reads request facts.
    if (this.onRequest !== undefined) ctx.trace = [];
    const outcome = runPipeline(api.bindings, ctx);
    if (outcome instanceof Promise) {
      outcome.then(
        (result) => this.afterPipeline(ctx, result),
        (error: unknown) => this.failed(ctx, error),
      );
    } else this.afterPipeline(ctx, outcome);
  }

  private afterPipeline(ctx: GatewayRequest, outcome: PipelineOutcome): void {
    try {
      if (outcome === undefined) {
        if (!ctx.finished) this.proceed(ctx);
        return;
      }
      const { binding, decision } = outcome;
      if (decision.action === 'reject') {
        sendGatewayError(ctx, decision.status, decision.code, decision.message, binding.name, decision.headers);
        return;
      }
      if (decision.action === 'reset') return resetConnection(ctx, binding.name);
      const headers: OutgoingHttpHeaders = {};
      if (decision.headers) for (const name in decision.headers) headers[name.toLowerCase()] = decision.headers[name];
      sendGatewayResponse(ctx, decision.status, headers, decision.body);
    } catch (error) {
      this.failed(ctx, error);
    }
  }

  /** Every policy let the request through: to the upstream, unless it is a dry run. */
  private proceed(ctx: GatewayRequest): void {
    // After the pipeline, where a request-handling binding may have allowed them.
    if (ctx.allowEncodedPathSeparators !== true) {
      const separators = encodedSeparatorProblem(ctx.path) ?? (ctx.forwardPath !== ctx.relativePath ? encodedSeparatorProblem(ctx.forwardPath) : undefined);
      if (separators !== undefined) return refuse(ctx, `${separators} (the request-handling policy can allow it for an API)`);
    }
    if (ctx.headers[TRY_ID_HEADER] !== undefined) delete ctx.headers[TRY_ID_HEADER];
    const mock = ctx.compiledApi!.mock;
    // A mock-only API never calls an upstream (there may be none); a dry run still sees its answer.
    if (mock !== undefined && mock.mode === 'only') {
      if (ctx.headers[DRY_RUN_HEADER] !== undefined) delete ctx.headers[DRY_RUN_HEADER];
      answerFromMock(ctx, mock, true);
      return;
    }
    const dryRun = ctx.headers[DRY_RUN_HEADER];
    if (dryRun === undefined) return this.toUpstream(ctx);
    // The marker is never forwarded; a wrong token is an ordinary request.
    delete ctx.headers[DRY_RUN_HEADER];
    if (this.dryRunToken === undefined || dryRun !== this.dryRunToken) return this.toUpstream(ctx);
    const body = JSON.stringify({ dryRun: true, message: `every policy let this request through; in a dry run the gateway answers instead of the upstream of API "${ctx.api.name}"` });
    sendGatewayResponse(ctx, 200, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' }, body);
  }

  /** Breakpoints cost one field check while no rule is set; a match holds the request or its response (forwarder.ts). */
  private toUpstream(ctx: GatewayRequest): void {
    const breakpoints = this.breakpoints;
    if (breakpoints !== undefined && breakpoints.active && ctx.res !== undefined) ctx.breakpoint = breakpoints.match(ctx);
    forward(ctx);
  }

  private failed(ctx: GatewayRequest, error: unknown): void {
    this.log('error', `request failed in the gateway: ${(error as Error)?.message ?? String(error)}`, { api: ctx.api.id });
    if (!ctx.finished) sendGatewayError(ctx, 500, GatewayErrorCode.internal, 'the gateway failed to handle this request; see the gateway log');
  }

  private answerHealth(ctx: GatewayRequest): void {
    ctx.quiet = true;
    if (ctx.method !== 'GET' && ctx.method !== 'HEAD')
      return sendGatewayError(ctx, 405, 'METHOD_NOT_ALLOWED', `${HEALTH_PATH} answers GET only`, undefined, { allow: 'GET, HEAD' });
    const body = JSON.stringify(this.health());
    sendGatewayResponse(ctx, 200, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' }, body);
  }

  complete(ctx: GatewayRequest): void {
    if (ctx.finished) return;
    ctx.end();
    if (ctx.bodyTimer !== undefined) clearBodyDeadline(ctx);
    const res = ctx.res;
    if (res !== undefined && !res.writableFinished) {
      abortUpstream(ctx);
      if (!res.headersSent) {
        ctx.status = 499;
        ctx.errorCode ??= 'CLIENT_CLOSED';
      } else ctx.errorCode ??= 'RESPONSE_ABORTED';
    } else if (res === undefined && ctx.status === 0) {
      abortUpstream(ctx);
      ctx.status = 499;
      ctx.errorCode ??= 'CLIENT_CLOSED';
    }
    ctx.table.owner.release();
    const listener = this.onRequest;
    if (listener === undefined || ctx.quiet) return;
    try {
      listener(this.fact(ctx));
    } catch (error) {
      this.log('error', `request listener failed: ${(error as Error).message}`);
    }
  }

  private fact(ctx: GatewayRequest): RequestFact {
    const api = ctx.compiledApi;
    const fact: RequestFact = {
      id: ctx.id,
      at: ctx.at,
      apiId: api?.id,
      apiName: api?.name,
      listener: ctx.listener.label,
      method: ctx.method,
      path: ctx.path,
      status: ctx.status,
      latencyMs: performance.now() - ctx.startedAt,
      upstreamLatencyMs: ctx.upstreamLatencyMs,
      upstream: ctx.target?.upstream.name,
      bytesIn: ctx.bytesIn,
      bytesOut: ctx.bytesOut,
      clientId: ctx.clientId,
      remoteAddress: ctx.remoteAddress,
      source: ctx.source,
      errorCode: ctx.errorCode,
      violatedPolicy: ctx.violatedPolicy,
      trace: ctx.trace ?? EMPTY_TRACE,
    };
    if (ctx.search.length > 1) fact.query = ctx.search.slice(1);
    if (ctx.requestCaptured > 0) fact.requestBody = joinCapture(ctx.requestCapture, ctx.requestCaptured);
    if (ctx.responseCaptured > 0) fact.responseBody = joinCapture(ctx.responseCapture, ctx.responseCaptured);
    if (this.captureHeaders) {
      fact.requestHeaders = ctx.receivedHeaders;
      // After an upgrade, http-proxy may still write this head: only a written one is reused.
      const written = ctx.res !== undefined && ctx.res.headersSent;
      fact.responseHeaders = written ? flatOrCopy(ctx.finalHeaders) : flatten(ctx.finalHeaders);
    }
    return fact;
  }
}

function onResponseClose(this: WithContext<ServerResponse>): void {
  const ctx = this[CTX]!;
  ctx.listener.services.complete(ctx);
}

function onUpgradeSocketClose(this: WithContext<Socket>): void {
  const ctx = this[CTX]!;
  ctx.listener.services.complete(ctx);
}

function countBytesIn(this: WithContext<IncomingMessage>, chunk: Buffer): void {
  this[CTX]!.bytesIn += chunk.length;
}

function ignore(): void {}

/** fault-injection's reset: the client sees its connection reset (RST), with no response. */
function resetConnection(ctx: GatewayRequest, policy: string): void {
  ctx.errorCode = 'FAULT_RESET';
  ctx.violatedPolicy = policy;
  ctx.socket.resetAndDestroy();
}

/** A request whose framing or path cannot be trusted: 400, and the connection is not reused. */
function refuse(ctx: GatewayRequest, message: string): void {
  if (ctx.res !== undefined) ctx.res.shouldKeepAlive = false;
  sendGatewayError(ctx, 400, GatewayErrorCode.badRequest, message);
}

/** Longest base path first (the compiled order); `/users` never matches `/users-admin`. */
export function findApi(apis: readonly CompiledApi[], path: string): CompiledApi | undefined {
  for (let i = 0; i < apis.length; i++) {
    const api = apis[i]!;
    const base = api.basePath;
    if (base === '/') return api;
    if (path.startsWith(base) && (path.length === base.length || path.charCodeAt(base.length) === 47)) return api;
  }
  return undefined;
}

/** The first route whose rules match: sets `ctx.route` and the path it forwards. */
function findRoute(api: CompiledApi, ctx: GatewayRequest): boolean {
  const routes = api.routes;
  for (let i = 0; i < routes.length; i++) {
    const route = routes[i]!;
    const forwarded = route.match === undefined ? ctx.relativePath : route.match(ctx);
    if (forwarded === undefined) continue;
    ctx.route = route;
    ctx.forwardPath = forwarded;
    return true;
  }
  return false;
}

/**
 * A written response head, flattened: the object itself when every value is already a string
 * (most upstream responses; nothing reads or writes it after the head went out, and the
 * control plane redacts facts in place), else a flattened copy.
 */
function flatOrCopy(headers: OutgoingHttpHeaders | undefined): Record<string, string> | undefined {
  if (headers === undefined) return undefined;
  for (const name in headers) if (typeof headers[name] !== 'string') return flatten(headers);
  return headers as Record<string, string>;
}

function flatten(headers: OutgoingHttpHeaders | IncomingHttpHeaders | undefined): Record<string, string> | undefined {
  if (headers === undefined) return undefined;
  const flat: Record<string, string> = {};
  for (const name in headers) {
    const value = headers[name];
    if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(', ') : String(value);
  }
  return flat;
}
