/**
 * The watcher sees a changed, an added and a removed file of a conf.d directory, and edits of a
 * single watched file (including editor-style replace-by-rename), within about a second.
 */
import { mkdirSync, mkdtempSync, renameSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { CustomPolicyLibrary } from '../policies/custom/library';
import type { LoadResult } from './load';
import { loadConfigWithPolicies } from './load';
import { PolicySources } from './policy-sources';
import { watchConfig, type ConfigWatcher } from './watch';

const dir = mkdtempSync(path.join(tmpdir(), 'gatehouse-watch-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const api = (name: string, base: string, port = 8081) => `apiVersion: gateway.mulesoft.com/v1alpha1
kind: ApiInstance
metadata:
  name: ${name}
spec:
  address: http://127.0.0.1:${port}/${base}
  services:
    upstream:
      address: http://127.0.0.1:3000/
`;

/** Collects reloads; `next()` waits for the following one (fails after `ms`). */
function recorder() {
  const results: LoadResult[] = [];
  let waiting: ((result: LoadResult) => void) | undefined;
  return {
    results,
    onChange(result: LoadResult) {
      results.push(result);
      waiting?.(result);
      waiting = undefined;
    },
    next(ms = 2500): Promise<LoadResult> {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no reload within ${ms} ms`)), ms);
        waiting = (result) => {
          clearTimeout(timer);
          resolve(result);
        };
      });
    },
  };
}

const basePaths = (result: LoadResult) => result.snapshot?.listeners.flatMap((l) => l.apis.map((a) => a.basePath)).sort();

let watcher: ConfigWatcher | undefined;
afterEach(() => watcher?.close());

describe('watchConfig', () => {
  it('reloads a conf.d directory when a file changes, is added or removed, and reports invalid content', async () => {
    const confd = mkdtempSync(path.join(dir, 'confd-'));
    writeFileSync(path.join(confd, 'a.yaml'), api('a', 'a'));
    const seen = recorder();
    watcher = watchConfig(confd, seen.onChange, { env: {} });

    let started = Date.now();
    writeFileSync(path.join(confd, 'a.yaml'), api('a', 'a-renamed'));
    expect(basePaths(await seen.next())).toEqual(['/a-renamed']);
    expect(Date.now() - started).toBeLessThan(1500);

    writeFileSync(path.join(confd, 'b.yml'), api('b', 'b'));
    expect(basePaths(await seen.next())).toEqual(['/a-renamed', '/b']);

    started = Date.now();
    unlinkSync(path.join(confd, 'a.yaml'));
    expect(basePaths(await seen.next())).toEqual(['/b']);
    expect(Date.now() - started).toBeLessThan(1500);

    writeFileSync(path.join(confd, 'b.yml'), 'kind: Nope\n');
    const invalid = await seen.next();
    expect(invalid.snapshot).toBeUndefined();
    expect(invalid.errors[0]).toMatchObject({ file: path.join(confd, 'b.yml'), line: 1, field: 'apiVersion' });

    // A file that is not YAML config is not watched content.
    const count = seen.results.length;
    writeFileSync(path.join(confd, 'README.md'), 'notes');
    await new Promise((resolve) => setTimeout(resolve, 1300));
    expect(seen.results.length).toBe(count);
  });

  it('follows a single file replaced by rename, as editors save it', async () => {
    const file = path.join(mkdtempSync(path.join(dir, 'single-')), 'gateway.yaml');
    writeFileSync(file, api('one', 'one'));
    const seen = recorder();
    watcher = watchConfig(file, seen.onChange, { env: {} });
    const temp = `${file}.tmp`;
    writeFileSync(temp, api('one', 'two'));
    renameSync(temp, file);
    expect(basePaths(await seen.next())).toEqual(['/two']);
    writeFileSync(file, api('one', 'three'));
    expect(basePaths(await seen.next())).toEqual(['/three']);
  });

  it('still notices changes through the poll when fs events are missed', async () => {
    const confd = mkdtempSync(path.join(dir, 'poll-'));
    writeFileSync(path.join(confd, 'a.yaml'), api('a', 'a'));
    const seen = recorder();
    // Replace the directory itself: a watch on the old inode sees nothing after this.
    watcher = watchConfig(confd, seen.onChange, { env: {}, pollMs: 200 });
    rmSync(confd, { recursive: true });
    const fresh = mkdtempSync(path.join(dir, 'poll-tmp-'));
    writeFileSync(path.join(fresh, 'a.yaml'), api('a', 'polled'));
    renameSync(fresh, confd);
    const result = await seen.next(3000);
    // The first reload may catch the moment the directory was gone; the poll settles on the new one.
    const settled = basePaths(result)?.[0] === '/polled' ? result : await seen.next(3000);
    expect(basePaths(settled)).toEqual(['/polled']);
  });

  it('follows a custom policy file outside the conf.d: an edit, a syntax error (with its file and line) and the fix each reload', async () => {
    const base = mkdtempSync(path.join(dir, 'policy-'));
    const confd = path.join(base, 'conf.d');
    const policyFile = path.join(base, 'policies', 'stamp.ts');
    mkdirSync(confd);
    mkdirSync(path.dirname(policyFile));
    const policy = (value: string) =>
      `import { definePolicy } from 'gatehouse/policy-sdk';\nexport default definePolicy({ name: 'stamp', version: '1', schema: { type: 'object' }, create() { return { onRequest(r) { r.headers.set('x-stamp', '${value}'); } }; } });\n`;
    writeFileSync(policyFile, policy('one'));
    writeFileSync(
      path.join(confd, 'api.yaml'),
      `${api('a', 'a')}  policies:\n    - policyRef:\n        name: stamp\n---\napiVersion: gateway.mulesoft.com/v1alpha1\nkind: Extension\nmetadata:\n  name: stamp\nspec:\n  extends:\n    - name: extension-definition\n  source: ../policies/stamp.ts\n`,
    );
    const policies = new PolicySources(new CustomPolicyLibrary());
    const first = await loadConfigWithPolicies(confd, { env: {}, policies });
    expect(first.errors).toEqual([]);
    const seen: LoadResult[] = [];
    watcher = watchConfig(confd, (result) => seen.push(result), { env: {}, policies, initial: first });
    const nextAfter = async (count: number) => {
      while (seen.length <= count) await new Promise((resolve) => setTimeout(resolve, 50));
      return seen[count]!;
    };

    writeFileSync(policyFile, policy('two'));
    const edited = await nextAfter(0);
    expect(edited.errors).toEqual([]);
    expect(edited.snapshot!.version).not.toBe(first.snapshot!.version);

    writeFileSync(policyFile, policy('three').replace('create() {', 'create() {{'));
    const broken = await nextAfter(1);
    expect(broken.snapshot).toBeUndefined();
    expect(broken.errors[0]).toMatchObject({ file: policyFile, line: 2 });

    writeFileSync(policyFile, policy('three'));
    const fixed = await nextAfter(2);
    expect(fixed.errors).toEqual([]);
    expect(fixed.snapshot!.version).not.toBe(edited.snapshot!.version);
  });
});
