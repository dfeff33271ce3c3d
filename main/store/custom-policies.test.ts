import { describe, expect, it } from 'vitest';
import { useDataDirs } from '../testing/data-dir';
import { Store } from './store';

const { tempDir } = useDataDirs('gatehouse-custom-policy-repo-');

describe('custom policies repository', () => {
  it('keeps a source with its last good version on disk, survives reopening, and is not a config resource', () => {
    const dataDir = tempDir();
    const store = Store.open(dataDir);
    const added = store.customPolicies.insert('/home/dev/policies/tagger.ts');
    expect(added).toMatchObject({ source: '/home/dev/policies/tagger.ts' });
    expect(added.loaded).toBeUndefined();
    store.customPolicies.setLoaded(added.id, { name: 'tagger', version: '1.0.0', checksum: 'abc', code: 'module.exports = {}' });
    expect(() => store.customPolicies.insert('/home/dev/policies/tagger.ts')).toThrow(/UNIQUE/);
    // A whole-config import (clear + refill) leaves the policies library alone.
    store.transaction(() => store.clearResources());
    store.close();

    const again = Store.open(dataDir);
    expect(again.customPolicies.findBySource('/home/dev/policies/tagger.ts')).toMatchObject({ id: added.id, loaded: { name: 'tagger', version: '1.0.0', checksum: 'abc', code: 'module.exports = {}' } });
    expect(again.customPolicies.delete(added.id)).toBe(true);
    expect(again.customPolicies.list()).toEqual([]);
    again.close();
  });
});
