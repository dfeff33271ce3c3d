/**
 * credential-injection-oauth2-flex over real sockets: a real gateway, a local token endpoint
 * written here (counts its calls, issues tok-1, tok-2, …) and an upstream that accepts only
 * the tokens it is told are valid. No wall-clock thresholds: expiry is a 1 s token, polled.
 */
import http from 'node:http';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { startGateway, type StartedGateway } from '../gateway/testing';
import { request, startServer, type TestServer } from '../testing/net';

const CLIENT_SECRET = 'oauth-client-S3cret';

interface TokenServer extends TestServer {
  calls: { headers: http.IncomingHttpHeaders; body: string }[];
  expiresIn: number | undefined;
  /** Answer with this status and error instead of a token. */
  failWith: { status: number; error: string } | undefined;
}

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

async function tokenServer(expiresIn?: number): Promise<TokenServer> {
  const state = { calls: [] as TokenServer['calls'], expiresIn, failWith: undefined as TokenServer['failWith'] };
  const server = await startServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      state.calls.push({ headers: req.headers, body: Buffer.concat(chunks).toString() });
      res.setHeader('content-type', 'application/json');
      if (state.failWith) {
        res.statusCode = state.failWith.status;
        res.end(JSON.stringify({ error: state.failWith.error }));
        return;
      }
      res.end(JSON.stringify({ access_token: `tok-${state.calls.length}`, token_type: 'Bearer', ...(state.expiresIn ? { expires_in: state.expiresIn } : {}) }));
    });
  });
  cleanup.push(() => server.close());
  return Object.assign(state, server);
}

interface GuardedUpstream extends TestServer {
  valid: Set<string>;
  seen: { authorization: string | undefined; body: string }[];
}

/** An upstream that answers 401 unless Authorization is `Bearer <a valid token>`. */
async function guardedUpstream(): Promise<GuardedUpstream> {
  const state = { valid: new Set<string>(), seen: [] as GuardedUpstream['seen'] };
  const server = await startServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const authorization = req.headers.authorization;
      state.seen.push({ authorization, body: Buffer.concat(chunks).toString() });
      const token = authorization?.replace(/^Bearer /, '') ?? '';
      res.statusCode = state.valid.has(token) ? 200 : 401;
      res.end(res.statusCode === 200 ? `ok ${token}` : 'token refused');
    });
  });
  cleanup.push(() => server.close());
  return Object.assign(state, server);
}

async function gatewayFor(upstream: TestServer, config: Record<string, unknown>): Promise<StartedGateway> {
  const gateway = await startGateway({ basePath: '/api', upstream: upstream.url, policies: [{ name: 'credential-injection-oauth2-flex', config }] });
  cleanup.push(() => gateway.close());
  return gateway;
}

const clientCredentials = (tokens: TestServer, extra: Record<string, unknown> = {}) => ({
  oauthService: `${tokens.url}/oauth/token`,
  clientId: 'gateway',
  clientSecret: CLIENT_SECRET,
  scope: ['orders:read', 'orders:write'],
  ...extra,
});

