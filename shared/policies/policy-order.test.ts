import { describe, expect, it } from 'vitest';
import { corsOrderProblem, insertionIndex } from './policy-order';

const chain = (...refs: string[]) => refs.map((policyRef) => ({ policyRef, enabled: true }));

describe('policy order', () => {
  it('puts CORS first, authentication before rate limiting, transformations after both', () => {
    const existing = chain('http-basic-authentication-flex', 'rate-limiting-flex', 'header-injection-flex');
    expect(insertionIndex(existing, 'cors-flex')).toBe(0);
    expect(insertionIndex(existing, 'jwt-validation-flex')).toBe(1);
    expect(insertionIndex(existing, 'ip-allowlist-flex')).toBe(0);
    expect(insertionIndex(existing, 'spike-control-flex')).toBe(2);
    expect(insertionIndex(existing, 'header-removal-flex')).toBe(3);
    expect(insertionIndex(existing, 'response-timeout-flex')).toBe(3);
    expect(insertionIndex([], 'cors-flex')).toBe(0);
  });

  it('rate limiting goes after identification even when added first', () => {
    expect(insertionIndex(chain('rate-limiting-flex'), 'client-id-enforcement-flex')).toBe(0);
    expect(insertionIndex(chain('client-id-enforcement-flex'), 'rate-limiting-flex')).toBe(1);
  });

  it('flags CORS placed after a policy that asks for credentials, ignoring disabled ones', () => {
    expect(corsOrderProblem(chain('cors-flex', 'jwt-validation-flex'))).toBeUndefined();
    expect(corsOrderProblem(chain('rate-limiting-flex', 'client-id-enforcement-flex', 'cors-flex'))).toEqual({ corsIndex: 2, blockerIndex: 1 });
    expect(corsOrderProblem(chain('rate-limiting-sla-based-flex', 'cors-flex'))).toEqual({ corsIndex: 1, blockerIndex: 0 });
    expect(corsOrderProblem([{ policyRef: 'http-basic-authentication-flex', enabled: false }, { policyRef: 'cors-flex', enabled: true }])).toBeUndefined();
    expect(corsOrderProblem(chain('rate-limiting-flex', 'cors-flex'))).toBeUndefined();
  });
});
