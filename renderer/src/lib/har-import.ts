/**
 * Reading a HAR 1.2 file someone sent you, to view it in the Traffic screen: its entries become
 * TrafficEntry values (marked imported, ids `har:N`) with their bodies, never mixed into the
 * live log. The structure is checked against HAR 1.2's required fields; a problem names the
 * entry and the field (`entries[3].request.url: …`).
 */
import type { CapturedBody, TrafficBodies } from '../../../shared/contract/capture-models';
import type { TrafficEntry } from '../../../shared/contract/telemetry-models';
import { base64FromBytes } from './body-format';

export interface ImportedHar {
  entries: TrafficEntry[];
  bodies: Map<string, TrafficBodies>;
  creator: string;
}

export class HarFormatError extends Error {}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Checks the HAR 1.2 required fields of a parsed file; returns the problems, each naming its field. */
export function harProblems(har: unknown): string[] {
  const problems: string[] = [];
  const need = (ok: boolean, where: string, what: string) => {
    if (!ok) problems.push(`${where}: ${what}`);
  };
  if (!isObject(har) || !isObject(har.log)) return ['log: missing (not a HAR file)'];
  const log = har.log;
  need(typeof log.version === 'string', 'log.version', 'expected a string');
  need(isObject(log.creator) && typeof log.creator.name === 'string' && typeof log.creator.version === 'string', 'log.creator', 'expected {name, version}');
  if (!Array.isArray(log.entries)) return [...problems, 'log.entries: expected an array'];
  log.entries.forEach((entry: unknown, i: number) => {
    const at = `entries[${i}]`;
    if (!isObject(entry)) return problems.push(`${at}: expected an object`);
    need(typeof entry.startedDateTime === 'string' && Number.isFinite(Date.parse(entry.startedDateTime)), `${at}.startedDateTime`, 'expected an ISO 8601 date');
    need(typeof entry.time === 'number', `${at}.time`, 'expected a number');
    need(isObject(entry.cache), `${at}.cache`, 'expected an object');
    need(isObject(entry.timings) && typeof entry.timings.send === 'number' && typeof entry.timings.wait === 'number' && typeof entry.timings.receive === 'number', `${at}.timings`, 'expected send, wait and receive numbers');
    const request = entry.request;
    if (!isObject(request)) return problems.push(`${at}.request: expected an object`);
    need(typeof request.method === 'string', `${at}.request.method`, 'expected a string');
    need(typeof request.url === 'string' && URL.canParse(request.url), `${at}.request.url`, 'expected an absolute URL');
    need(typeof request.httpVersion === 'string', `${at}.request.httpVersion`, 'expected a string');
    for (const list of ['cookies', 'headers', 'queryString'] as const) need(Array.isArray(request[list]), `${at}.request.${list}`, 'expected an array');
    need(typeof request.headersSize === 'number' && typeof request.bodySize === 'number', `${at}.request`, 'expected headersSize and bodySize numbers');
    if (request.postData !== undefined) need(isObject(request.postData) && typeof request.postData.mimeType === 'string', `${at}.request.postData.mimeType`, 'expected a string');
    const response = entry.response;
    if (!isObject(response)) return problems.push(`${at}.response: expected an object`);
    need(typeof response.status === 'number', `${at}.response.status`, 'expected a number');
    need(typeof response.statusText === 'string', `${at}.response.statusText`, 'expected a string');
    need(typeof response.httpVersion === 'string', `${at}.response.httpVersion`, 'expected a string');
    for (const list of ['cookies', 'headers'] as const) need(Array.isArray(response[list]), `${at}.response.${list}`, 'expected an array');
    need(isObject(response.content) && typeof response.content.size === 'number' && typeof response.content.mimeType === 'string', `${at}.response.content`, 'expected size and mimeType');
    need(typeof response.redirectURL === 'string', `${at}.response.redirectURL`, 'expected a string');
    need(typeof response.headersSize === 'number' && typeof response.bodySize === 'number', `${at}.response`, 'expected headersSize and bodySize numbers');
    return undefined;
  });
  return problems;
}

