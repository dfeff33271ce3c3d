/**
 * Forwarding to the upstream through http-proxy (one proxy per upstream, fixed options, so
 * nothing is copied per request). The response is self-handled: hop-by-hop headers stripped,
 * policy headers and hooks applied, the body streamed and counted, and an upstream that dies
 * mid-body aborts the client connection instead of ending it cleanly with a truncated body.
 * Handlers are shared functions that find the request through a symbol, not closures.
 */
import type { ClientRequest, IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type httpProxy from 'http-proxy';
import { GatewayErrorCode } from '../../shared/errors';
import { BREAKPOINT_BODY_LIMIT_BYTES } from '../../shared/contract/breakpoints';
import { DEFAULT_BODY_BUFFER_BYTES } from '../../shared/policies/request-handling';
import { captureResponseChunk } from './body-capture';
import { holdRequest, holdResponse } from './breakpoint-hold';
import type { CompiledBreakpoint } from './breakpoints';
import { CTX, type GatewayRequest, type WithContext } from './context';
import { responseEndToEnd, stripResponseHopByHop } from './hop-by-hop';
import { keepIdleFor, upstreamIdleLimit, upstreamTimeoutError } from './idle-timeouts';
import { readRequestBody, sendRequestBody } from './request-body';
import { finalizeHead, sendGatewayError } from './responses';
import { onProxyReqWs } from './forward-websocket';
import { finishCapture, keepChunk, startCapture } from './policy-body-captures';
import { runInterceptors } from './response-interception';
import { pickTarget } from './routes';
import { answerFromMock, recordResponse } from './mock';
import { BodyTrickle } from './slow-body';
import { UpstreamDeadlines } from './upstream-deadlines';

/** Idle timeouts of every upstream exchange in this process, swept by one timer. */
const deadlines = new UpstreamDeadlines();

type Req = WithContext<IncomingMessage>;

export function attachForwarder(proxy: httpProxy): void {
  proxy.on('proxyReq', onProxyReq);
  proxy.on('proxyRes', onProxyRes);
  proxy.on('proxyReqWs', onProxyReqWs);
  proxy.on('error', onProxyError);
}

/**
 * Sends the request (already past the policies) to its route's upstream; a request with a body
 * once the body is read (see request-body.ts).
 */
export function forward(ctx: GatewayRequest): void {
  const target = (ctx.target = pickTarget(ctx.route!));
  const upstream = target.upstream;
  const req = ctx.req;
  const headers = req.headers;
  const forwardedFor = headers['x-forwarded-for'];
  headers['x-forwarded-for'] = forwardedFor ? `${forwardedFor}, ${ctx.remoteAddress}` : ctx.remoteAddress;
  headers['x-forwarded-proto'] = ctx.listener.protocol;
  if (ctx.host !== '') headers['x-forwarded-host'] = ctx.host;
  // The upstream's own host (virtual hosting, SNI) unless a policy chose one explicitly.
  if (headers.host === ctx.host || headers.host === undefined) headers.host = upstream.hostHeader;
  const path = target.prefix + ctx.forwardPath;
  req.url = (path === '' ? '/' : path) + ctx.search;
  const breakpoint = ctx.breakpoint;
  const next = breakpoint !== undefined && breakpoint.request ? holdThenSend : send;
  if (ctx.hasBody && ctx.res !== undefined) {
    // The client already got its 100 Continue from us; the upstream gets the whole body.
    if (headers.expect !== undefined) delete headers.expect;
    // A policy read it already (a custom policy's request.body()).
    if (ctx.body !== undefined) return next(ctx);
    // A paused request shows its whole body (up to the breakpoint limit).
    if (next === holdThenSend) ctx.bodyBufferBytes = Math.max(ctx.bodyBufferBytes ?? DEFAULT_BODY_BUFFER_BYTES, BREAKPOINT_BODY_LIMIT_BYTES);
    readRequestBody(ctx, ctx.listener.bodyDeadlineMs, next);
  } else next(ctx);
}

/** A request breakpoint matched: the request waits for the developer (breakpoint-hold.ts), then goes on through send(). */
function holdThenSend(ctx: GatewayRequest): void {
  holdRequest(ctx, ctx.listener.services.breakpoints!, ctx.breakpoint!, send);
}

function send(ctx: GatewayRequest): void {
  const upstream = ctx.target!.upstream;
  ctx.upstreamStartedAt = performance.now();
  if (ctx.res !== undefined) {
    forwarding = ctx;
    upstream.proxy.web(ctx.req, ctx.res);
    forwarding = undefined;
  } else upstream.wsProxy.ws(ctx.req, ctx.socket, ctx.head ?? EMPTY);
}

/** The request inside `proxy.web` (http-proxy pipes the body synchronously, from there). */
let forwarding: GatewayRequest | undefined;

/**
 * The request body as http-proxy sends it upstream (its `buffer` option), called before the
 * upstream request's head is written: sets the path we built (http-proxy runs with
 * `ignorePath`) and the body's framing, then sends the body (see request-body.ts); a request
 * without a body simply ends the upstream request. Readable.pipe's listeners and their removal
 * on 'end' cost more than the rest of forwarding a GET; Node's server still reads the empty
 * request to its end when the response finishes, which keeps the connection reusable.
 */
export const requestBodySource = {
  pipe(destination: ClientRequest): ClientRequest {
    const ctx = forwarding;
    if (ctx === undefined) throw new Error('requestBodySource.pipe called outside forward()');
    destination.path = ctx.req.url!;
    return sendRequestBody(ctx, destination);
  },
};

const EMPTY = Buffer.alloc(0);

/** The client went away before the exchange finished: free the upstream connection now. */
export function abortUpstream(ctx: GatewayRequest): void {
  deadlines.unwatch(ctx);
  const response = ctx.upstreamResponse;
  if (response !== undefined) {
    if (!response.complete) response.destroy();
    return;
  }
  const request = ctx.upstreamRequest;
  if (request !== undefined && !request.destroyed) request.destroy();
}

function timeoutFor(ctx: GatewayRequest): number {
  return upstreamIdleLimit(ctx);
}

function onProxyReq(proxyReq: ClientRequest, req: Req): void {
  const ctx = req[CTX];
  if (ctx === undefined) return;
  ctx.upstreamRequest = proxyReq;
  if (ctx.finished) {
    proxyReq.destroy();
    return;
  }
  // Idle timeout on the upstream socket: covers waiting for the head and a body that stalls.
  deadlines.watch(ctx, timeoutFor(ctx));
  if (ctx.upstreamIdleTimeoutMs !== undefined) keepIdleFor(proxyReq, ctx.upstreamIdleTimeoutMs);
}

function onProxyRes(proxyRes: WithContext<IncomingMessage>, req: Req, res: ServerResponse): void {
  const ctx = req[CTX];
  if (ctx === undefined || ctx.finished || res.headersSent) {
    proxyRes.resume();
    return;
  }
  if (proxyRes.statusCode === 401 && ctx.unauthorizedHook !== undefined && replayable(ctx)) {
    renewAndResend(ctx, proxyRes, res);
    return;
  }
  deliver(ctx, proxyRes, res);
}

function deliver(ctx: GatewayRequest, proxyRes: WithContext<IncomingMessage>, res: ServerResponse): void {
  ctx.upstreamLatencyMs = performance.now() - ctx.upstreamStartedAt;
  ctx.upstreamResponse = proxyRes;
  const headers = responseEndToEnd(proxyRes.headers);
  if (ctx.bodyCaptures !== undefined) startCapture(ctx, proxyRes.statusCode ?? 502, headers);
  const status = finalizeHead(ctx, proxyRes.statusCode ?? 502, headers, 'upstream');
  if (ctx.listener.draining) res.shouldKeepAlive = false;
  if (ctx.replacementBody !== undefined) return deliverReplacement(ctx, proxyRes, res, status, headers);
  if (ctx.interceptors !== undefined) return deliverIntercepted(ctx, proxyRes, res, status, headers);
  sendUpstreamHead(ctx, proxyRes, res, status, headers);
}

/** The head goes out (unless a breakpoint holds it), then the body streams. */
function sendUpstreamHead(ctx: GatewayRequest, proxyRes: WithContext<IncomingMessage>, res: ServerResponse, status: number, headers: OutgoingHttpHeaders): void {
  const breakpoint = ctx.breakpoint;
  if (breakpoint !== undefined && breakpoint.response && holdUpstreamResponse(ctx, breakpoint, proxyRes, res, status, headers)) return;
  res.writeHead(status, proxyRes.statusMessage, headers);
  watchUpstreamBody(ctx, proxyRes);
  if (ctx.bodyBytesPerSecond !== undefined) return deliverSlowly(ctx, proxyRes, res, ctx.bodyBytesPerSecond);
  proxyRes.on('data', onUpstreamData);
  proxyRes.on('end', onUpstreamEnd);
}

function watchUpstreamBody(ctx: GatewayRequest, proxyRes: WithContext<IncomingMessage>): void {
  proxyRes[CTX] = ctx;
  proxyRes.on('error', ignore);
  proxyRes.on('close', onUpstreamBodyClose);
  const recorder = ctx.listener.services.onRecorded;
  if (recorder !== undefined && ctx.compiledApi?.recording !== undefined) recordResponse(ctx, proxyRes, proxyRes.statusCode ?? 502, recorder);
}

/**
 * A response breakpoint matched: the body is read in full and the response held (breakpoint-hold.ts).
 * Policies get no copy of a response the developer may change; one too large to hold goes on as read.
 */
function holdUpstreamResponse(ctx: GatewayRequest, breakpoint: CompiledBreakpoint, proxyRes: WithContext<IncomingMessage>, res: ServerResponse, status: number, headers: OutgoingHttpHeaders): boolean {
  const held = holdResponse(ctx, ctx.listener.services.breakpoints!, breakpoint, proxyRes, status, headers, (chunks) => {
    res.writeHead(status, proxyRes.statusMessage, headers);
    for (const chunk of chunks) onUpstreamData.call(proxyRes, chunk);
    proxyRes.on('data', onUpstreamData);
    proxyRes.on('end', onUpstreamEnd);
  });
  if (!held) return false;
  if (ctx.capturedChunks !== undefined) finishCapture(ctx, undefined);
  watchUpstreamBody(ctx, proxyRes);
  return true;
}

/** fault-injection's slowBody: the upstream body trickles to the client (rare; closures are fine). */
function deliverSlowly(ctx: GatewayRequest, proxyRes: IncomingMessage, res: ServerResponse, bytesPerSecond: number): void {
  const trickle = new BodyTrickle(res, bytesPerSecond, proxyRes);
  proxyRes.on('data', (chunk: Buffer) => {
    ctx.bytesOut += chunk.length;
    if (ctx.captureBytes > ctx.responseCaptured) captureResponseChunk(ctx, chunk);
    trickle.push(chunk);
  });
  proxyRes.on('end', () => trickle.end());
  res.on('close', () => trickle.stop());
}

/*
 * The body, upstream to client, with backpressure: shared handlers instead of Readable.pipe,
 * whose seven listeners per response (and their removal) showed in profiles. A client that
 * goes away is handled by complete() (which destroys the upstream response), an upstream that
 * dies mid-body by onUpstreamBodyClose.
 */
function onUpstreamData(this: WithContext<IncomingMessage>, chunk: Buffer): void {
  const ctx = this[CTX]!;
  const res = ctx.res!;
  ctx.bytesOut += chunk.length;
  if (ctx.capturedChunks !== undefined) keepChunk(ctx, chunk);
  if (ctx.captureBytes > ctx.responseCaptured) captureResponseChunk(ctx, chunk);
  if (res.destroyed) return;
  if (!res.write(chunk)) {
    this.pause();
    if (!ctx.drainWatched) {
      ctx.drainWatched = true;
      res.on('drain', onClientDrain);
    }
  }
}

function onClientDrain(this: WithContext<ServerResponse>): void {
  const upstream = this[CTX]?.upstreamResponse;
  if (upstream !== undefined && !upstream.destroyed) upstream.resume();
}

function onUpstreamEnd(this: WithContext<IncomingMessage>): void {
  const ctx = this[CTX]!;
  const res = ctx.res!;
  if (ctx.capturedChunks !== undefined) finishCapture(ctx, Buffer.concat(ctx.capturedChunks, ctx.capturedBytes));
  if (!res.destroyed) res.end();
}

/** Never a clean end with a truncated body: an incomplete upstream body aborts the client. */
function onUpstreamBodyClose(this: WithContext<IncomingMessage>): void {
  const ctx = this[CTX]!;
  deadlines.unwatch(ctx);
  if (ctx.capturedChunks !== undefined) finishCapture(ctx, undefined);
  if (this.complete) return;
  ctx.errorCode ??= 'UPSTREAM_ABORTED';
  ctx.res?.destroy();
}

/**
 * Custom policies' onResponse (response-interception.ts): the head, and the body when one asks
 * for it, wait for them; the upstream response stays paused meanwhile.
 */
function deliverIntercepted(ctx: GatewayRequest, proxyRes: WithContext<IncomingMessage>, res: ServerResponse, status: number, headers: OutgoingHttpHeaders): void {
  proxyRes.pause();
  proxyRes.on('error', ignore);
  void runInterceptors(ctx, status, headers, proxyRes).then(({ status: final, body, sourcePending, failure }) => {
    if (ctx.finished || res.headersSent || res.destroyed) {
      proxyRes.destroy();
      return;
    }
    if (failure !== undefined) {
      deadlines.unwatch(ctx);
      if (sourcePending) proxyRes.destroy();
      if (ctx.capturedChunks !== undefined) finishCapture(ctx, undefined);
      sendGatewayError(ctx, failure.status, failure.code, failure.message, failure.policy);
      return;
    }
    ctx.status = final;
    if (body !== undefined) {
      ctx.replacementBody = body;
      return deliverReplacement(ctx, proxyRes, res, final, headers);
    }
    sendUpstreamHead(ctx, proxyRes, res, final, headers);
    proxyRes.resume();
  });
}

/** A response hook answered with its own body (a 304 turned into the stored response): the upstream's is drained. */
function deliverReplacement(ctx: GatewayRequest, proxyRes: IncomingMessage, res: ServerResponse, status: number, headers: OutgoingHttpHeaders): void {
  const body = ctx.replacementBody!;
  if (ctx.capturedChunks !== undefined) finishCapture(ctx, undefined);
  delete headers['transfer-encoding'];
  headers['content-length'] = body.length;
  ctx.bytesOut = ctx.method === 'HEAD' ? 0 : body.length;
  if (ctx.captureBytes > 0 && ctx.method !== 'HEAD') captureResponseChunk(ctx, body);
  res.writeHead(status, headers);
  res.end(body);
  proxyRes.on('error', ignore);
  proxyRes.on('close', () => deadlines.unwatch(ctx));
  proxyRes.resume();
}

function onProxyError(error: NodeJS.ErrnoException, req: Req, target: ServerResponse | Socket): void {
  const ctx = req[CTX];
  if (ctx === undefined) {
    if ('destroy' in target) target.destroy();
    return;
  }
  deadlines.unwatch(ctx);
  // A body inspector refused the body and aborted this request; the client has its answer.
  if (ctx.bodyRefused) return;
  if (retryable(ctx, error)) {
    ctx.upstreamRetried = true;
    ctx.upstreamRequest = undefined;
    send(ctx);
    return;
  }
  const res = ctx.res;
  if (ctx.finished || (res !== undefined && (res.headersSent || res.destroyed))) {
    ctx.errorCode ??= mapUpstreamError(error, ctx).code;
    res?.destroy();
    return;
  }
  const mapped = mapUpstreamError(error, ctx);
  // "Fall back to the mock when the upstream is down": refused, unreachable or timed out.
  const mock = ctx.compiledApi?.mock;
  if (mock !== undefined && res !== undefined && mapped.code !== GatewayErrorCode.upstreamTls && answerFromMock(ctx, mock, false)) return;
  sendGatewayError(ctx, mapped.status, mapped.code, mapped.message);
}

/**
 * The upstream refused the credential a policy injected (an OAuth token revoked or expired
 * early): the policy renews it and the request goes once more through send(), the same path
 * as the connection retry below. The 401 is held, paused, meanwhile; when the policy cannot
 * renew, that 401 is what the client gets.
 */
function renewAndResend(ctx: GatewayRequest, proxyRes: WithContext<IncomingMessage>, res: ServerResponse): void {
  const hook = ctx.unauthorizedHook!;
  ctx.unauthorizedHook = undefined;
  deadlines.unwatch(ctx);
  proxyRes.pause();
  proxyRes.on('error', ignore);
  hook(ctx)
    .catch(() => false)
    .then((again) => {
      if (ctx.finished || res.headersSent || res.destroyed) {
        proxyRes.destroy();
        return;
      }
      if (!again) {
        deliver(ctx, proxyRes, res);
        proxyRes.resume();
        return;
      }
      // Read to its end so that the connection goes back to the pool.
      proxyRes.resume();
      ctx.upstreamRequest = undefined;
      send(ctx);
    });
}

/** The whole request can be sent again: no body, or a body buffered in full. */
function replayable(ctx: GatewayRequest): boolean {
  return ctx.res !== undefined && (!ctx.hasBody || ctx.body !== undefined);
}

const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE', 'PUT', 'DELETE']);
const CONNECTION_LOST = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED']);

/**
 * A reused keep-alive connection that the upstream closed before answering (it timed out the
 * idle connection as we sent on it) says nothing about the upstream: send once more on a fresh
 * connection, as nginx's `proxy_next_upstream error` does, for idempotent methods whose body
 * (if any) was buffered and can be sent again.
 */
function retryable(ctx: GatewayRequest, error: NodeJS.ErrnoException): boolean {
  const request = ctx.upstreamRequest;
  return (
    !ctx.upstreamRetried &&
    request !== undefined &&
    request.reusedSocket &&
    ctx.upstreamResponse === undefined &&
    !ctx.finished &&
    ctx.res !== undefined &&
    !ctx.res.headersSent &&
    CONNECTION_LOST.has(error.code ?? '') &&
    IDEMPOTENT.has(ctx.method) &&
    replayable(ctx)
  );
}

const TLS_ERROR = /CERT|SELF_SIGNED|ERR_TLS|ERR_SSL|EPROTO|HOSTNAME|UNABLE_TO|ALTNAME/;

export function mapUpstreamError(error: NodeJS.ErrnoException, ctx: GatewayRequest): { status: number; code: string; message: string } {
  const upstream = ctx.target?.upstream.url ?? 'the upstream';
  const code = error.code ?? '';
  if (code === GatewayErrorCode.upstreamTimeout)
    return upstreamTimeoutError(ctx, upstream);
  if (TLS_ERROR.test(code)) return { status: 502, code: GatewayErrorCode.upstreamTls, message: `TLS with ${upstream} failed: ${error.message} (${code})` };
  const reasons: Record<string, string> = {
    ECONNREFUSED: 'refused the connection (is it running?)',
    ECONNRESET: 'closed the connection before answering',
    EPIPE: 'closed the connection before answering',
    EHOSTUNREACH: 'is unreachable',
    ENETUNREACH: 'is unreachable',
    ENOTFOUND: 'could not be resolved (unknown host)',
    EAI_AGAIN: 'could not be resolved (DNS failure)',
    ETIMEDOUT: 'did not accept the connection in time',
  };
  const reason = reasons[code] ?? `failed: ${error.message}`;
  return { status: 502, code: GatewayErrorCode.upstreamUnavailable, message: `${upstream} ${reason}` };
}

function ignore(): void {}
