/**
 * Body capture for the traffic view: the first `captureBytes` of each request and response
 * body, teed off the bytes as they pass. Nothing is buffered for it and nothing waits on it:
 * chunks are kept by reference (a slice past the limit) and joined once, when the request's
 * fact is built. Bodies stay raw, with their content-encoding; decoding is for display.
 */
import type { IncomingMessage } from 'node:http';
import { CTX, type GatewayRequest, type WithContext } from './context';

/** Keeps the part of `chunk` that still fits in the request's capture. */
export function captureRequestChunk(ctx: GatewayRequest, chunk: Buffer): void {
  const room = ctx.captureBytes - ctx.requestCaptured;
  if (room <= 0 || chunk.length === 0) return;
  const part = chunk.length <= room ? chunk : chunk.subarray(0, room);
  (ctx.requestCapture ??= []).push(part);
  ctx.requestCaptured += part.length;
}

/** Keeps the part of `chunk` that still fits in the response's capture. */
export function captureResponseChunk(ctx: GatewayRequest, chunk: Buffer | string): void {
  const room = ctx.captureBytes - ctx.responseCaptured;
  if (room <= 0 || chunk.length === 0) return;
  const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
  const part = bytes.length <= room ? bytes : bytes.subarray(0, room);
  (ctx.responseCapture ??= []).push(part);
  ctx.responseCaptured += part.length;
}

/**
 * A request body streamed past the buffer (see request-body.ts) is teed here while it is piped
 * upstream; the listener goes away once the capture is full.
 */
export function teeStreamedRequestBody(req: WithContext<IncomingMessage>): void {
  const ctx = req[CTX];
  if (ctx !== undefined && ctx.captureBytes > ctx.requestCaptured) req.on('data', onStreamedChunk);
}

function onStreamedChunk(this: WithContext<IncomingMessage>, chunk: Buffer): void {
  const ctx = this[CTX]!;
  captureRequestChunk(ctx, chunk);
  if (ctx.requestCaptured >= ctx.captureBytes) this.off('data', onStreamedChunk);
}

/** The captured bytes as one buffer (a copy: the chunks may be slices of larger reads). */
export function joinCapture(chunks: Buffer[] | undefined, length: number): Buffer | undefined {
  if (chunks === undefined || length === 0) return undefined;
  return Buffer.concat(chunks, length);
}
