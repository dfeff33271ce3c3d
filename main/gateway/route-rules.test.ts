import { describe, expect, it } from 'vitest';
import type { PolicyRule } from '../../shared/policies/common';
import { captureGroups, compileRouteRules, type RouteRequest } from './route-rules';

const req = (relativePath: string, extra: Partial<RouteRequest> = {}): RouteRequest => ({
  method: 'GET',
  relativePath,
  relativeOrRoot: relativePath === '' ? '/' : relativePath,
  host: 'gw.local:8080',
  headers: {},
  ...extra,
});
const match = (rules: PolicyRule[], request: RouteRequest) => compileRouteRules(rules, 'routes[0].rules')!(request);

describe('route rules', () => {
  it('takes every request without rules', () => {
    expect(compileRouteRules(undefined, 'rules')).toBeUndefined();
    expect(compileRouteRules([], 'rules')).toBeUndefined();
  });

  it('forwards the concatenation of the capture groups, or the whole relative path without one', () => {
    expect(match([{ path: '/api(/.*)' }], req('/api/orders'))).toBe('/orders');
    expect(match([{ path: '/foo(/.*)/bar(/.*)' }], req('/foo/abc/bar/def'))).toBe('/abc/def');
    expect(match([{ path: '/api/(?<rest>.*)' }], req('/api/v2/x'))).toBe('/v2/x');
    expect(match([{ path: '/api/.*' }], req('/api/foo/bar'))).toBe('/api/foo/bar');
    expect(match([{ path: '/api(?:/.*)' }], req('/api/foo'))).toBe('/api/foo');
    expect(match([{ methods: 'GET' }], req(''))).toBe('');
    // An optional group that did not take part, or an empty capture, forwards nothing below the destination.
    expect(match([{ path: '/users(/.*)?' }], req('/users'))).toBe('');
    expect(match([{ path: '(.*)' }], req(''))).toBe('/');
  });

  it('matches the whole relative path only, never the path with the base path', () => {
    const rule = compileRouteRules([{ path: '/foo(/.*)' }], 'rules')!;
    expect(rule(req('/foo/bar'))).toBe('/bar');
    expect(rule(req('/xfoo/bar'))).toBeUndefined();
    expect(rule(req('/foo'))).toBeUndefined();
  });

  it('uses the first rule that matches, with its own captures', () => {
    const rules = compileRouteRules([{ path: '/api(/users/.*)' }, { path: '/api(/comments/.*)', methods: 'POST' }, { path: '/v2(/.*)' }], 'rules')!;
    expect(rules(req('/api/users/1'))).toBe('/users/1');
    expect(rules(req('/api/comments/1'))).toBeUndefined();
    expect(rules(req('/api/comments/1', { method: 'POST' }))).toBe('/comments/1');
    expect(rules(req('/v2/x'))).toBe('/x');
  });

  it('ANDs path, methods (regex or list), host and headers within a rule', () => {
    const rule: PolicyRule[] = [{ path: '(.*)', methods: 'GET|POST', host: 'test\\.com', headers: [{ 'X-Test': 'true', 'x-version': '2|3' }] }];
    const headers = { 'x-test': 'true', 'x-version': '3' };
    expect(match(rule, req('/1', { method: 'POST', host: 'test.com:8080', headers }))).toBe('/1');
    expect(match(rule, req('/1', { method: 'PUT', host: 'test.com', headers }))).toBeUndefined();
    expect(match(rule, req('/1', { method: 'GET', host: 'other.com', headers }))).toBeUndefined();
    expect(match(rule, req('/1', { method: 'GET', host: 'test.com', headers: { ...headers, 'x-version': '23' } }))).toBeUndefined();
    expect(match(rule, req('/1', { method: 'GET', host: 'test.com', headers: { 'x-version': '2' } }))).toBeUndefined();
    expect(match([{ methods: ['get'] }], req('/1'))).toBe('/1');
  });

  it('counts capture groups once, at compile time', () => {
    expect(captureGroups('/api/.*')).toBe(0);
    expect(captureGroups('/api(?:/x)(/.*)')).toBe(1);
    expect(captureGroups('(?<a>x)(y)\\(z\\)')).toBe(2);
  });

  it('names the field of an invalid regex', () => {
    expect(() => compileRouteRules([{ path: '/ok' }, { methods: '(' }], 'apis[0].routes[1].rules')).toThrow(/apis\[0\]\.routes\[1\]\.rules\[1\]\.methods: invalid regular expression/);
  });
});
