/**
 * A custom policy in a store as the app leaves it (main/control/custom-policies.ts): the source
 * path, and the last good version's bundled code compiled by the real loader (esbuild).
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { compileCustomPolicy, instantiateCustomPolicy } from '../policies/custom/loader';
import type { Store } from '../store/store';

/** Sets header `header` on the upstream request to `<config.prefix>-${config.value}` (a `$` in the code, as real policies have). */
export function stampPolicySource(name = 'stamp', header = 'x-stamp'): string {
  return `import { definePolicy } from 'gatehouse/policy-sdk';

export default definePolicy({
  name: '${name}',
  version: '1.2.0',
  schema: { type: 'object', properties: { value: { type: 'string' } }, required: ['value'] },
  create(config: { value: string }) {
    return {
      onRequest(request) {
        request.headers.set('${header}', \`stamped-\${config.value}\`);
      },
    };
  },
});
`;
}

/** Writes `source` to `dir/<name>.ts`, compiles it and keeps it in `store`'s policies library; resolves the kept code. */
export async function keepCustomPolicy(store: Store, dir: string, name = 'stamp', source = stampPolicySource(name)): Promise<{ file: string; code: string }> {
  const file = path.join(dir, `${name}.ts`);
  writeFileSync(file, source);
  const compiled = await compileCustomPolicy(file);
  if (!compiled.ok) throw new Error(`${compiled.error.file}:${compiled.error.line}: ${compiled.error.message}`);
  const loaded = instantiateCustomPolicy(compiled.code, file);
  if (!loaded.ok) throw new Error(`${loaded.error.file}: ${loaded.error.message}`);
  const record = store.customPolicies.insert(file);
  store.customPolicies.setLoaded(record.id, { name: loaded.policy.name, version: loaded.policy.version, checksum: loaded.policy.checksum, code: compiled.code });
  return { file, code: compiled.code };
}