describe('credential-injection-oauth2-flex', () => {
  it('gets one token with the client-credentials grant and sends it on every request, replacing the client’s Authorization', async () => {
    const tokens = await tokenServer(3600);
    const upstream = await guardedUpstream();
    upstream.valid.add('tok-1');
    const gateway = await gatewayFor(upstream, clientCredentials(tokens));

    for (let i = 0; i < 5; i++) {
      const response = await request(gateway.url('/api/orders'), { headers: { authorization: 'Bearer client-own' } });
      expect(response.status).toBe(200);
      expect(response.body).toBe('ok tok-1');
      expect(JSON.stringify(response.headers)).not.toContain('tok-1');
    }
    expect(upstream.seen.map((seen) => seen.authorization)).toEqual(Array(5).fill('Bearer tok-1'));
    expect(tokens.calls).toHaveLength(1);
    const call = tokens.calls[0]!;
    expect(call.headers.authorization).toBe(`Basic ${Buffer.from(`gateway:${CLIENT_SECRET}`).toString('base64')}`);
    expect(call.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(Object.fromEntries(new URLSearchParams(call.body))).toEqual({ grant_type: 'client_credentials', scope: 'orders:read orders:write' });
  });

  it('asks concurrent requests’ token once', async () => {
    const tokens = await tokenServer(3600);
    const upstream = await guardedUpstream();
    upstream.valid.add('tok-1');
    const gateway = await gatewayFor(upstream, clientCredentials(tokens));
    const responses = await Promise.all(Array.from({ length: 8 }, () => request(gateway.url('/api/orders'))));
    expect(responses.map((response) => response.status)).toEqual(Array(8).fill(200));
    expect(tokens.calls).toHaveLength(1);
  });

  it('fetches a new token once the cached one is about to expire', async () => {
    const tokens = await tokenServer(1);
    const upstream = await guardedUpstream();
    upstream.valid.add('tok-1').add('tok-2');
    const gateway = await gatewayFor(upstream, clientCredentials(tokens));
    expect((await request(gateway.url('/api/a'))).body).toBe('ok tok-1');
    expect((await request(gateway.url('/api/a'))).body).toBe('ok tok-1');
    await vi.waitFor(async () => expect((await request(gateway.url('/api/a'))).body).toBe('ok tok-2'), { timeout: 5000, interval: 100 });
    expect(tokens.calls).toHaveLength(2);
  });

  it('on a 401 to a cached token: renews the token and sends the request (body included) once more', async () => {
    const tokens = await tokenServer(3600);
    const upstream = await guardedUpstream();
    upstream.valid.add('tok-1');
    const gateway = await gatewayFor(upstream, clientCredentials(tokens));
    expect((await request(gateway.url('/api/orders'))).status).toBe(200);

    // The authorization server revoked tok-1 early; the cache still holds it.
    upstream.valid.clear();
    upstream.valid.add('tok-2');
    const response = await request(gateway.url('/api/orders'), { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"item":42}' });
    expect(response.status).toBe(200);
    expect(response.body).toBe('ok tok-2');
    expect(upstream.seen.slice(1)).toEqual([
      { authorization: 'Bearer tok-1', body: '{"item":42}' },
      { authorization: 'Bearer tok-2', body: '{"item":42}' },
    ]);
    expect(tokens.calls).toHaveLength(2);

    // The renewed token is cached for what follows.
    expect((await request(gateway.url('/api/orders'))).body).toBe('ok tok-2');
    expect(tokens.calls).toHaveLength(2);
  });

  it('does not resend a body it streamed (larger than the buffer): the upstream’s 401 reaches the client; the next request renews the token', async () => {
    const tokens = await tokenServer(3600);
    const upstream = await guardedUpstream();
    upstream.valid.add('tok-1');
    const gateway = await startGateway({
      basePath: '/api',
      upstream: upstream.url,
      policies: [
        { name: 'request-handling', config: { bodyBufferBytes: 16 } },
        { name: 'credential-injection-oauth2-flex', config: clientCredentials(tokens) },
      ],
    });
    cleanup.push(() => gateway.close());
    expect((await request(gateway.url('/api/a'))).status).toBe(200);
    upstream.valid.clear();
    upstream.valid.add('tok-2');
    const streamed = await request(gateway.url('/api/a'), { method: 'POST', body: 'x'.repeat(1000) });
    expect(streamed.status).toBe(401);
    expect(upstream.seen).toHaveLength(2);
    expect(tokens.calls).toHaveLength(1);
    const next = await request(gateway.url('/api/a'));
    expect([next.status, next.body]).toEqual([200, 'ok tok-2']);
    expect(tokens.calls).toHaveLength(2);
  });

  it('passes the upstream’s 401 through when a renewed token is refused too, without asking for tokens per request', async () => {
    const tokens = await tokenServer(3600);
    const upstream = await guardedUpstream();
    upstream.valid.add('tok-1');
    const gateway = await gatewayFor(upstream, clientCredentials(tokens));
    expect((await request(gateway.url('/api/x'))).status).toBe(200);
    upstream.valid.clear();
    for (let i = 0; i < 3; i++) {
      const refused = await request(gateway.url('/api/x'));
      expect(refused.status).toBe(401);
      expect(refused.headers['x-gatehouse-source']).toBe('upstream');
      expect(refused.body).toBe('token refused');
    }
    // tok-1 renewed once into tok-2; tok-2, a renewal, is not renewed again before it expires.
    expect(tokens.calls).toHaveLength(2);
  });

  it('answers 502 naming the policy and the token endpoint when the token endpoint is down', async () => {
    const tokens = await tokenServer(3600);
    await tokens.close();
    const upstream = await guardedUpstream();
    const gateway = await gatewayFor(upstream, clientCredentials(tokens));
    const response = await request(gateway.url('/api/orders'));
    expect(response.status).toBe(502);
    expect(response.headers['x-gatehouse-source']).toBe('gateway');
    const error = response.json().error;
    expect(error).toMatchObject({ code: 'UPSTREAM_CREDENTIAL_UNAVAILABLE', policy: 'credential-injection-oauth2-flex' });
    expect(error.message).toContain(`${tokens.url}/oauth/token could not be reached (ECONNREFUSED)`);
    expect(upstream.seen).toEqual([]);
  });

  it('answers 502 with the token endpoint’s error when it refuses the client, never echoing the secret', async () => {
    const tokens = await tokenServer(3600);
    tokens.failWith = { status: 401, error: 'invalid_client' };
    const upstream = await guardedUpstream();
    const gateway = await gatewayFor(upstream, clientCredentials(tokens));
    const response = await request(gateway.url('/api/orders'));
    expect(response.status).toBe(502);
    expect(response.json().error.message).toContain('answered 401 (invalid_client)');
    expect(response.body).not.toContain(CLIENT_SECRET);
  });

  it('with allowRequestWithoutCredential: forwards without a token (and without the client’s header)', async () => {
    const tokens = await tokenServer(3600);
    await tokens.close();
    const upstream = await guardedUpstream();
    const gateway = await gatewayFor(upstream, clientCredentials(tokens, { allowRequestWithoutCredential: true }));
    const response = await request(gateway.url('/api/orders'), { headers: { authorization: 'Bearer client-own' } });
    expect(response.status).toBe(401);
    expect(response.headers['x-gatehouse-source']).toBe('upstream');
    expect(upstream.seen).toEqual([{ authorization: undefined, body: '' }]);
  });

  it('password grant with credentials in a JSON body, a custom header, prefix and token request headers', async () => {
    const tokens = await tokenServer(3600);
    const upstream = await startServer((req, res) => res.end(String(req.headers['x-token'])));
    cleanup.push(() => upstream.close());
    const gateway = await gatewayFor(upstream, {
      oauthService: `${tokens.url}/token`,
      grantType: 'password',
      username: 'svc',
      password: 'svc-Pa55',
      clientId: 'gateway',
      clientSecret: CLIENT_SECRET,
      credentialLocation: 'body',
      tokenRequestBodyFormat: 'json',
      upstreamTokenHeaderName: 'X-Token',
      upstreamTokenPrefixName: 'Token',
      customRequestHeaders: [{ name: 'X-Tenant', value: 'acme' }],
    });
    expect((await request(gateway.url('/api/a'))).body).toBe('Token tok-1');
    const call = tokens.calls[0]!;
    expect(call.headers.authorization).toBeUndefined();
    expect(call.headers['x-tenant']).toBe('acme');
    expect(JSON.parse(call.body)).toEqual({ grant_type: 'password', username: 'svc', password: 'svc-Pa55', client_id: 'gateway', client_secret: CLIENT_SECRET });
  });
});
