import { describe, expect, it } from 'vitest';
import { JsonScanner, type JsonLimits } from './json-scanner';

const NONE: JsonLimits = { maxContainerDepth: -1, maxStringValueLength: -1, maxObjectEntryNameLength: -1, maxObjectEntryCount: -1, maxArrayElementCount: -1 };

/** Scans `text` whole, and again one byte at a time: both must agree. */
function scan(text: string, limits: Partial<JsonLimits> = {}): string | undefined {
  const whole = new JsonScanner({ ...NONE, ...limits });
  const wholeResult = whole.write(Buffer.from(text)) ?? whole.end();
  const bytes = new JsonScanner({ ...NONE, ...limits });
  const buffer = Buffer.from(text);
  let byteResult;
  for (let i = 0; i < buffer.length && byteResult === undefined; i++) byteResult = bytes.write(buffer.subarray(i, i + 1));
  byteResult ??= bytes.end();
  expect(byteResult?.limit).toBe(wholeResult?.limit);
  return wholeResult?.limit;
}

describe('JsonScanner', () => {
  it('accepts valid JSON of every kind, split anywhere', () => {
    for (const text of [
      '{}',
      '[]',
      ' {"a": [1, -2.5e+3, 0, 0.1, true, false, null, "x\\"y\\u00e9\\n"], "b": {"c": {}}} ',
      '"just a string"',
      '42',
      '-0.5E-2',
      'null',
      '[[[[[]]]]]',
    ])
      expect(scan(text), text).toBeUndefined();
  });

  it('refuses malformed JSON as syntax', () => {
    for (const text of ['{', '{"a" 1}', '{"a":1,}', '[1,]', '[1 2]', '01', '1.', '-', 'tru', 'nul!', '"abc', '"a\\x"', '{} {}', '{a:1}', '"\u0001"', '', '[1]]'])
      expect(scan(text), text).toBe('syntax');
  });

  it('maxContainerDepth counts objects and arrays together', () => {
    expect(scan('{"a":[{"b":[]}]}', { maxContainerDepth: 4 })).toBeUndefined();
    expect(scan('{"a":[{"b":[[]]}]}', { maxContainerDepth: 4 })).toBe('maxContainerDepth');
    expect(scan('1', { maxContainerDepth: 0 })).toBeUndefined();
    expect(scan('[]', { maxContainerDepth: 0 })).toBe('maxContainerDepth');
  });

  it('maxStringValueLength counts characters (not bytes; an escape is one) in values only', () => {
    expect(scan('["ééé", "\\u00e9\\n\\t"]', { maxStringValueLength: 3 })).toBeUndefined();
    expect(scan('["éééé"]', { maxStringValueLength: 3 })).toBe('maxStringValueLength');
    expect(scan('{"long name": "ok"}', { maxStringValueLength: 3 })).toBeUndefined();
  });

  it('maxObjectEntryNameLength counts entry names only', () => {
    expect(scan('{"abc": "a long value"}', { maxObjectEntryNameLength: 3 })).toBeUndefined();
    expect(scan('{"abcd": 1}', { maxObjectEntryNameLength: 3 })).toBe('maxObjectEntryNameLength');
  });

  it('maxObjectEntryCount and maxArrayElementCount count per container', () => {
    expect(scan('{"a":1,"b":2,"c":{"d":1,"e":2}}', { maxObjectEntryCount: 3 })).toBeUndefined();
    expect(scan('{"a":1,"b":2,"c":3,"d":4}', { maxObjectEntryCount: 3 })).toBe('maxObjectEntryCount');
    expect(scan('[1,2,[3,4],{"a":[5,6]}]', { maxArrayElementCount: 4 })).toBeUndefined();
    expect(scan('[1,2,3,4,5]', { maxArrayElementCount: 4 })).toBe('maxArrayElementCount');
    expect(scan('[[1,2,3,4,5]]', { maxArrayElementCount: 4 })).toBe('maxArrayElementCount');
  });

  it('stops at the first byte past a limit and says where', () => {
    const scanner = new JsonScanner({ ...NONE, maxContainerDepth: 3 });
    const violation = scanner.write(Buffer.from('[[[[' + ']]]]'));
    expect(violation).toEqual({ limit: 'maxContainerDepth', message: 'the JSON body exceeds maxContainerDepth: containers are nested deeper than 3 levels (at byte 3)' });
    expect(scanner.write(Buffer.from('1'))).toBe(violation);
  });

  it('scans 100,000 levels of nesting without recursion when depth is unlimited', () => {
    const depth = 100_000;
    expect(scan('['.repeat(depth) + ']'.repeat(depth))).toBeUndefined();
  });
});
