/**
 * Flex's Extension kind in a conf.d: a custom policy declared with `spec.source` (Gatehouse's
 * form) or as Flex's definition + implementation pair, bound by name. Real files, the real
 * loader (esbuild), the real compiler; errors read `file:line: field: message`.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CustomPolicyLibrary } from '../policies/custom/library';
import { formatConfigError } from './errors';
import { loadConfig, loadConfigWithPolicies } from './load';
import { PolicySources } from './policy-sources';

const root = mkdtempSync(path.join(tmpdir(), 'gatehouse-extensions-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const POLICY = (name: string, header = 'x-added') => `import { definePolicy } from 'gatehouse/policy-sdk';

export default definePolicy({
  name: '${name}',
  version: '1.0.0',
  schema: {
    type: 'object',
    properties: { value: { type: 'string', minLength: 1 } },
    required: ['value'],
    additionalProperties: false,
  },
  create(config: { value: string }) {
    return {
      onRequest(request) {
        request.headers.set('${header}', config.value);
      },
    };
  },
});
`;

const API = `apiVersion: gateway.mulesoft.com/v1alpha1
kind: ApiInstance
metadata:
  name: orders
spec:
  address: http://127.0.0.1:8081/orders
  services:
    upstream:
      address: http://127.0.0.1:3000/
`;

const binding = (policy: string, config = '      value: hello') => `apiVersion: gateway.mulesoft.com/v1alpha1
kind: PolicyBinding
metadata:
  name: add-it
spec:
  targetRef:
    name: orders
  policyRef:
    kind: Extension
    name: ${policy}
  config:
${config}
`;

const GATEHOUSE_FORM = `apiVersion: gateway.mulesoft.com/v1alpha1
kind: Extension
metadata:
  name: add-header
spec:
  extends:
    - name: extension-definition
  source: ../policies/add-header.ts
`;

function confd(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(root, 'case-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

const load = (dir: string) => loadConfigWithPolicies(path.join(dir, 'conf.d'), { env: {}, policies: new PolicySources(new CustomPolicyLibrary()) });
const bindingNames = (result: Awaited<ReturnType<typeof load>>) => result.snapshot?.listeners[0]?.apis[0]?.policies.map((p) => p.name);

describe('Extension (custom policies) in a conf.d', () => {
  it("Gatehouse's form: spec.source relative to the YAML file, a binding by name, config checked against the policy's schema", async () => {
    const dir = confd({ 'policies/add-header.ts': POLICY('add-header'), 'conf.d/api.yaml': API, 'conf.d/policy.yaml': GATEHOUSE_FORM, 'conf.d/binding.yaml': binding('add-header') });
    const result = await load(dir);
    expect(result.errors).toEqual([]);
    expect(bindingNames(result)).toEqual(['add-header']);
    expect(result.snapshot!.listeners[0]!.apis[0]!.policies[0]!.config).toEqual({ value: 'hello' });
    expect(result.policySources).toEqual([path.join(dir, 'policies', 'add-header.ts')]);

    writeFileSync(path.join(dir, 'conf.d', 'binding.yaml'), binding('add-header', '      value: 42'));
    const bad = await load(dir);
    expect(bad.snapshot).toBeUndefined();
    expect(bad.errors.map(formatConfigError)).toEqual([`${path.join(dir, 'conf.d', 'binding.yaml')}:12: spec.config.value: ${bad.errors[0]!.message}`]);
    expect(bad.errors[0]!.message).toMatch(/string/i);
  });

  it("Flex's form: a definition and an implementation extending it; a binding may name either", async () => {
    const definition = `apiVersion: gateway.mulesoft.com/v1alpha1
kind: Extension
metadata:
  name: add-header-definition
spec:
  extends:
    - name: extension-authentication
    - name: extension-definition
  properties:
    value:
      type: string
  required:
    - value
---
apiVersion: gateway.mulesoft.com/v1alpha1
kind: Extension
metadata:
  name: add-header-impl
spec:
  extends:
    - name: add-header-definition
  source: ./add-header.ts
`;
    for (const name of ['add-header-impl', 'add-header-definition']) {
      const dir = confd({ 'conf.d/add-header.ts': POLICY('add-header'), 'conf.d/api.yaml': API, 'conf.d/policy.yaml': definition, 'conf.d/binding.yaml': binding(name) });
      const result = await load(dir);
      expect(result.errors).toEqual([]);
      expect(bindingNames(result)).toEqual(['add-header']);
      // Flex's YAML schema is not what validates here: said once, as a warning.
      expect(result.warnings.map((w) => w.field)).toEqual(['spec.properties', 'spec.required']);
    }
  });

  it('a WebAssembly implementation cannot run: a warning on its own, an error naming it when a binding uses it', async () => {
    const wasm = `apiVersion: gateway.mulesoft.com/v1alpha1
kind: Extension
metadata:
  name: custom-local-example-definition
spec:
  extends:
    - name: extension-definition
  properties:
    secret-value:
      type: string
---
apiVersion: gateway.mulesoft.com/v1alpha1
kind: Extension
metadata:
  name: custom-local-example-flex
spec:
  extends:
    - name: custom-local-example-definition
  order: 100
  wasm:
    image:
      base64: AGFzbQEAAAA=
`;
    const unbound = confd({ 'conf.d/api.yaml': API, 'conf.d/wasm.yaml': wasm });
    const quiet = await load(unbound);
    expect(quiet.errors).toEqual([]);
    expect(quiet.warnings.map((w) => w.field)).toEqual(['spec.order', 'spec.wasm']);
    expect(quiet.warnings.map(formatConfigError)).toContain(
      `${path.join(unbound, 'conf.d', 'wasm.yaml')}:20: spec.wasm: a WebAssembly implementation cannot run in Gatehouse; a PolicyBinding to it is refused (use spec.source with a TypeScript policy)`,
    );

    const bound = confd({ 'conf.d/api.yaml': API, 'conf.d/wasm.yaml': wasm, 'conf.d/binding.yaml': binding('custom-local-example-flex', '      secret-value: s') });
    const refused = await load(bound);
    expect(refused.snapshot).toBeUndefined();
    expect(refused.errors).toHaveLength(1);
    expect(refused.errors[0]).toMatchObject({ file: path.join(bound, 'conf.d', 'binding.yaml'), line: 10, field: 'spec.policyRef.name' });
    expect(refused.errors[0]!.message).toContain('is a WebAssembly implementation, which Gatehouse cannot run');
    expect(refused.errors[0]!.message).toContain(`${path.join(bound, 'conf.d', 'wasm.yaml')}:15`);
  });

  it('a missing source file is an error at spec.source', async () => {
    const dir = confd({ 'conf.d/api.yaml': API, 'conf.d/policy.yaml': GATEHOUSE_FORM.replace('../policies/add-header.ts', './nope.ts') });
    const result = await load(dir);
    expect(result.errors.map(formatConfigError)).toEqual([
      `${path.join(dir, 'conf.d', 'policy.yaml')}:8: spec.source: ./nope.ts: no such file or folder (${path.join(dir, 'conf.d', 'nope.ts')})`,
    ]);
  });

  it("a policy that does not compile is one error at its own file and line (the binding is not blamed as well)", async () => {
    const broken = POLICY('add-header').replace("request.headers.set('x-added', config.value);", "request.headers.set('x-added', config.value;");
    const dir = confd({ 'policies/add-header.ts': broken, 'conf.d/api.yaml': API, 'conf.d/policy.yaml': GATEHOUSE_FORM, 'conf.d/binding.yaml': binding('add-header') });
    const result = await load(dir);
    expect(result.snapshot).toBeUndefined();
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0]).toMatchObject({ file: path.join(dir, 'policies', 'add-header.ts'), line: 15 });
  });

  it('without a policy loader (import, plain loadConfig) a binding to a custom policy says where custom policies run', () => {
    const dir = confd({ 'policies/add-header.ts': POLICY('add-header'), 'conf.d/api.yaml': API, 'conf.d/policy.yaml': GATEHOUSE_FORM, 'conf.d/binding.yaml': binding('add-header') });
    const result = loadConfig(path.join(dir, 'conf.d'), { env: {} });
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0]!.field).toBe('spec.policyRef.name');
    expect(result.errors[0]!.message).toContain('gatehouse gateway --config');
  });

  it('an edit of the policy gives a new snapshot version; the same code gives the same version', async () => {
    const dir = confd({ 'policies/add-header.ts': POLICY('add-header'), 'conf.d/api.yaml': API, 'conf.d/policy.yaml': GATEHOUSE_FORM, 'conf.d/binding.yaml': binding('add-header') });
    const sources = new PolicySources(new CustomPolicyLibrary());
    const target = path.join(dir, 'conf.d');
    const first = await loadConfigWithPolicies(target, { env: {}, policies: sources });
    const again = await loadConfigWithPolicies(target, { env: {}, policies: sources });
    expect(again.snapshot!.version).toBe(first.snapshot!.version);
    writeFileSync(path.join(dir, 'policies', 'add-header.ts'), POLICY('add-header', 'x-other'));
    const edited = await loadConfigWithPolicies(target, { env: {}, policies: sources });
    expect(edited.errors).toEqual([]);
    expect(edited.snapshot!.version).not.toBe(first.snapshot!.version);
    expect(edited.fingerprint).not.toBe(first.fingerprint);
  });

  it('an Extension named like a built-in policy is refused', async () => {
    const dir = confd({ 'policies/add-header.ts': POLICY('add-header'), 'conf.d/api.yaml': API, 'conf.d/policy.yaml': GATEHOUSE_FORM.replace('name: add-header', 'name: cors-flex') });
    const result = await load(dir);
    expect(result.errors.map(formatConfigError)).toEqual([`${path.join(dir, 'conf.d', 'policy.yaml')}:4: metadata.name: "cors-flex" is a built-in policy's name; give the Extension another name`]);
  });
});
