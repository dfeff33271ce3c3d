/**
 * Forwarding WebSocket upgrades (http-proxy's `ws`): the upstream's 101 (or its plain refusal)
 * gets the final head policies asked for, and the exchange is reported as complete once the
 * upgrade is decided; the tunnel itself is http-proxy's. Split from forwarder.ts.
 */
import type { ClientRequest, IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { GatewayErrorCode } from '../../shared/errors';
import { CTX, type WithContext } from './context';
import { stripResponseHopByHop } from './hop-by-hop';
import { upstreamIdleLimit } from './idle-timeouts';
import { finalizeHead } from './responses';

type Req = WithContext<IncomingMessage>;

function onUpstreamTimeout(this: ClientRequest): void {
  const error = new Error('upstream timed out') as NodeJS.ErrnoException;
  error.code = GatewayErrorCode.upstreamTimeout;
  this.destroy(error);
}


export function onProxyReqWs(proxyReq: WithContext<ClientRequest>, req: Req): void {
  const ctx = req[CTX];
  if (ctx === undefined) return;
  ctx.upstreamRequest = proxyReq;
  proxyReq[CTX] = ctx;
  proxyReq.setTimeout(upstreamIdleLimit(ctx));
  proxyReq.on('timeout', onUpstreamTimeout);
  // Registered before http-proxy's own listeners, so the head is fixed before it is written.
  proxyReq.on('upgrade', onUpstreamUpgrade);
  proxyReq.on('response', onUpstreamRefusedUpgrade);
}

function onUpstreamUpgrade(this: WithContext<ClientRequest>, proxyRes: IncomingMessage, proxySocket: Socket): void {
  const ctx = this[CTX]!;
  this.setTimeout(0);
  proxySocket.on('error', ignore);
  ctx.upstreamLatencyMs = performance.now() - ctx.upstreamStartedAt;
  stripResponseHopByHop(proxyRes.headers, true);
  finalizeHead(ctx, 101, proxyRes.headers, 'upstream');
  ctx.status = 101;
  ctx.listener.services.complete(ctx);
}

/** The upstream answered the upgrade with a plain response; http-proxy writes it raw. */
function onUpstreamRefusedUpgrade(this: WithContext<ClientRequest>, proxyRes: IncomingMessage): void {
  if (proxyRes.statusCode === 101) return;
  const ctx = this[CTX]!;
  ctx.upstreamLatencyMs = performance.now() - ctx.upstreamStartedAt;
  const headers = proxyRes.headers;
  stripResponseHopByHop(headers, false);
  finalizeHead(ctx, proxyRes.statusCode ?? 502, headers, 'upstream');
  // Written raw and piped decoded: framed by closing the connection.
  headers.connection = 'close';
  ctx.listener.services.complete(ctx);
}

function ignore(): void {}
