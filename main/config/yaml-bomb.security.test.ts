/**
 * The config loader behind conf.d, hot reload, `validate` and `import` refuses YAML alias bombs
 * and oversized files as `file:line: too many aliases …` / `file: too large …`, and still reads
 * the anchors Flex users write. Real files in a temp dir. No timing assertions: a bomb that got
 * through would hang or exhaust memory and fail the run anyway.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { yamlBomb } from '../../shared/testing/yaml-bomb';
import { MAX_YAML_BYTES } from '../../shared/yaml-safe';
import { formatConfigError } from './errors';
import { loadConfig, loadConfigText, type LoadResult } from './load';
import { watchConfig, type ConfigWatcher } from './watch';

const dir = mkdtempSync(path.join(tmpdir(), 'gatehouse-yaml-bomb-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const api = (name: string, base: string) => `apiVersion: gateway.mulesoft.com/v1alpha1
kind: ApiInstance
metadata:
  name: ${name}
spec:
  address: http://127.0.0.1:8081/${base}
  services:
    upstream:
      address: http://127.0.0.1:3000/
`;

/** A bomb that starts like a resource, so its lines are the lines of a config file. */
const bomb = yamlBomb({ before: `${api('bomb', 'bomb')}  labels:` });

function expectAliasRefusal(result: LoadResult, file: string): void {
  expect(result.snapshot).toBeUndefined();
  expect(result.errors).toHaveLength(1);
  const [error] = result.errors;
  expect(error).toMatchObject({ file, field: '', message: expect.stringMatching(/^too many aliases: /) });
  expect(bomb.aliasLines).toContain(error!.line);
  expect(formatConfigError(error!)).toMatch(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:${error!.line}: too many aliases: \\*l\\d `));
}

describe('YAML alias bombs in config files', () => {
  it('a bomb file is refused with its file, the line of the alias and "too many aliases"', () => {
    const file = path.join(dir, 'bomb.yaml');
    writeFileSync(file, bomb.text);
    expectAliasRefusal(loadConfig(file, { env: {} }), file);
  });

  it('a bomb in a conf.d directory refuses the whole directory, naming the bomb file', () => {
    const confd = mkdtempSync(path.join(dir, 'confd-'));
    writeFileSync(path.join(confd, 'a.yaml'), api('a', 'a'));
    writeFileSync(path.join(confd, 'z.yaml'), bomb.text);
    expectAliasRefusal(loadConfig(confd, { env: {} }), path.join(confd, 'z.yaml'));
  });

  it('imported text (gatehouse import, PUT /api/v1/config) is refused the same way', () => {
    expectAliasRefusal(loadConfigText(bomb.text, 'upload.yaml', { env: {} }), 'upload.yaml');
  });

  it(`a file over ${MAX_YAML_BYTES / 1024 / 1024} MiB (file or text) is refused, saying the limit`, () => {
    const file = path.join(dir, 'huge.yaml');
    writeFileSync(file, `${api('huge', 'huge')}# ${'x'.repeat(MAX_YAML_BYTES)}\n`);
    const result = loadConfig(file, { env: {} });
    expect(result.snapshot).toBeUndefined();
    expect(result.errors).toEqual([{ file, line: 0, field: '', message: 'too large (4.0 MiB): a YAML file may have at most 4 MiB' }]);
    expect(loadConfigText(`# ${'x'.repeat(MAX_YAML_BYTES)}\n`, 'upload.yaml', { env: {} }).errors[0]?.message).toMatch(/^too large \(4\.0 MiB\): .* at most 4 MiB$/);
  });

  it('still loads the anchors and aliases Flex users write, with lines for errors inside them', () => {
    const text = `${api('one', 'one')}  policies:
    - policyRef:
        name: rate-limiting-flex
      config: &limits
        rateLimits:
          - maximumRequests: 10
            timePeriodInMilliseconds: 1000
---
${api('two', 'two')}  policies:
    - policyRef:
        name: rate-limiting-flex
      config: &limits
        rateLimits:
          - maximumRequests: 20
            timePeriodInMilliseconds: 1000
    - policyRef:
        name: rate-limiting-flex
      config: *limits
`;
    const result = loadConfigText(text, 'anchors.yaml', { env: {} });
    expect(result.errors).toEqual([]);
    const policies = result.snapshot!.listeners[0]!.apis.map((a) => a.policies.map((p) => (p.config as { rateLimits: { maximumRequests: number }[] }).rateLimits[0]!.maximumRequests));
    expect(policies.sort()).toEqual([[10], [20, 20]]);

    // An error inside an aliased value points at the anchor, where the value is written.
    const broken = loadConfigText(text.replace('maximumRequests: 20', 'maximumRequests: -1'), 'anchors.yaml', { env: {} });
    expect(broken.errors.map(formatConfigError)).toEqual([
      'anchors.yaml:32: spec.policies[0].config.rateLimits[0].maximumRequests: Too small: expected number to be >0',
      'anchors.yaml:32: spec.policies[1].config.rateLimits[0].maximumRequests: Too small: expected number to be >0',
    ]);
  });
});

describe('YAML alias bombs in a watched conf.d', () => {
  let watcher: ConfigWatcher | undefined;
  afterEach(() => watcher?.close());

  it('a bomb dropped into the directory is reported as a rejected reload; removing it reloads the good config', async () => {
    const confd = mkdtempSync(path.join(dir, 'watched-'));
    writeFileSync(path.join(confd, 'a.yaml'), api('a', 'a'));
    const results: LoadResult[] = [];
    let waiting: (() => void) | undefined;
    const next = () => new Promise<LoadResult>((resolve) => (waiting = () => resolve(results[results.length - 1]!)));
    watcher = watchConfig(confd, (result) => (results.push(result), waiting?.()), { env: {}, pollMs: 200 });

    const rejected = next();
    writeFileSync(path.join(confd, 'bomb.yaml'), bomb.text);
    expectAliasRefusal(await rejected, path.join(confd, 'bomb.yaml'));

    const recovered = next();
    rmSync(path.join(confd, 'bomb.yaml'));
    const good = await recovered;
    expect(good.errors).toEqual([]);
    expect(good.snapshot!.listeners[0]!.apis.map((a) => a.basePath)).toEqual(['/a']);
  });
});
