/**
 * API base paths and names through the control plane's entry points, over real sockets: the
 * admin API (create, update), PUT /api/v1/config and `gatehouse import`. Each refuses the same
 * values, names the field (with file:line for YAML) and leaves the store as it was.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { exportCommand } from '../cli/export';
import { importCommand } from '../cli/import';
import { startGatehouse, type RunningGatehouse } from '../server/start-gatehouse';
import { freePort, request, startEchoUpstream, type SimpleResponse, type TestServer } from '../testing/net';

const BAD_BASE_PATHS = ['/a/../b', '/a//b', '/a\\b', '/a/%2e%2e/b', '/a/..;/b', '/a/%2F/b', '/.gatehouse', '/.gatehouse/x', '/a\u0000b', '/a\nb'];
const BAD_NAMES = ['bell\u0007', 'two\nlines', 'trailing\n'];
const GOOD_BASE_PATHS: [string, string][] = [
  ['/', '/'],
  ['/demo/', '/demo'],
  ['/api/v1', '/api/v1'],
  ['/a-b_c.d~e', '/a-b_c.d~e'],
];

let dataDir: string;
let running: RunningGatehouse;
let upstream: TestServer;
let gatewayPort: number;

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'gatehouse-api-paths-'));
  upstream = await startEchoUpstream();
  gatewayPort = await freePort();
  running = await startGatehouse({ dataDir, gatewayPort, adminPort: await freePort(), staticDir: '/nonexistent', version: 'test', log: () => {}, adminRequired: true, env: {} });
});
afterAll(async () => {
  await running?.stop();
  await upstream?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

function call(method: string, route: string, body?: unknown, contentType = 'application/json'): Promise<SimpleResponse> {
  const admin = running.admin!;
  const headers: Record<string, string> = { authorization: `Bearer ${admin.token}` };
  if (body !== undefined) headers['content-type'] = contentType;
  return request(`${admin.url}/api/v1${route}`, { method, headers, body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body) });
}

/** Everything stored, as the export writes it. */
async function stored(): Promise<string> {
  const response = await call('GET', '/config');
  expect(response.status).toBe(200);
  return response.body;
}

function expectRefused(response: SimpleResponse, field: string, label: string): { message: string; line?: number } {
  expect(response.status, `${label}: ${response.body}`).toBe(400);
  const error = response.json().error as { code: string; details: { path: string; message: string; line?: number }[] };
  expect(error.code).toBe('VALIDATION_FAILED');
  const detail = error.details.find((d) => d.path === field);
  expect(detail, `${label}: a detail for ${field} in ${JSON.stringify(error.details)}`).toBeDefined();
  expect(response.body, 'no raw control character in the error').not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
  return detail!;
}

function apiInstance(name: string, basePath: string, annotations: Record<string, string> = {}): string {
  const notes = Object.entries(annotations).map(([key, value]) => `\n    ${key}: ${JSON.stringify(value)}`).join('');
  // JSON strings are YAML double-quoted scalars: control characters arrive as escapes.
  return `apiVersion: gateway.mulesoft.com/v1alpha1
kind: ApiInstance
metadata:
  name: ${name}${notes ? `\n  annotations:${notes}` : ''}
spec:
  address: ${JSON.stringify(`http://127.0.0.1:${gatewayPort}${basePath}`)}
  services:
    upstream:
      address: ${upstream.url}/
`;
}

describe('admin API', () => {
  it('apis.create refuses bad base paths and names, naming the field, stores nothing, and takes good paths', async () => {
    const before = await stored();
    for (const basePath of BAD_BASE_PATHS) {
      expectRefused(await call('POST', '/apis', { name: 'bad path', implementationUrl: upstream.url, basePath }), 'basePath', JSON.stringify(basePath));
    }
    for (const name of BAD_NAMES) {
      expectRefused(await call('POST', '/apis', { name, implementationUrl: upstream.url, basePath: '/fine' }), 'name', JSON.stringify(name));
    }
    expect(await stored()).toBe(before);
    expect((await call('GET', '/apis')).json()).toEqual([]);

    // Legitimate base paths still work (trailing slash dropped as before) and serve traffic.
    const ids: string[] = [];
    for (const [basePath, normalised] of GOOD_BASE_PATHS) {
      const response = await call('POST', '/apis', { name: `ok ${normalised}`, implementationUrl: upstream.url, basePath });
      expect(response.status, response.body).toBe(201);
      expect(response.json().basePath).toBe(normalised);
      ids.push(response.json().id);
    }
    const renamed = await call('PATCH', `/apis/${ids[1]}`, { basePath: '/demo2/', name: '  Demo two  ' });
    expect(renamed.json()).toMatchObject({ basePath: '/demo2', name: 'Demo two' });
    await expect.poll(async () => (await request(`http://127.0.0.1:${gatewayPort}/a-b_c.d~e/x`)).status, { timeout: 5000 }).toBe(200);
    for (const id of ids) expect((await call('DELETE', `/apis/${id}`)).status).toBe(204);
  });

  it('apis.update refuses them too and leaves the API as it was', async () => {
    const created = await call('POST', '/apis', { name: 'Kept', implementationUrl: upstream.url, basePath: '/kept' });
    expect(created.status).toBe(201);
    const api = created.json();
    const before = await stored();
    for (const basePath of BAD_BASE_PATHS) expectRefused(await call('PATCH', `/apis/${api.id}`, { basePath }), 'basePath', JSON.stringify(basePath));
    for (const name of BAD_NAMES) expectRefused(await call('PATCH', `/apis/${api.id}`, { name }), 'name', JSON.stringify(name));
    expect(await stored()).toBe(before);
    expect((await call('GET', `/apis/${api.id}`)).json()).toMatchObject({ name: 'Kept', basePath: '/kept' });
    expect((await call('DELETE', `/apis/${api.id}`)).status).toBe(204);
  });
});

