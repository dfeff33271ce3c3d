/**
 * Try it: sends a composed request through the embedded gateway over a real loopback socket,
 * exactly as a client would, and returns what came back with the policy trace of that very
 * request (found through a unique header the runtime captures into its RequestFact).
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import { ContractError, ContractErrorCode } from '../../shared/contract/errors';
import type { TryResult } from '../../shared/contract/models';
import type { ParsedInput } from '../../shared/contract/methods';
import type { ApiRecord } from '../store/apis';
import type { GatewayRecord } from '../store/gateways';
import { DRY_RUN_HEADER } from '../gateway/dispatcher';
import { TRY_ID_HEADER } from '../gateway/dispatcher';
import type { TryTraces } from './try-traces';

/** Bodies beyond this are cut (the flag says so): Try it is for looking, not for downloads. */
export const TRY_BODY_LIMIT = 256 * 1024;
const TIMEOUT_MS = 30_000;

export interface TrySendOptions {
  api: ApiRecord;
  gateway: GatewayRecord;
  /** TLS listener: the gateway serves HTTPS with the user's (often self-signed) certificate. */
  https: boolean;
  credentials?: { clientId: string; clientSecret: string };
  traces: TryTraces;
  /** With input.dryRun: the runtime's token that makes the gateway answer instead of the upstream. */
  dryRunToken?: string;
}

export type TryRequestInput = ParsedInput<'try.send'>;

/**
 * Straight to the API's upstream (its implementationUrl), bypassing the gateway and its policies:
 * what the upstream answers on its own, to compare with what the gateway makes of it. The
 * application credentials and dry run belong to the gateway's policies and are not applied here.
 */
export async function trySendUpstream(input: TryRequestInput, api: ApiRecord): Promise<TryResult> {
  const upstream = new URL(api.implementationUrl);
  const secure = upstream.protocol === 'https:';
  const url = `${api.implementationUrl.replace(/\/+$/, '')}${input.path}`;
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(input.headers)) headers[name.toLowerCase()] = value;
  const body = input.body !== undefined ? Buffer.from(input.body, 'utf8') : undefined;
  if (body) headers['content-length'] = String(body.length);
  const started = performance.now();
  let response: RawResponse;
  try {
    // The user's own upstream: its certificate is checked as the gateway would check it.
    response = await send(url, input.method, headers, body, secure, false);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ECONNREFUSED' ? `nothing listens on ${upstream.host}` : (error as Error).message;
    throw new ContractError(ContractErrorCode.unavailable, `could not reach the upstream of API "${api.name}" (${api.implementationUrl}): ${reason}`);
  }
  const totalMs = performance.now() - started;
  const text = decode(response.body, response.headers['content-type']);
  return {
    url,
    status: response.status,
    headers: flattenHeaders(response.headers),
    body: text.body,
    bodyEncoding: text.encoding,
    truncated: response.truncated,
    timing: { totalMs: round(totalMs), upstreamMs: round(totalMs) },
    source: 'upstream',
    trace: [],
  };
}

export async function trySend(input: TryRequestInput, options: TrySendOptions): Promise<TryResult> {
  const { api, gateway } = options;
  // A gateway bound to every interface is reached on loopback; one bound to an address, there.
  const host = gateway.host === '0.0.0.0' || gateway.host === '::' ? '127.0.0.1' : gateway.host;
  const base = api.basePath === '/' ? '' : api.basePath;
  const scheme = options.https ? 'https' : 'http';
  const url = `${scheme}://${host.includes(':') ? `[${host}]` : host}:${gateway.port}${base}${input.path}`;

  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(input.headers)) headers[name.toLowerCase()] = value;
  if (options.credentials) {
    const { clientId, clientSecret } = options.credentials;
    headers.authorization ??= `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`;
    headers.client_id ??= clientId;
    headers.client_secret ??= clientSecret;
  }
  const tryId = randomUUID();
  headers[TRY_ID_HEADER] = tryId;
  if (input.dryRun && options.dryRunToken) headers[DRY_RUN_HEADER] = options.dryRunToken;
  const body = input.body !== undefined ? Buffer.from(input.body, 'utf8') : undefined;
  if (body) headers['content-length'] = String(body.length);

  const waiting = options.traces.expect(tryId, 2_000);
  const started = performance.now();
  let response: RawResponse;
  try {
    response = await send(url, input.method, headers, body, options.https);
  } catch (error) {
    waiting.cancel();
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ECONNREFUSED' ? `nothing listens on ${host}:${gateway.port}; is gateway "${gateway.name}" stopped?` : (error as Error).message;
    throw new ContractError(ContractErrorCode.unavailable, `could not reach the gateway: ${reason}`);
  }
  const totalMs = performance.now() - started;
  const fact = await waiting.fact;

  const text = decode(response.body, response.headers['content-type']);
  const marked = response.headers['x-gatehouse-source'];
  const source = marked === 'upstream' || marked === 'mock' ? marked : 'gateway';
  return {
    url,
    status: response.status,
    headers: flattenHeaders(response.headers),
    body: text.body,
    bodyEncoding: text.encoding,
    truncated: response.truncated,
    timing: { totalMs: round(totalMs), ...(fact?.upstreamLatencyMs !== undefined ? { upstreamMs: round(fact.upstreamLatencyMs) } : {}) },
    source,
    trace: fact?.trace ?? [],
    ...(fact ? { requestId: fact.id } : {}),
  };
}

interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  truncated: boolean;
}

function send(url: string, method: string, headers: Record<string, string>, body: Buffer | undefined, secure: boolean, selfSignedOk = true): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const transport = secure ? https : http;
    // A fresh connection, no pooling; a self-signed listener certificate is the norm locally.
    const req = transport.request(url, { method, headers, agent: false, timeout: TIMEOUT_MS, ...(secure && selfSignedOk ? { rejectUnauthorized: false } : {}) }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      let truncated = false;
      res.on('data', (chunk: Buffer) => {
        if (size >= TRY_BODY_LIMIT) {
          truncated = true;
          return;
        }
        const room = TRY_BODY_LIMIT - size;
        if (chunk.length > room) truncated = true;
        const kept = chunk.length > room ? chunk.subarray(0, room) : chunk;
        chunks.push(kept);
        size += kept.length;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks), truncated }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`no response within ${TIMEOUT_MS / 1000} s`)));
    req.on('error', reject);
    req.end(body);
  });
}

const TEXTUAL = /^(text\/|application\/([\w.+-]*\+)?(json|xml|javascript|x-www-form-urlencoded|yaml|graphql))/i;

function decode(body: Buffer, contentType: string | undefined): { body: string; encoding: 'utf8' | 'base64' } {
  const textual = contentType ? TEXTUAL.test(contentType) : true;
  if (textual) {
    const text = body.toString('utf8');
    // Invalid UTF-8 (binary without a content type) shows as replacement characters: send base64.
    if (!text.includes('\uFFFD') || contentType) return { body: text, encoding: 'utf8' };
  }
  return { body: body.toString('base64'), encoding: 'base64' };
}

function flattenHeaders(headers: http.IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    out[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}
