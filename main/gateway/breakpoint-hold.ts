/**
 * Breakpoints, the data side: holding a request (its body read in full) before it is sent
 * upstream, or an upstream response (its body read in full) before its head goes to the client,
 * then letting it go as the developer decided. A drop closes the connection without an answer,
 * as HTTP Toolkit's "Close" does. Only requests with a response object are held (not WebSocket
 * upgrades); only upstream responses are (not gateway-made errors or mock answers).
 */
import type { IncomingHttpHeaders, IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import zlib from 'node:zlib';
import {
  BREAKPOINT_BODY_LIMIT_BYTES,
  type BreakpointEdit,
  type BreakpointResponse,
  type HeaderList,
  type HeldBody,
} from '../../shared/contract/breakpoints';
import { captureResponseChunk } from './body-capture';
import type { BreakpointController, CompiledBreakpoint } from './breakpoints';
import type { GatewayRequest } from './context';
import { sendGatewayResponse } from './responses';

export const BREAKPOINT_DROPPED = 'BREAKPOINT_DROPPED';

/** Framing and connection headers are the gateway's, whatever an edit says. */
const FRAMING = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te', 'trailer', 'upgrade', 'content-length']);

/**
 * Instead of sending the request upstream: hold it until a decision, then `send` it (edited),
 * answer it, or close its connection. A body that outgrew the buffer is already streaming and
 * cannot be held: the request goes on, and the log says why.
 */
export function holdRequest(ctx: GatewayRequest, controller: BreakpointController, breakpoint: CompiledBreakpoint, send: (ctx: GatewayRequest) => void): void {
  if (ctx.bodyStreaming) {
    ctx.listener.services.log('warn', `breakpoint ${breakpoint.rule.id}: ${ctx.method} ${ctx.path} not paused, its body is larger than ${BREAKPOINT_BODY_LIMIT_BYTES} bytes`, { api: ctx.api.id });
    send(ctx);
    return;
  }
  const req = ctx.req;
  controller.hold(
    {
      ctx,
      phase: 'request',
      rule: breakpoint.rule,
      view: (summary) => ({
        ...summary,
        upstream: upstreamOrigin(ctx),
        request: { method: req.method ?? ctx.method, url: req.url ?? '/', headers: toList(req.headers), ...(ctx.body !== undefined ? { body: heldBody(ctx.body, header(req.headers, 'content-encoding')) } : {}) },
      }),
      resume: (edit) => {
        if (edit !== undefined) applyRequestEdit(ctx, edit);
        send(ctx);
      },
      respond: (response) => answer(ctx, response),
      drop: () => drop(ctx),
    },
    summaryOf(ctx, breakpoint, 'request'),
  );
}

/**
 * Before the head of an upstream response is written: reads the body in full and holds the
 * response. Returns false (nothing done) when the announced body is too large to hold; a body
 * that outgrows the limit while read goes on through `passOn` with what was read so far.
 */
export function holdResponse(
  ctx: GatewayRequest,
  controller: BreakpointController,
  breakpoint: CompiledBreakpoint,
  proxyRes: IncomingMessage,
  status: number,
  headers: OutgoingHttpHeaders,
  passOn: (chunks: Buffer[]) => void,
): boolean {
  const announced = Number(headers['content-length']);
  if (announced > BREAKPOINT_BODY_LIMIT_BYTES) {
    tooLarge(ctx, breakpoint);
    return false;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  const onData = (chunk: Buffer) => {
    chunks.push(chunk);
    size += chunk.length;
    if (size <= BREAKPOINT_BODY_LIMIT_BYTES) return;
    proxyRes.off('data', onData);
    proxyRes.off('end', onEnd);
    tooLarge(ctx, breakpoint);
    passOn(chunks);
  };
  const onEnd = () => {
    if (ctx.finished) return;
    const body = Buffer.concat(chunks, size);
    const res = ctx.res!;
    controller.hold(
      {
        ctx,
        phase: 'response',
        rule: breakpoint.rule,
        view: (summary) => ({
          ...summary,
          upstream: upstreamOrigin(ctx),
          request: { method: ctx.req.method ?? ctx.method, url: ctx.req.url ?? '/', headers: toList(ctx.req.headers) },
          response: { status, headers: toList(headers), body: heldBody(body, header(headers, 'content-encoding')) },
        }),
        resume: (edit) => {
          if (edit === undefined) return writeHeld(ctx, res, status, headers, body);
          const next = edit.headers !== undefined ? fromList(edit.headers) : headers;
          next['x-gatehouse-source'] = headers['x-gatehouse-source'];
          if (edit.body === undefined) return writeHeld(ctx, res, edit.status ?? status, next, body);
          delete next['content-encoding'];
          writeHeld(ctx, res, edit.status ?? status, next, Buffer.from(edit.body, edit.bodyEncoding));
        },
        respond: (response) => {
          const next = fromList(response.headers);
          next['x-gatehouse-source'] = 'gateway';
          ctx.source = 'gateway';
          writeHeld(ctx, res, response.status, next, Buffer.from(response.body ?? '', response.bodyEncoding));
        },
        drop: () => drop(ctx),
      },
      { ...summaryOf(ctx, breakpoint, 'response'), status },
    );
  };
  proxyRes.on('data', onData);
  proxyRes.on('end', onEnd);
  return true;
}

function writeHeld(ctx: GatewayRequest, res: ServerResponse, status: number, headers: OutgoingHttpHeaders, body: Buffer): void {
  if (ctx.finished || res.headersSent || res.destroyed) return;
  for (const name of FRAMING) delete headers[name];
  headers['content-length'] = body.length;
  ctx.status = status;
  ctx.finalHeaders = headers;
  const head = ctx.method === 'HEAD';
  ctx.bytesOut = head ? 0 : body.length;
  if (ctx.captureBytes > 0 && !head) captureResponseChunk(ctx, body);
  if (ctx.listener.draining) res.shouldKeepAlive = false;
  res.writeHead(status, headers);
  res.end(head ? undefined : body);
}

function tooLarge(ctx: GatewayRequest, breakpoint: CompiledBreakpoint): void {
  ctx.listener.services.log('warn', `breakpoint ${breakpoint.rule.id}: the response to ${ctx.method} ${ctx.path} not paused, its body is larger than ${BREAKPOINT_BODY_LIMIT_BYTES} bytes`, { api: ctx.api.id });
}

/** The developer's own answer to a paused request, instead of the upstream's. */
function answer(ctx: GatewayRequest, response: BreakpointResponse): void {
  const headers = fromList(response.headers);
  for (const name of FRAMING) delete headers[name];
  sendGatewayResponse(ctx, response.status, headers, Buffer.from(response.body ?? '', response.bodyEncoding));
}

/** The connection closes without an answer (the client sees it reset or closed). */
function drop(ctx: GatewayRequest): void {
  ctx.errorCode = BREAKPOINT_DROPPED;
  ctx.socket.destroy();
}

function applyRequestEdit(ctx: GatewayRequest, edit: BreakpointEdit): void {
  const req = ctx.req;
  if (edit.method !== undefined) req.method = edit.method;
  if (edit.url !== undefined) req.url = edit.url;
  if (edit.headers !== undefined) {
    const headers: IncomingHttpHeaders = {};
    for (const [rawName, value] of edit.headers) {
      const name = rawName.toLowerCase();
      if (FRAMING.has(name)) continue;
      const existing = headers[name];
      headers[name] = existing === undefined ? value : `${existing}${name === 'cookie' ? '; ' : ', '}${value}`;
    }
    ctx.headers = req.headers = headers;
  }
  if (edit.body !== undefined) {
    // The edit is the body as shown (decoded): it goes out unencoded.
    delete ctx.headers['content-encoding'];
    ctx.body = Buffer.from(edit.body, edit.bodyEncoding);
    ctx.hasBody = true;
  }
}

function summaryOf(ctx: GatewayRequest, breakpoint: CompiledBreakpoint, phase: 'request' | 'response') {
  return {
    id: ctx.id,
    phase,
    ruleId: breakpoint.rule.id,
    method: ctx.method,
    target: ctx.path + ctx.search,
    ...(ctx.compiledApi !== undefined ? { apiId: ctx.compiledApi.id, apiName: ctx.compiledApi.name } : {}),
  };
}

function upstreamOrigin(ctx: GatewayRequest): string {
  const url = ctx.target?.upstream.url;
  if (url === undefined) return '';
  try {
    return new URL(url).origin;
  } catch {
    return url;
  }
}

function header(headers: IncomingHttpHeaders | OutgoingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return value === undefined ? undefined : Array.isArray(value) ? value.join(', ') : String(value);
}

export function toList(headers: IncomingHttpHeaders | OutgoingHttpHeaders): HeaderList {
  const list: HeaderList = [];
  for (const name in headers) {
    const value = headers[name];
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const item of value) list.push([name, String(item)]);
    else list.push([name, String(value)]);
  }
  return list;
}

/** Repeated names become arrays (set-cookie stays one header per cookie). */
export function fromList(list: HeaderList): OutgoingHttpHeaders {
  const headers: OutgoingHttpHeaders = {};
  for (const [rawName, value] of list) {
    const name = rawName.toLowerCase();
    const existing = headers[name];
    if (existing === undefined) headers[name] = value;
    else headers[name] = Array.isArray(existing) ? [...existing, value] : [String(existing), value];
  }
  return headers;
}

const DECODERS: Record<string, (input: Buffer, options: zlib.ZlibOptions) => Buffer> = {
  gzip: zlib.gunzipSync,
  'x-gzip': zlib.gunzipSync,
  deflate: zlib.inflateSync,
  br: (input, options) => zlib.brotliDecompressSync(input, options as zlib.BrotliOptions),
};

/** The body as the editor shows it: decoded when content-encoded (and decodable), text when UTF-8. */
export function heldBody(raw: Buffer, contentEncoding: string | undefined): HeldBody {
  let bytes = raw;
  let decodedFrom: string | undefined;
  const encoding = contentEncoding?.trim().toLowerCase();
  const decoder = encoding === undefined ? undefined : DECODERS[encoding];
  if (decoder !== undefined && raw.length > 0) {
    try {
      bytes = decoder(raw, { maxOutputLength: BREAKPOINT_BODY_LIMIT_BYTES * 4 });
      decodedFrom = encoding;
    } catch {
      bytes = raw;
    }
  }
  const text = utf8(bytes);
  return {
    text: text ?? bytes.toString('base64'),
    encoding: text === undefined ? 'base64' : 'utf8',
    size: raw.length,
    ...(decodedFrom !== undefined ? { decodedFrom } : {}),
  };
}

const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true });

function utf8(bytes: Buffer): string | undefined {
  try {
    return STRICT_UTF8.decode(bytes);
  } catch {
    return undefined;
  }
}
