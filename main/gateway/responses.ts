/**
 * Writing responses: the final header set of any response (policy-added headers, response
 * hooks, `x-gatehouse-source`), and gateway-made responses, including raw ones written on a
 * socket whose request was a WebSocket upgrade.
 */
import { STATUS_CODES, type OutgoingHttpHeaders } from 'node:http';
import { errorEnvelope } from '../../shared/errors';
import { captureResponseChunk } from './body-capture';
import type { GatewayRequest } from './context';
import { runInterceptors } from './response-interception';
import { trickleBody } from './slow-body';

/**
 * Adds what policies asked for to a response head and runs their response hooks.
 * Returns the status, which a hook may have changed.
 */
export function finalizeHead(ctx: GatewayRequest, status: number, headers: OutgoingHttpHeaders, source: 'gateway' | 'upstream' | 'mock'): number {
  const added = ctx.addedResponseHeaders;
  if (added !== undefined) for (const name in added) headers[name] = added[name];
  const hooks = ctx.hooks;
  if (hooks !== undefined) {
    const view: { status: number; headers: OutgoingHttpHeaders; body?: Buffer } = { status, headers };
    for (const hook of hooks) {
      try {
        hook(view);
      } catch (error) {
        ctx.listener.services.log('error', `response hook failed: ${(error as Error).message}`, { api: ctx.api.id });
      }
    }
    status = view.status;
    if (view.body !== undefined) ctx.replacementBody = view.body;
  }
  headers['x-gatehouse-source'] = source;
  ctx.finalHeaders = headers;
  ctx.status = status;
  ctx.source = source;
  return status;
}

/** A gateway-made error: JSON `{"error":{"code","message","policy"?}}`. */
export function sendGatewayError(ctx: GatewayRequest, status: number, code: string, message: string, policy?: string, extraHeaders?: OutgoingHttpHeaders): void {
  ctx.errorCode = code;
  if (policy !== undefined) ctx.violatedPolicy = policy;
  const body = JSON.stringify(errorEnvelope(code, message, policy === undefined ? {} : { policy }));
  const headers: OutgoingHttpHeaders = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' };
  if (extraHeaders !== undefined) for (const name in extraHeaders) headers[name.toLowerCase()] = extraHeaders[name];
  sendGatewayResponse(ctx, status, headers, body);
}

/** A response the gateway (or a policy, or the API's mock) makes itself. */
export function sendGatewayResponse(ctx: GatewayRequest, status: number, headers: OutgoingHttpHeaders, body: string | Buffer | undefined, source: 'gateway' | 'mock' = 'gateway'): void {
  const finalStatus = finalizeHead(ctx, status, headers, source);
  // A response hook may answer with its own body (a cache serving a stale entry on an error).
  const payload = ctx.replacementBody ?? body ?? '';
  if (ctx.interceptors !== undefined && ctx.res !== undefined) return interceptGatewayResponse(ctx, finalStatus, headers, payload);
  writeGatewayResponse(ctx, finalStatus, headers, payload);
}

/** Custom policies' onResponse on a gateway-made answer (a later policy's reject, a mock): see response-interception.ts. */
function interceptGatewayResponse(ctx: GatewayRequest, status: number, headers: OutgoingHttpHeaders, payload: string | Buffer): void {
  const body = typeof payload === 'string' ? Buffer.from(payload) : payload;
  void runInterceptors(ctx, status, headers, body).then((result) => {
    if (ctx.finished) return;
    if (result.failure !== undefined) return sendGatewayError(ctx, result.failure.status, result.failure.code, result.failure.message, result.failure.policy);
    ctx.status = result.status;
    writeGatewayResponse(ctx, result.status, headers, result.body ?? body);
  });
}

function writeGatewayResponse(ctx: GatewayRequest, finalStatus: number, headers: OutgoingHttpHeaders, payload: string | Buffer): void {
  const length = typeof payload === 'string' ? Buffer.byteLength(payload) : payload.length;
  headers['content-length'] = length;
  ctx.bytesOut = ctx.method === 'HEAD' ? 0 : length;
  if (ctx.captureBytes > 0 && ctx.method !== 'HEAD') captureResponseChunk(ctx, payload);
  const res = ctx.res;
  if (res === undefined) {
    writeRawResponse(ctx, finalStatus, headers, payload);
    return;
  }
  if (res.headersSent || res.destroyed) {
    res.destroy();
    return;
  }
  if (ctx.listener.draining) res.shouldKeepAlive = false;
  try {
    res.writeHead(finalStatus, headers);
  } catch (error) {
    // A policy put a header value Node refuses (e.g. with a newline): still answer, loudly.
    ctx.listener.services.log('error', `invalid response header: ${(error as Error).message}`, { api: ctx.api.id });
    res.removeHeader('content-length');
    const fallback = JSON.stringify(errorEnvelope('INTERNAL_ERROR', 'the gateway built an invalid response header'));
    ctx.status = 500;
    ctx.errorCode = 'INTERNAL_ERROR';
    res.writeHead(500, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(fallback), 'x-gatehouse-source': 'gateway' });
    res.end(fallback);
    return;
  }
  if (ctx.bodyBytesPerSecond !== undefined && ctx.method !== 'HEAD') trickleBody(res, ctx.bodyBytesPerSecond, payload);
  else res.end(payload);
}

/** For a rejected WebSocket upgrade: there is no ServerResponse, only the socket. */
function writeRawResponse(ctx: GatewayRequest, status: number, headers: OutgoingHttpHeaders, body: string | Buffer): void {
  const socket = ctx.socket;
  if (!socket.writable) {
    ctx.listener.services.complete(ctx);
    return;
  }
  let head = `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\n`;
  for (const name in headers) {
    const value = headers[name];
    if (value === undefined || name === 'connection') continue;
    for (const item of Array.isArray(value) ? value : [value]) {
      const text = String(item);
      if (!/[\r\n]/.test(text) && !/[\r\n:]/.test(name)) head += `${name}: ${text}\r\n`;
    }
  }
  head += 'connection: close\r\n\r\n';
  socket.end(typeof body === 'string' ? head + body : Buffer.concat([Buffer.from(head), body]));
  ctx.listener.services.complete(ctx);
}