describe('import', () => {
  it('PUT /api/v1/config refuses a bad base path or display name with file:line and changes nothing; good paths pass', async () => {
    const kept = await call('POST', '/apis', { name: 'Before import', implementationUrl: upstream.url, basePath: '/before' });
    expect(kept.status).toBe(201);
    const before = await stored();
    for (const basePath of BAD_BASE_PATHS) {
      const yaml = `${apiInstance('good', '/good')}---\n${apiInstance('bad', basePath)}`;
      const detail = expectRefused(await call('PUT', '/config', yaml, 'application/yaml'), 'spec.address', JSON.stringify(basePath));
      expect(detail.message).toMatch(/^the base path .* must /);
      expect(detail.line, 'the line of spec.address in the second document').toBe(16);
    }
    for (const name of BAD_NAMES) {
      const detail = expectRefused(await call('PUT', '/config', apiInstance('named', '/named', { 'gatehouse.dev/name': name }), 'application/yaml'), 'metadata.annotations["gatehouse.dev/name"]', JSON.stringify(name));
      expect(detail.message).toMatch(/control characters/);
      expect(detail.line).toBe(6);
    }
    expect(await stored()).toBe(before);

    // The legitimate base paths go through.
    const yaml = GOOD_BASE_PATHS.map(([basePath], i) => apiInstance(`ok-${i}`, basePath)).join('---\n');
    const response = await call('PUT', '/config', yaml, 'application/yaml');
    expect(response.status, response.body).toBe(200);
    const paths = (await call('GET', '/apis')).json().map((api: { basePath: string }) => api.basePath);
    expect(paths.sort()).toEqual(GOOD_BASE_PATHS.map(([, normalised]) => normalised).sort());
  });

  it('`gatehouse import` refuses them with file:line: field: message and changes nothing', async () => {
    const target = mkdtempSync(path.join(tmpdir(), 'gatehouse-api-paths-import-'));
    const file = path.join(target, 'setup.yaml');
    const out: string[] = [];
    const stdout = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => (out.push(String(chunk)), true));
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      writeFileSync(file, apiInstance('first', '/first'));
      expect(await importCommand.run([file, '--data-dir', target])).toBe(0);
      const exported = async () => {
        out.length = 0;
        expect(await exportCommand.run(['--data-dir', target])).toBe(0);
        return out.join('');
      };
      const before = await exported();
      for (const basePath of ['/a/../b', '/a//b', '/a\\b', '/a/%2e%2e/b', '/.gatehouse/x', '/a\u0000b', '/a\nb']) {
        writeFileSync(file, apiInstance('bad', basePath));
        out.length = 0;
        expect(await importCommand.run([file, '--data-dir', target]), JSON.stringify(basePath)).toBe(2);
        expect(out.join('')).toMatch(new RegExp(`^${file.replace(/[.\\/]/g, '\\$&')}:6: spec\\.address: the base path .* must `, 'm'));
      }
      writeFileSync(file, apiInstance('named', '/named', { 'gatehouse.dev/name': 'bell\u0007' }));
      out.length = 0;
      expect(await importCommand.run([file, '--data-dir', target])).toBe(2);
      expect(out.join('')).toContain(`${file}:6: metadata.annotations["gatehouse.dev/name"]: must not contain control characters (U+0007`);
      expect(await exported()).toBe(before);
    } finally {
      stdout.mockRestore();
      stderr.mockRestore();
      rmSync(target, { recursive: true, force: true });
    }
  });
});
