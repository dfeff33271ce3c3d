/**
 * The bundled demo upstream (`gatehouse demo-upstream`): a JSONPlaceholder-like REST API over
 * in-memory data, plus endpoints made for gateway demos: `/health`, `/slow?ms=` (timeouts),
 * `/status/:code` (errors and alerts) and `/echo` (shows what the gateway forwarded).
 * Writes persist for the life of the process, so a POST shows up in the next GET.
 */
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { generateDemoData, type DemoData, type DemoRecord } from './data';

export interface DemoUpstreamOptions {
  /** Default 3000; 0 picks a free port. */
  port?: number;
  host?: string;
}

export interface DemoUpstream {
  url: string;
  port: number;
  host: string;
  close(): Promise<void>;
}

type Collection = keyof DemoData;
const COLLECTIONS: Collection[] = ['users', 'posts', 'comments', 'todos'];
/** `/users/1/posts` → posts whose userId is 1, as JSONPlaceholder nests them. */
const CHILDREN: Record<string, { collection: Collection; key: string }> = {
  'users/posts': { collection: 'posts', key: 'userId' },
  'users/todos': { collection: 'todos', key: 'userId' },
  'posts/comments': { collection: 'comments', key: 'postId' },
};
const MAX_BODY = 1024 * 1024;
const MAX_SLOW_MS = 120_000;

export function startDemoUpstream(options: DemoUpstreamOptions = {}): Promise<DemoUpstream> {
  const data = generateDemoData();
  const server = http.createServer((req, res) => {
    handle(data, req, res).catch((error: Error) => send(res, 500, { error: error.message }));
  });
  server.keepAliveTimeout = 5_000;
  const host = options.host ?? '127.0.0.1';
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 3000, host, () => {
      server.off('error', reject);
      const { port } = server.address() as AddressInfo;
      const urlHost = host.includes(':') ? `[${host}]` : host === '0.0.0.0' ? '127.0.0.1' : host;
      resolve({
        url: `http://${urlHost}:${port}`,
        port,
        host,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}

async function handle(data: DemoData, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://demo.local');
  const parts = url.pathname.split('/').filter(Boolean);
  const method = req.method ?? 'GET';

  if (parts.length === 0) return send(res, 200, { name: 'gatehouse demo upstream', resources: COLLECTIONS.map((c) => `/${c}`), extras: ['/health', '/slow?ms=500', '/status/503', '/echo'] });
  if (parts[0] === 'health' && parts.length === 1) return send(res, 200, { status: 'ok' });
  if (parts[0] === 'slow' && parts.length === 1) {
    const ms = Math.min(Math.max(Number(url.searchParams.get('ms') ?? 1000) || 0, 0), MAX_SLOW_MS);
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      res.on('close', () => {
        clearTimeout(timer);
        resolve();
      });
    });
    if (!res.destroyed) send(res, 200, { sleptMs: ms });
    return;
  }
  if (parts[0] === 'status' && parts.length === 2) {
    const code = Number(parts[1]);
    if (!Number.isInteger(code) || code < 200 || code > 599) return send(res, 400, { error: 'status must be an integer from 200 to 599' });
    return send(res, code, { status: code, message: http.STATUS_CODES[code] ?? 'Unknown' });
  }
  if (parts[0] === 'echo') {
    const body = await readBody(req);
    return send(res, 200, { method, path: url.pathname, query: Object.fromEntries(url.searchParams), headers: req.headers, body: body.toString('utf8') });
  }

  const collection = parts[0] as Collection;
  if (!COLLECTIONS.includes(collection) || parts.length > 3) return send(res, 404, { error: `no route ${method} ${url.pathname}` });
  const records = data[collection];
  const id = parts[1] === undefined ? undefined : Number(parts[1]);
  if (id !== undefined && !Number.isInteger(id)) return send(res, 404, {});

  if (parts.length === 3) {
    const child = CHILDREN[`${collection}/${parts[2]}`];
    if (!child || method !== 'GET') return send(res, 404, { error: `no route ${method} ${url.pathname}` });
    return send(res, 200, filter(data[child.collection].filter((r) => r[child.key] === id), url.searchParams));
  }

  if (id === undefined) {
    if (method === 'GET' || method === 'HEAD') return send(res, 200, filter(records, url.searchParams));
    if (method === 'POST') {
      const body = await readJson(req, res);
      if (!body) return;
      const record = { ...body, id: records.reduce((max, r) => Math.max(max, r.id), 0) + 1 };
      records.push(record);
      return send(res, 201, record, { location: `/${collection}/${record.id}` });
    }
    return send(res, 405, { error: `${method} is not allowed on /${collection}` }, { allow: 'GET, HEAD, POST' });
  }

  const index = records.findIndex((r) => r.id === id);
  if (method === 'GET' || method === 'HEAD') return index < 0 ? send(res, 404, {}) : send(res, 200, records[index]);
  if (method === 'PUT' || method === 'PATCH') {
    if (index < 0) return send(res, 404, {});
    const body = await readJson(req, res);
    if (!body) return;
    const updated: DemoRecord = method === 'PUT' ? { ...body, id } : { ...records[index]!, ...body, id };
    records[index] = updated;
    return send(res, 200, updated);
  }
  if (method === 'DELETE') {
    if (index >= 0) records.splice(index, 1);
    return send(res, 200, {});
  }
  return send(res, 405, { error: `${method} is not allowed on /${collection}/${id}` }, { allow: 'GET, HEAD, PUT, PATCH, DELETE' });
}

/** JSONPlaceholder-style filters: every query parameter must equal the field (as text). */
function filter(records: DemoRecord[], query: URLSearchParams): DemoRecord[] {
  const entries = [...query.entries()].filter(([key]) => !key.startsWith('_'));
  if (entries.length === 0) return records;
  return records.filter((record) => entries.every(([key, value]) => key in record && String(record[key]) === value));
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        reject(new Error('request body too large'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

async function readJson(req: IncomingMessage, res: ServerResponse): Promise<Record<string, unknown> | undefined> {
  const text = (await readBody(req)).toString('utf8');
  if (text.trim() === '') return {};
  try {
    const value: unknown = JSON.parse(text);
    if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
    send(res, 400, { error: 'the body must be a JSON object' });
  } catch {
    send(res, 400, { error: 'the body is not valid JSON' });
  }
  return undefined;
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent) return;
  const text = JSON.stringify(body, null, 2);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(res.req.method === 'HEAD' ? undefined : text);
}
