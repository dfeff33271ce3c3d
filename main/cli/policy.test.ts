/**
 * `gatehouse policy new` and `gatehouse policy test` as a user runs them (the built CLI), and
 * the example policies in examples/policies: their own tests pass through `gatehouse policy
 * test`, and their conf.d loads with them.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfigWithPolicies } from '../config/load';
import { PolicySources } from '../config/policy-sources';
import { CustomPolicyLibrary } from '../policies/custom/library';

const root = fileURLToPath(new URL('../..', import.meta.url));
const dir = mkdtempSync(path.join(tmpdir(), 'gatehouse-policy-cli-'));

function gatehouse(args: string[], cwd = dir): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [path.join(root, 'bin', 'gatehouse.cjs'), ...args], { cwd }, (error, stdout, stderr) =>
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, out: `${stdout}${stderr}` }),
    );
  });
}

beforeAll(async () => {
  await new Promise<void>((resolve, reject) =>
    execFile(process.execPath, ['scripts/build.mjs'], { cwd: root }, (error, _out, err) => (error ? reject(new Error(err)) : resolve())),
  );
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('gatehouse policy', () => {
  it('new scaffolds a policy whose test passes as written; a broken expectation fails with exit 1', async () => {
    const created = await gatehouse(['policy', 'new', 'add-debug']);
    expect(created.code).toBe(0);
    expect(created.out).toContain('created add-debug/');
    const policy = readFileSync(path.join(dir, 'add-debug', 'policy.ts'), 'utf8');
    // The policy imports the SDK and nothing else.
    expect(policy.match(/^import .*$/gm)).toEqual(["import { definePolicy } from 'gatehouse/policy-sdk';"]);
    const tsconfig = JSON.parse(readFileSync(path.join(dir, 'add-debug', 'tsconfig.json'), 'utf8'));
    expect(tsconfig.compilerOptions.paths['gatehouse/policy-sdk']).toEqual([`${path.join(root, 'dist')}/policy-sdk.d.ts`]);

    const passed = await gatehouse(['policy', 'test', 'add-debug']);
    expect(passed.out).toContain('✔ add-debug adds the header to the request the upstream receives');
    expect(passed.out).toContain('1 test file passed');
    expect(passed.code).toBe(0);

    const test = path.join(dir, 'add-debug', 'policy.test.ts');
    writeFileSync(test, readFileSync(test, 'utf8').replace("'world');", "'planet');"));
    const failed = await gatehouse(['policy', 'test', path.join(dir, 'add-debug')]);
    expect(failed.code).toBe(1);
    expect(failed.out).toContain('1 of 1 test file failed');
    expect(failed.out).toMatch(/'world'[\s\S]*'planet'|'planet'[\s\S]*'world'/);

    // The folder exists now: new refuses to overwrite it.
    const again = await gatehouse(['policy', 'new', 'add-debug']);
    expect(again.code).toBe(2);
    expect(again.out).toContain('already exists and is not empty');
  }, 120_000);

  it('refuses a name the loader would refuse, with the rule', async () => {
    const bad = await gatehouse(['policy', 'new', 'Add_Header']);
    expect(bad.code).toBe(2);
    expect(bad.out).toContain('NAME must be lower-case letters, digits and dashes');
    const builtIn = await gatehouse(['policy', 'new', 'cors-flex']);
    expect(builtIn.code).toBe(2);
    expect(builtIn.out).toContain(`"cors-flex" is a built-in policy's name`);
  });

  it("runs the example policies' own tests (examples/policies) and they pass", async () => {
    const result = await gatehouse(['policy', 'test', path.join(root, 'examples', 'policies')]);
    expect(result.out).toContain('2 test files passed');
    expect(result.code).toBe(0);
  }, 120_000);

  it("loads the examples' conf.d with both policies bound by their Extension names", async () => {
    const result = await loadConfigWithPolicies(path.join(root, 'examples', 'policies', 'conf.d'), { env: {}, policies: new PolicySources(new CustomPolicyLibrary()) });
    expect(result.errors).toEqual([]);
    expect(result.warnings).toEqual([]);
    expect(result.snapshot!.listeners[0]!.apis[0]!.policies.map((binding) => binding.name)).toEqual(['require-header', 'rewrite-json']);
  });
});
