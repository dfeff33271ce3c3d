/**
 * Request bodies on their way upstream. A body is read into memory before the upstream request
 * starts, as nginx does by default (proxy_request_buffering): a client that sends its body
 * slowly then holds only its own connection, never one of the upstream pool's sockets, and a
 * complete body can be replayed when a reused upstream connection fails. A body larger than
 * the buffer limit (the request-handling policy sets it) is streamed after its first bytes, framed as it arrived.
 *
 * The framing the upstream sees is decided here and nowhere else: a buffered body goes with its
 * exact Content-Length, a streamed one with the Content-Length or chunked coding it arrived
 * with, a request without a body with neither. Whatever a Connection header, a policy or
 * http-proxy did to those headers, the upstream never reads body bytes as a second request.
 *
 * A client that has not finished its body when the body deadline (counted from the request's
 * arrival) passes gets 408 from the gateway, and its connection is closed.
 */
import type { ClientRequest, IncomingMessage } from 'node:http';
import { DEFAULT_BODY_BUFFER_BYTES } from '../../shared/policies/request-handling';
import { captureRequestChunk, teeStreamedRequestBody } from './body-capture';
import { inspectChunk, inspectEnd, inspectStreamedBody } from './body-inspection';
import { CTX, type GatewayRequest, type WithContext } from './context';
import { STREAM_IDLE_TIMEOUT_CODE } from './idle-timeouts';
import { sendGatewayError } from './responses';


export const REQUEST_TIMEOUT_CODE = 'REQUEST_TIMEOUT';

type Req = WithContext<IncomingMessage>;

/**
 * Reads the body of `ctx` (which has one) and calls `send(ctx)` once it is complete, or once
 * it outgrew the buffer (then the rest is streamed). `deadlineMs` counts from arrival.
 */
export function readRequestBody(ctx: GatewayRequest, deadlineMs: number, send: (ctx: GatewayRequest) => void): void {
  const req = ctx.req as Req;
  ctx.bodyChunks = [];
  ctx.bodyBuffered = 0;
  ctx.bodySend = send;
  const remaining = Math.max(1, deadlineMs - (performance.now() - ctx.startedAt));
  ctx.bodyTimer = setTimeout(onBodyDeadline, remaining, ctx, deadlineMs);
  if (ctx.streamIdleTimeoutMs !== undefined) ctx.bodyIdleTimer = setTimeout(onBodyIdle, ctx.streamIdleTimeoutMs, ctx, ctx.streamIdleTimeoutMs);
  req.on('data', onBodyData);
  req.on('end', onBodyEnd);
  req.once('end', onBodyArrived);
}

const NO_BODY = Buffer.alloc(0);

/**
 * A policy reads the whole body before the upstream is called (PolicyRequest.readBody): the
 * same reading as forwarding's, so inspectors, capture and the body deadline apply; forward()
 * then sends what was read. Undefined when it outgrew the buffer: the caller refuses the
 * request, and the connection closes (the rest of the body is never read).
 */
export function readBodyForPolicy(ctx: GatewayRequest, limit: number): Promise<Buffer | undefined> {
  if (ctx.body !== undefined) return Promise.resolve(ctx.body.length <= limit ? ctx.body : undefined);
  if (!ctx.hasBody || ctx.res === undefined) return Promise.resolve(NO_BODY);
  if (ctx.bodyStreaming) return Promise.resolve(undefined);
  return (ctx.bodyRead ??= new Promise<Buffer | undefined>((resolve) => {
    if (ctx.headers.expect !== undefined) delete ctx.headers.expect;
    ctx.bodyBufferBytes = Math.max(ctx.bodyBufferBytes ?? DEFAULT_BODY_BUFFER_BYTES, limit);
    // A refused or timed-out body ends the exchange without calling back: the abort settles the read.
    const abandoned = (): void => resolve(undefined);
    ctx.signal.addEventListener('abort', abandoned, { once: true });
    readRequestBody(ctx, ctx.listener.bodyDeadlineMs, () => {
      ctx.signal.removeEventListener('abort', abandoned);
      ctx.bodyRead = undefined;
      if (ctx.body !== undefined && ctx.body.length <= limit) return resolve(ctx.body);
      ctx.res!.shouldKeepAlive = false;
      resolve(undefined);
    });
  }));
}

/** A policy's body replaces the client's (already read, or none was sent). */
export function replaceRequestBody(ctx: GatewayRequest, body: Buffer): void {
  if (ctx.hasBody && ctx.body === undefined && ctx.res !== undefined) throw new Error('the request body must be read before it is replaced');
  ctx.body = body;
  ctx.hasBody = true;
  ctx.bodyChunked = false;
  ctx.bodyLength = String(body.length);
}

