/**
 * Request smuggling over raw sockets: whatever a client puts in Connection (or a policy removes),
 * the upstream never reads bytes of one client request as a second request, for every method,
 * HTTP/1.0 and 1.1, with and without keep-alive. The smuggled request targets an API behind
 * basic auth on the same upstream: had it got through, the upstream would have recorded it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawExchange, startRecordingUpstream, type RecordingUpstream } from '../testing/raw-http';
import { startGateway, type StartedGateway } from './testing';

const SMUGGLED = 'GET /private/secret HTTP/1.1\r\nHost: upstream\r\n\r\n';
const METHODS = ['GET', 'HEAD', 'DELETE', 'OPTIONS', 'POST', 'PUT'];

interface Case {
  method: string;
  version: '1.0' | '1.1';
  keepAlive: boolean;
}

const CASES: Case[] = METHODS.flatMap((method) =>
  (['1.1', '1.0'] as const).flatMap((version) => [true, false].map((keepAlive) => ({ method, version, keepAlive }))),
);

/** The Connection value for a case, naming `framing` as a hop-by-hop header. */
function connection({ version, keepAlive }: Case, framing: string): string {
  if (version === '1.1') return keepAlive ? framing : `close, ${framing}`;
  return keepAlive ? `keep-alive, ${framing}` : framing;
}

function chunked(body: string): string {
  return `${body.length.toString(16)}\r\n${body}\r\n0\r\n\r\n`;
}

describe('request smuggling', () => {
  let upstream: RecordingUpstream;
  let gateway: StartedGateway;
  let sentinels = 0;

  beforeAll(async () => {
    upstream = await startRecordingUpstream();
    gateway = await startGateway([
      { name: 'demo', basePath: '/demo', upstream: upstream.url },
      {
        name: 'private',
        basePath: '/private',
        upstream: upstream.url,
        policies: [{ name: 'http-basic-authentication-flex', config: { username: 'admin', password: 'Sup3r-Secret-Pa55' } }],
      },
      {
        name: 'stripped',
        basePath: '/stripped',
        upstream: upstream.url,
        policies: [{ name: 'header-removal-flex', config: { inboundHeaders: ['content-length', 'transfer-encoding'] } }],
      },
      // Streams bodies instead of buffering them: the framing must survive there too.
      { name: 'streamed', basePath: '/streamed', upstream: upstream.url, policies: [{ name: 'request-handling', config: { bodyBufferBytes: 0 } }] },
    ]);
  });

  afterAll(async () => {
    await gateway.close();
    await upstream.close();
  });

  /**
   * Sends one attack, then an ordinary request that reuses the upstream connection, and returns
   * what the upstream recorded for both.
   */
  async function attack(bytes: string, head: boolean): Promise<{ status: number; seen: typeof upstream.seen }> {
    const before = upstream.seen.length;
    const response = await rawExchange(gateway.port, bytes, { head });
    const sentinel = `/sentinel-${++sentinels}`;
    const ordinary = await rawExchange(gateway.port, `GET /demo${sentinel} HTTP/1.1\r\nHost: gw\r\nConnection: close\r\n\r\n`);
    expect(ordinary.status).toBe(200);
    expect(ordinary.body).toBe(`GET ${sentinel} 0`);
    return { status: response.status, seen: upstream.seen.slice(before) };
  }

  function expectNoSmuggling(result: { status: number; seen: typeof upstream.seen }, label: string, target: string, body: string): void {
    expect(upstream.parseErrors, label).toEqual([]);
    expect(result.seen.map((s) => s.url).filter((url) => url.includes('private')), label).toEqual([]);
    expect([200, 400], label).toContain(result.status);
    if (result.status === 200) {
      // Forwarded with correct framing: the upstream got the body as this request's body.
      expect(result.seen.map((s) => [s.url, s.body]), label).toEqual([
        [target, body],
        [`/sentinel-${sentinels}`, ''],
      ]);
    } else expect(result.seen.length, label).toBe(1);
  }

  it('a Content-Length named in Connection never leaves the body unframed', async () => {
    for (const c of CASES) {
      const label = `${c.method} HTTP/${c.version} keep-alive=${c.keepAlive}`;
      const bytes =
        `${c.method} /demo/x HTTP/${c.version}\r\nHost: gw\r\nContent-Length: ${SMUGGLED.length}\r\n` +
        `Connection: ${connection(c, 'content-length')}\r\n\r\n${SMUGGLED}`;
      const result = await attack(bytes, c.method === 'HEAD');
      expect(result.status, label).toBe(200);
      expectNoSmuggling(result, label, '/x', SMUGGLED);
    }
  });

  it('a Transfer-Encoding named in Connection never leaves the body unframed; on HTTP/1.0 it is refused', async () => {
    for (const c of CASES) {
      const label = `${c.method} HTTP/${c.version} keep-alive=${c.keepAlive}`;
      const bytes =
        `${c.method} /demo/x HTTP/${c.version}\r\nHost: gw\r\nTransfer-Encoding: chunked\r\n` +
        `Connection: ${connection(c, 'transfer-encoding')}\r\n\r\n${chunked(SMUGGLED)}`;
      const result = await attack(bytes, c.method === 'HEAD');
      expect(result.status, label).toBe(c.version === '1.0' ? 400 : 200);
      expectNoSmuggling(result, label, '/x', SMUGGLED);
    }
  });

  it('a policy that removes the framing headers cannot unframe the body either', async () => {
    for (const method of METHODS) {
      const byLength = `${method} /stripped/x HTTP/1.1\r\nHost: gw\r\nContent-Length: ${SMUGGLED.length}\r\n\r\n${SMUGGLED}`;
      expectNoSmuggling(await attack(byLength, method === 'HEAD'), `${method} content-length`, '/x', SMUGGLED);
      const byChunks = `${method} /stripped/x HTTP/1.1\r\nHost: gw\r\nTransfer-Encoding: chunked\r\n\r\n${chunked(SMUGGLED)}`;
      expectNoSmuggling(await attack(byChunks, method === 'HEAD'), `${method} chunked`, '/x', SMUGGLED);
    }
  });

  it('a streamed (unbuffered) body keeps the framing it arrived with', async () => {
    for (const method of METHODS) {
      const byLength = `${method} /streamed/x HTTP/1.1\r\nHost: gw\r\nContent-Length: ${SMUGGLED.length}\r\nConnection: content-length\r\n\r\n${SMUGGLED}`;
      expectNoSmuggling(await attack(byLength, method === 'HEAD'), `${method} content-length`, '/x', SMUGGLED);
      const byChunks = `${method} /streamed/x HTTP/1.1\r\nHost: gw\r\nTransfer-Encoding: chunked\r\nConnection: transfer-encoding\r\n\r\n${chunked(SMUGGLED)}`;
      expectNoSmuggling(await attack(byChunks, method === 'HEAD'), `${method} chunked`, '/x', SMUGGLED);
    }
  });

  it('a request with both Content-Length and Transfer-Encoding, or two lengths, is refused', async () => {
    const both = `POST /demo/x HTTP/1.1\r\nHost: gw\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n${chunked(SMUGGLED)}`;
    expect((await attack(both, false)).status).toBe(400);
    const twice = `POST /demo/x HTTP/1.1\r\nHost: gw\r\nContent-Length: 4\r\nContent-Length: ${SMUGGLED.length}\r\n\r\n${SMUGGLED}`;
    expect((await attack(twice, false)).status).toBe(400);
    expect(upstream.parseErrors).toEqual([]);
  });
});
