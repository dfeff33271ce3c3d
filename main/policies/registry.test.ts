import { describe, expect, it } from 'vitest';
import { policyCatalogue } from '../../shared/policies/catalogue';
import { builtInPolicies, isBuiltInPolicy, policyDefinition, registerPolicy, registeredPolicyNames, unregisterPolicy } from './registry';
import { decide, fakeRequest, testContext } from './testing';

describe('policy registry', () => {
  it('has an implementation for every per-request catalogue entry, and nothing unknown', () => {
    const perRequest = policyCatalogue.filter((entry) => entry.scope === 'request').map((entry) => entry.name);
    for (const name of perRequest) expect(policyDefinition(name), name).toBeDefined();
    expect(builtInPolicies.map((definition) => definition.name).sort()).toEqual([...perRequest].sort());
  });

  it('fills in defaults even when handed an unparsed config, and names a bad field', async () => {
    const spike = policyDefinition('spike-control-flex')!.create({}, testContext('spike-control-flex', {}));
    expect(await decide(spike, fakeRequest())).toMatchObject({ action: 'continue' });
    expect(() => policyDefinition('rate-limiting-flex')!.create({ rateLimits: [{ maximumRequests: -1, timePeriodInMilliseconds: 1 }] }, testContext('rate-limiting-flex', {}))).toThrow(
      /rateLimits\.0\.maximumRequests/,
    );
  });

  it('registers custom policies but will not let one replace a built-in by accident', async () => {
    registerPolicy({ name: 'custom-hello', create: () => ({ onRequest: () => ({ action: 'respond' as const, status: 200, body: 'hello' }) }) });
    expect(registeredPolicyNames()).toContain('custom-hello');
    expect(isBuiltInPolicy('custom-hello')).toBe(false);
    expect(await decide(policyDefinition('custom-hello')!.create({}, testContext('custom-hello', {})), fakeRequest())).toMatchObject({ body: 'hello' });
    expect(() => registerPolicy({ name: 'cors-flex', create: () => ({ onRequest: () => ({ action: 'continue' as const }) }) })).toThrow(/built in/);
    expect(unregisterPolicy('custom-hello')).toBe(true);
    expect(unregisterPolicy('cors-flex')).toBe(false);
    expect(policyDefinition('custom-hello')).toBeUndefined();
  });
});
