/**
 * Test support for attacks over raw sockets: bytes exactly as written (malformed framing,
 * duplicate headers, odd request targets), the first response parsed as it arrived, and an
 * upstream that records every request it parsed, parse errors included.
 */
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** Everything the server wrote before the first response was complete (or the socket closed). */
  raw: string;
}

/**
 * Writes `bytes` on a new connection and resolves with the first complete response (or what
 * arrived before the server closed the connection; status 0 when nothing did).
 */
export function rawExchange(port: number, bytes: string | Buffer, options: { head?: boolean } = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write(bytes));
    let received = Buffer.alloc(0);
    let settled = false;
    const finish = (): void => {
      if (settled) return;
      settled = true;
      socket.destroy();
      resolve(parseResponse(received.toString('latin1')));
    };
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      if (isComplete(received.toString('latin1'), options.head === true)) finish();
    });
    socket.on('close', finish);
    socket.on('error', (error) => (received.length > 0 ? finish() : reject(error)));
  });
}

function parseResponse(text: string): RawResponse {
  const end = text.indexOf('\r\n\r\n');
  if (end < 0) return { status: 0, headers: {}, body: '', raw: text };
  const lines = text.slice(0, end).split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  let body = text.slice(end + 4);
  if (/chunked/i.test(headers['transfer-encoding'] ?? '')) body = dechunk(body) ?? body;
  else if (headers['content-length'] !== undefined) body = body.slice(0, Number(headers['content-length']));
  return { status: Number(lines[0]!.split(' ')[1]), headers, body, raw: text };
}

function isComplete(text: string, head: boolean): boolean {
  const end = text.indexOf('\r\n\r\n');
  if (end < 0) return false;
  const response = parseResponse(text);
  if (head || response.status === 204 || response.status === 304 || (response.status >= 100 && response.status < 200)) return true;
  const rest = text.slice(end + 4);
  if (/chunked/i.test(response.headers['transfer-encoding'] ?? '')) return dechunk(rest) !== undefined;
  if (response.headers['content-length'] !== undefined) return Buffer.byteLength(rest, 'latin1') >= Number(response.headers['content-length']);
  return false;
}

/** The de-chunked body, or undefined while the last chunk has not arrived. */
function dechunk(text: string): string | undefined {
  let body = '';
  let rest = text;
  for (;;) {
    const line = rest.indexOf('\r\n');
    if (line < 0) return undefined;
    const size = parseInt(rest.slice(0, line), 16);
    if (Number.isNaN(size)) return undefined;
    if (size === 0) return body;
    if (rest.length < line + 2 + size + 2) return undefined;
    body += rest.slice(line + 2, line + 2 + size);
    rest = rest.slice(line + 2 + size + 2);
  }
}

export interface SeenRequest {
  method: string;
  url: string;
  body: string;
  headers: http.IncomingHttpHeaders;
  /** Which upstream connection it came on (1, 2, … in order of arrival). */
  connection: number;
}

export interface RecordingUpstream {
  port: number;
  url: string;
  /** Every request the upstream parsed, in order. */
  seen: SeenRequest[];
  /** Bytes the upstream's parser refused (a smuggled request line it could not read, …). */
  parseErrors: string[];
  close(): Promise<void>;
}

/** A real HTTP upstream that answers 200 with `METHOD URL body-length` and records everything. */
export async function startRecordingUpstream(): Promise<RecordingUpstream> {
  const seen: SeenRequest[] = [];
  const parseErrors: string[] = [];
  let connections = 0;
  const ids = new WeakMap<net.Socket, number>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('latin1');
      seen.push({ method: req.method!, url: req.url!, body, headers: req.headers, connection: ids.get(req.socket) ?? 0 });
      res.setHeader('content-type', 'text/plain');
      res.end(`${req.method} ${req.url} ${body.length}`);
    });
  });
  server.on('connection', (socket: net.Socket) => ids.set(socket, ++connections));
  server.on('clientError', (error: Error & { rawPacket?: Buffer }, socket) => {
    parseErrors.push(`${error.message}: ${error.rawPacket?.toString('latin1') ?? ''}`);
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    seen,
    parseErrors,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
