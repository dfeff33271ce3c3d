/**
 * Upstream credentials at rest and in exports, end to end: the three credential-injection
 * policies and token introspection (its Authorization value) configured over the admin API on
 * a real data dir; the embedded gateway sends the credentials (over real sockets), while no
 * file of the data dir (SQLite, WAL, telemetry) and no export holds them in clear. Exports carry `${GATEHOUSE_…}` references,
 * and an import elsewhere with those variables set sends the same credentials.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { exportCommand } from '../cli/export';
import { importCommand } from '../cli/import';
import type { AdminPlane } from '../testing/admin-plane';
import { filesContaining, useDataDirs } from '../testing/data-dir';
import { request, startServer, type TestServer } from '../testing/net';
import { startRecordingUpstream, type RecordingUpstream } from '../testing/raw-http';

const PASSWORD = 'upstream-Pa55word-QRS';
const API_KEY = 'api-key-7f3e9b2c41d8';
const CLIENT_SECRET = 'oauth-client-secret-K9x';
const INTROSPECTION_AUTH = 'Bearer introspection-access-R2d2';
const SECRETS = [PASSWORD, API_KEY, CLIENT_SECRET, INTROSPECTION_AUTH];

const { tempDir, plane, onCleanup } = useDataDirs('gatehouse-upstream-creds-');


/** Token endpoint at /token, introspection endpoint at /introspect; records the credentials it got. */
async function tokenEndpoint(): Promise<TestServer & { secrets: string[] }> {
  const secrets: string[] = [];
  const server = await startServer((req, res) => {
    req.resume();
    req.on('end', () => {
      if (req.url === '/introspect') {
        secrets.push(req.headers.authorization ?? '');
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ active: true }));
        return;
      }
      const basic = Buffer.from((req.headers.authorization ?? '').replace(/^Basic /, ''), 'base64').toString();
      secrets.push(decodeURIComponent(basic.split(':')[1] ?? ''));
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ access_token: 'issued-token', expires_in: 3600 }));
    });
  });
  onCleanup(() => server.close());
  return Object.assign(server, { secrets });
}

async function recordingUpstream(): Promise<RecordingUpstream> {
  const upstream = await startRecordingUpstream();
  onCleanup(() => upstream.close());
  return upstream;
}

/** Four APIs, one per policy (three credential-injection, one introspection), configured over the admin API. */
async function configure(admin: AdminPlane, upstream: RecordingUpstream, tokens: TestServer): Promise<void> {
  const bindings: [string, string, Record<string, unknown>][] = [
    ['Basic', 'credential-injection-basic-auth-flex', { username: 'svc', password: PASSWORD }],
    ['Keyed', 'credential-injection-api-key-flex', { authType: 'apiKey', apiKey: API_KEY, customHeader: 'X-Api-Key' }],
    ['Tokened', 'credential-injection-oauth2-flex', { oauthService: `${tokens.url}/token`, clientId: 'gw', clientSecret: CLIENT_SECRET }],
    ['Guarded', 'oauth2-token-introspection-flex', { introspectionURL: `${tokens.url}/introspect`, authorizationValue: INTROSPECTION_AUTH }],
  ];
  for (const [name, policyRef, config] of bindings) {
    const api = await admin.api('POST', '/apis', { name, implementationUrl: upstream.url, basePath: `/${name.toLowerCase()}` });
    expect(api.status).toBe(201);
    const binding = await admin.api('POST', `/apis/${api.body.id}/policies`, { policyRef, config });
    expect([binding.status, binding.body]).toEqual([201, expect.anything()]);
    // The admin API shows a credential only encrypted; sent back as shown, it keeps the stored one.
    const listed = await admin.api('GET', `/apis/${api.body.id}/policies`);
    for (const secret of SECRETS) expect(JSON.stringify([binding.body, listed.body])).not.toContain(secret);
    expect(Object.values(listed.body[0].config)).toContainEqual(expect.stringMatching(/^enc:v1:/));
    const resent = await admin.api('PATCH', `/apis/${api.body.id}/policies/${binding.body.id}`, { config: listed.body[0].config });
    expect([resent.status, JSON.stringify(resent.body)]).toEqual([200, expect.stringContaining('enc:v1:')]);
    // Undo of a removal re-adds the binding as the UI last saw it.
    expect((await admin.api('DELETE', `/apis/${api.body.id}/policies/${binding.body.id}`)).status).toBe(204);
    expect((await admin.api('POST', `/apis/${api.body.id}/policies`, { policyRef, config: listed.body[0].config })).status).toBe(201);
  }
}

