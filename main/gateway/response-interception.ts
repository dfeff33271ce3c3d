/**
 * Response interceptors (PolicyRequest.interceptResponse; custom policies' onResponse): run on
 * the response that is about to reach the client, before its head is written, one after the
 * other, each possibly asynchronous. The upstream's body stays paused and is read whole only
 * when an interceptor asks for it (bounded; larger → 502). A body read or replaced is sent
 * with its Content-Length; an untouched one streams as usual.
 *
 * An interceptor that throws or rejects answers 500 naming the policy (trace line and log),
 * like a failed request policy (a PolicyFailure keeps its status: a custom hook's timeout is a
 * 504); the gateway serves on.
 */
import type { IncomingMessage, OutgoingHttpHeaders } from 'node:http';
import { PolicyFailure } from '../policies/policy-failure';
import type { InterceptedResponse, ResponseInterceptor } from '../policies/types';
import type { GatewayRequest } from './context';

export interface InterceptionFailure {
  status: number;
  code: string;
  message: string;
  policy: string;
}

/** One response under interception: the head to change, and the body read or replaced on demand. */
class Interception implements InterceptedResponse {
  /** The body as it stands: read from the source or replaced; undefined while untouched. */
  body: Buffer | undefined = undefined;
  /** The source's body exceeded a limit, or the upstream broke off: answered with 502. */
  unreadable: string | undefined = undefined;
  private reading: Promise<Buffer | undefined> | undefined = undefined;

  constructor(
    public status: number,
    readonly headers: OutgoingHttpHeaders,
    private readonly source: IncomingMessage | Buffer,
  ) {}

  /** The upstream's body was read to its end (nothing left to drain). */
  get sourceDone(): boolean {
    return Buffer.isBuffer(this.source) || this.source.complete || this.source.destroyed;
  }

  readBody(limit: number): Promise<Buffer | undefined> {
    if (this.body !== undefined) return Promise.resolve(this.within(this.body, limit));
    if (Buffer.isBuffer(this.source)) {
      this.body = this.source;
      return Promise.resolve(this.within(this.body, limit));
    }
    return (this.reading ??= readStream(this.source, limit).then((result) => {
      if (typeof result === 'string') {
        this.unreadable = result;
        return undefined;
      }
      this.body ??= result;
      return result;
    }));
  }

  replaceBody(body: Buffer): void {
    if (!Buffer.isBuffer(body)) throw new TypeError('replaceBody: expected a Buffer');
    this.body = body;
  }

  private within(body: Buffer, limit: number): Buffer | undefined {
    if (body.length <= limit) return body;
    this.unreadable = `the response body is larger than the ${limit} bytes a policy may read`;
    return undefined;
  }
}

/** The whole stream, or why not (too large, broken off); the stream is destroyed past the limit. */
function readStream(source: IncomingMessage, limit: number): Promise<Buffer | string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let length = 0;
    const onData = (chunk: Buffer): void => {
      length += chunk.length;
      if (length > limit) {
        cleanup();
        source.destroy();
        resolve(`the response body is larger than the ${limit} bytes a policy may read`);
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => {
      cleanup();
      resolve(Buffer.concat(chunks, length));
    };
    const onClose = (): void => {
      cleanup();
      resolve('the upstream closed its response before the end of the body');
    };
    const cleanup = (): void => {
      source.off('data', onData);
      source.off('end', onEnd);
      source.off('close', onClose);
    };
    source.on('data', onData);
    source.on('end', onEnd);
    source.on('close', onClose);
    source.resume();
  });
}

export interface InterceptionResult {
  status: number;
  /** Set when the body was read or replaced: send it whole. Undefined: stream the source as is. */
  body: Buffer | undefined;
  /** The source still has unread bytes (drain or destroy it). */
  sourcePending: boolean;
  failure: InterceptionFailure | undefined;
}

/**
 * Runs (and clears) the request's interceptors on a response head and its body source (the
 * upstream's paused response, or a gateway-made body). Never rejects.
 */
export async function runInterceptors(ctx: GatewayRequest, status: number, headers: OutgoingHttpHeaders, source: IncomingMessage | Buffer): Promise<InterceptionResult> {
  const interceptors = ctx.interceptors!;
  // Cleared first: the answer to a failure must not be intercepted again.
  ctx.interceptors = undefined;
  const response = new Interception(status, headers, source);
  let failure: InterceptionFailure | undefined;
  for (const interceptor of interceptors) {
    if (ctx.finished) break;
    try {
      await interceptor.intercept(response);
    } catch (error) {
      if (error instanceof PolicyFailure) failure = failed(ctx, interceptor, error.message, error.status, error.code);
      else failure = failed(ctx, interceptor, error instanceof Error ? error.message : String(error), 500, 'INTERNAL_ERROR');
    }
    if (response.unreadable !== undefined) failure = failed(ctx, interceptor, response.unreadable, 502, 'UPSTREAM_BODY_UNREADABLE');
    if (failure !== undefined) break;
  }
  return { status: response.status, body: response.body, sourcePending: !response.sourceDone, failure };
}

function failed(ctx: GatewayRequest, interceptor: ResponseInterceptor, message: string, status: number, code: string): InterceptionFailure {
  const { binding } = interceptor;
  ctx.trace?.push({ policy: binding.name, bindingId: binding.id, verdict: 'error', detail: `on the response: ${message}`, status, durationMs: 0 });
  ctx.listener.services.log('error', `policy ${binding.name} failed on the response to ${ctx.method} ${ctx.path}: ${message}`, { api: ctx.api.id, policy: binding.name, bindingId: binding.id });
  return {
    status,
    code,
    // A 500's message is the policy's own error (for the log only); the others are the gateway's words.
    message: status === 500 ? `policy ${binding.name} failed on the response; see the gateway log` : status === 502 ? `policy ${binding.name}: ${message}` : message,
    policy: binding.name,
  };
}

/** A head for a body sent whole: its exact length, no chunked coding. */
export function frameWhole(headers: OutgoingHttpHeaders, body: Buffer): void {
  delete headers['transfer-encoding'];
  headers['content-length'] = body.length;
}
