/**
 * Hop-by-hop headers (RFC 9110 §7.6.1) describe one connection and must not be forwarded:
 * Connection and every header it names, Keep-Alive, Proxy-Connection, TE (except `trailers`),
 * Transfer-Encoding, and Upgrade unless the exchange is a protocol upgrade.
 */
import type { IncomingHttpHeaders } from 'node:http';

const TE_TRAILERS = /(^|,)\s*trailers\s*(;|,|$)/i;

/**
 * Headers a Connection value may name but never removes: the message's framing and its Host.
 * Dropping Content-Length or Transfer-Encoding because a client listed them would send the body
 * unframed, and the upstream would read it as a second request (request smuggling).
 */
function isProtected(token: string): boolean {
  return token === 'content-length' || token === 'transfer-encoding' || token === 'host';
}

function dropConnectionTokens(headers: IncomingHttpHeaders, connection: string, upgrade: boolean): void {
  // Fast path for the values almost every peer sends: they name no other header.
  if (connection === 'keep-alive' || connection === 'close' || connection === 'Keep-Alive' || connection === 'Close') return;
  for (const raw of connection.split(',')) {
    const token = raw.trim().toLowerCase();
    if (token === '' || (upgrade && token === 'upgrade') || isProtected(token)) continue;
    delete headers[token];
  }
}

/** Cleans a client's request headers before policies see them and the upstream gets them. */
export function stripRequestHopByHop(headers: IncomingHttpHeaders, upgrade: boolean): void {
  const connection = headers.connection;
  if (connection !== undefined) {
    dropConnectionTokens(headers, connection, upgrade);
    if (upgrade) headers.connection = 'upgrade';
    else delete headers.connection;
  }
  if (headers['keep-alive'] !== undefined) delete headers['keep-alive'];
  if (headers['proxy-connection'] !== undefined) delete headers['proxy-connection'];
  const te = headers.te;
  if (te !== undefined) {
    if (TE_TRAILERS.test(String(te))) headers.te = 'trailers';
    else delete headers.te;
  }
  if (headers['transfer-encoding'] !== undefined) {
    // The body still needs framing on the next hop: Node re-chunks it when this says so (a GET
    // with a chunked body would otherwise be sent unframed).
    headers['transfer-encoding'] = 'chunked';
    delete headers['content-length'];
  }
  if (!upgrade && headers.upgrade !== undefined) delete headers.upgrade;
}

/**
 * Cleans an upstream's response head before it is written to the client; Node frames the body
 * for the client's connection itself (content-length, or chunked when there is none).
 */
export function stripResponseHopByHop(headers: IncomingHttpHeaders, upgrade: boolean): void {
  const connection = headers.connection;
  if (connection !== undefined) {
    dropConnectionTokens(headers, connection, upgrade);
    if (upgrade) headers.connection = 'upgrade';
    else delete headers.connection;
  }
  if (headers['keep-alive'] !== undefined) delete headers['keep-alive'];
  if (headers['proxy-connection'] !== undefined) delete headers['proxy-connection'];
  if (headers.te !== undefined) delete headers.te;
  if (headers['transfer-encoding'] !== undefined) delete headers['transfer-encoding'];
  // Trailers are not forwarded, so announcing them would be a lie.
  if (headers.trailer !== undefined) delete headers.trailer;
  if (!upgrade && headers.upgrade !== undefined) delete headers.upgrade;
}

/**
 * The upstream's response head without hop-by-hop headers (what stripResponseHopByHop leaves,
 * for a non-upgrade response), as a copy when there is anything to drop: deleting properties
 * would turn the object into a slow dictionary, and Node upstreams always send Connection and
 * Keep-Alive. Returns `headers` itself when it is already clean.
 */
export function responseEndToEnd(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  const connection = headers.connection;
  if (
    connection === undefined &&
    headers['keep-alive'] === undefined &&
    headers['proxy-connection'] === undefined &&
    headers.te === undefined &&
    headers['transfer-encoding'] === undefined &&
    headers.trailer === undefined &&
    headers.upgrade === undefined
  )
    return headers;
  const named = connection === undefined ? undefined : connectionTokens(connection);
  const out: IncomingHttpHeaders = {};
  for (const name in headers) {
    if (isResponseHopByHop(name) || (named !== undefined && named.includes(name))) continue;
    out[name] = headers[name];
  }
  return out;
}

/**
 * A client's request head without hop-by-hop headers (what stripRequestHopByHop leaves for a
 * non-upgrade request), as a copy when there is anything to change, for the same reason as
 * responseEndToEnd. Returns `headers` itself when it is already clean.
 */
export function requestEndToEnd(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  const connection = headers.connection;
  if (
    connection === undefined &&
    headers['keep-alive'] === undefined &&
    headers['proxy-connection'] === undefined &&
    headers.te === undefined &&
    headers['transfer-encoding'] === undefined &&
    headers.upgrade === undefined
  )
    return headers;
  const named = connection === undefined ? undefined : connectionTokens(connection);
  const chunked = headers['transfer-encoding'] !== undefined;
  const out: IncomingHttpHeaders = {};
  for (const name in headers) {
    if (named !== undefined && named.includes(name)) continue;
    switch (name) {
      case 'connection':
      case 'keep-alive':
      case 'proxy-connection':
      case 'upgrade':
        continue;
      case 'te':
        if (TE_TRAILERS.test(String(headers.te))) out.te = 'trailers';
        continue;
      case 'transfer-encoding':
        // The body still needs framing on the next hop (see stripRequestHopByHop).
        out['transfer-encoding'] = 'chunked';
        continue;
      case 'content-length':
        if (chunked) continue;
        break;
    }
    out[name] = headers[name];
  }
  return out;
}

/** Header names listed in a Connection value; undefined for the values that name none. */
function connectionTokens(connection: string): string[] | undefined {
  if (connection === 'keep-alive' || connection === 'close' || connection === 'Keep-Alive' || connection === 'Close') return undefined;
  const tokens: string[] = [];
  for (const raw of connection.split(',')) {
    const token = raw.trim().toLowerCase();
    if (token !== '' && !isProtected(token)) tokens.push(token);
  }
  return tokens;
}

function isResponseHopByHop(name: string): boolean {
  switch (name) {
    case 'connection':
    case 'keep-alive':
    case 'proxy-connection':
    case 'te':
    case 'transfer-encoding':
    case 'trailer':
    case 'upgrade':
      return true;
    default:
      return false;
  }
}
