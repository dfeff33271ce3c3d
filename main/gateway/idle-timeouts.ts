/**
 * The idle limits of one exchange with the upstream, from the gateway default and the
 * timeout policies: response-timeout-flex (upstreamTimeoutMs), stream-idle-timeout-flex
 * (streamIdleTimeoutMs) and idle-timeout-flex (upstreamIdleTimeoutMs). The shortest one is what
 * the upstream sweeper enforces (upstream-deadlines.ts); the error names the one that fired.
 * idle-timeout-flex also decides how long the connection may then sit in the pool.
 */
import type { ClientRequest } from 'node:http';
import type { Socket } from 'node:net';
import { GatewayErrorCode } from '../../shared/errors';
import type { GatewayRequest } from './context';

export const STREAM_IDLE_TIMEOUT_CODE = 'STREAM_IDLE_TIMEOUT';

export function upstreamIdleLimit(ctx: GatewayRequest): number {
  let limit = ctx.upstreamTimeoutMs ?? ctx.listener.services.upstreamTimeoutMs;
  if (ctx.streamIdleTimeoutMs !== undefined && ctx.streamIdleTimeoutMs < limit) limit = ctx.streamIdleTimeoutMs;
  if (ctx.upstreamIdleTimeoutMs !== undefined && ctx.upstreamIdleTimeoutMs < limit) limit = ctx.upstreamIdleTimeoutMs;
  return limit;
}

/** The 504 for an upstream that stayed silent past the limit, naming the limit. */
export function upstreamTimeoutError(ctx: GatewayRequest, upstream: string): { status: number; code: string; message: string } {
  const limit = upstreamIdleLimit(ctx);
  if (limit === ctx.streamIdleTimeoutMs)
    return { status: 504, code: STREAM_IDLE_TIMEOUT_CODE, message: `the stream with ${upstream} was idle for ${limit} ms (stream-idle-timeout-flex)` };
  if (limit === ctx.upstreamIdleTimeoutMs)
    return { status: 504, code: GatewayErrorCode.upstreamTimeout, message: `the connection to ${upstream} was idle for ${limit} ms (idle-timeout-flex)` };
  return { status: 504, code: GatewayErrorCode.upstreamTimeout, message: `${upstream} did not answer within ${limit} ms` };
}

const IDLE_MS: unique symbol = Symbol('gatehouse.upstreamIdleMs');
type PooledSocket = Socket & { [IDLE_MS]?: number };

/**
 * idle-timeout-flex: once this exchange is over, its connection stays in the pool at most
 * `ms` without a request. Set on the socket's 'free', after the agent's own handler has set
 * the agent's default, so this one wins; the next request on the socket decides again.
 * (http-proxy emits proxyReq from the request's 'socket' event: the socket is there.)
 */
export function keepIdleFor(proxyReq: ClientRequest, ms: number): void {
  const socket = proxyReq.socket as PooledSocket | null;
  if (socket == null) return;
  if (socket[IDLE_MS] === undefined) socket.once('free', onFree);
  socket[IDLE_MS] = ms;
}

function onFree(this: PooledSocket): void {
  const ms = this[IDLE_MS];
  this[IDLE_MS] = undefined;
  if (ms !== undefined && !this.destroyed) this.setTimeout(ms);
}
