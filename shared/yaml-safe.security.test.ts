/**
 * The hardened YAML reader every entry point uses: alias bombs, huge and absurdly nested texts
 * are refused with a line and a reason, before anything expands them; ordinary anchors work.
 * (No timing assertions: a bomb that got through would hang or exhaust memory, and the test
 * timeout or the crash fails the run.)
 */
import { describe, expect, it } from 'vitest';
import { yamlBomb } from './testing/yaml-bomb';
import { MAX_YAML_ALIAS_NODES, MAX_YAML_ALIASES, MAX_YAML_BYTES, MAX_YAML_DEPTH, MAX_YAML_DOCUMENTS, MAX_YAML_ERRORS, parseYamlSafely } from './yaml-safe';

describe('parseYamlSafely', () => {
  it('refuses a billion-laughs bomb at the alias that goes over the budget, and returns nothing', () => {
    const bomb = yamlBomb();
    expect(bomb.text.length).toBeLessThan(600);
    const result = parseYamlSafely(bomb.text);
    expect(result.documents).toEqual([]);
    expect(result.errors).toHaveLength(1);
    const [error] = result.errors;
    expect(error).toMatchObject({ kind: 'limit', message: expect.stringMatching(/^too many aliases: \*l\d+ takes the file over 1000 alias expansions/) });
    expect(bomb.aliasLines).toContain(error!.line);
  });

  it('counts the budget over the whole text, not per document', () => {
    // Each document alone is fine (2 × 300 aliases); all of them together are not.
    const doc = `a: &a 1\nb: [${Array(300).fill('*a').join(', ')}]\n`;
    expect(parseYamlSafely(doc).errors).toEqual([]);
    const result = parseYamlSafely(`${doc}---\n${doc}---\n${doc}---\n${doc}`);
    expect(result.documents).toEqual([]);
    expect(result.errors[0]).toMatchObject({ line: 11, message: expect.stringMatching(/^too many aliases: \*a /) });
  });

  it('refuses more alias nodes than the budget while still parsing, at the first one over it', () => {
    const text = `a: &a x\nb:\n${Array(MAX_YAML_ALIASES + 5).fill('  - *a').join('\n')}\n`;
    expect(parseYamlSafely(text).errors).toEqual([
      { line: MAX_YAML_ALIASES + 3, kind: 'limit', message: `too many aliases: *a is alias number ${MAX_YAML_ALIASES + 1} in the file, more than the ${MAX_YAML_ALIASES} a file may have` },
    ]);
  });

  it('refuses aliases that copy a large anchor many times', () => {
    const big = `big: &big [${Array(2000).fill('x').join(',')}]\n`;
    const copies = `copies: [${Array(Math.ceil(MAX_YAML_ALIAS_NODES / 2000) + 1).fill('*big').join(',')}]\n`;
    const result = parseYamlSafely(big + copies);
    expect(result.errors).toEqual([{ line: 2, kind: 'limit', message: `too many aliases: *big takes what aliases copy over ${MAX_YAML_ALIAS_NODES} nodes` }]);
  });

  it('refuses an alias inside its own anchor and an alias without an anchor', () => {
    expect(parseYamlSafely('ok: 1\nloop: &loop [1, *loop]\n').errors).toEqual([
      { line: 2, kind: 'limit', message: 'too many aliases: *loop is inside its own anchor &loop, so it never ends' },
    ]);
    expect(parseYamlSafely('a: 1\nb: *nowhere\n').errors).toEqual([{ line: 2, kind: 'syntax', message: 'unknown alias *nowhere (its anchor &nowhere must come before it)' }]);
  });

  it(`refuses a text over MAX_YAML_BYTES (${MAX_YAML_BYTES / 1024 / 1024} MiB) without parsing it, saying the limit`, () => {
    const result = parseYamlSafely(`a: "${'x'.repeat(MAX_YAML_BYTES)}"\n`);
    expect(result.documents).toEqual([]);
    expect(result.errors).toEqual([{ line: 0, kind: 'limit', message: 'too large (4.0 MiB): a YAML file may have at most 4 MiB' }]);
    // Multi-byte characters count as the bytes they take.
    expect(parseYamlSafely(`a: "${'é'.repeat(MAX_YAML_BYTES / 2 + 1)}"`).errors[0]?.message).toMatch(/^too large \(/);
    expect(parseYamlSafely('a: 1', { maxBytes: 2 }).errors[0]?.message).toBe('too large (4 bytes): a YAML file may have at most 2 bytes');
  });

  it(`refuses nesting deeper than ${MAX_YAML_DEPTH} levels, written or made by aliases`, () => {
    const deep = `a: 1\nb: ${'['.repeat(1_000_000)}${']'.repeat(1_000_000)}\n`;
    expect(parseYamlSafely(deep).errors).toEqual([{ line: 2, kind: 'limit', message: `nested deeper than ${MAX_YAML_DEPTH} levels` }]);
    // Each anchor nests the previous one 50 levels down: three of them are 150 levels.
    const nest = (inner: string) => `${'['.repeat(50)}${inner}${']'.repeat(50)}`;
    const chained = `a: &a ${nest('1')}\nb: &b ${nest('*a')}\nc: &c ${nest('*b')}\n`;
    expect(parseYamlSafely(chained).errors).toEqual([{ line: 3, kind: 'limit', message: `too many aliases: *b nests the document deeper than ${MAX_YAML_DEPTH} levels` }]);
  });

  it('refuses floods the yaml package is slow with: syntax errors, documents', () => {
    expect(parseYamlSafely(`a: 1\n${']'.repeat(1024 * 1024)}`).errors).toEqual([{ line: 2, kind: 'limit', message: `more than ${MAX_YAML_ERRORS} YAML syntax errors or warnings (is this YAML?)` }]);
    expect(parseYamlSafely('---\na: 1\n'.repeat(MAX_YAML_DOCUMENTS + 1)).errors).toEqual([{ line: MAX_YAML_DOCUMENTS * 2 + 1, kind: 'limit', message: `more than ${MAX_YAML_DOCUMENTS} documents` }]);
    const duplicates = Array.from({ length: 2 * MAX_YAML_ERRORS }, () => 'same: 1').join('\n');
    expect(parseYamlSafely(duplicates).errors).toEqual([{ line: MAX_YAML_ERRORS + 2, kind: 'limit', message: `more than ${MAX_YAML_ERRORS} YAML syntax errors or warnings (is this YAML?)` }]);
  });

  it('checks duplicate keys of a large mapping in linear time (the yaml package is quadratic)', () => {
    const keys = Array.from({ length: 50_000 }, (_, i) => `key${i}: ${i}`);
    // Only the key written twice is reported, on its own line.
    expect(parseYamlSafely(`${keys.join('\n')}\nkey5: again`).errors).toEqual([{ line: 50_001, kind: 'syntax', message: 'Map keys must be unique' }]);
  });

  it('reads ordinary anchors and aliases (merge keys stay plain keys), each alias an independent copy', () => {
    const text = [
      'defaults: &limits',
      '  rateLimits: [{ maximumRequests: 10, timePeriodInMilliseconds: 1000 }]',
      'first: *limits',
      'second: { <<: *limits, extra: true }',
      'key: &name shared',
      '*name : aliased key',
      'notes: |',
      '  *not an alias*',
    ].join('\n');
    const result = parseYamlSafely(text);
    expect(result.errors).toEqual([]);
    const value = result.documents[0]!.toValue() as Record<string, Record<string, unknown>>;
    const limits = { rateLimits: [{ maximumRequests: 10, timePeriodInMilliseconds: 1000 }] };
    expect(value).toEqual({ defaults: limits, first: limits, second: { '<<': limits, extra: true }, key: 'shared', shared: 'aliased key', notes: '*not an alias*\n' });
    expect(value.first).not.toBe(value.defaults);
  });

  it('keeps syntax errors per document with their lines, and "__proto__" as a plain key', () => {
    const result = parseYamlSafely('a: 1\n---\nk: 1\nk: 2\n---\n__proto__: { polluted: true }\n');
    expect(result.errors).toEqual([{ line: 4, kind: 'syntax', message: 'Map keys must be unique' }]);
    expect(result.documents.map((doc) => doc.index)).toEqual([0, 2]);
    const value = result.documents[1]!.toValue() as object;
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.keys(value)).toEqual(['__proto__']);
  });
});
