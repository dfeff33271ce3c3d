import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { catalogueLookup } from '../../config/catalogue-lookup';
import { useDataDirs } from '../../testing/data-dir';
import { CustomPolicyLibrary, formatPolicyError } from './library';

const { tempDir } = useDataDirs('gatehouse-custom-library-');

const policy = (name: string, version: string) =>
  `import { definePolicy } from 'gatehouse/policy-sdk';\nexport default definePolicy({ name: '${name}', version: '${version}', schema: { type: 'object', properties: { tag: { type: 'string' } } }, create: () => ({}) });\n`;

function file(dir: string, name: string, text: string): string {
  const full = path.join(dir, name);
  writeFileSync(full, text);
  return full;
}

describe('CustomPolicyLibrary', () => {
  it('keeps the last good version when a reload fails, with the error beside it, until the file is fixed', async () => {
    let changes = 0;
    const library = new CustomPolicyLibrary({ onChange: () => changes++ });
    const source = file(tempDir(), 'tagger.ts', policy('tagger', '1.0.0'));
    expect((await library.load(source)).policy?.version).toBe('1.0.0');

    writeFileSync(source, "import { definePolicy } from 'gatehouse/policy-sdk';\nexport default definePolicy({ name: 'tagger', version: '2.0.0' schema: {} });\n");
    const failed = await library.load(source);
    expect(failed.policy?.version).toBe('1.0.0');
    expect(failed.error).toMatchObject({ file: source, line: 2 });
    expect(formatPolicyError(failed.error!)).toMatch(new RegExp(`^${source.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:2:\\d+: `));
    expect(library.definition('tagger')).toBe(failed.policy!.definition);
    expect(library.errors()).toEqual([{ source, error: failed.error }]);

    writeFileSync(source, policy('tagger', '2.0.0'));
    const fixed = await library.load(source);
    expect(fixed).toEqual({ policy: expect.objectContaining({ version: '2.0.0' }) });
    expect(library.errors()).toEqual([]);
    expect(library.definition('tagger')).toBe(fixed.policy!.definition);
    expect(changes).toBe(3);
  });

  it('refuses a second file that defines a name another file already has', async () => {
    const library = new CustomPolicyLibrary();
    const dir = tempDir();
    const first = file(dir, 'a.ts', policy('same-name', '1'));
    const second = file(dir, 'b.ts', policy('same-name', '2'));
    await library.load(first);
    const clash = await library.load(second);
    expect(clash.policy).toBeUndefined();
    expect(clash.error?.message).toBe(`name: "same-name" is already defined by ${first}`);
    expect(library.definition('same-name')).toBe(library.entries()[0]!.policy!.definition);
  });

  it('adds custom policies to the config lookup (built-ins win) and forgets a removed file', async () => {
    const library = new CustomPolicyLibrary();
    const source = file(tempDir(), 'tagger.ts', policy('tagger', '1'));
    await library.load(source);
    const lookup = library.lookup(catalogueLookup);
    expect(lookup.find('tagger')?.scope).toBe('request');
    expect(lookup.find('rate-limiting-flex')).toBe(catalogueLookup.find('rate-limiting-flex'));
    expect(lookup.names()).toContain('tagger');
    expect(library.catalogue('tagger')?.name).toBe('tagger');

    expect(library.remove(source)).toBe(true);
    expect(lookup.find('tagger')).toBeUndefined();
    expect(library.definition('tagger')).toBeUndefined();
    expect(library.remove(source)).toBe(false);
  });

  it('runs shipped code and refuses it when the checksum does not match', async () => {
    const source = file(tempDir(), 'tagger.ts', policy('tagger', '1'));
    const compiled = (await new CustomPolicyLibrary().load(source)).policy!;
    const replica = new CustomPolicyLibrary();
    expect(replica.loadCode(compiled.code, source, compiled.checksum).policy?.name).toBe('tagger');
    const other = new CustomPolicyLibrary();
    expect(other.loadCode(compiled.code, source, '0'.repeat(64)).error?.message).toMatch(/^checksum mismatch/);
    expect(other.definition('tagger')).toBeUndefined();
  });
});
