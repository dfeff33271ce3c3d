/**
 * Hop-by-hop headers (RFC 9110 §7.6.1) describe one connection and must not be forwarded:
 * Connection and every header it names, Keep-Alive, Proxy-Connection, TE (except `trailers`),
 * Transfer-Encoding, and Upgrade unless the exchange is a protocol upgrade.
 */
import type { IncomingHttpHeaders } from 'node:http';

function dropConnectionTokens(headers: IncomingHttpHeaders, connection: string, upgrade: boolean): void {
  // Fast path for the values almost every peer sends: they name no other header.
  if (connection === 'keep-alive' || connection === 'close' || connection === 'Keep-Alive' || connection === 'Close') return;
  for (const raw of connection.split(',')) {
    const token = raw.trim().toLowerCase();
    if (token === '' || (upgrade && token === 'upgrade')) continue;
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
    if (/(^|,)\s*trailers\s*(;|,|$)/i.test(String(te))) headers.te = 'trailers';
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
