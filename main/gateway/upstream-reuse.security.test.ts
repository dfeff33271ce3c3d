/**
 * A healthy upstream that closes an idle keep-alive connection just as the gateway reuses it
 * (Node's own servers do so after 5 s) must not turn into a 502: an idempotent request whose
 * body is known is sent once more on a fresh connection, as nginx's `proxy_next_upstream error`
 * does; any other request is never sent twice.
 */
import net, { type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from '../testing/net';
import { startGateway, type StartedGateway } from './testing';

interface Received {
  connection: number;
  requestLine: string;
  body: string;
}

/**
 * A raw upstream that answers the first request on each connection with keep-alive, then closes
 * the connection without answering when a second request arrives on it: the race a closing idle
 * connection causes, made deterministic.
 */
async function startClosingUpstream(): Promise<{ url: string; received: Received[]; close(): Promise<void> }> {
  const received: Received[] = [];
  let connections = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    const connection = ++connections;
    sockets.add(socket);
    let answered = false;
    let buffer = '';
    socket.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('latin1');
      const end = buffer.indexOf('\r\n\r\n');
      if (end < 0) return;
      const requestHead = buffer.slice(0, end);
      const length = Number(/content-length:\s*(\d+)/i.exec(requestHead)?.[1] ?? 0);
      if (buffer.length < end + 4 + length) return;
      const body = buffer.slice(end + 4, end + 4 + length);
      buffer = buffer.slice(end + 4 + length);
      if (answered) {
        socket.destroy();
        return;
      }
      answered = true;
      received.push({ connection, requestLine: requestHead.split('\r\n')[0]!, body });
      const text = `connection ${connection}`;
      const head = `HTTP/1.1 200 OK\r\nContent-Length: ${text.length}\r\nConnection: keep-alive\r\nKeep-Alive: timeout=30\r\n\r\n`;
      socket.write(requestHead.startsWith('HEAD') ? head : head + text);
    });
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        sockets.forEach((socket) => socket.destroy());
        server.close(() => resolve());
      }),
  };
}

describe('reused upstream connections the upstream closes', () => {
  let upstream: Awaited<ReturnType<typeof startClosingUpstream>>;
  let gateway: StartedGateway;

  beforeAll(async () => {
    upstream = await startClosingUpstream();
    gateway = await startGateway({ basePath: '/api', upstream: upstream.url });
  });

  afterAll(async () => {
    await gateway.close();
    await upstream.close();
  });

  it.each(['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS'])('%s is answered from a fresh connection instead of 502', async (method) => {
    const first = await request(gateway.url('/api/first'));
    expect(first.status).toBe(200);
    const body = method === 'PUT' ? '{"name":"setup"}' : undefined;
    const second = await request(gateway.url('/api/second'), { method, body, headers: body ? { 'content-type': 'application/json' } : {} });
    expect(second.headers['x-gatehouse-source']).toBe('upstream');
    expect(second.status).toBe(200);
    const last = upstream.received.at(-1)!;
    expect(last.requestLine).toBe(`${method} /second HTTP/1.1`);
    expect(last.connection).not.toBe(upstream.received.at(-2)!.connection);
    if (body) expect(last.body).toBe(body);
  });

  it('a POST is never sent twice: the failure is reported as 502', async () => {
    expect((await request(gateway.url('/api/first'))).status).toBe(200);
    const before = upstream.received.length;
    const post = await request(gateway.url('/api/order'), { method: 'POST', body: 'buy-one' });
    expect(post.status).toBe(502);
    expect(post.headers['x-gatehouse-source']).toBe('gateway');
    expect(upstream.received.slice(before).filter((r) => r.requestLine.startsWith('POST'))).toEqual([]);
  });
});
