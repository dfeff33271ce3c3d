import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EventPayload } from '../../shared/contract/events';
import { useDataDirs } from '../testing/data-dir';
import { request } from '../testing/net';
import { rejection, startControlFixture, type ControlFixture } from './testing/control-fixture';

// The policies library through the real control plane: a SQLite file in a temp dir, real
// policy files compiled with esbuild, the embedded gateway on a real socket, an echo upstream.
const { tempDir } = useDataDirs('gatehouse-custom-policies-');

let fx: ControlFixture;
let dir: string;
beforeEach(async () => {
  fx = await startControlFixture();
  dir = tempDir();
});
afterEach(async () => {
  await fx.close();
});

/** A policy that adds `header: value` to the request the upstream gets. */
const tagger = (version: string, prefix = '') => `import { definePolicy } from 'gatehouse/policy-sdk';

export default definePolicy({
  name: 'tagger',
  version: '${version}',
  title: 'Tagger',
  description: 'Adds a header to every request',
  schema: {
    type: 'object',
    properties: {
      header: { type: 'string', minLength: 1, default: 'x-tag' },
      value: { type: 'string' },
    },
    required: ['value'],
  },
  fields: { value: { label: 'Tag value', help: 'Sent upstream' } },
  create(config: { header: string; value: string }) {
    return {
      onRequest(request) {
        request.headers.set(config.header, '${prefix}' + config.value);
      },
    };
  },
});
`;

function write(name: string, text: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, text);
  return file;
}

/** Resolves on the next customPolicies.changed event for `id` that satisfies `ready`. */
function nextChange(id: string, ready: () => Promise<boolean>): Promise<void> {
  return new Promise((resolve) => {
    const off = fx.plane.bus.on('customPolicies.changed', (change: EventPayload<'customPolicies.changed'>) => {
      if (change.id !== id) return;
      void ready().then((ok) => {
        if (!ok) return;
        off();
        resolve();
      });
    });
  });
}

async function usersApiWithTagger(value = 'blue') {
  const api = await fx.call('apis.create', { name: 'Users', implementationUrl: `${fx.upstream.url}/`, basePath: '/users' });
  const binding = await fx.call('policies.add', { apiId: api.id, policyRef: 'tagger', config: { value } });
  return { api, binding };
}

const upstreamSaw = async (header: string) => (await request(`${fx.gatewayUrl}/users/1`)).json().headers[header] as string | undefined;

