/**
 * credential-injection-basic-auth-flex and credential-injection-api-key-flex over real sockets:
 * a real gateway, a recording upstream that shows exactly what arrived, and the client's own
 * view of the response (which never holds the credential).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findPolicy } from '../../shared/policies/catalogue';
import { startGateway, type StartedGateway } from '../gateway/testing';
import { startRecordingUpstream, type RecordingUpstream } from '../testing/raw-http';
import { request } from '../testing/net';

const PASSWORD = 'upstream-Pa55:wörd';
const API_KEY = 'key-0123456789abcdef';
const CLIENT_SECRET = 'client-secret-XYZ';

let upstream: RecordingUpstream;
let gateway: StartedGateway;

beforeAll(async () => {
  upstream = await startRecordingUpstream();
  gateway = await startGateway([
    { basePath: '/basic', upstream: upstream.url, policies: [{ name: 'credential-injection-basic-auth-flex', config: { username: 'svc', password: PASSWORD } }] },
    {
      basePath: '/basic-keep',
      upstream: upstream.url,
      policies: [{ name: 'credential-injection-basic-auth-flex', config: { username: 'svc', password: PASSWORD, overwrite: false, customHeader: 'X-Upstream-Auth' } }],
    },
    { basePath: '/key', upstream: upstream.url, policies: [{ name: 'credential-injection-api-key-flex', config: { authType: 'apiKey', apiKey: API_KEY } }] },
    {
      basePath: '/key-custom',
      upstream: upstream.url,
      policies: [{ name: 'credential-injection-api-key-flex', config: { authType: 'apiKey', apiKey: API_KEY, customHeader: 'X-Api-Key' } }],
    },
    {
      basePath: '/client',
      upstream: upstream.url,
      policies: [{ name: 'credential-injection-api-key-flex', config: { authType: 'clientCredentials', clientId: 'gw-client', clientSecret: CLIENT_SECRET } }],
    },
    {
      basePath: '/client-custom',
      upstream: upstream.url,
      policies: [
        {
          name: 'credential-injection-api-key-flex',
          config: { authType: 'clientCredentials', clientId: 'gw-client', clientSecret: CLIENT_SECRET, customClientIdHeader: 'X-Id', customClientSecretHeader: 'X-Secret', overwrite: false },
        },
      ],
    },
  ]);
});

afterAll(async () => {
  await gateway?.close();
  await upstream?.close();
});

/** Sends one request and returns what the upstream saw and what the client got. */
async function exchange(path: string, headers: Record<string, string> = {}) {
  const before = upstream.seen.length;
  const response = await request(gateway.url(path), { headers });
  expect(response.status).toBe(200);
  expect(upstream.seen.length).toBe(before + 1);
  return { seen: upstream.seen[before]!, response };
}

function expectClientNeverSees(response: { body: string; headers: Record<string, unknown> }, ...secrets: string[]): void {
  const visible = response.body + JSON.stringify(response.headers);
  for (const secret of secrets) expect(visible).not.toContain(secret);
}

describe('credential-injection-basic-auth-flex', () => {
  const expected = `Basic ${Buffer.from(`svc:${PASSWORD}`).toString('base64')}`;

  it('sends Authorization: Basic to the upstream; the client never sees it', async () => {
    const { seen, response } = await exchange('/basic/orders');
    expect(seen.headers.authorization).toBe(expected);
    expectClientNeverSees(response, PASSWORD, expected);
  });

  it("replaces the client's own Authorization (overwrite defaults to true, as in Flex)", async () => {
    const { seen } = await exchange('/basic/orders', { authorization: 'Bearer client-token' });
    expect(seen.headers.authorization).toBe(expected);
  });

  it("with overwrite false and a customHeader: keeps the client's header, else injects that header", async () => {
    const kept = await exchange('/basic-keep/x', { 'x-upstream-auth': 'client-value' });
    expect(kept.seen.headers['x-upstream-auth']).toBe('client-value');
    const injected = await exchange('/basic-keep/x', { authorization: 'Bearer untouched' });
    expect(injected.seen.headers['x-upstream-auth']).toBe(expected);
    expect(injected.seen.headers.authorization).toBe('Bearer untouched');
  });
});

describe('credential-injection-api-key-flex', () => {
  it('apiKey: the key goes in Authorization, replacing the client’s', async () => {
    const { seen, response } = await exchange('/key/items', { authorization: 'Bearer mine' });
    expect(seen.headers.authorization).toBe(API_KEY);
    expectClientNeverSees(response, API_KEY);
  });

  it('apiKey with customHeader: the key goes in that header only', async () => {
    const { seen } = await exchange('/key-custom/items', { authorization: 'Bearer mine' });
    expect(seen.headers['x-api-key']).toBe(API_KEY);
    expect(seen.headers.authorization).toBe('Bearer mine');
  });

  it('clientCredentials: client_id and client_secret headers', async () => {
    const { seen, response } = await exchange('/client/items', { client_secret: 'forged' });
    expect(seen.headers.client_id).toBe('gw-client');
    expect(seen.headers.client_secret).toBe(CLIENT_SECRET);
    expectClientNeverSees(response, CLIENT_SECRET);
  });

  it("clientCredentials with custom headers and overwrite false keeps what the client sent", async () => {
    const { seen } = await exchange('/client-custom/items', { 'x-id': 'their-id' });
    expect(seen.headers['x-id']).toBe('their-id');
    expect(seen.headers['x-secret']).toBe(CLIENT_SECRET);
  });

  it('the catalogue refuses a config without the credential its authType needs, and line breaks', () => {
    const schema = findPolicy('credential-injection-api-key-flex')!.schema;
    expect(schema.safeParse({ authType: 'apiKey' }).success).toBe(false);
    expect(schema.safeParse({ authType: 'clientCredentials', clientId: 'a' }).success).toBe(false);
    expect(schema.safeParse({ apiKey: 'a\r\nx-evil: 1' }).success).toBe(false);
    expect(schema.parse({ apiKey: 'k' })).toMatchObject({ authType: 'apiKey', overwrite: true });
  });
});