/** The embedded gateway sends each credential upstream. */
async function expectCredentialsSent(admin: AdminPlane, upstream: RecordingUpstream, tokens: TestServer & { secrets: string[] }): Promise<void> {
  const send = (base: string) => request(`http://127.0.0.1:${admin.gatewayPort}/${base}/x`, base === 'guarded' ? { headers: { authorization: 'Bearer client-token' } } : {});
  await vi.waitFor(async () => expect((await send('tokened')).status).toBe(200), { timeout: 5000, interval: 50 });
  expect((await send('basic')).status).toBe(200);
  expect((await send('keyed')).status).toBe(200);
  expect((await send('guarded')).status).toBe(200);
  const sent = upstream.seen.map((seen) => seen.headers.authorization ?? seen.headers['x-api-key']);
  expect(sent).toEqual(expect.arrayContaining(['Bearer issued-token', `Basic ${Buffer.from(`svc:${PASSWORD}`).toString('base64')}`, API_KEY]));
  expect(tokens.secrets).toEqual(expect.arrayContaining([CLIENT_SECRET, INTROSPECTION_AUTH]));
}

async function cliExport(dataDir: string): Promise<string> {
  const out: string[] = [];
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => (out.push(String(chunk)), true));
  try {
    expect(await exportCommand.run(['--data-dir', dataDir])).toBe(0);
  } finally {
    spy.mockRestore();
  }
  return out.join('');
}

describe('credential-injection secrets', () => {
  it('are sent upstream, yet in no file of the data dir and in no export; exports name the variables', async () => {
    const dataDir = path.join(tempDir(), 'data');
    const upstream = await recordingUpstream();
    const tokens = await tokenEndpoint();
    const admin = await plane(dataDir);
    await configure(admin, upstream, tokens);
    await expectCredentialsSent(admin, upstream, tokens);

    const viaApi = (await request(`${admin.url}/api/v1/config`, { headers: { authorization: `Bearer ${admin.admin.token}` } })).body;
    const viaCli = await cliExport(dataDir);
    for (const text of [viaApi, viaCli]) {
      for (const secret of SECRETS) expect(text).not.toContain(secret);
      expect(text).toContain('password: ${GATEHOUSE_UPSTREAM_PASSWORD_BASIC}');
      expect(text).toContain('apiKey: ${GATEHOUSE_UPSTREAM_API_KEY_KEYED}');
      expect(text).toContain('clientSecret: ${GATEHOUSE_OAUTH_CLIENT_SECRET_TOKENED}');
      expect(text).toContain('authorizationValue: ${GATEHOUSE_INTROSPECTION_AUTHORIZATION_GUARDED}');
      expect(text).toMatch(/^#\s+GATEHOUSE_UPSTREAM_API_KEY_KEYED\s+API key of the credential-injection-api-key-flex policy of API "Keyed"$/m);
    }

    for (const phase of ['running', 'stopped']) {
      if (phase === 'stopped') await admin.stop();
      for (const secret of SECRETS) expect([phase, secret, filesContaining(dataDir, secret)]).toEqual([phase, secret, []]);
    }

    // Decrypted again after a restart: the gateway still sends them.
    await admin.start();
    upstream.seen.length = 0;
    await expectCredentialsSent(admin, upstream, tokens);
  });

  it('an export imported elsewhere with the variables set sends the same credentials', async () => {
    const upstream = await recordingUpstream();
    const tokens = await tokenEndpoint();
    const sourceDir = tempDir();
    const source = await plane(sourceDir);
    await configure(source, upstream, tokens);
    const text = await cliExport(sourceDir);
    await source.stop();

    const otherDir = tempDir();
    const file = path.join(otherDir, 'setup.yaml');
    writeFileSync(file, text);
    vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      expect(await importCommand.run([file, '--data-dir', otherDir])).toBe(2);
      vi.stubEnv('GATEHOUSE_UPSTREAM_PASSWORD_BASIC', PASSWORD);
      vi.stubEnv('GATEHOUSE_UPSTREAM_API_KEY_KEYED', API_KEY);
      vi.stubEnv('GATEHOUSE_OAUTH_CLIENT_SECRET_TOKENED', CLIENT_SECRET);
      vi.stubEnv('GATEHOUSE_INTROSPECTION_AUTHORIZATION_GUARDED', INTROSPECTION_AUTH);
      expect(await importCommand.run([file, '--data-dir', otherDir])).toBe(0);
    } finally {
      vi.restoreAllMocks();
      vi.unstubAllEnvs();
    }
    for (const secret of SECRETS) expect(filesContaining(otherDir, secret)).toEqual([]);
    const target = await plane(otherDir);
    upstream.seen.length = 0;
    await expectCredentialsSent(target, upstream, tokens);
  });
});
