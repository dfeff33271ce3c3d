/**
 * Local mode's breakpoint endpoint (`gatehouse gateway --config PATH --breakpoints`): the same
 * routes as the admin API's breakpoints methods, without /api/v1, on 127.0.0.1 only:
 *
 *   GET  /breakpoints                      rules, timeout, paused messages
 *   PUT  /breakpoints                      {"rules":[…],"timeoutMs":…} replaces the rules
 *   GET  /breakpoints/paused/ID            one paused message in full
 *   POST /breakpoints/paused/ID/resume     {"headers":[["x-a","1"]],"body":"…",…} (all optional)
 *   POST /breakpoints/paused/ID/respond    {"status":200,"headers":[…],"body":"…"}
 *   POST /breakpoints/paused/ID/drop       closes the client's connection
 *
 * There is no token (as with local mode's health port), so the endpoint refuses what a web page
 * could send: any request with an Origin header, and a Host that is not this loopback port (DNS
 * rebinding). `gatehouse breakpoints …` is its client.
 */
import http from 'node:http';
import type { z } from 'zod';
import { BREAKPOINT_BODY_LIMIT_BYTES, breakpointConfigInputSchema, breakpointEditSchema, breakpointResponseSchema } from '../../shared/contract/breakpoints';
import { BreakpointEditError, PausedMessageGone, type BreakpointController } from '../gateway/breakpoints';

export const DEFAULT_BREAKPOINTS_PORT = 4682;

class HttpProblem extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: { path: string; message: string }[],
  ) {
    super(message);
  }
}

export interface BreakpointEndpoint {
  port: number;
  close(): Promise<void>;
}

export function openBreakpointEndpoint(controller: BreakpointController, port: number): Promise<BreakpointEndpoint> {
  const server = http.createServer((req, res) => {
    void answer(controller, server, req).then(
      (body) => send(res, 200, body),
      (error: unknown) => {
        if (error instanceof HttpProblem) return send(res, error.status, { error: { code: error.code, message: error.message, ...(error.details ? { details: error.details } : {}) } });
        send(res, 500, { error: { code: 'INTERNAL_ERROR', message: (error as Error).message } });
      },
    );
  });
  server.keepAliveTimeout = 5_000;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port }, () => {
      server.off('error', reject);
      const address = server.address();
      resolve({
        port: address && typeof address === 'object' ? address.port : port,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}

async function answer(controller: BreakpointController, server: http.Server, req: http.IncomingMessage): Promise<unknown> {
  if (req.headers.origin !== undefined) throw new HttpProblem(403, 'FORBIDDEN', 'the breakpoint endpoint answers local tools only, not web pages (a request with Origin)');
  const address = server.address();
  const port = address && typeof address === 'object' ? address.port : 0;
  if (!new Set([`127.0.0.1:${port}`, `localhost:${port}`]).has((req.headers.host ?? '').toLowerCase()))
    throw new HttpProblem(403, 'FORBIDDEN', `Host must be 127.0.0.1:${port}`);
  const path = (req.url ?? '/').split('?')[0]!;
  const method = req.method ?? 'GET';
  if (path === '/breakpoints') {
    if (method === 'GET') return controller.state();
    if (method === 'PUT') {
      const input = parse(breakpointConfigInputSchema, await readJson(req));
      return controller.setRules(input.rules, input.timeoutMs);
    }
    throw new HttpProblem(405, 'METHOD_NOT_ALLOWED', 'GET or PUT /breakpoints');
  }
  const match = /^\/breakpoints\/paused\/([^/]+)(?:\/(resume|respond|drop))?$/.exec(path);
  if (match === null) throw new HttpProblem(404, 'NOT_FOUND', 'this port answers /breakpoints and /breakpoints/paused/ID[/resume|/respond|/drop]');
  const id = decodeURIComponent(match[1]!);
  const action = match[2];
  if (action === undefined) {
    if (method !== 'GET') throw new HttpProblem(405, 'METHOD_NOT_ALLOWED', `GET ${path}`);
    return decide(() => controller.view(id));
  }
  if (method !== 'POST') throw new HttpProblem(405, 'METHOD_NOT_ALLOWED', `POST ${path}`);
  const body = await readJson(req);
  if (action === 'resume') {
    const edit = parse(breakpointEditSchema, body);
    const given = Object.keys((body ?? {}) as object).some((key) => key !== 'bodyEncoding');
    decide(() => controller.resume(id, given ? edit : undefined));
  } else if (action === 'respond') decide(() => controller.respond(id, parse(breakpointResponseSchema, body)));
  else decide(() => controller.drop(id));
  return controller.state();
}

function parse<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value ?? {});
  if (result.success) return result.data;
  const details = result.error.issues.map((issue) => ({ path: issue.path.map((part) => (typeof part === 'number' ? `[${part}]` : `.${String(part)}`)).join('').replace(/^\./, ''), message: issue.message }));
  throw new HttpProblem(400, 'VALIDATION_FAILED', details.map((d) => `${d.path || 'body'}: ${d.message}`).join('; '), details);
}

function decide<T>(action: () => T): T {
  try {
    return action();
  } catch (error) {
    if (error instanceof PausedMessageGone) throw new HttpProblem(404, 'NOT_FOUND', error.message);
    if (error instanceof BreakpointEditError) throw new HttpProblem(400, 'VALIDATION_FAILED', `${error.field}: ${error.message}`, [{ path: error.field, message: error.message }]);
    throw error;
  }
}

const MAX_JSON_BYTES = BREAKPOINT_BODY_LIMIT_BYTES * 3;

function readJson(req: http.IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_JSON_BYTES) {
        reject(new HttpProblem(413, 'PAYLOAD_TOO_LARGE', `the body is larger than ${MAX_JSON_BYTES} bytes`));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('error', reject);
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      if (text.trim() === '') return resolve(undefined);
      try {
        resolve(JSON.parse(text));
      } catch {
        reject(new HttpProblem(400, 'BAD_JSON', 'the body is not valid JSON'));
      }
    });
  });
}

function send(res: http.ServerResponse, status: number, body: unknown): void {
  if (res.headersSent) return;
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