describe('custom policies in the app', () => {
  it('adds a policy from a file: listed with version, schema, fields and checksum, kept in SQLite across a restart', async () => {
    const source = write('tagger.ts', tagger('1.0.0'));
    const added = await fx.call('customPolicies.add', { path: source });
    expect(added).toMatchObject({
      source,
      status: 'ok',
      name: 'tagger',
      version: '1.0.0',
      title: 'Tagger',
      fields: { value: { label: 'Tag value', help: 'Sent upstream' } },
      defaults: { header: 'x-tag' },
      usedBy: [],
      blocking: [],
    });
    expect(added.schema).toMatchObject({ properties: { value: { type: 'string' } }, required: ['value'] });
    expect(added.checksum).toMatch(/^[0-9a-f]{64}$/);
    // Scripts reading the catalogue see it beside the built-ins.
    expect((await fx.call('catalogue.list', {})).find((item) => item.name === 'tagger')).toMatchObject({ category: 'custom', scope: 'request', title: 'Tagger', configSchema: { required: ['value'] } });

    const { api } = await usersApiWithTagger();
    expect(await upstreamSaw('x-tag')).toBe('blue');
    expect((await fx.call('customPolicies.list', {}))[0]!.usedBy).toEqual([expect.objectContaining({ apiId: api.id, apiName: 'Users' })]);

    await fx.restart();
    expect((await fx.call('customPolicies.list', {})).map((p) => [p.name, p.version, p.status])).toEqual([['tagger', '1.0.0', 'ok']]);
    expect(await upstreamSaw('x-tag')).toBe('blue');
  });

  it('checks a binding against the policy schema, naming the field', async () => {
    await fx.call('customPolicies.add', { path: write('tagger.ts', tagger('1.0.0')) });
    const api = await fx.call('apis.create', { name: 'Users', implementationUrl: `${fx.upstream.url}/`, basePath: '/users' });
    const missing = await rejection(fx.call('policies.add', { apiId: api.id, policyRef: 'tagger', config: {} }));
    expect(missing.code).toBe('VALIDATION_FAILED');
    expect(missing.details).toEqual([expect.objectContaining({ path: 'config.value' })]);
    const wrongType = await rejection(fx.call('policies.add', { apiId: api.id, policyRef: 'tagger', config: { value: 'x', header: 7 } }));
    expect(wrongType.details).toEqual([expect.objectContaining({ path: 'config.header' })]);
    expect(await fx.call('policies.list', { apiId: api.id })).toEqual([]);
  });

  it('an edit of the file changes what the next request gets, without a restart', async () => {
    const source = write('tagger.ts', tagger('1.0.0'));
    const added = await fx.call('customPolicies.add', { path: source });
    await usersApiWithTagger();
    expect(await upstreamSaw('x-tag')).toBe('blue');

    const reloaded = nextChange(added.id, async () => (await fx.call('customPolicies.list', {}))[0]!.version === '1.1.0');
    write('tagger.ts', tagger('1.1.0', 'v2-'));
    await reloaded;
    expect(await upstreamSaw('x-tag')).toBe('v2-blue');
  });

  it('a syntax error keeps the old version serving and lists the error as file:line', async () => {
    const source = write('tagger.ts', tagger('1.0.0'));
    const added = await fx.call('customPolicies.add', { path: source });
    await usersApiWithTagger();

    const failed = nextChange(added.id, async () => (await fx.call('customPolicies.list', {}))[0]!.status === 'error');
    write('tagger.ts', tagger('2.0.0').replace("version: '2.0.0',", "version: '2.0.0'"));
    await failed;
    const [listed] = await fx.call('customPolicies.list', {});
    expect(listed).toMatchObject({ status: 'error', version: '1.0.0', error: { file: source, line: 6 } });
    expect(listed!.error!.text).toMatch(new RegExp(`^${source.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:6:\\d+: `));
    expect(await upstreamSaw('x-tag')).toBe('blue');

    // Fixed: the new version serves and the error is gone.
    const fixed = nextChange(added.id, async () => (await fx.call('customPolicies.list', {}))[0]!.status === 'ok');
    write('tagger.ts', tagger('2.0.0', 'fixed-'));
    await fixed;
    expect(await upstreamSaw('x-tag')).toBe('fixed-blue');
  });

  it('a new version whose schema refuses a config in use is not applied; the old one serves, the error says why', async () => {
    const source = write('tagger.ts', tagger('1.0.0'));
    const added = await fx.call('customPolicies.add', { path: source });
    await usersApiWithTagger('blue');
    write('tagger.ts', tagger('3.0.0', 'strict-').replace("value: { type: 'string' }", "value: { type: 'string', enum: ['red'] }"));
    const reloaded = await fx.call('customPolicies.reload', { id: added.id });
    expect(reloaded).toMatchObject({ status: 'error', version: '1.0.0' });
    expect(reloaded.error!.message).toMatch(/not applied: .*value/);
    expect(await upstreamSaw('x-tag')).toBe('blue');
  });

  it('refuses to remove a policy APIs use, naming them; removes it once unused', async () => {
    const added = await fx.call('customPolicies.add', { path: write('tagger.ts', tagger('1.0.0')) });
    const { api, binding } = await usersApiWithTagger();
    const refused = await rejection(fx.call('customPolicies.remove', { id: added.id }));
    expect(refused.code).toBe('CONFLICT');
    expect(refused.message).toMatch(/used by API "Users"/);

    await fx.call('policies.remove', { apiId: api.id, policyId: binding.id });
    await fx.call('customPolicies.remove', { id: added.id });
    expect(await fx.call('customPolicies.list', {})).toEqual([]);
    const unknown = await rejection(fx.call('policies.add', { apiId: api.id, policyRef: 'tagger', config: { value: 'x' } }));
    expect(unknown.details?.[0]?.path).toBe('policyRef');
  });

  it('refuses a file that does not load, a relative path, a missing file and the same file twice, naming path', async () => {
    const broken = write('broken.ts', "import { definePolicy } from 'gatehouse/policy-sdk';\nexport default definePolicy({ name: 'broken' version: '1' });\n");
    const notLoading = await rejection(fx.call('customPolicies.add', { path: broken }));
    expect(notLoading.details).toEqual([{ path: 'path', message: expect.stringMatching(new RegExp(`^${broken.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:2:\\d+: `)) }]);
    expect((await rejection(fx.call('customPolicies.add', { path: 'tagger.ts' }))).details?.[0]?.path).toBe('path');
    expect((await rejection(fx.call('customPolicies.add', { path: path.join(dir, 'nope.ts') }))).details?.[0]?.message).toMatch(/no such file/);
    const source = write('tagger.ts', tagger('1.0.0'));
    await fx.call('customPolicies.add', { path: source });
    expect((await rejection(fx.call('customPolicies.add', { path: source }))).code).toBe('CONFLICT');
    expect(await fx.call('customPolicies.list', {})).toHaveLength(1);
  });

  it('loads a folder with an index.ts importing a helper', async () => {
    const folder = path.join(dir, 'tagger-folder');
    mkdirSync(folder);
    writeFileSync(path.join(folder, 'prefix.ts'), "export const PREFIX = 'folder-';\n");
    writeFileSync(path.join(folder, 'index.ts'), tagger('1.0.0').replace("import { definePolicy } from 'gatehouse/policy-sdk';", "import { definePolicy } from 'gatehouse/policy-sdk';\nimport { PREFIX } from './prefix';").replace("'' + config.value", 'PREFIX + config.value'));
    expect(await fx.call('customPolicies.add', { path: folder })).toMatchObject({ source: folder, name: 'tagger', status: 'ok' });
    await usersApiWithTagger('x');
    expect(await upstreamSaw('x-tag')).toBe('folder-x');
  });

  it('an exported config with a custom policy binding imports back; a bad config for it names the field', async () => {
    await fx.call('customPolicies.add', { path: write('tagger.ts', tagger('1.0.0')) });
    await usersApiWithTagger('green');
    const yaml = await fx.call('config.export', {});
    expect(yaml).toContain('tagger');
    const result = await fx.call('config.import', { yaml, mode: 'sync' });
    // Accepted, and nothing to change: the binding is known by name and its config passes the schema.
    expect(result).toMatchObject({ imported: { ApiInstance: 1 }, changes: [] });
    expect(await upstreamSaw('x-tag')).toBe('green');

    const bad = await rejection(fx.call('config.import', { yaml: yaml.replace('value: green', 'value: 7'), mode: 'sync' }));
    expect(bad.code).toBe('VALIDATION_FAILED');
    expect(bad.details?.some((detail) => /value/.test(detail.path) || /value/.test(detail.message))).toBe(true);
    expect(await upstreamSaw('x-tag')).toBe('green');
  });
});

