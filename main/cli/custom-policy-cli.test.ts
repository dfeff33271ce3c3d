/**
 * The app's custom policies across the CLI, as a user meets them: a policy added to a data dir
 * by the app (the real control plane, esbuild, SQLite in a temp dir), then `gatehouse import`,
 * `diff`, `validate --data-dir` and `export` on that data dir (the commands' run functions, as
 * the other CLI tests run them), and the export run by the built `gatehouse gateway --config`
 * in front of a real upstream.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Store } from '../store/store';
import { useDataDirs } from '../testing/data-dir';
import { freePort, request, startEchoUpstream, type TestServer } from '../testing/net';
import type { CliCommand } from './command';
import { diffCommand } from './diff';
import { exportCommand } from './export';
import { importCommand } from './import';
import { validateCommand } from './validate';

const root = fileURLToPath(new URL('../..', import.meta.url));
const { tempDir, plane, onCleanup } = useDataDirs('gatehouse-custom-cli-');

const stamp = `import { definePolicy } from 'gatehouse/policy-sdk';

export default definePolicy({
  name: 'stamp',
  version: '1.0.0',
  schema: { type: 'object', properties: { value: { type: 'string' } }, required: ['value'] },
  create(config: { value: string }) {
    return {
      onRequest(request) {
        request.headers.set('x-stamp', config.value);
      },
    };
  },
});
`;

let upstream: TestServer;
beforeAll(async () => {
  // The gateway test runs the built CLI (dist/), as a user does.
  await new Promise<void>((resolve, reject) => execFile(process.execPath, ['scripts/build.mjs'], { cwd: root }, (error, _out, err) => (error ? reject(new Error(err)) : resolve())));
  upstream = await startEchoUpstream();
}, 180_000);
afterAll(async () => {
  await upstream?.close();
});

async function run(command: CliCommand, args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const stdout = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => (out.push(String(chunk)), true));
  const stderr = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => (err.push(String(chunk)), true));
  try {
    const code = await command.run(args);
    return { code, out: out.join(''), err: err.join('') };
  } finally {
    stdout.mockRestore();
    stderr.mockRestore();
  }
}

/** A data dir whose policies library has `stamp`, added through the app's admin API; the app is stopped after. */
async function dataDirWithStamp(policyDir: string): Promise<string> {
  const dataDir = tempDir();
  const app = await plane(dataDir);
  const added = await app.api('POST', '/custom-policies', { path: path.join(policyDir, 'stamp.ts') });
  expect(added.status).toBe(201);
  expect(added.body).toMatchObject({ name: 'stamp', status: 'ok' });
  await app.close();
  return dataDir;
}

const usersApi = (value: string, extra = '') => `apiVersion: gateway.mulesoft.com/v1alpha1
kind: ApiInstance
metadata:
  name: users
spec:
  address: http://127.0.0.1:\${GATEHOUSE_GATEWAY_PORT:-8081}/users/
  services:
    upstream:
      address: ${upstream.url}/
  policies:
    - policyRef:
        name: stamp
      config:
        value: ${value}
${extra}`;

function storedBindings(dataDir: string) {
  const store = Store.open(dataDir);
  try {
    return store.policies.list().map((binding) => ({ policyRef: binding.policyRef, config: binding.config }));
  } finally {
    store.close();
  }
}

/** Flex's two-resource custom policy: a definition, an implementation extending it (with our spec.source), a binding naming `ref`. */
const flexTwoResource = (definition: string, implementation: string, ref: string) => `apiVersion: gateway.mulesoft.com/v1alpha1
kind: Extension
metadata:
  name: ${definition}
spec:
  extends:
    - name: extension-definition
  properties:
    value:
      type: string
---
apiVersion: gateway.mulesoft.com/v1alpha1
kind: Extension
metadata:
  name: ${implementation}
spec:
  extends:
    - name: extension-authentication
    - name: ${definition}
  source: ./stamp.ts
---
apiVersion: gateway.mulesoft.com/v1alpha1
kind: ApiInstance
metadata:
  name: users
spec:
  address: http://127.0.0.1:8081/users/
  services:
    upstream:
      address: ${upstream.url}/
---
apiVersion: gateway.mulesoft.com/v1alpha1
kind: PolicyBinding
metadata:
  name: users-stamp
spec:
  targetRef:
    name: users
  policyRef:
    kind: Extension
    name: ${ref}
  config:
    value: flex
`;

