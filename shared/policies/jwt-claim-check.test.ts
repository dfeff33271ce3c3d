import { describe, expect, it } from 'vitest';
import { compileExpression, parseExpression } from '../expressions';
import { claimPasses, parseClaimCheck } from './jwt-claim-check';

const check = (source: string) => {
  const parsed = parseClaimCheck(source);
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.check;
};

describe('custom claim checks', () => {
  it.each([
    ['admin', 'admin', true],
    ['admin', 'Admin', false],
    ['admin', ['user', 'admin'], true],
    ['42', 42, true],
    ["#[vars.claimSet.role == 'admin']", 'admin', true],
    ['#[vars.claimSet.role == "admin"]', 'root', false],
    ["#[vars.claimSet.role != 'guest']", 'admin', true],
    ["#[authentication.properties.claims.role != 'guest']", 'guest', false],
    ['#[vars.claimSet.email matches /[^@]+@acme\\.test/]', 'ann@acme.test', true],
    ['#[vars.claimSet.email matches /[^@]+@acme\\.test/]', 'ann@acme.test.evil', false],
    ['#[vars.claimSet.email matches /ANN@.*/i]', 'ann@x', true],
    ["#[vars.claimSet.scope contains 'read']", 'read write', true],
    ["#[vars.claimSet['scope'] contains 'read']", ['read', 'write'], true],
    ["#[vars.claimSet.scope contains 'read']", ['reader'], false],
    ['#[vars.claimSet.email_verified]', true, true],
    ['#[vars.claimSet.email_verified]', 'true', false],
    ['#[vars.claimSet.level == 3]', 3, true],
  ])('%s against %j → %s', (source, claim, expected) => {
    expect(claimPasses(check(source), claim)).toBe(expected);
  });

  it('compares with a request value', () => {
    const parsed = check("#[attributes.headers['x-tenant']]");
    expect(claimPasses(parsed, 'acme', 'acme')).toBe(true);
    expect(claimPasses(parsed, 'acme', 'other')).toBe(false);
    expect(claimPasses(parsed, 'acme', undefined)).toBe(false);
  });

  it('refuses what it cannot evaluate, listing the forms', () => {
    for (const source of ['#[vars.claimSet.a > 3]', '#[payload.x]', '#[vars.claimSet.a matches /(/]', '#[authentication.properties.claims.a'])
      expect(parseClaimCheck(source).ok).toBe(false);
  });
});

describe('claim expressions', () => {
  it.each([
    ['#[authentication.properties.claims.sub]', 'sub'],
    ["#[authentication.properties.claims['client-id']]", 'client-id'],
    ['#[vars.claimSet.client_id]', 'client_id'],
  ])('%s reads the %s claim', (source, name) => {
    expect(parseExpression(source)).toEqual({ ok: true, expression: { kind: 'claim', name } });
  });

  it('reads claims as text and is undefined without a validated token', () => {
    const base = { method: 'GET', requestPath: '/', remoteAddress: '::1', headers: {}, query: new URLSearchParams() };
    expect(compileExpression('#[authentication.properties.claims.roles]')({ ...base, claims: { roles: ['a', 'b'] } })).toBe('a, b');
    expect(compileExpression('#[authentication.properties.claims.n]')({ ...base, claims: { n: 7 } })).toBe('7');
    expect(compileExpression('#[authentication.properties.claims.sub]')(base)).toBeUndefined();
  });
});
