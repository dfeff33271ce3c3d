/**
 * oauth2-token-introspection-flex over real sockets: a real gateway and upstream, and a local
 * RFC 7662 introspection endpoint written here (a table of tokens, counting its calls). Expiry
 * is tested with 1 s lifetimes and polling, not wall-clock thresholds.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { startGateway, type StartedGateway } from '../gateway/testing';
import { request, startEchoUpstream, startServer, type TestServer } from '../testing/net';

const AUTHORIZATION = `Basic ${Buffer.from('gateway:introspect-S3cret').toString('base64')}`;

interface IntrospectionServer extends TestServer {
  /** token → the RFC 7662 response for it (absent: `{ active: false }`). */
  tokens: Map<string, Record<string, unknown>>;
  calls: { authorization: string | undefined; form: Record<string, string> }[];
  /** Answer with this status and a non-JSON body instead. */
  broken: number | undefined;
}

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

async function introspectionServer(): Promise<IntrospectionServer> {
  const state = { tokens: new Map<string, Record<string, unknown>>(), calls: [] as IntrospectionServer['calls'], broken: undefined as number | undefined };
  const server = await startServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const form = Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString()));
      state.calls.push({ authorization: req.headers.authorization, form });
      if (state.broken !== undefined) {
        res.statusCode = state.broken;
        res.end('<html>oops</html>');
        return;
      }
      if (req.headers.authorization !== AUTHORIZATION) {
        res.statusCode = 401;
        res.end('{"error":"invalid_client"}');
        return;
      }
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(state.tokens.get(form.token ?? '') ?? { active: false }));
    });
  });
  cleanup.push(() => server.close());
  return Object.assign(state, server);
}

async function setup(config: Record<string, unknown> = {}, identity?: Parameters<typeof startGateway>[1], after: { name: string; config: Record<string, unknown> }[] = []) {
  const introspection = await introspectionServer();
  const upstream = await startEchoUpstream();
  cleanup.push(() => upstream.close());
  const gateway: StartedGateway = await startGateway(
    {
      basePath: '/api',
      id: 'orders',
      name: 'Orders',
      upstream: upstream.url,
      policies: [{ name: 'oauth2-token-introspection-flex', config: { introspectionURL: `${introspection.url}/introspect`, authorizationValue: AUTHORIZATION, ...config } }, ...after],
    },
    identity,
  );
  cleanup.push(() => gateway.close());
  const send = (authorization?: string) => request(gateway.url('/api/orders'), { headers: authorization ? { authorization } : {} });
  return { introspection, gateway, send };
}

const inSeconds = (seconds: number) => Math.floor(Date.now() / 1000) + seconds;

