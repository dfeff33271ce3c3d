import { describe, expect, it } from 'vitest';
import { compileRules } from './rules';
import { SnapshotError } from './snapshot-error';

describe('policy rules', () => {
  it('always applies without rules', () => {
    expect(compileRules(undefined, 'rules')).toBeUndefined();
    expect(compileRules([], 'rules')).toBeUndefined();
  });

  it('matches methods by list or by whole-value regex, case-insensitively for the regex', () => {
    const list = compileRules([{ methods: ['get', 'POST'] }], 'rules')!;
    expect(list('GET', '/', '/', 'h', {})).toBe(true);
    expect(list('PUT', '/', '/', 'h', {})).toBe(false);
    const regex = compileRules([{ methods: 'get|post' }], 'rules')!;
    expect(regex('POST', '/', '/', 'h', {})).toBe(true);
    expect(regex('POSTX', '/', '/', 'h', {})).toBe(false);
  });

  it('matches the path as sent or relative to the base path, always the whole value', () => {
    const rule = compileRules([{ path: '/users/.*' }], 'rules')!;
    expect(rule('GET', '/api/users/1', '/users/1', 'h', {})).toBe(true);
    expect(rule('GET', '/users/1', '/users/1', 'h', {})).toBe(true);
    expect(rule('GET', '/api/admin/users/1', '/admin/users/1', 'h', {})).toBe(false);
  });

  it('matches the host with or without its port', () => {
    const rule = compileRules([{ host: 'api\\.local' }], 'rules')!;
    expect(rule('GET', '/', '/', 'api.local:8081', {})).toBe(true);
    expect(rule('GET', '/', '/', 'API.local', {})).toBe(true);
    expect(rule('GET', '/', '/', 'evil-api.local', {})).toBe(false);
  });

  it('needs every header of a rule (AND), any rule (OR), and a missing header never matches', () => {
    const rules = compileRules([{ headers: [{ 'X-Env': 'prod' }, { 'x-team': 'a|b' }] }, { path: '/open' }], 'rules')!;
    expect(rules('GET', '/x', '/x', 'h', { 'x-env': 'prod', 'x-team': 'b' })).toBe(true);
    expect(rules('GET', '/x', '/x', 'h', { 'x-env': 'prod' })).toBe(false);
    expect(rules('GET', '/x', '/x', 'h', { 'x-env': 'production', 'x-team': 'a' })).toBe(false);
    expect(rules('GET', '/open', '/open', 'h', {})).toBe(true);
  });

  it('names the field of an invalid regex, with the file and line when known', () => {
    try {
      compileRules([{ path: '/ok' }, { path: '(' }], 'apis[0].policies[2].rules', { file: 'conf.d/api.yaml', line: 12 });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(SnapshotError);
      expect((error as SnapshotError).message).toMatch(/^conf\.d\/api\.yaml:12: apis\[0\]\.policies\[2\]\.rules\[1\]\.path: invalid regular expression/);
      expect((error as SnapshotError).details[0]).toMatchObject({ file: 'conf.d/api.yaml', line: 12 });
    }
  });
});
