import { describe, expect, it } from 'vitest';
import { DEFAULT_REQUEST_EXPRESSION, DEFAULT_RESPONSE_EXPRESSION } from './http-caching';
import { parseCondition } from './condition-expression';

function condition(source: string, phase: 'request' | 'response' = 'request') {
  const parsed = parseCondition(source, phase);
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.condition;
}

describe('http-caching-flex conditions (DataWeave subset)', () => {
  it("runs Flex's default requestExpression and responseExpression", () => {
    const request = condition(DEFAULT_REQUEST_EXPRESSION);
    expect(request({ method: 'GET' })).toBe(true);
    expect(request({ method: 'HEAD' })).toBe(true);
    expect(request({ method: 'POST' })).toBe(false);
    const response = condition(DEFAULT_RESPONSE_EXPRESSION, 'response');
    expect(response({ statusCode: 404 })).toBe(true);
    expect(response({ statusCode: 500 })).toBe(false);
  });

  it('reads headers, query parameters, not, and, parentheses and comparisons', () => {
    const check = condition("#[not (attributes.headers['X-Skip'] == 'yes') and (attributes.queryParams['page'] < 3 or attributes.requestPath contains '/public')]");
    expect(check({ headers: {}, queryParams: new URLSearchParams('page=2'), requestPath: '/x' })).toBe(true);
    expect(check({ headers: { 'x-skip': 'yes' }, queryParams: new URLSearchParams('page=2'), requestPath: '/x' })).toBe(false);
    expect(check({ headers: {}, queryParams: new URLSearchParams('page=7'), requestPath: '/public/a' })).toBe(true);
    expect(check({ headers: {}, queryParams: new URLSearchParams('page=7'), requestPath: '/x' })).toBe(false);
  });

  it('refuses what it cannot run, saying which forms it supports', () => {
    const status = parseCondition('#[attributes.statusCode == 200]', 'request');
    expect(status).toMatchObject({ ok: false });
    expect(!status.ok && status.message).toMatch(/only known for responses/);
    const unknown = parseCondition('#[payload.id == 1]', 'request');
    expect(!unknown.ok && unknown.message).toMatch(/unsupported value "payload\.id".*supported:/);
    expect(parseCondition("attributes.method == 'GET'", 'request')).toMatchObject({ ok: false });
    expect(parseCondition("#[attributes.method == 'GET' or]", 'request')).toMatchObject({ ok: false });
  });
});