describe("the app's custom policies in the CLI", () => {
  it('import and diff check a binding against the stored policy: accepted, a bad config field named at file:line, nothing changed on refusal', async () => {
    const files = tempDir();
    writeFileSync(path.join(files, 'stamp.ts'), stamp);
    const dataDir = await dataDirWithStamp(files);

    const good = path.join(files, 'users.yaml');
    writeFileSync(good, usersApi('first'));
    const imported = await run(importCommand, [good, '--data-dir', dataDir]);
    expect(imported.err).toBe('');
    expect(imported.code).toBe(0);
    expect(imported.out).toContain('+ ApiInstance users');
    expect(storedBindings(dataDir)).toEqual([{ policyRef: 'stamp', config: { value: 'first' } }]);

    // value: 7 is not a string; line 14 of the file is `value: 7`.
    const bad = path.join(files, 'bad.yaml');
    writeFileSync(bad, usersApi('7'));
    for (const command of [importCommand, diffCommand]) {
      const refused = await run(command, [bad, '--data-dir', dataDir]);
      expect(refused.code).toBe(2);
      expect(refused.out).toContain(`${bad}:14: spec.policies[0].config.value: `);
      expect(refused.out).not.toContain('unknown policy');
    }
    expect(storedBindings(dataDir)).toEqual([{ policyRef: 'stamp', config: { value: 'first' } }]);
  }, 120_000);

  it('export writes an Extension with the source; `gatehouse gateway` runs the export with the policy; import takes it back here and into another data dir with the policy, and refuses one without it', async () => {
    const files = tempDir();
    writeFileSync(path.join(files, 'stamp.ts'), stamp);
    const dataDir = await dataDirWithStamp(files);
    writeFileSync(path.join(files, 'users.yaml'), usersApi('from-export'));
    expect((await run(importCommand, [path.join(files, 'users.yaml'), '--data-dir', dataDir])).code).toBe(0);

    const exported = await run(exportCommand, ['--data-dir', dataDir]);
    expect(exported.code).toBe(0);
    expect(exported.out).toContain(`kind: Extension
metadata:
  name: stamp
spec:
  extends:
    - name: extension-definition
  source: ${path.join(files, 'stamp.ts')}`);
    const exportFile = path.join(files, 'export.yaml');
    writeFileSync(exportFile, exported.out);

    // Local mode runs the export: the policy stamps the request the upstream receives.
    const port = await freePort();
    let output = '';
    const gateway: ChildProcess = spawn(process.execPath, [path.join(root, 'bin', 'gatehouse.cjs'), 'gateway', '--config', exportFile, '--quiet'], {
      cwd: files,
      env: { ...process.env, GATEHOUSE_GATEWAY_PORT: String(port) },
    });
    onCleanup(() => void gateway.kill('SIGKILL'));
    gateway.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    gateway.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const headers = await (async () => {
      for (;;) {
        if (gateway.exitCode !== null) throw new Error(`gateway exited:\n${output}`);
        const response = await request(`http://127.0.0.1:${port}/users/1`).catch(() => undefined);
        if (response?.status === 200) return response.json<{ headers: Record<string, string> }>().headers;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    })();
    expect(headers['x-stamp']).toBe('from-export');

    // validate takes the export with or without the data dir (the Extension's file is compiled).
    expect((await run(validateCommand, [exportFile, '--data-dir', dataDir])).code).toBe(0);
    expect((await run(validateCommand, [exportFile])).code).toBe(0);

    // Back into the same data dir: nothing to change.
    const back = await run(importCommand, [exportFile, '--data-dir', dataDir]);
    expect(back.err).toBe('');
    expect(back.code).toBe(0);
    expect(back.out.trim().split('\n').slice(1)).toEqual([]);

    // Another data dir whose library has stamp (from another folder): accepted, the binding is there, the Extension's own file not used.
    const elsewhere = tempDir();
    writeFileSync(path.join(elsewhere, 'stamp.ts'), stamp);
    const other = await dataDirWithStamp(elsewhere);
    const into = await run(importCommand, [exportFile, '--data-dir', other]);
    expect(into.code).toBe(0);
    expect(into.err).toContain(`spec.source: not used by the import: bindings to "stamp" use the policies library's version (from ${path.join(elsewhere, 'stamp.ts')})`);
    expect(storedBindings(other)).toEqual([{ policyRef: 'stamp', config: { value: 'from-export' } }]);

    // A data dir without it: refused at the Extension's spec.source, saying to add the policy; nothing imported.
    const bare = tempDir();
    const refused = await run(importCommand, [exportFile, '--data-dir', bare]);
    expect(refused.code).toBe(2);
    const sourceLine = exported.out.split('\n').findIndex((line) => line.startsWith('  source: ')) + 1;
    expect(refused.out).toContain(`${exportFile}:${sourceLine}: spec.source: this instance's policies library has no custom policy named "stamp"`);
    expect(refused.out).toContain('Add custom policy');
    expect(storedBindings(bare)).toEqual([]);

    // Shared from another machine, where the Extension's file was: it is not read, the library's policy serves.
    const shared = path.join(files, 'shared.yaml');
    writeFileSync(shared, exported.out.replace(`source: ${path.join(files, 'stamp.ts')}`, 'source: /home/someone-else/policies/stamp.ts'));
    const third = tempDir();
    writeFileSync(path.join(third, 'stamp.ts'), stamp);
    const teammate = await dataDirWithStamp(third);
    const taken = await run(importCommand, [shared, '--data-dir', teammate]);
    expect(taken.code, taken.out).toBe(0);
    expect(storedBindings(teammate)).toEqual([{ policyRef: 'stamp', config: { value: 'from-export' } }]);
    const nowhere = await run(importCommand, [shared, '--data-dir', tempDir()]);
    expect(nowhere.code).toBe(2);
    expect(nowhere.out).toContain(`${shared}:${sourceLine}: spec.source: this instance's policies library has no custom policy named "stamp"; an import does not add custom policies: add the policy (its file, /home/someone-else/policies/stamp.ts, is not found here) in the app`);
  }, 120_000);

  it('validate --data-dir checks bindings to the data dir\'s custom policies against their schema; without it they are refused as unknown', async () => {
    const files = tempDir();
    writeFileSync(path.join(files, 'stamp.ts'), stamp);
    const dataDir = await dataDirWithStamp(files);
    const good = path.join(files, 'users.yaml');
    writeFileSync(good, usersApi('first'));
    const bad = path.join(files, 'bad.yaml');
    writeFileSync(bad, usersApi('7'));

    const valid = await run(validateCommand, [good, '--data-dir', dataDir]);
    expect(valid.code).toBe(0);
    expect(valid.out).toContain(`note: ${good}:12: spec.policies[0].policyRef.name: the custom policy "stamp" of the data dir's policies library`);
    expect(valid.out).toContain(`${good}: valid`);

    const invalid = await run(validateCommand, [bad, '--data-dir', dataDir]);
    expect(invalid.code).toBe(2);
    expect(invalid.out).toContain(`${bad}:14: spec.policies[0].config.value: `);

    const alone = await run(validateCommand, [good]);
    expect(alone.code).toBe(2);
    expect(alone.out).toContain('unknown policy "stamp"');

    const missing = await run(validateCommand, [good, '--data-dir', path.join(files, 'nowhere')]);
    expect(missing.code).toBe(1);
    expect(missing.err).toContain('no Gatehouse data in');
  }, 120_000);

  it("imports Flex's two-resource form (definition + implementation) into a data dir whose library has the policy, whichever Extension the binding names", async () => {
    // Flex binds the implementation (the PDK names it `<policy>-<version>-impl`); the definition's name works too; and
    // Extensions named unlike the policy file's own name are matched by their file.
    for (const [definition, implementation, ref] of [
      ['stamp', 'stamp-v1-0-impl', 'stamp-v1-0-impl'],
      ['stamp', 'stamp-v1-0-impl', 'stamp'],
      ['header-stamp', 'header-stamp-v1-0-impl', 'header-stamp-v1-0-impl'],
      ['header-stamp', 'header-stamp-v1-0-impl', 'header-stamp'],
    ]) {
      const files = tempDir();
      writeFileSync(path.join(files, 'stamp.ts'), stamp);
      const dataDir = await dataDirWithStamp(files);
      const file = path.join(files, 'flex.yaml');
      writeFileSync(file, flexTwoResource(definition!, implementation!, ref!));

      const checked = await run(validateCommand, [file, '--data-dir', dataDir]);
      expect(checked.code, `${ref}: ${checked.out}`).toBe(0);
      expect(checked.out).not.toContain('note:');
      const alone = await run(validateCommand, [file]);
      expect(alone.code).toBe(0);
      expect(alone.out).toContain(`note: ${file}:39: spec.policyRef: a custom policy (Extension) (\`gatehouse gateway --config\` runs this; \`gatehouse import\` takes it into a data dir whose policies library has this policy: check with --data-dir)`);

      const imported = await run(importCommand, [file, '--data-dir', dataDir]);
      expect(imported.code, `${ref}: ${imported.out}`).toBe(0);
      // Stored under the library policy's own name, as the app shows and exports it.
      expect(storedBindings(dataDir)).toEqual([{ policyRef: 'stamp', config: { value: 'flex' } }]);
    }
  }, 120_000);
});
