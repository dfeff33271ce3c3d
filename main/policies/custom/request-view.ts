/**
 * What a custom policy's hooks see: the SDK's request and response views over the gateway's
 * PolicyRequest and InterceptedResponse. Nothing is copied up front; headers, query and body
 * are reached on first use. Body reads that fail for the client's fault (too large, not JSON)
 * leave a `refusal` that the adapter answers with, whatever the hook did with the error.
 */
import type { HeaderMap, PolicyLogger, PolicyRequestView, PolicyResponseView } from '../../../shared/policy-sdk';
import type { InterceptedResponse, PolicyDecision, PolicyRequest } from '../types';
import { GatewayHeaderMap } from './header-map';

const EMPTY = new Uint8Array(0);
const decoder = new TextDecoder();

export type Refusal = Extract<PolicyDecision, { action: 'reject' }>;

/** The bytes of a `setBody` argument as a Buffer (no copy for a Uint8Array). */
export function toBuffer(body: string | Uint8Array, what: string): Buffer {
  if (typeof body === 'string') return Buffer.from(body, 'utf8');
  if (body instanceof Uint8Array) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  throw new TypeError(`${what}: expected a string or a Uint8Array, got ${body === null ? 'null' : typeof body}`);
}

export class RequestView implements PolicyRequestView {
  /** A 413 or 400 the body read decided; sticks even when the hook caught the error. */
  refusal: Refusal | undefined = undefined;
  /** What setBody gave, sent upstream once the hook is done. */
  replacement: Buffer | undefined = undefined;
  /** Body reads under way: the hook's time limit waits for them (hook-timer.ts). */
  reading = 0;
  private headerMap: GatewayHeaderMap | undefined = undefined;
  private logger: PolicyLogger | undefined = undefined;

  constructor(
    readonly request: PolicyRequest,
    readonly policy: string,
    /** Bytes of body a hook may read (the binding's body buffer). */
    readonly limit: number,
    /** Where this request's log lines go (the gateway log and its trace). */
    private readonly write: (request: PolicyRequest, level: 'info' | 'warn' | 'error', message: string) => void,
  ) {}

  /** Made on first use: most hooks never log. */
  get log(): PolicyLogger {
    return (this.logger ??= {
      info: (message) => this.write(this.request, 'info', String(message)),
      warn: (message) => this.write(this.request, 'warn', String(message)),
      error: (message) => this.write(this.request, 'error', String(message)),
    });
  }

  get id(): string {
    return this.request.id;
  }
  get method(): string {
    return this.request.method;
  }
  get path(): string {
    return this.request.path;
  }
  get query(): URLSearchParams {
    return this.request.query;
  }
  get remoteAddress(): string {
    return this.request.remoteAddress;
  }
  get api(): PolicyRequestView['api'] {
    return this.request.api;
  }
  get signal(): AbortSignal {
    return this.request.signal;
  }
  get headers(): HeaderMap {
    return (this.headerMap ??= new GatewayHeaderMap(this.request.headers, false));
  }

  get application(): PolicyRequestView['application'] {
    const clientId = this.request.clientId ?? this.request.authentication?.clientId;
    return clientId === undefined ? undefined : { clientId };
  }

  get claims(): PolicyRequestView['claims'] {
    return this.request.authentication?.properties.claims;
  }

  /** Headers or body were changed (the trace says `modify`). */
  get changed(): boolean {
    return this.replacement !== undefined || (this.headerMap?.changed ?? false);
  }

  async body(): Promise<Uint8Array> {
    if (this.replacement !== undefined) return this.replacement;
    const read = this.request.readBody;
    if (read === undefined) return EMPTY;
    let body: Buffer | undefined;
    this.reading++;
    try {
      body = await read.call(this.request, this.limit);
    } finally {
      this.reading--;
    }
    if (body === undefined) {
      this.refusal ??= {
        action: 'reject',
        status: 413,
        code: 'PAYLOAD_TOO_LARGE',
        message: `the request body is larger than the ${this.limit} bytes policy ${this.policy} may read`,
      };
      throw new RangeError(`the request body is larger than ${this.limit} bytes`);
    }
    return body;
  }

  async text(): Promise<string> {
    return decoder.decode(await this.body());
  }

  async json<T = unknown>(): Promise<T> {
    const text = await this.text();
    try {
      return JSON.parse(text) as T;
    } catch (error) {
      this.refusal ??= { action: 'reject', status: 400, code: 'BAD_REQUEST', message: `the request body is not valid JSON (${(error as Error).message})` };
      throw error;
    }
  }

  setBody(body: string | Uint8Array): void {
    this.replacement = toBuffer(body, 'request.setBody');
  }
}

export class ResponseView implements PolicyResponseView {
  /** Body reads under way: the hook's time limit waits for them (hook-timer.ts). */
  reading = 0;
  private headerMap: GatewayHeaderMap | undefined = undefined;

  constructor(
    private readonly response: InterceptedResponse,
    private readonly limit: number,
  ) {}

  get status(): number {
    return this.response.status;
  }
  set status(status: number) {
    if (!Number.isInteger(status) || status < 200 || status > 599) throw new RangeError(`response.status: expected an integer 200-599, got ${String(status)}`);
    this.response.status = status;
  }

  get headers(): HeaderMap {
    return (this.headerMap ??= new GatewayHeaderMap(this.response.headers, true));
  }

  async body(): Promise<Uint8Array> {
    let body: Buffer | undefined;
    this.reading++;
    try {
      body = await this.response.readBody(this.limit);
    } finally {
      this.reading--;
    }
    // The gateway answers 502 for it, whatever the hook does with this error.
    if (body === undefined) throw new RangeError(`the response body is larger than ${this.limit} bytes`);
    return body;
  }

  async text(): Promise<string> {
    return decoder.decode(await this.body());
  }

  async json<T = unknown>(): Promise<T> {
    return JSON.parse(await this.text()) as T;
  }

  setBody(body: string | Uint8Array): void {
    this.response.replaceBody(toBuffer(body, 'response.setBody'));
  }
}
