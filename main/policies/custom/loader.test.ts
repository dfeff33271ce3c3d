import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { useDataDirs } from '../../testing/data-dir';
import { fieldKind, initialValue, jsonSchemaOf } from '../../../renderer/src/lib/schema-form';
import { compileCustomPolicy, instantiateCustomPolicy, loadCustomPolicy } from './loader';

const { tempDir } = useDataDirs('gatehouse-custom-policy-');

const ADD_HEADER = `import { definePolicy } from 'gatehouse/policy-sdk';

interface Config { header: string; value: string; minimum?: number }

export default definePolicy<Config>({
  name: 'add-flag-header',
  version: '1.2.0',
  title: 'Add a flag header',
  schema: {
    type: 'object',
    properties: {
      header: { type: 'string', minLength: 1, default: 'x-flag', description: 'Header to add' },
      value: { type: 'string' },
      minimum: { type: 'integer', minimum: 1 },
    },
    required: ['value'],
    additionalProperties: false,
  },
  fields: { header: { label: 'Header name' } },
  create(config) {
    return {
      onRequest(request) {
        request.headers.set(config.header, config.value);
      },
    };
  },
});
`;

function write(dir: string, name: string, text: string): string {
  const file = path.join(dir, name);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
  return file;
}

describe('custom policy loader', () => {
  it('compiles a TypeScript file that imports the SDK, with its catalogue entry and checksum', async () => {
    const file = write(tempDir(), 'add-flag-header.ts', ADD_HEADER);
    const load = await loadCustomPolicy(file);
    if (!load.ok) throw new Error(JSON.stringify(load.error));
    const { policy } = load;
    expect(policy).toMatchObject({ name: 'add-flag-header', version: '1.2.0', title: 'Add a flag header', source: file });
    expect(policy.checksum).toMatch(/^[0-9a-f]{64}$/);
    // The SDK stays outside the bundle: the runtime supplies its own.
    expect(policy.code).toContain('require("gatehouse/policy-sdk")');
    expect(policy.catalogueEntry).toMatchObject({ name: 'add-flag-header', category: 'custom', scope: 'request', fields: { header: { label: 'Header name' } } });
    expect(policy.definition.name).toBe('add-flag-header');
  });

  it("validates configs with the policy's JSON Schema: defaults filled in, errors naming the field", async () => {
    const load = await loadCustomPolicy(write(tempDir(), 'p.ts', ADD_HEADER));
    if (!load.ok) throw new Error(load.error.message);
    const schema = load.policy.catalogueEntry.schema;
    expect(schema.parse({ value: 'on' })).toEqual({ header: 'x-flag', value: 'on' });
    const bad = schema.safeParse({ value: 'on', minimum: 0 });
    expect(bad.success).toBe(false);
    expect(bad.error!.issues[0]!.path).toEqual(['minimum']);
    const extra = schema.safeParse({ value: 'on', colour: 'red' });
    expect(extra.error!.issues[0]!.message).toContain('colour');
  });

  it("gives the app's form the schema back (zod → JSON Schema), with field kinds and a starting value", async () => {
    const load = await loadCustomPolicy(write(tempDir(), 'p.ts', ADD_HEADER));
    if (!load.ok) throw new Error(load.error.message);
    const form = jsonSchemaOf(load.policy.catalogueEntry);
    expect(form.properties!.header).toMatchObject({ type: 'string', default: 'x-flag', description: 'Header to add' });
    expect(fieldKind(form.properties!.minimum!)).toBe('integer');
    expect(form.required).toEqual(['value']);
    expect(initialValue(form)).toEqual({ value: '' });
    expect(load.policy.catalogueEntry.defaults).toEqual({ header: 'x-flag' });
    // What the form sends back is checked by the same schema.
    expect(load.policy.catalogueEntry.schema.safeParse({ header: 'x-a', value: 'b' }).success).toBe(true);
    expect(z.toJSONSchema(load.policy.catalogueEntry.schema)).toMatchObject({ type: 'object' });
  });

  it('reports a syntax error with file, line and column', async () => {
    const file = write(tempDir(), 'broken.ts', "import { definePolicy } from 'gatehouse/policy-sdk';\n\nexport default definePolicy({\n  name: 'x',,\n});\n");
    const compiled = await compileCustomPolicy(file);
    expect(compiled.ok).toBe(false);
    if (compiled.ok) return;
    expect(compiled.error).toMatchObject({ file, line: 4, column: 13 });
    expect(compiled.error.message).toMatch(/found ","/);
  });

  it('reports an import that cannot be resolved at the importing line', async () => {
    const file = write(tempDir(), 'p.ts', "import { definePolicy } from 'gatehouse/policy-sdk';\nimport { helper } from './missing-helper';\nexport default definePolicy({ name: 'x', version: helper, schema: {}, create: () => ({}) });\n");
    const compiled = await compileCustomPolicy(file);
    expect(compiled.ok ? undefined : compiled.error).toMatchObject({ file, line: 2, message: expect.stringContaining('./missing-helper') });
  });

  it('maps an error thrown while loading back to the line of the TypeScript source', async () => {
    const file = write(tempDir(), 'p.ts', "import { definePolicy } from 'gatehouse/policy-sdk';\nconst limit: number = 3;\nif (limit > 2) throw new Error('cannot start');\nexport default definePolicy({ name: 'x', version: '1', schema: {}, create: () => ({}) });\n");
    const load = await loadCustomPolicy(file);
    expect(load.ok ? undefined : load.error).toMatchObject({ file, line: 3, message: 'loading failed: cannot start' });
  });

  it('loads a folder (package.json main) that imports its own helper module', async () => {
    const dir = tempDir();
    write(dir, 'package.json', JSON.stringify({ name: 'my-policy', main: 'src/main.ts' }));
    write(dir, 'src/header-name.ts', "export const headerName = (suffix: string) => 'x-' + suffix;\n");
    write(dir, 'src/main.ts', "import { definePolicy } from 'gatehouse/policy-sdk';\nimport { headerName } from './header-name';\nexport const policy = definePolicy({ name: 'folder-policy', version: '0.1.0', schema: { type: 'object', properties: {} }, create: () => ({ onRequest: (r) => { r.headers.set(headerName('folder'), '1'); } }) });\n");
    const load = await loadCustomPolicy(dir);
    expect(load.ok ? load.policy : load.error).toMatchObject({ name: 'folder-policy', source: dir });
  });

  it('runs code compiled elsewhere without the source file (a replica)', async () => {
    const compiled = await compileCustomPolicy(write(tempDir(), 'p.ts', ADD_HEADER));
    if (!compiled.ok) throw new Error(compiled.error.message);
    const load = instantiateCustomPolicy(compiled.code, '/nowhere/add-flag-header.ts');
    expect(load.ok ? { name: load.policy.name, checksum: load.policy.checksum } : load.error).toEqual({ name: 'add-flag-header', checksum: compiled.checksum });
  });

  it('accepts module.exports = definePolicy(…) in plain JavaScript', async () => {
    const file = write(tempDir(), 'p.js', "const { definePolicy } = require('gatehouse/policy-sdk');\nmodule.exports = definePolicy({ name: 'plain-js', version: '1.0.0', schema: { type: 'object' }, create: () => ({}) });\n");
    const load = await loadCustomPolicy(file);
    expect(load.ok ? load.policy.name : load.error).toBe('plain-js');
  });

  const definitionCases: [string, string, RegExp][] = [
    ['no export', "export const helper = 1;", /exports no policy/],
    ['two policies', "const p = (name: string) => definePolicy({ name, version: '1', schema: {}, create: () => ({}) });\nexport const a = p('a-one');\nexport const b = p('b-two');", /exports 2 policies \(a, b\)/],
    ['a bad name', "export default definePolicy({ name: 'Add Header', version: '1', schema: {}, create: () => ({}) });", /^name: expected lower-case letters/],
    ["a built-in's name", "export default definePolicy({ name: 'rate-limiting-flex', version: '1', schema: {}, create: () => ({}) });", /^name: "rate-limiting-flex" is a built-in policy/],
    ['no version', "export default definePolicy({ name: 'a-b', schema: {}, create: () => ({}) } as any);", /^version: expected a string/],
    ['a schema that is not an object schema', "export default definePolicy({ name: 'a-b', version: '1', schema: { type: 'string' }, create: () => ({}) });", /^schema\.type: a policy's config is an object/],
    ['no create', "export default definePolicy({ name: 'a-b', version: '1', schema: {} } as any);", /^create: expected a function/],
  ];
  for (const [what, body, message] of definitionCases) {
    it(`refuses a file with ${what}, naming the field and the file`, async () => {
      const file = write(tempDir(), 'p.ts', `import { definePolicy } from 'gatehouse/policy-sdk';\n${body}\n`);
      const load = await loadCustomPolicy(file);
      expect(load.ok).toBe(false);
      if (load.ok) return;
      expect(load.error.file).toBe(file);
      expect(load.error.message).toMatch(message);
    });
  }

  it('reports a missing file or an empty folder', async () => {
    const dir = tempDir();
    expect(await loadCustomPolicy(path.join(dir, 'nope.ts'))).toMatchObject({ ok: false, error: { message: 'no such file or folder' } });
    expect(await loadCustomPolicy(dir)).toMatchObject({ ok: false, error: { file: dir, message: expect.stringContaining('index.ts') } });
  });
});
