import { describe, expect, it } from 'vitest';
import { compileExpression, evaluateExpression, isExpression, parseExpression, SUPPORTED_EXPRESSIONS, type ExpressionAttributes } from './expressions';

const attributes: ExpressionAttributes = {
  method: 'POST',
  requestPath: '/api/orders/7',
  remoteAddress: '10.1.2.3',
  headers: { 'x-api-key': 'k1', 'client_id': 'app-1', accept: ['a', 'b'] },
  query: new URLSearchParams('user=ann&tag=x&tag=y'),
  principal: 'alice',
  clientId: 'app-1',
};

const evaluate = (source: string) => compileExpression(source)(attributes);

describe('expression subset', () => {
  it.each([
    ["#[attributes.headers['x-api-key']]", 'k1'],
    ['#[attributes.headers["x-api-key"]]', 'k1'],
    ["#[attributes.headers['X-API-Key']]", 'k1'],
    ["#[ attributes.headers [ 'client_id' ] ]", 'app-1'],
    ['#[attributes.headers.client_id]', 'app-1'],
    ["#[attributes.headers['accept']]", 'a, b'],
    ["#[attributes.headers['absent']]", undefined],
    ["#[attributes.queryParams['user']]", 'ann'],
    ["#[attributes.queryParams['tag']]", 'x'],
    ['#[attributes.queryParams.user]', 'ann'],
    ["#[attributes.queryParams['absent']]", undefined],
    ['#[attributes.method]', 'POST'],
    ['#[attributes.requestPath]', '/api/orders/7'],
    ['#[attributes.remoteAddress]', '10.1.2.3'],
    ['#[authentication.principal]', 'alice'],
    ['#[authentication.clientId]', 'app-1'],
    ['  #[attributes.method]  ', 'POST'],
    ['plain text', 'plain text'],
    ['', ''],
  ])('%s → %s', (source, expected) => {
    expect(evaluate(source)).toBe(expected);
  });

  it('keeps query parameter names case-sensitive and header names case-insensitive', () => {
    expect(parseExpression("#[attributes.queryParams['User']]")).toEqual({ ok: true, expression: { kind: 'query', name: 'User' } });
    expect(parseExpression("#[attributes.headers['X-Key']]")).toEqual({ ok: true, expression: { kind: 'header', name: 'x-key' } });
  });

  it('tells literals from expressions', () => {
    expect(isExpression('#[attributes.method]')).toBe(true);
    expect(isExpression('  #[x]')).toBe(true);
    expect(isExpression('value #[x]')).toBe(false);
    expect(parseExpression('gatehouse')).toEqual({ ok: true, expression: { kind: 'literal', value: 'gatehouse' } });
  });

  it.each([
    '#[payload.user]',
    '#[vars.clientId]',
    "#[attributes.headers['a'] ++ 'b']",
    "#[upper(attributes.headers['a'])]",
    '#[attributes.queryParams]',
    '#[attributes.method',
    '#[]',
    '#[attributes.uriParams.id]',
  ])('%s is refused with the list of supported forms', (source) => {
    const parsed = parseExpression(source);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.message).toContain(source);
    for (const form of SUPPORTED_EXPRESSIONS) expect(parsed.message).toContain(form);
    expect(() => compileExpression(source)).toThrow(/supported forms are/);
  });

  it('refuses an empty name', () => {
    const parsed = parseExpression("#[attributes.headers['']]");
    expect(parsed).toEqual({ ok: false, message: expect.stringContaining('empty name') });
  });

  it('evaluates a parsed expression directly', () => {
    const parsed = parseExpression('#[attributes.requestPath]');
    expect(parsed.ok && evaluateExpression(parsed.expression, attributes)).toBe('/api/orders/7');
  });
});