/** The exchange is over: no deadline may fire for it any more. */
export function clearBodyDeadline(ctx: GatewayRequest): void {
  if (ctx.bodyTimer !== undefined) {
    clearTimeout(ctx.bodyTimer);
    ctx.bodyTimer = undefined;
  }
  clearBodyIdle(ctx);
}

function clearBodyIdle(ctx: GatewayRequest): void {
  if (ctx.bodyIdleTimer !== undefined) {
    clearTimeout(ctx.bodyIdleTimer);
    ctx.bodyIdleTimer = undefined;
  }
}

function onBodyData(this: Req, chunk: Buffer): void {
  const ctx = this[CTX]!;
  if (ctx.bodyIdleTimer !== undefined) ctx.bodyIdleTimer.refresh();
  if (ctx.bodyInspectors !== undefined && inspectChunk(ctx, chunk)) return;
  ctx.bodyChunks!.push(chunk);
  ctx.bodyBuffered += chunk.length;
  if (ctx.captureBytes > ctx.requestCaptured) captureRequestChunk(ctx, chunk);
  if (ctx.bodyBuffered <= (ctx.bodyBufferBytes ?? DEFAULT_BODY_BUFFER_BYTES)) return;
  // Too large to hold: stream it, starting with what was read (the deadline keeps running).
  this.pause();
  this.off('data', onBodyData);
  this.off('end', onBodyEnd);
  // From here the upstream connection's idle limit (stream-idle-timeout-flex's too) watches it.
  clearBodyIdle(ctx);
  ctx.bodyStreaming = true;
  startUpstream(ctx);
}

function onBodyEnd(this: Req): void {
  const ctx = this[CTX]!;
  if (ctx.bodyInspectors !== undefined && inspectEnd(ctx)) return;
  const chunks = ctx.bodyChunks!;
  ctx.body = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, ctx.bodyBuffered);
  ctx.bodyChunks = undefined;
  startUpstream(ctx);
}

function onBodyArrived(this: Req): void {
  clearBodyDeadline(this[CTX]!);
}

function startUpstream(ctx: GatewayRequest): void {
  if (ctx.finished) return;
  const send = ctx.bodySend!;
  ctx.bodySend = undefined;
  send(ctx);
}

/** stream-idle-timeout-flex: the client sent no byte of its body for that long. */
function onBodyIdle(ctx: GatewayRequest, idleMs: number): void {
  ctx.bodyIdleTimer = undefined;
  if (ctx.finished || ctx.res!.headersSent) return;
  ctx.res!.shouldKeepAlive = false;
  sendGatewayError(ctx, 408, STREAM_IDLE_TIMEOUT_CODE, `no byte of the request body arrived for ${idleMs} ms (stream-idle-timeout-flex)`);
}

function onBodyDeadline(ctx: GatewayRequest, deadlineMs: number): void {
  ctx.bodyTimer = undefined;
  if (ctx.finished) return;
  const res = ctx.res!;
  if (res.headersSent) {
    res.destroy();
    return;
  }
  // The rest of the body would be read as the next request: this connection ends here.
  res.shouldKeepAlive = false;
  ctx.upstreamRequest?.destroy();
  sendGatewayError(ctx, 408, REQUEST_TIMEOUT_CODE, `the request body did not arrive within ${deadlineMs} ms`);
}

/**
 * Called by http-proxy in place of `req.pipe(upstreamRequest)`, before the upstream request's
 * head is written: sets the framing and sends the body as read.
 */
export function sendRequestBody(ctx: GatewayRequest, destination: ClientRequest): ClientRequest {
  const body = ctx.body;
  if (body !== undefined) {
    frameWithLength(destination, String(body.length));
    destination.end(body);
    return destination;
  }
  if (ctx.bodyStreaming) {
    if (ctx.bodyChunked) {
      destination.removeHeader('content-length');
      destination.setHeader('transfer-encoding', 'chunked');
    } else frameWithLength(destination, ctx.bodyLength!);
    for (const chunk of ctx.bodyChunks!) destination.write(chunk);
    ctx.bodyChunks = undefined;
    if (ctx.bodyInspectors !== undefined) inspectStreamedBody(ctx, destination);
    teeStreamedRequestBody(ctx.req);
    return ctx.req.pipe(destination);
  }
  // No body: a Content-Length a policy added would make the upstream wait for bytes of the
  // next request on this connection.
  const length = destination.getHeader('content-length');
  if (length !== undefined && length !== '0' && length !== 0) destination.removeHeader('content-length');
  if (destination.hasHeader('transfer-encoding')) destination.removeHeader('transfer-encoding');
  destination.end();
  return destination;
}

function frameWithLength(destination: ClientRequest, length: string): void {
  if (destination.hasHeader('transfer-encoding')) destination.removeHeader('transfer-encoding');
  destination.setHeader('content-length', length);
}
