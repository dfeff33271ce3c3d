/**
 * The replica endpoints (`/api/v1/replicas/*`, protocol in main/gateway/connected/protocol.ts),
 * mounted on the admin server through its `extraRoutes` hook. They take the gateway's replica
 * token, never the admin token (and the admin token is refused here), and answer JSON errors.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { z } from 'zod';
import { zodIssuesToDetails } from '../../shared/contract/errors';
import {
  heartbeatSchema,
  registerRequestSchema,
  REPLICA_PATH_PREFIX,
  SNAPSHOT_HOLD_MS,
  telemetryBatchSchema,
  type Heartbeat,
  type HeartbeatReply,
  type RegisterReply,
  type RegisterRequest,
  type SnapshotReply,
  type TelemetryBatch,
} from '../gateway/connected/protocol';
import { sendError } from './http-adapter';

/** What the control plane provides (main/control/docker-gateways.ts). */
export interface ReplicaService {
  /** The gateway whose current token this is, or undefined. */
  authenticate(token: string): string | undefined;
  register(gatewayId: string, request: RegisterRequest): RegisterReply;
  snapshot(gatewayId: string, after: string | undefined, name: string | undefined, holdMs: number, signal: AbortSignal): Promise<SnapshotReply | undefined>;
  heartbeat(gatewayId: string, beat: Heartbeat): HeartbeatReply;
  telemetry(gatewayId: string, batch: TelemetryBatch): void;
}

const BODY_LIMIT = 32 * 1024 * 1024;

export type ExtraRoutes = (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<boolean>;

export function createReplicaRoutes(service: ReplicaService, options: { holdMs?: number } = {}): ExtraRoutes {
  const holdMs = options.holdMs ?? SNAPSHOT_HOLD_MS;

  return async (req, res, url) => {
    if (url.pathname !== REPLICA_PATH_PREFIX && !url.pathname.startsWith(`${REPLICA_PATH_PREFIX}/`)) return false;
    res.setHeader('cache-control', 'no-store');
    res.setHeader('x-content-type-options', 'nosniff');
    const route = url.pathname.slice(REPLICA_PATH_PREFIX.length);
    const method = req.method ?? 'GET';
    const expected: Record<string, string> = { '/register': 'POST', '/snapshot': 'GET', '/heartbeat': 'POST', '/telemetry': 'POST' };
    if (!(route in expected)) {
      sendError(res, 404, { code: 'NOT_FOUND', message: `no route ${method} ${url.pathname}; replica routes: ${Object.keys(expected).map((r) => `${expected[r]} ${REPLICA_PATH_PREFIX}${r}`).join(', ')}` });
      return true;
    }
    if (method !== expected[route]) {
      res.setHeader('allow', expected[route]!);
      sendError(res, 405, { code: 'METHOD_NOT_ALLOWED', message: `${method} is not allowed on ${url.pathname}; use ${expected[route]}` });
      return true;
    }

    const header = req.headers.authorization ?? '';
    const token = /^Bearer\s+(.+)$/i.exec(header)?.[1]?.trim();
    const gatewayId = token ? service.authenticate(token) : undefined;
    if (!gatewayId) {
      res.setHeader('www-authenticate', 'Bearer realm="gatehouse-replicas"');
      sendError(res, 401, {
        code: 'UNAUTHORIZED',
        message: token
          ? 'the gateway token is not valid: the gateway was deleted, or its token was rotated or revoked (the admin token does not work here)'
          : 'missing "Authorization: Bearer <gateway token>"; replicas use their gateway\'s token, not the admin token',
      });
      return true;
    }

    try {
      if (route === '/snapshot') {
        const abort = new AbortController();
        res.on('close', () => abort.abort());
        const reply = await service.snapshot(gatewayId, url.searchParams.get('after') ?? undefined, url.searchParams.get('name') ?? undefined, holdMs, abort.signal);
        if (res.destroyed) return true;
        if (!reply) res.writeHead(204).end();
        else sendJson(res, 200, reply);
        return true;
      }
      const body = await readJson(req);
      if (route === '/register') sendJson(res, 200, service.register(gatewayId, parse(registerRequestSchema, body)));
      else if (route === '/heartbeat') sendJson(res, 200, service.heartbeat(gatewayId, parse(heartbeatSchema, body)));
      else {
        service.telemetry(gatewayId, parse(telemetryBatchSchema, body));
        res.writeHead(204).end();
      }
    } catch (error) {
      const known = error as { status?: number; code?: string; message?: string; details?: { path: string; message: string }[] };
      if (typeof known.status === 'number' && typeof known.code === 'string')
        sendError(res, known.status, { code: known.code, message: known.message ?? known.code, ...(known.details ? { details: known.details } : {}) });
      else throw error;
    }
    return true;
  };
}

class RouteError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: { path: string; message: string }[],
  ) {
    super(message);
  }
}

function parse<S extends z.ZodType>(schema: S, body: unknown): z.output<S> {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const details = zodIssuesToDetails(result.error.issues);
  const first = details[0];
  throw new RouteError(400, 'VALIDATION_FAILED', first ? `${first.path || 'body'}: ${first.message}` : 'invalid body', details);
}

function readJson(req: IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > BODY_LIMIT) {
        reject(new RouteError(413, 'PAYLOAD_TOO_LARGE', `the body is larger than ${BODY_LIMIT / 1024 / 1024} MB`));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      try {
        resolve(text ? JSON.parse(text) : {});
      } catch {
        reject(new RouteError(400, 'VALIDATION_FAILED', 'the body is not valid JSON'));
      }
    });
    req.on('error', reject);
  });
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
