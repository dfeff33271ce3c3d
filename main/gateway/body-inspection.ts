/**
 * Request bodies shown to the policies that asked (PolicyRequest.inspectBody) as they arrive.
 * While the body is buffered, a refusal means the upstream is never called. A body larger than
 * the buffer is inspected as it streams: each chunk is checked before it is written upstream
 * (this module's listener runs before the pipe's), and a refusal aborts the upstream request,
 * so the upstream never receives a complete refused body.
 *
 * After a refusal the rest of the body is read and dropped (never kept) for a short while, so
 * that the client reads the error instead of a connection reset; then the connection closes.
 */
import type { ClientRequest, IncomingMessage } from 'node:http';
import type { BodyInspector, BodyRefusal } from '../policies/types';
import type { GatewayRequest, WithContext } from './context';
import { sendGatewayError } from './responses';

type Req = WithContext<IncomingMessage>;

/** How long a refused client may keep sending (its bytes dropped) before the connection is cut. */
const LINGER_MS = 2000;

/** Feeds one chunk to every inspector; true when one refused (the request is then answered). */
export function inspectChunk(ctx: GatewayRequest, chunk: Buffer): boolean {
  const inspectors = ctx.bodyInspectors!;
  for (let i = 0; i < inspectors.length; i++) {
    const refusal = inspectors[i]!.chunk(chunk);
    if (refusal !== undefined) return refuse(ctx, inspectors[i]!, refusal);
  }
  return false;
}

/** The body is complete; true when an inspector refused it. */
export function inspectEnd(ctx: GatewayRequest): boolean {
  const inspectors = ctx.bodyInspectors!;
  for (let i = 0; i < inspectors.length; i++) {
    const refusal = inspectors[i]!.end();
    if (refusal !== undefined) return refuse(ctx, inspectors[i]!, refusal);
  }
  return false;
}

/**
 * Before `req.pipe(destination)`: inspects the streamed rest of the body. Registered first, so
 * a refused chunk is never written upstream.
 */
export function inspectStreamedBody(ctx: GatewayRequest, destination: ClientRequest): void {
  const req = ctx.req;
  const onData = (chunk: Buffer): void => {
    if (!inspectChunk(ctx, chunk)) return;
    abort();
  };
  const onEnd = (): void => {
    if (inspectEnd(ctx)) abort();
  };
  const abort = (): void => {
    req.off('data', onData);
    req.off('end', onEnd);
    req.unpipe(destination);
    destination.destroy();
  };
  req.on('data', onData);
  req.on('end', onEnd);
}

function refuse(ctx: GatewayRequest, inspector: BodyInspector, refusal: BodyRefusal): true {
  const req = ctx.req as Req;
  req.removeAllListeners('data');
  req.removeAllListeners('end');
  ctx.bodyChunks = undefined;
  ctx.bodyInspectors = undefined;
  ctx.bodyRefused = true;
  ctx.trace?.push({ policy: inspector.binding.name, bindingId: inspector.binding.id, verdict: 'deny', detail: refusal.message, status: refusal.status, durationMs: 0 });
  const res = ctx.res!;
  res.shouldKeepAlive = false;
  sendGatewayError(ctx, refusal.status, refusal.code, refusal.message, inspector.binding.name);
  // Drop what else arrives; cut the connection once the client had time to read the answer.
  req.resume();
  const timer = setTimeout(destroySocket, LINGER_MS, req);
  timer.unref();
  return true;
}

function destroySocket(req: Req): void {
  req.socket.destroy();
}
