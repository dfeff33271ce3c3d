/**
 * `gatehouse diff` / `apply` / `import` / `validate` on real files and real data dirs (SQLite
 * in temp dirs), as a user runs them: what each prints, and what the store holds afterwards.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { applyCommand } from './apply';
import { diffCommand } from './diff';
import { exportCommand } from './export';
import { importCommand } from './import';
import { validateCommand } from './validate';
import type { CliCommand } from './command';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'gatehouse-apply-'));
  dirs.push(dir);
  return dir;
}

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

function api(name: string, basePath: string, upstream: string, policies = ''): string {
  return `---
apiVersion: gateway.mulesoft.com/v1alpha1
kind: ApiInstance
metadata:
  name: ${name}
spec:
  address: http://127.0.0.1:\${GATEHOUSE_GATEWAY_PORT:-8081}${basePath}/
  services:
    upstream:
      address: ${upstream}
${policies}`;
}

const rateLimit = (max: number) => `  policies:
    - policyRef:
        name: rate-limiting-flex
      config:
        rateLimits:
          - maximumRequests: ${max}
            timePeriodInMilliseconds: 60000
`;

const app = (name: string, clientId: string) => `---
apiVersion: gatehouse.dev/v1
kind: Application
metadata:
  name: ${name}
spec:
  clientId: ${clientId}
  clientSecret: s3cret-${clientId}
`;

function file(dir: string, name: string, text: string): string {
  const target = path.join(dir, name);
  writeFileSync(target, text);
  return target;
}

async function exported(dataDir: string): Promise<string> {
  const result = await run(exportCommand, ['--data-dir', dataDir]);
  expect(result.code).toBe(0);
  return result.out;
}

const lines = (text: string) => text.trim().split('\n');

describe('gatehouse diff and apply', () => {
  it('merge adds and updates only; sync also removes what the file lacks; diff changes nothing', async () => {
    const dataDir = tempDir();
    const files = tempDir();
    const base = file(files, 'base.yaml', api('orders', '/orders', 'http://127.0.0.1:3001/') + api('users', '/users', 'http://127.0.0.1:3002/', rateLimit(10)) + app('mobile', 'mobile-id'));
    expect((await run(applyCommand, [base, '--data-dir', dataDir])).code).toBe(0);
    const before = await exported(dataDir);

    // orders: new upstream; users: absent; billing: new; mobile: absent.
    const next = file(files, 'next.yaml', api('orders', '/orders', 'http://127.0.0.1:4001/', rateLimit(5)) + api('billing', '/billing', 'http://127.0.0.1:3003/'));

    const mergeDiff = await run(diffCommand, [next, '--data-dir', dataDir]);
    expect(mergeDiff.code).toBe(0);
    expect(lines(mergeDiff.out)).toEqual([
      '+ ApiInstance billing',
      '~ ApiInstance orders (implementationUrl, policies)',
      `${next} (merge): 1 to add, 1 to change, 0 to remove; nothing was changed (dry run)`,
    ]);
    const syncDiff = await run(diffCommand, [next, '--mode', 'sync', '--data-dir', dataDir]);
    expect(lines(syncDiff.out)).toEqual([
      '+ ApiInstance billing',
      '~ ApiInstance orders (implementationUrl, policies)',
      '- ApiInstance users',
      '- Application mobile',
      `${next} (sync): 1 to add, 1 to change, 2 to remove; nothing was changed (dry run)`,
    ]);
    expect(await exported(dataDir)).toBe(before);

    const merged = await run(applyCommand, [next, '--mode', 'merge', '--data-dir', dataDir]);
    expect(merged.code).toBe(0);
    expect(lines(merged.out).at(-1)).toBe(`applied ${next} to ${dataDir} (merge): 1 added, 1 changed, 0 removed`);
    const afterMerge = await exported(dataDir);
    expect(afterMerge).toContain('name: users');
    expect(afterMerge).toContain('name: mobile');
    expect(afterMerge).toContain('address: http://127.0.0.1:4001/');
    expect(afterMerge).toContain('maximumRequests: 5');
    expect(afterMerge).toContain('name: billing');

    // The same file again: nothing to do.
    const again = await run(applyCommand, [next, '--data-dir', dataDir]);
    expect(lines(again.out)).toEqual([`${next} (merge): no changes; ${dataDir} already matches`]);

    const synced = await run(applyCommand, [next, '--mode', 'sync', '--data-dir', dataDir]);
    expect(lines(synced.out)).toEqual(['- ApiInstance users', '- Application mobile', `applied ${next} to ${dataDir} (sync): 0 added, 0 changed, 2 removed`]);
    const afterSync = await exported(dataDir);
    expect(afterSync).not.toContain('name: users');
    expect(afterSync).not.toContain('name: mobile');
    expect(afterSync).toContain('name: billing');
  });

  it('an apply that fails changes nothing: a conflict with what a merge keeps, a bad policy config', async () => {
    const dataDir = tempDir();
    const files = tempDir();
    expect((await run(importCommand, [file(files, 'base.yaml', api('orders', '/orders', 'http://127.0.0.1:3001/') + app('mobile', 'mobile-id')), '--data-dir', dataDir])).code).toBe(0);
    const before = await exported(dataDir);

    // A new API on the path orders keeps, plus an addition that would be fine on its own.
    const clash = file(files, 'clash.yaml', api('orders-v2', '/orders', 'http://127.0.0.1:3009/') + app('web', 'web-id'));
    const refused = await run(applyCommand, [clash, '--data-dir', dataDir]);
    expect(refused.code).toBe(2);
    expect(refused.out).toContain('two APIs serve /orders on one gateway');
    expect(refused.out).toContain('apply with --mode sync');
    expect(lines(refused.out).at(-1)).toBe(`${clash}: 1 error, nothing was changed`);
    expect(await exported(dataDir)).toBe(before);

    const bad = file(files, 'bad.yaml', api('orders', '/orders', 'http://127.0.0.1:4001/', rateLimit(-1)) + app('web', 'web-id'));
    const invalid = await run(applyCommand, [bad, '--mode', 'sync', '--data-dir', dataDir]);
    expect(invalid.code).toBe(2);
    expect(invalid.out).toMatch(/bad\.yaml:\d+: spec\.policies\[0\]\.config\.rateLimits\[0\]\.maximumRequests: /);
    expect(await exported(dataDir)).toBe(before);
  });

  it('resources without ids are matched by name: editing a hand-written file and applying it updates, never duplicates', async () => {
    const dataDir = tempDir();
    const files = tempDir();
    const first = file(files, 'setup.yaml', api('orders', '/orders', 'http://127.0.0.1:3001/', rateLimit(10)));
    await run(applyCommand, [first, '--data-dir', dataDir]);
    const edited = file(files, 'setup.yaml', api('orders', '/orders', 'http://127.0.0.1:3001/', rateLimit(20)));
    const result = await run(applyCommand, [edited, '--mode', 'sync', '--data-dir', dataDir]);
    expect(lines(result.out)[0]).toBe('~ ApiInstance orders (policies)');
    const text = await exported(dataDir);
    expect(text.match(/kind: ApiInstance/g)).toHaveLength(1);
    expect(text.match(/policyRef/g)).toHaveLength(1);
  });

  it('a reorder of policies whose order fields are equal is shown and applied; the same order again is no change', async () => {
    const dataDir = tempDir();
    const files = tempDir();
    const policy = (name: string, config: string) => `    - policyRef:\n        name: ${name}\n      config:\n${config}`;
    const inject = policy('header-injection-flex', '        inboundHeaders:\n          - key: x-one\n            value: "1"\n');
    const cors = policy('cors-flex', '        originGroups:\n          - origins: [http://localhost:3000]\n');
    const spec = (...policies: string[]) => file(files, 'setup.yaml', api('orders', '/orders', 'http://127.0.0.1:3001/', `  policies:\n${policies.join('')}`));
    expect((await run(applyCommand, [spec(rateLimit(10).split('\n').slice(1).join('\n'), inject, cors), '--data-dir', dataDir])).code).toBe(0);
    const policyNames = async () => [...(await exported(dataDir)).matchAll(/policyRef:\n\s+name: (\S+)/g)].map((match) => match[1]);
    expect(await policyNames()).toEqual(['rate-limiting-flex', 'header-injection-flex', 'cors-flex']);

    // The same policies, none with an order field (all 50): only their sequence decides.
    const reordered = spec(cors, inject, rateLimit(10).split('\n').slice(1).join('\n'));
    const shown = await run(diffCommand, [reordered, '--data-dir', dataDir]);
    expect(lines(shown.out)).toEqual(['~ ApiInstance orders (policy order)', `${reordered} (merge): 0 to add, 1 to change, 0 to remove; nothing was changed (dry run)`]);
    const applied = await run(applyCommand, [reordered, '--data-dir', dataDir]);
    expect(lines(applied.out)).toEqual(['~ ApiInstance orders (policy order)', `applied ${reordered} to ${dataDir} (merge): 0 added, 1 changed, 0 removed`]);
    expect(await policyNames()).toEqual(['cors-flex', 'header-injection-flex', 'rate-limiting-flex']);
    expect(lines((await run(diffCommand, [reordered, '--data-dir', dataDir])).out)).toEqual([`${reordered} (merge): 0 to add, 0 to change, 0 to remove; nothing was changed (dry run)`]);

    // A changed policy that also moves is one change to the policies, not two lines.
    const changed = spec(inject, cors, rateLimit(20).split('\n').slice(1).join('\n'));
    expect(lines((await run(diffCommand, [changed, '--data-dir', dataDir])).out)[0]).toBe('~ ApiInstance orders (policies)');
    // Moving a policy whose order field already puts it first changes nothing the gateway runs.
    const ordered = spec(inject.replace('    - policyRef:', '    - order: 10\n      policyRef:'), cors, rateLimit(10).split('\n').slice(1).join('\n'));
    expect((await run(applyCommand, [ordered, '--data-dir', dataDir])).code).toBe(0);
    const moved = spec(cors, inject.replace('    - policyRef:', '    - order: 10\n      policyRef:'), rateLimit(10).split('\n').slice(1).join('\n'));
    expect(lines((await run(diffCommand, [moved, '--data-dir', dataDir])).out)).toEqual([`${moved} (merge): 0 to add, 0 to change, 0 to remove; nothing was changed (dry run)`]);
  });

  it('applications with a plain clientSecret: a second apply of the same file changes nothing; a new secret is a change', async () => {
    const dataDir = tempDir();
    const files = tempDir();
    const setup = file(files, 'setup.yaml', api('orders', '/orders', 'http://127.0.0.1:3001/') + app('mobile', 'mobile-id') + app('web', 'web-id'));
    expect((await run(applyCommand, [setup, '--data-dir', dataDir])).code).toBe(0);
    const first = await exported(dataDir);
    for (const mode of ['merge', 'sync']) {
      expect(lines((await run(diffCommand, [setup, '--mode', mode, '--data-dir', dataDir])).out)).toEqual([`${setup} (${mode}): 0 to add, 0 to change, 0 to remove; nothing was changed (dry run)`]);
      expect(lines((await run(applyCommand, [setup, '--mode', mode, '--data-dir', dataDir])).out)).toEqual([`${setup} (${mode}): no changes; ${dataDir} already matches`]);
    }
    // The stored hashes are the same ones, not re-salted.
    expect(await exported(dataDir)).toBe(first);

    const rotated = file(files, 'rotated.yaml', api('orders', '/orders', 'http://127.0.0.1:3001/') + app('mobile', 'mobile-id').replace('s3cret-mobile-id', 'new-secret') + app('web', 'web-id'));
    const applied = await run(applyCommand, [rotated, '--data-dir', dataDir]);
    expect(lines(applied.out)).toEqual(['~ Application mobile (secretHash)', `applied ${rotated} to ${dataDir} (merge): 0 added, 1 changed, 0 removed`]);
    expect(applied.out).not.toContain('new-secret');
    const after = await exported(dataDir);
    const hashOf = (text: string, name: string) => new RegExp(`name: ${name}\\n[\\s\\S]*?clientSecretHash: (\\S+)`).exec(text)![1];
    expect(hashOf(after, 'mobile')).not.toBe(hashOf(first, 'mobile'));
    expect(hashOf(after, 'web')).toBe(hashOf(first, 'web'));
  });

  it('--env-file fills the variables; an unset one is an error naming it, and nothing changes', async () => {
    const dataDir = tempDir();
    const files = tempDir();
    const setup = file(files, 'setup.yaml', api('orders', '/orders', 'http://${ORDERS_HOST}/'));
    const staging = file(files, 'staging.env', '# staging\nORDERS_HOST=orders.staging.internal:8443\n');
    const missing = await run(applyCommand, [setup, '--data-dir', dataDir]);
    expect(missing.code).toBe(2);
    expect(missing.out).toMatch(/setup\.yaml:\d+: spec\.services\.upstream\.address: environment variable ORDERS_HOST is not set/);
    const applied = await run(applyCommand, [setup, '--env-file', staging, '--data-dir', dataDir]);
    expect(applied.code).toBe(0);
    expect(await exported(dataDir)).toContain('address: http://orders.staging.internal:8443/');
  });
});

describe('gatehouse validate and import agree', () => {
  it('an export whose gateway port was edited is valid for both (no false "id is used twice")', async () => {
    const source = tempDir();
    const files = tempDir();
    await run(importCommand, [file(files, 'seed.yaml', api('orders', '/orders', 'http://127.0.0.1:3001/')), '--data-dir', source]);
    // Pin the gateway's port to another number and leave the API's address as exported.
    const text = (await exported(source)).replace(/port: \$\{GATEHOUSE_GATEWAY_PORT:-\d+\}/, 'port: 18099');
    const edited = file(files, 'edited.yaml', text);
    const validated = await run(validateCommand, [edited]);
    expect(validated.out).not.toContain('used twice');
    expect(validated.code).toBe(0);
    const imported = await run(importCommand, [edited, '--data-dir', tempDir()]);
    expect(imported.out).not.toContain('used twice');
    expect(imported.code).toBe(0);
  });

  it('an id used twice is an error for both, with the same file:line', async () => {
    const files = tempDir();
    const withId = (name: string, basePath: string) =>
      api(name, basePath, 'http://127.0.0.1:3001/').replace(`name: ${name}\n`, `name: ${name}\n  annotations:\n    gatehouse.dev/id: api_same\n`);
    const twice = file(files, 'twice.yaml', withId('one', '/one') + withId('two', '/two'));
    const validated = await run(validateCommand, [twice]);
    const imported = await run(importCommand, [twice, '--data-dir', tempDir()]);
    expect(validated.code).toBe(2);
    expect(imported.code).toBe(2);
    const problem = lines(validated.out).find((line) => line.includes('used twice'))!;
    expect(problem).toMatch(/twice\.yaml:\d+: metadata\.annotations\["gatehouse\.dev\/id"\]: id "api_same" is used twice in this file/);
    expect(imported.out).toContain(problem);
  });

  it('what only local mode runs is a note from validate and an error from import', async () => {
    const files = tempDir();
    const split = file(
      files,
      'split.yaml',
      `apiVersion: gateway.mulesoft.com/v1alpha1
kind: ApiInstance
metadata:
  name: split
spec:
  address: http://0.0.0.0:8081/split/
  services:
    a:
      address: http://127.0.0.1:1/
    b:
      address: http://127.0.0.1:2/
`,
    );
    const validated = await run(validateCommand, [split]);
    expect(validated.code).toBe(0);
    expect(validated.out).toMatch(/^note: .*split\.yaml:7: spec\.services: the app gives each API one upstream.*gatehouse import` refuses it\)$/m);
    expect((await run(importCommand, [split, '--data-dir', tempDir()])).code).toBe(2);
  });
});
