import { describe, expect, it } from 'vitest';
import { checkBasePath, nameProblem } from './api-paths';
import { apiCreateSchema, apiPatchSchema } from './contract/models';

/** Base paths every entry point must refuse, with a word of the reason each message gives. */
const BAD_BASE_PATHS: [string, RegExp][] = [
  ['/a/../b', /"\." or "\.\." segments/],
  ['/a/./b', /"\." or "\.\." segments/],
  ['/..', /"\." or "\.\." segments/],
  ['/a//b', /empty segments/],
  ['/a\\b', /"\\"/],
  ['/a/%2e%2e/b', /percent-encoded/],
  ['/a/%2E./b', /percent-encoded/],
  ['/a%2fb', /percent-encoded/],
  ['/a%5Cb', /percent-encoded/],
  ['/a/..;/b', /";"/],
  ['/a;jsessionid=1', /";"/],
  ['/a%zz', /"%"/],
  ['/a%00b', /percent-encoded control/],
  ['/.gatehouse', /\/\.gatehouse/],
  ['/.gatehouse/x', /\/\.gatehouse/],
  ['/.Gatehouse/health', /\/\.gatehouse/],
  ['/a\u0000b', /control characters \(U\+0000/],
  ['/a\nb', /control characters \(U\+000A/],
  ['/demo\n', /control characters \(U\+000A/],
  ['/a\u007fb', /control characters \(U\+007F/],
  ['/a\u0085b', /control characters \(U\+0085/],
  ['/a b', /spaces/],
  ['/a?b', /"\?" or "#"/],
  ['demo', /start with "\/"/],
];

const GOOD_BASE_PATHS: [string, string][] = [
  ['/', '/'],
  ['/demo', '/demo'],
  ['/demo/', '/demo'],
  ['/api/v1', '/api/v1'],
  ['/a-b_c.d~e', '/a-b_c.d~e'],
  ['/.well-known', '/.well-known'],
  ['/...', '/...'],
  ['/caf%C3%A9', '/caf%C3%A9'],
  [' /spaced ', '/spaced'],
];

describe('base path check', () => {
  it.each(BAD_BASE_PATHS)('refuses %j', (raw, reason) => {
    const checked = checkBasePath(raw);
    expect(checked.ok).toBe(false);
    if (!checked.ok) expect(checked.message).toMatch(reason);
    // The message never echoes a raw control character.
    if (!checked.ok) expect(checked.message).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
  });

  it.each(GOOD_BASE_PATHS)('accepts %j as %j (trailing slashes dropped as before)', (raw, normalised) => {
    expect(checkBasePath(raw)).toEqual({ ok: true, basePath: normalised });
  });
});

describe('the contract schemas use it', () => {
  const base = { name: 'Demo', implementationUrl: 'http://127.0.0.1:3000' };

  it('apis.create and apis.update refuse every bad base path, naming basePath', () => {
    for (const [basePath, reason] of BAD_BASE_PATHS) {
      for (const result of [apiCreateSchema.safeParse({ ...base, basePath }), apiPatchSchema.safeParse({ basePath })]) {
        expect(result.success, JSON.stringify(basePath)).toBe(false);
        expect(result.error!.issues[0]!.path).toEqual(['basePath']);
        expect(result.error!.issues[0]!.message).toMatch(reason);
      }
    }
  });

  it('names: control characters refused (also at the ends, where trimming hid them), spaces trimmed', () => {
    for (const name of ['bell\u0007', 'two\nlines', 'tab\there', '\u0000', 'nel\u0085', 'end\n']) {
      for (const result of [apiCreateSchema.safeParse({ ...base, name }), apiPatchSchema.safeParse({ name })]) {
        expect(result.success, JSON.stringify(name)).toBe(false);
        expect(result.error!.issues[0]!.path).toEqual(['name']);
        expect(result.error!.issues[0]!.message).toMatch(/control characters/);
      }
    }
    expect(nameProblem('   ')).toBe('must not be empty');
    expect(nameProblem('x'.repeat(101))).toBe('must be at most 100 characters');
    expect(apiCreateSchema.parse({ ...base, name: '  Orders API  ' })).toMatchObject({ name: 'Orders API', basePath: '/orders-api' });
  });
});
