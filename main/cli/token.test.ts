/**
 * `gatehouse token` as a user runs it (the built bin/gatehouse.cjs), against the data dir of a
 * running control plane: the minted token passes the API's jwt-validation-flex in the embedded
 * gateway; bad flags are errors on stderr naming the flag; decode prints header and payload.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { useDataDirs } from '../testing/data-dir';
import { request, startEchoUpstream } from '../testing/net';
import { durationSeconds, parseClaims } from './token';
import { claimValue } from '../control/token-keys';

const root = fileURLToPath(new URL('../..', import.meta.url));
const bin = path.join(root, 'bin', 'gatehouse.cjs');
const { tempDir, plane, onCleanup } = useDataDirs('gatehouse-token-cli-');

function gatehouse(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [bin, ...args], { cwd: root, timeout: 90_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

beforeAll(async () => {
  await new Promise<void>((resolve, reject) =>
    execFile(process.execPath, ['scripts/build.mjs'], { cwd: root }, (error, _out, stderr) => (error ? reject(new Error(stderr)) : resolve())),
  );
}, 120_000);

describe('gatehouse token', () => {
  it('mints, from the app data dir, a token the API policy accepts; prints only the token', async () => {
    const upstream = await startEchoUpstream();
    onCleanup(() => upstream.close());
    const dataDir = tempDir();
    const admin = await plane(dataDir);
    const api = await admin.api('POST', '/apis', { name: 'Orders', implementationUrl: upstream.url, basePath: '/orders' });
    const key = await admin.api('POST', `/apis/${api.body.id}/signing-keys`, { alg: 'PS256' });
    const binding = await admin.api('POST', `/apis/${api.body.id}/policies`, {
      policyRef: 'jwt-validation-flex',
      config: { signingMethod: 'rsa', jwtKeyOrigin: 'jwks', jwksUrl: `${admin.url}/api/v1/apis/${api.body.id}/jwks.json`, validateAudClaim: true, supportedAudiences: 'orders' },
    });
    expect(binding.status).toBe(201);

    const minted = await gatehouse(['token', 'mint', '--api', 'Orders', '--claim', 'sub=alice', '--claim', 'aud=orders', '--claim', 'level=3', '--expires', '10m', '--data-dir', dataDir]);
    expect([minted.code, minted.stderr]).toEqual([0, '']);
    expect(minted.stdout).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+\n$/);
    const token = minted.stdout.trim();
    const sent = await request(`http://127.0.0.1:${admin.gatewayPort}/orders/1`, { headers: { authorization: `Bearer ${token}` } });
    expect([sent.status, JSON.parse(sent.body).headers.authorization]).toEqual([200, `Bearer ${token}`]);

    const decoded = await gatehouse(['token', 'decode', token]);
    expect(decoded.code).toBe(0);
    const { header, payload } = JSON.parse(decoded.stdout);
    expect(header).toEqual({ alg: 'PS256', typ: 'JWT', kid: key.body.key.kid });
    expect(payload).toMatchObject({ sub: 'alice', aud: 'orders', level: 3 });
    expect(payload.exp - payload.iat).toBe(600);

    // Wrong audience: minted fine, refused by the gateway as the policy says.
    const other = await gatehouse(['token', 'mint', '--api', 'Orders', '--claim', 'aud=billing', '--key', key.body.key.kid, '--data-dir', dataDir]);
    const refused = await request(`http://127.0.0.1:${admin.gatewayPort}/orders/1`, { headers: { authorization: `Bearer ${other.stdout.trim()}` } });
    expect([refused.status, refused.json().error.code]).toEqual([401, 'TOKEN_AUDIENCE_INVALID']);
  }, 120_000);

  it('names the flag that is wrong, on stderr, with nothing on stdout', async () => {
    const dataDir = tempDir();
    const admin = await plane(dataDir);
    await admin.api('POST', '/apis', { name: 'Keyless', implementationUrl: 'http://127.0.0.1:9/', basePath: '/keyless' });
    const cases: [string[], number, RegExp][] = [
      [['token', 'mint', '--data-dir', dataDir], 2, /--api is required/],
      [['token', 'mint', '--api', 'Nope', '--data-dir', dataDir], 2, /--api: no API named "Nope".*Keyless/],
      [['token', 'mint', '--api', 'Keyless', '--data-dir', dataDir], 2, /--api: API "Keyless" has no signing key yet/],
      [['token', 'mint', '--api', 'Keyless', '--expires', 'soon', '--data-dir', dataDir], 2, /--expires must be a duration such as 30s/],
      [['token', 'mint', '--api', 'Keyless', '--claim', 'novalue', '--data-dir', dataDir], 2, /--claim must be NAME=VALUE/],
      [['token', 'mint', '--api', 'Keyless', '--data-dir', path.join(dataDir, 'missing')], 1, /--data-dir: no Gatehouse data in/],
      [['token', 'decode', 'abc'], 2, /TOKEN: the token is not a JWT/],
    ];
    // Side by side: each run starts a Node process, slow on a busy machine.
    const runs = await Promise.all(cases.map(([args]) => gatehouse(args)));
    cases.forEach(([args, code, message], index) => {
      const run = runs[index]!;
      expect([args.join(' '), run.code, run.stdout]).toEqual([args.join(' '), code, '']);
      expect(run.stderr).toMatch(message);
    });
  }, 120_000);

  it('reads durations and claims as documented', () => {
    expect([durationSeconds('30s', 'expires'), durationSeconds('10m', 'expires'), durationSeconds('2h', 'expires'), durationSeconds('7d', 'expires'), durationSeconds('90', 'expires')]).toEqual([30, 600, 7200, 604800, 90]);
    expect(durationSeconds('-5m', 'not-before', true)).toBe(-300);
    expect(() => durationSeconds('-5m', 'expires')).toThrow(/--expires/);
    expect(parseClaims(['sub=alice', 'aud=a', 'aud=b', 'n=3', 'admin=true', 'roles=["x","y"]', 'note=a=b'], claimValue)).toEqual({
      sub: 'alice',
      aud: ['a', 'b'],
      n: 3,
      admin: true,
      roles: ['x', 'y'],
      note: 'a=b',
    });
    expect(() => parseClaims(['exp=1'], claimValue)).toThrow(/--claim exp/);
  });
});
