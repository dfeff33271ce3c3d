/**
 * The import's summary counts what was stored. An Extension in the file (an export writes one
 * per custom policy its bindings use) stands for the policies library's policy and is never
 * stored, so it is not counted: `gatehouse import` (CLI, on a data dir whose library keeps the
 * policy) and the app's import (the real control plane, the policy added through its admin API).
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { Store } from '../store/store';
import { useDataDirs } from '../testing/data-dir';
import { keepCustomPolicy, stampPolicySource } from '../testing/kept-custom-policy';
import { request } from '../testing/net';
import { importCommand } from './import';

const { tempDir, plane } = useDataDirs('gatehouse-import-summary-');

/** An API bound to `stamp`, and the Extension that declares it (as `gatehouse export` writes them). */
const withExtension = (source: string) => `apiVersion: gateway.mulesoft.com/v1alpha1
kind: ApiInstance
metadata:
  name: users
spec:
  address: http://127.0.0.1:8081/users/
  services:
    upstream:
      address: http://127.0.0.1:9/
  policies:
    - policyRef:
        kind: Extension
        name: stamp
      config:
        value: one
---
apiVersion: gateway.mulesoft.com/v1alpha1
kind: Extension
metadata:
  name: stamp
spec:
  extends:
    - name: extension-definition
  source: ${source}
`;

async function runImport(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const stdout = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => (out.push(String(chunk)), true));
  const stderr = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => (err.push(String(chunk)), true));
  try {
    return { code: await importCommand.run(args), out: out.join(''), err: err.join('') };
  } finally {
    stdout.mockRestore();
    stderr.mockRestore();
  }
}

describe('the import summary with a custom policy Extension', () => {
  it('gatehouse import counts the API, not the Extension', async () => {
    const dataDir = tempDir();
    const files = tempDir();
    const store = Store.open(dataDir);
    let source: string;
    try {
      source = (await keepCustomPolicy(store, files)).file;
    } finally {
      store.close();
    }
    const file = path.join(files, 'users.yaml');
    writeFileSync(file, withExtension(source));
    const imported = await runImport([file, '--data-dir', dataDir]);
    expect(imported.err).toBe('');
    expect(imported.code).toBe(0);
    expect(imported.out.split('\n')[0]).toBe(`imported ${file} into ${dataDir}: 1 ApiInstance`);
    expect(imported.out).toContain('+ ApiInstance users');
  }, 60_000);

  it("the app's import result counts the API, not the Extension", async () => {
    const files = tempDir();
    const source = path.join(files, 'stamp.ts');
    writeFileSync(source, stampPolicySource());
    const app = await plane(tempDir());
    expect((await app.api('POST', '/custom-policies', { path: source })).status).toBe(201);
    const response = await request(`${app.url}/api/v1/config?mode=merge`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${app.admin.token}`, 'content-type': 'application/yaml' },
      body: withExtension(source),
    });
    expect(response.status, response.body).toBe(200);
    expect(response.json<{ imported: Record<string, number> }>().imported).toEqual({ ApiInstance: 1 });
  }, 60_000);
});
