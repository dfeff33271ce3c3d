/**
 * `gatehouse/policy-sdk` as a user's project sees it: gatehouse installed in its node_modules
 * (package.json with its "exports", the built dist files), a plain `require` from Node, and
 * the TypeScript compiler resolving the types through the same "exports".
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, rmSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs build script without declarations
import { buildPolicySdk } from './policy-sdk-build.mjs';

const root = path.resolve(__dirname, '..');
let project: string;

beforeAll(async () => {
  project = mkdtempSync(path.join(tmpdir(), 'gatehouse-sdk-user-'));
  const installed = path.join(project, 'node_modules', 'gatehouse');
  mkdirSync(installed, { recursive: true });
  copyFileSync(path.join(root, 'package.json'), path.join(installed, 'package.json'));
  await buildPolicySdk({ root, outDir: path.join(installed, 'dist') });
}, 60_000);

afterAll(() => rmSync(project, { recursive: true, force: true }));

describe('gatehouse/policy-sdk', () => {
  it('is required by name from a folder that has gatehouse installed', () => {
    writeFileSync(
      path.join(project, 'check.cjs'),
      "const { definePolicy, decide } = require('gatehouse/policy-sdk');\n" +
        "const policy = definePolicy({ name: 'p', version: '1', schema: {}, create: () => ({}) });\n" +
        "console.log(JSON.stringify({ name: policy.name, reject: decide.reject(403, 'no'), respond: decide.respond(200, 'hi') }));\n",
    );
    const out = JSON.parse(execFileSync(process.execPath, ['check.cjs'], { cwd: project, encoding: 'utf8' }));
    expect(out).toEqual({ name: 'p', reject: { action: 'reject', status: 403, message: 'no' }, respond: { action: 'respond', status: 200, body: 'hi' } });
  });

  it("gives TypeScript the SDK's types through package.json exports (a wrong hook is a type error)", () => {
    const good = "import { definePolicy, decide } from 'gatehouse/policy-sdk';\nexport default definePolicy<{ header: string }>({\n  name: 'typed', version: '1.0.0', schema: { type: 'object' },\n  create: (config, context) => ({\n    async onRequest(request) {\n      request.headers.set(config.header, context.bindingId);\n      const body: Uint8Array = await request.body();\n      if (body.length > 10) return decide.reject(413, 'too big');\n    },\n  }),\n});\n";
    const bad = "import { definePolicy } from 'gatehouse/policy-sdk';\nexport default definePolicy({ name: 'typed', version: '1.0.0', schema: {}, create: () => ({ onRequest: (request) => request.headers.nope() }) });\n";
    writeFileSync(path.join(project, 'good.ts'), good);
    writeFileSync(path.join(project, 'bad.ts'), bad);
    // One compiler run for both files (it is slow on a loaded machine): only bad.ts may have errors.
    let output = '';
    try {
      execFileSync(
        process.execPath,
        [path.join(root, 'node_modules/typescript/bin/tsc'), '--noEmit', '--strict', '--skipLibCheck', '--module', 'node16', '--moduleResolution', 'node16', '--target', 'es2022', '--typeRoots', path.join(root, 'node_modules/@types'), '--types', 'node', 'good.ts', 'bad.ts'],
        { cwd: project, encoding: 'utf8' },
      );
    } catch (error) {
      output = String((error as { stdout?: string }).stdout);
    }
    const errors = output.split('\n').filter((line) => /error TS/.test(line));
    expect(errors).toEqual([expect.stringMatching(/^bad\.ts\(2,\d+\): error TS2339: Property 'nope' does not exist on type 'HeaderMap'/)]);
  }, 180_000);

  it('declares what the source exports', () => {
    const declarations = readFileSync(path.join(project, 'node_modules/gatehouse/dist/policy-sdk.d.ts'), 'utf8');
    for (const name of ['definePolicy', 'decide', 'CustomPolicy', 'PolicyHooks', 'PolicyRequestView', 'PolicyResponseView', 'PolicyResult', 'PolicyContext', 'SharedCounters', 'PolicyLogger', 'HeaderMap'])
      expect(declarations).toMatch(new RegExp(`export (declare )?(function|const|interface|type) ${name}\\b`));
  });
});
