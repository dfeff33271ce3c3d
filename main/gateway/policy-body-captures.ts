/**
 * Copies of the upstream response body for policies (http-caching-flex, spec-validation-flex),
 * kept on the request context while the body streams to the client. Split from forwarder.ts.
 */
import type { OutgoingHttpHeaders } from 'node:http';
import type { GatewayRequest } from './context';

/*
 * A copy of the body for policies (http-caching-flex, spec-validation-flex): the head is offered
 * first (before any policy changes it); chunks are kept while within the largest bound asked.
 */
export function startCapture(ctx: GatewayRequest, status: number, headers: OutgoingHttpHeaders): void {
  const wanted = ctx.bodyCaptures!.filter((capture) => capture.head(status, { ...headers }));
  if (wanted.length === 0) {
    ctx.bodyCaptures = undefined;
    return;
  }
  ctx.bodyCaptures = wanted;
  ctx.capturedMaxBytes = Math.max(...wanted.map((capture) => capture.maxBytes));
  ctx.capturedChunks = [];
  ctx.capturedBytes = 0;
}

export function keepChunk(ctx: GatewayRequest, chunk: Buffer): void {
  ctx.capturedBytes += chunk.length;
  if (ctx.capturedBytes <= ctx.capturedMaxBytes) ctx.capturedChunks!.push(chunk);
  else finishCapture(ctx, undefined);
}

export function finishCapture(ctx: GatewayRequest, body: Buffer | undefined): void {
  const captures = ctx.bodyCaptures!;
  ctx.bodyCaptures = undefined;
  ctx.capturedChunks = undefined;
  for (const capture of captures) {
    try {
      capture.done(body !== undefined && body.length <= capture.maxBytes ? body : undefined);
    } catch (error) {
      ctx.listener.services.log('error', `response body capture failed: ${(error as Error).message}`, { api: ctx.api.id });
    }
  }
}
