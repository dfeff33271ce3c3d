import type { IncomingMessage } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { registerPolicy } from '../policies/registry';
import { freePort, startServer, type TestServer } from '../testing/net';
import type { RequestFact } from './telemetry';
import { startGateway, type StartedGateway } from './testing';

registerPolicy({
  name: 'test-ws-guard',
  create: () => ({
    onRequest: (request) =>
      request.headers['x-let-me-in'] === 'please'
        ? { action: 'continue' }
        : { action: 'reject', status: 401, code: 'NO_ENTRY', message: 'say please' },
  }),
});

function connect(url: string, headers: Record<string, string> = {}): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { headers });
    socket.once('open', () => resolve(socket));
    socket.once('error', reject);
  });
}

function refusal(url: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: IncomingMessage['headers']; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { headers });
    socket.once('open', () => reject(new Error('upgrade unexpectedly accepted')));
    socket.once('error', () => {});
    socket.once('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
  });
}

describe('WebSocket upgrades', () => {
  let upstream: TestServer;
  let wss: WebSocketServer;
  let gateway: StartedGateway;
  const facts: RequestFact[] = [];
  const upgrades: IncomingMessage[] = [];

  beforeAll(async () => {
    upstream = await startServer((_req, res) => res.end('plain http'));
    wss = new WebSocketServer({ server: upstream.server });
    wss.on('connection', (socket, req) => {
      upgrades.push(req);
      socket.on('message', (data) => socket.send(`echo:${data.toString()}`));
    });
    const closedPort = await freePort();
    gateway = await startGateway(
      [
        { name: 'chat', basePath: '/ws', upstream: `${upstream.url}/socket` },
        { name: 'guarded', basePath: '/guarded', upstream: upstream.url, policies: [{ name: 'test-ws-guard' }] },
        { name: 'down', basePath: '/down', upstream: `http://127.0.0.1:${closedPort}` },
      ],
      { onRequest: (fact) => facts.push(fact) },
    );
  });

  afterAll(async () => {
    await gateway.close();
    for (const client of wss.clients) client.terminate();
    wss.close();
    await upstream.close();
  });

  const wsUrl = (path: string) => gateway.url(path).replace(/^http/, 'ws');

  it('proxies an upgrade and messages both ways, with the path rewritten', async () => {
    const socket = await connect(wsUrl('/ws/chat?room=1'));
    const reply = new Promise<string>((resolve) => socket.once('message', (data) => resolve(data.toString())));
    socket.send('hello');
    expect(await reply).toBe('echo:hello');
    socket.close();
    const seen = upgrades.at(-1)!;
    expect(seen.url).toBe('/socket/chat?room=1');
    expect(seen.headers['x-forwarded-for']).toBe('127.0.0.1');
    expect(seen.headers.upgrade).toBe('websocket');
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(facts.find((f) => f.path === '/ws/chat')).toMatchObject({ status: 101, source: 'upstream', apiName: 'chat' });
  });

  it('runs policies on the upgrade request: a rejection is a gateway-made JSON error', async () => {
    const res = await refusal(wsUrl('/guarded/x'));
    expect(res.status).toBe(401);
    expect(res.headers['x-gatehouse-source']).toBe('gateway');
    expect(JSON.parse(res.body)).toEqual({ error: { code: 'NO_ENTRY', message: 'say please', policy: 'test-ws-guard' } });
    const socket = await connect(wsUrl('/guarded/x'), { 'x-let-me-in': 'please' });
    socket.close();
  });

  it('answers 502 when the upstream of an upgrade is down, and 404 for no API', async () => {
    const down = await refusal(wsUrl('/down/x'));
    expect(down.status).toBe(502);
    expect(JSON.parse(down.body).error.code).toBe('UPSTREAM_UNAVAILABLE');
    const none = await refusal(wsUrl('/nowhere'));
    expect(none.status).toBe(404);
  });

  it('still serves plain HTTP on the same API', async () => {
    const res = await fetch(gateway.url('/ws/plain'));
    expect(await res.text()).toBe('plain http');
  });
});
