import { describe, expect, it } from 'vitest';
import { createIdentityIndex } from './identity';
import { hashSecret } from '../policies/secret-hash';
import { SnapshotError } from './snapshot-error';

describe('identity index', () => {
  const identity = createIdentityIndex({
    applications: [
      { clientId: 'mobile', name: 'Mobile app', secretHash: hashSecret('s3cret') },
      { clientId: 'web', name: 'Web app', secretHash: hashSecret('other') },
    ],
    tiers: [{ id: 'gold', name: 'Gold', apiId: 'orders', limits: [{ maximumRequests: 100, timePeriodInMilliseconds: 60_000 }], status: 'active' }],
    contracts: [
      { clientId: 'mobile', apiId: 'orders', tierId: 'gold', status: 'approved' },
      { clientId: 'mobile', apiId: 'users', status: 'approved' },
      { clientId: 'web', apiId: 'orders', tierId: 'gold', status: 'pending' },
      { clientId: 'web', apiId: 'users', status: 'revoked' },
    ],
  });

  it('authenticates a client whose secret matches its hash, and nobody else', () => {
    expect(identity.authenticate('mobile', 's3cret')).toEqual({ clientId: 'mobile', name: 'Mobile app' });
    expect(identity.authenticate('mobile', 'S3cret')).toBeUndefined();
    expect(identity.authenticate('mobile', '')).toBeUndefined();
    expect(identity.authenticate('nobody', 's3cret')).toBeUndefined();
    expect(identity.authenticate('web', 's3cret')).toBeUndefined();
  });

  it('pays for scrypt once per client and secret, not on every request', () => {
    identity.authenticate('web', 'other');
    const started = performance.now();
    for (let i = 0; i < 200; i++) expect(identity.authenticate('web', 'other')?.clientId).toBe('web');
    // 200 scrypt verifications would take seconds; cached ones take well under a millisecond each.
    expect(performance.now() - started).toBeLessThan(200);
  });

  it('finds only approved contracts, with the tier limits when there is a tier', () => {
    expect(identity.contractFor('mobile', 'orders')).toEqual({ tierId: 'gold', limits: [{ maximumRequests: 100, timePeriodInMilliseconds: 60_000 }] });
    expect(identity.contractFor('mobile', 'users')).toEqual({ tierId: undefined, limits: undefined });
    expect(identity.contractFor('web', 'orders')).toBeUndefined();
    expect(identity.contractFor('web', 'users')).toBeUndefined();
    expect(identity.contractFor('mobile', 'billing')).toBeUndefined();
  });

  it('rejects two applications with the same client id', () => {
    expect(() =>
      createIdentityIndex({
        applications: [
          { clientId: 'dup', name: 'A', secretHash: hashSecret('a') },
          { clientId: 'dup', name: 'B', secretHash: hashSecret('b') },
        ],
        tiers: [],
        contracts: [],
      }),
    ).toThrow(SnapshotError);
  });
});