describe("custom policies in the app's export and import", () => {
  it("exports an Extension naming the policy's file; an import refuses an Extension the library lacks, at its spec.source, and changes nothing", async () => {
    const source = write('tagger.ts', tagger('1.0.0'));
    await fx.call('customPolicies.add', { path: source });
    await usersApiWithTagger('green');
    const yaml = await fx.call('config.export', {});
    expect(yaml).toContain(`kind: Extension\nmetadata:\n  name: tagger\nspec:\n  extends:\n    - name: extension-definition\n  source: ${source}\n`);
    expect(yaml).toContain('- policyRef:\n        kind: Extension\n        name: tagger');

    // Another policy file, declared and bound in the file but never added to this app's library.
    const other = write('other.ts', tagger('1.0.0').replace("name: 'tagger'", "name: 'other'"));
    const withOther = yaml.replace('name: tagger\n      config:', 'name: other\n      config:') + `---\napiVersion: gateway.mulesoft.com/v1alpha1\nkind: Extension\nmetadata:\n  name: other\nspec:\n  extends:\n    - name: extension-definition\n  source: ${other}\n`;
    expect(withOther).toContain('name: other\n      config:');
    const refused = await rejection(fx.call('config.import', { yaml: withOther, mode: 'sync' }));
    expect(refused.code).toBe('VALIDATION_FAILED');
    const line = withOther.split('\n').indexOf(`  source: ${other}`) + 1;
    expect(refused.details).toContainEqual(expect.objectContaining({ file: 'config.yaml', line, message: expect.stringContaining('policies library has no custom policy named "other"') }));
    expect(await upstreamSaw('x-tag')).toBe('green');
  });
});