function headerMap(list: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!Array.isArray(list)) return out;
  for (const item of list) if (isObject(item) && typeof item.name === 'string') out[item.name.toLowerCase()] = out[item.name.toLowerCase()] ? `${out[item.name.toLowerCase()]}, ${String(item.value ?? '')}` : String(item.value ?? '');
  return out;
}

function utf8Base64(text: string): string {
  return base64FromBytes(new TextEncoder().encode(text));
}

function importedBody(text: unknown, base64: boolean, mimeType: string | undefined, size: unknown, truncated: unknown): CapturedBody | null {
  if (typeof text !== 'string' || text === '') return null;
  const encoded = base64 ? text : utf8Base64(text);
  const captured = Math.floor((encoded.length * 3) / 4) - (encoded.endsWith('==') ? 2 : encoded.endsWith('=') ? 1 : 0);
  const whole = isObject(truncated) && typeof truncated.size === 'number' ? truncated.size : typeof size === 'number' && size > captured ? size : captured;
  const body: CapturedBody = { size: whole, captured, truncated: whole > captured, base64: encoded };
  if (mimeType) body.contentType = mimeType;
  return body;
}

/** Parses and checks a HAR file's text. Throws HarFormatError naming the first problems. */
export function importHar(text: string): ImportedHar {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new HarFormatError(`not a HAR file: the JSON does not parse (${(error as Error).message})`);
  }
  const problems = harProblems(parsed);
  if (problems.length > 0) throw new HarFormatError(`not a valid HAR 1.2 file: ${problems.slice(0, 5).join('; ')}${problems.length > 5 ? ` (and ${problems.length - 5} more)` : ''}`);
  const log = (parsed as { log: Json }).log;
  const creator = log.creator as Json;
  const bodies = new Map<string, TrafficBodies>();
  const entries = (log.entries as Json[]).map((raw, i): TrafficEntry => {
    const request = raw.request as Json;
    const response = raw.response as Json;
    const content = response.content as Json;
    const url = new URL(request.url as string);
    const own = isObject(raw._gatehouse) ? raw._gatehouse : {};
    const id = `har:${i}`;
    const requestHeaders = headerMap(request.headers);
    const responseHeaders = headerMap(response.headers);
    const post = isObject(request.postData) ? request.postData : undefined;
    const requestBody = importedBody(post?.text, post?._encoding === 'base64', post?.mimeType as string | undefined, request.bodySize, post?._truncated);
    const responseBody = importedBody(content.text, content.encoding === 'base64', content.mimeType as string, content.size, content._truncated);
    bodies.set(id, { request: requestBody, response: responseBody });
    const entry: TrafficEntry = {
      id,
      at: Date.parse(raw.startedDateTime as string),
      apiId: null,
      method: String(request.method).toUpperCase(),
      path: url.pathname,
      status: response.status as number,
      latencyMs: raw.time as number,
      clientId: typeof own.clientId === 'string' ? own.clientId : null,
      source: own.source === 'gateway' || own.source === 'mock' ? own.source : 'upstream',
      trace: Array.isArray(own.trace) ? (own.trace as TrafficEntry['trace']) : [],
      requestHeaders,
      responseHeaders,
      listener: url.host,
    };
    if (url.search.length > 1) entry.query = url.search.slice(1);
    if (typeof own.apiName === 'string') entry.apiName = own.apiName;
    if (typeof own.errorCode === 'string') entry.errorCode = own.errorCode;
    if (typeof own.violatedPolicy === 'string') entry.violatedPolicy = own.violatedPolicy;
    if (typeof own.replica === 'string') entry.replica = own.replica;
    if (typeof request.bodySize === 'number' && request.bodySize >= 0) entry.bytesIn = request.bodySize;
    if (typeof response.bodySize === 'number' && response.bodySize >= 0) entry.bytesOut = response.bodySize;
    if (requestBody || responseBody) entry.captured = { request: requestBody?.captured ?? 0, response: responseBody?.captured ?? 0 };
    return entry;
  });
  // Newest first, like the live list.
  entries.sort((a, b) => b.at - a.at);
  return { entries, bodies, creator: `${String(creator.name)} ${String(creator.version)}`.trim() };
}
