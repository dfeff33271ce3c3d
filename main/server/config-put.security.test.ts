/**
 * PUT /api/v1/config on a real `gatehouse serve` (the built CLI as a child process): a YAML alias
 * bomb is answered 400 with `config.yaml:line: too many aliases …`, the admin API keeps
 * answering meanwhile, and nothing changes (APIs, the served traffic); a body over the YAML
 * size limit is 413; a document with ordinary anchors imports.
 * No timing assertions: a bomb that got through would freeze or kill serve and fail the test.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { yamlBomb } from '../../shared/testing/yaml-bomb';
import { MAX_YAML_BYTES } from '../../shared/yaml-safe';
import { eventually } from '../testing/admin-plane';
import { freePort, request, startEchoUpstream, type TestServer } from '../testing/net';

const root = path.resolve(__dirname, '..', '..');

describe('PUT /api/v1/config with a YAML alias bomb (gatehouse serve)', () => {
  let dataDir: string;
  let upstream: TestServer;
  let child: ChildProcess;
  let output = '';
  let admin: string;
  let gatewayPort: number;
  let headers: Record<string, string>;

  beforeAll(async () => {
    execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: root, stdio: 'pipe' });
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'gatehouse-put-bomb-'));
    upstream = await startEchoUpstream();
    const adminPort = await freePort();
    gatewayPort = await freePort();
    admin = `http://127.0.0.1:${adminPort}/api/v1`;
    child = spawn(process.execPath, [path.join(root, 'bin', 'gatehouse.cjs'), 'serve', '--data-dir', dataDir, '--port', String(adminPort), '--gateway-port', String(gatewayPort)], {
      cwd: root,
      env: { ...process.env, GATEHOUSE_ADMIN_TOKEN: '', GATEHOUSE_DATA_DIR: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    // Ready when it says so; the hook's timeout is the bound (a cold start takes many seconds on a loaded machine).
    while (!/Press Ctrl\+C to stop/.test(output)) {
      if (child.exitCode !== null) throw new Error(`serve exited with ${child.exitCode} before starting:\n${output}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const token = readFileSync(path.join(dataDir, 'admin-token'), 'utf8').trim();
    headers = { authorization: `Bearer ${token}` };
  }, 60_000);
  afterAll(async () => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    await upstream?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  const putYaml = (body: string) => request(`${admin}/config`, { method: 'PUT', headers: { ...headers, 'content-type': 'application/yaml' }, body });
  const apiNames = async () => (await request(`${admin}/apis`, { headers })).json<{ name: string }[]>().map((api) => api.name);

  it('answers 400 naming the line and "too many aliases", stays responsive, and changes nothing', async () => {
    const created = await request(`${admin}/apis`, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify({ name: 'Echo', implementationUrl: upstream.url }) });
    expect(created.status, created.body).toBe(201);
    await eventually(async () => (await request(`http://127.0.0.1:${gatewayPort}/echo/before`)).status === 200);
    const exported = (await request(`${admin}/config`, { headers })).body;

    const bomb = yamlBomb();
    // The health check goes out together with the bomb: serve answers both.
    const [refused, health] = await Promise.all([putYaml(bomb.text), request(`${admin}/health`)]);
    expect(health.status).toBe(200);
    expect(refused.status, refused.body).toBe(400);
    const error = refused.json<{ error: { code: string; message: string; details: { file: string; line: number; message: string }[] } }>().error;
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.details).toHaveLength(1);
    const [detail] = error.details;
    expect(detail).toMatchObject({ file: 'config.yaml', message: expect.stringMatching(/^too many aliases: \*l\d /) });
    expect(bomb.aliasLines).toContain(detail!.line);
    expect(error.message).toContain(`nothing was imported; first: config.yaml:${detail!.line}: too many aliases`);

    expect((await request(`${admin}/health`)).status).toBe(200);
    expect(await apiNames()).toEqual(['Echo']);
    expect((await request(`${admin}/config`, { headers })).body).toBe(exported);
    expect((await request(`http://127.0.0.1:${gatewayPort}/echo/after`)).status).toBe(200);
    expect(child.exitCode).toBeNull();
  });

  it('answers 413 to a body over the YAML size limit', async () => {
    const huge = await putYaml(`# ${'x'.repeat(MAX_YAML_BYTES)}\n`);
    expect(huge.status).toBe(413);
    expect(huge.json().error).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', message: 'the body is larger than 4 MiB' });
    expect(await apiNames()).toEqual(['Echo']);
  });

  it('imports a document with ordinary anchors and aliases', async () => {
    const yaml = `apiVersion: gateway.mulesoft.com/v1alpha1
kind: ApiInstance
metadata:
  name: anchored
spec:
  address: http://127.0.0.1:${gatewayPort}/anchored/
  services:
    upstream:
      address: ${upstream.url}
  policies:
    - policyRef:
        name: rate-limiting-flex
      config: &limits
        rateLimits:
          - maximumRequests: 5
            timePeriodInMilliseconds: 60000
    - policyRef:
        name: rate-limiting-flex
      config: *limits
`;
    const imported = await putYaml(yaml);
    expect(imported.status, imported.body).toBe(200);
    expect(imported.json()).toMatchObject({ imported: { ApiInstance: 1 } });
    expect(await apiNames()).toEqual(['anchored']);
    await eventually(async () => (await request(`http://127.0.0.1:${gatewayPort}/anchored/x`)).status === 200);
  });
});