describe('oauth2-token-introspection-flex', () => {
  it('lets an active token through, introspecting it once for many requests, with the configured Authorization', async () => {
    const { introspection, send } = await setup({ scopes: 'orders:read' });
    introspection.tokens.set('tok-good', { active: true, scope: 'orders:read orders:write', client_id: 'app-1', exp: inSeconds(3600) });
    for (let i = 0; i < 5; i++) {
      const response = await send('Bearer tok-good');
      expect(response.status).toBe(200);
      expect(response.json().headers.authorization).toBe('Bearer tok-good');
    }
    expect(introspection.calls).toEqual([{ authorization: AUTHORIZATION, form: { token: 'tok-good', token_type_hint: 'access_token' } }]);
  });

  it('no token → 401 with a Bearer challenge; not a bearer token → 400; the upstream is not called', async () => {
    const { introspection, send } = await setup();
    const missing = await send();
    expect(missing.status).toBe(401);
    expect(missing.headers['www-authenticate']).toBe('Bearer realm="Orders"');
    expect(missing.json().error).toMatchObject({ code: 'TOKEN_REQUIRED', policy: 'oauth2-token-introspection-flex' });
    const basic = await send('Basic YTpi');
    expect(basic.status).toBe(400);
    expect(introspection.calls).toEqual([]);
  });

  it('an inactive or expired token → 401 invalid_token, never echoing the token', async () => {
    const { introspection, send } = await setup();
    introspection.tokens.set('tok-old', { active: true, exp: inSeconds(-10) });
    for (const token of ['tok-revoked-123', 'tok-old']) {
      const response = await send(`Bearer ${token}`);
      expect(response.status).toBe(401);
      expect(response.headers['www-authenticate']).toBe('Bearer realm="Orders", error="invalid_token"');
      expect(response.body + JSON.stringify(response.headers)).not.toContain(token);
    }
  });

  it('scopes: AND needs every one (403 insufficient_scope), OR any one', async () => {
    const all = await setup({ scopes: 'orders:read orders:write' });
    all.introspection.tokens.set('tok-read', { active: true, scope: 'orders:read' });
    const refused = await all.send('Bearer tok-read');
    expect(refused.status).toBe(403);
    expect(refused.headers['www-authenticate']).toBe('Bearer realm="Orders", error="insufficient_scope"');
    expect(refused.json().error.message).toBe('the token lacks the scopes orders:write');

    const any = await setup({ scopes: 'orders:read orders:write', scopeValidationCriteria: 'OR' });
    any.introspection.tokens.set('tok-read', { active: true, scope: 'orders:read' });
    expect((await any.send('Bearer tok-read')).status).toBe(200);
    any.introspection.tokens.set('tok-none', { active: true, scope: 'profile' });
    expect((await any.send('Bearer tok-none')).status).toBe(403);
  });

  it('remembers a result no longer than validatedTokenTTL', async () => {
    const { introspection, send } = await setup({ validatedTokenTTL: 1 });
    introspection.tokens.set('tok-a', { active: true, exp: inSeconds(3600) });
    expect((await send('Bearer tok-a')).status).toBe(200);
    expect((await send('Bearer tok-a')).status).toBe(200);
    expect(introspection.calls).toHaveLength(1);
    introspection.tokens.delete('tok-a'); // revoked: seen once the cached result is too old
    await vi.waitFor(async () => expect((await send('Bearer tok-a')).status).toBe(401), { timeout: 5000, interval: 100 });
    expect(introspection.calls).toHaveLength(2);
  });

  it('remembers a result no longer than the token’s exp', async () => {
    const { introspection, send } = await setup({ validatedTokenTTL: 600 });
    introspection.tokens.set('tok-short', { active: true, exp: inSeconds(1) });
    expect((await send('Bearer tok-short')).status).toBe(200);
    await vi.waitFor(async () => expect((await send('Bearer tok-short')).status).toBe(401), { timeout: 5000, interval: 100 });
  });

  it('endpoint unreachable → 401; endpoint answering garbage → 500; both name the endpoint', async () => {
    const down = await setup();
    await down.introspection.close();
    const unreachable = await down.send('Bearer tok');
    expect(unreachable.status).toBe(401);
    expect(unreachable.json().error).toMatchObject({ code: 'INTROSPECTION_UNAVAILABLE', message: expect.stringContaining(`${down.introspection.url}/introspect could not be reached`) });

    const broken = await setup();
    broken.introspection.broken = 502;
    const garbage = await broken.send('Bearer tok');
    expect(garbage.status).toBe(500);
    expect(garbage.json().error.code).toBe('INTROSPECTION_FAILED');
  });

  it('with skipClientIdValidation false: only a client with an approved contract for the API', async () => {
    const identity = {
      identity: {
        applications: [{ clientId: 'app-1', name: 'App 1', secretHash: 'unused' }],
        contracts: [{ clientId: 'app-1', apiId: 'orders', status: 'approved' as const }],
      },
    };
    const { introspection, send } = await setup({ skipClientIdValidation: false }, identity);
    introspection.tokens.set('tok-app1', { active: true, client_id: 'app-1' });
    introspection.tokens.set('tok-app2', { active: true, client_id: 'app-2' });
    expect((await send('Bearer tok-app1')).status).toBe(200);
    const other = await send('Bearer tok-app2');
    expect(other.status).toBe(403);
    expect(other.json().error.code).toBe('CLIENT_NOT_ALLOWED');
  });

  it('hands the introspection result to later policies as claims', async () => {
    const inject = [{ name: 'header-injection-flex', config: { inboundHeaders: [{ key: 'x-user', value: '#[authentication.properties.claims.sub]' }] } }];
    const { introspection, send } = await setup({}, undefined, inject);
    introspection.tokens.set('tok-ann', { active: true, sub: 'ann', client_id: 'app-1' });
    const response = await send('Bearer tok-ann');
    expect(response.status).toBe(200);
    expect(response.json().headers['x-user']).toBe('ann');
  });
});
