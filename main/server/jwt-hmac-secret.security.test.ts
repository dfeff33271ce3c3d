/**
 * The HMAC secret of jwt-validation-flex at rest and in exports: configured over the admin API
 * on a real data dir, the embedded gateway verifies tokens with it (real sockets), while no
 * file of the data dir and no export holds it in clear; the admin API shows it only encrypted.
 * A PEM public key in the same field is no secret and stays readable.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { epoch, signHmacWith, testKey } from '../policies/jwt-testing';
import type { AdminPlane } from '../testing/admin-plane';
import { filesContaining, useDataDirs } from '../testing/data-dir';
import { request } from '../testing/net';
import { startRecordingUpstream } from '../testing/raw-http';

const SECRET = 'hmac-secret-for-tests-Zq81xLw04';
const { tempDir, plane, onCleanup } = useDataDirs('gatehouse-jwt-secret-');

async function addJwtApi(admin: AdminPlane, upstreamUrl: string, name: string, config: Record<string, unknown>): Promise<{ apiId: string; binding: Record<string, unknown> }> {
  const api = await admin.api('POST', '/apis', { name, implementationUrl: upstreamUrl, basePath: `/${name}` });
  expect(api.status).toBe(201);
  const binding = await admin.api('POST', `/apis/${api.body.id}/policies`, { policyRef: 'jwt-validation-flex', config });
  expect([binding.status, binding.body.error]).toEqual([201, undefined]);
  return { apiId: api.body.id, binding: binding.body };
}

async function exportYaml(admin: AdminPlane): Promise<string> {
  return (await request(`${admin.url}/api/v1/config`, { headers: { authorization: `Bearer ${admin.admin.token}` } })).body;
}

describe('jwt-validation-flex HMAC secret', () => {
  it('verifies tokens, yet is in no file of the data dir, shown only encrypted and exported as a reference', async () => {
    const dataDir = path.join(tempDir(), 'data');
    const upstream = await startRecordingUpstream();
    onCleanup(() => upstream.close());
    const admin = await plane(dataDir);
    const { apiId, binding } = await addJwtApi(admin, upstream.url, 'hs', { signingMethod: 'hmac', signingKeyLength: 256, textKey: SECRET });

    const listed = await admin.api('GET', `/apis/${apiId}/policies`);
    expect(JSON.stringify([binding, listed.body])).not.toContain(SECRET);
    expect(listed.body[0].config.textKey).toMatch(/^enc:v1:/);
    // An edit that sends the shown (encrypted) value back keeps the secret.
    const resent = await admin.api('PATCH', `/apis/${apiId}/policies/${listed.body[0].id}`, { config: listed.body[0].config });
    expect(resent.status).toBe(200);

    const token = signHmacWith(SECRET, 'HS256', { sub: 'alice', exp: epoch(600) });
    const forged = signHmacWith('another-secret', 'HS256', { sub: 'alice', exp: epoch(600) });
    const send = (bearer: string) => request(`http://127.0.0.1:${admin.gatewayPort}/hs/x`, { headers: { authorization: `Bearer ${bearer}` } });
    await expect.poll(async () => (await send(token)).status, { timeout: 5000 }).toBe(200);
    expect((await send(forged)).status).toBe(401);

    const text = await exportYaml(admin);
    expect(text).not.toContain(SECRET);
    expect(text).toContain('textKey: ${GATEHOUSE_JWT_HMAC_SECRET_HS}');

    for (const phase of ['running', 'stopped']) {
      if (phase === 'stopped') await admin.stop();
      expect([phase, filesContaining(dataDir, SECRET)]).toEqual([phase, []]);
    }
  });

  it('leaves a PEM public key readable: it is no secret', async () => {
    const upstream = await startRecordingUpstream();
    onCleanup(() => upstream.close());
    const admin = await plane(path.join(tempDir(), 'data'));
    const key = testKey('RS256');
    if (!('publicPem' in key)) throw new Error('RS256 test key has no public PEM');
    const { apiId } = await addJwtApi(admin, upstream.url, 'rs', { signingMethod: 'rsa', signingKeyLength: 256, textKey: key.publicPem });
    const listed = await admin.api('GET', `/apis/${apiId}/policies`);
    expect(listed.body[0].config.textKey).toBe(key.publicPem);
    const text = await exportYaml(admin);
    expect(text).toContain('textKey:');
    expect(text).not.toContain('GATEHOUSE_JWT_HMAC_SECRET');
  });
});
